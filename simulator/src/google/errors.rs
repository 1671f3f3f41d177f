//! Google's error bodies, exactly in the shapes real clients parse.
//!
//! Two families: the token endpoint's flat `{"error","error_description"}` and the APIs'
//! nested `{"error":{"code","message","errors":[…],"status"}}`. Every Google route builds
//! its failures here so a shape is written once.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A flat OAuth token-endpoint error, e.g. `invalid_grant` / `Invalid JWT Signature.`.
pub fn oauth(status: u16, error: &str, description: &str) -> Response {
    json_response(status, json!({ "error": error, "error_description": description }))
}

/// The canonical gRPC-style status name for an HTTP status, as Google APIs send it.
fn status_name(status: u16) -> &'static str {
    match status {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        410 => "FAILED_PRECONDITION",
        412 => "FAILED_PRECONDITION",
        429 => "RESOURCE_EXHAUSTED",
        500 => "INTERNAL",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    }
}

/// Builder for the nested API error shape.
#[must_use = "an ApiError does nothing until turned into a response"]
pub struct ApiError {
    status: u16,
    domain: String,
    reason: String,
    message: String,
    location: Option<(String, String)>,
    details: Option<Value>,
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with `status`, `reason` and `message` in domain `global`.
    pub fn new(status: u16, reason: &str, message: &str) -> Self {
        Self {
            status,
            domain: "global".into(),
            reason: reason.into(),
            message: message.into(),
            location: None,
            details: None,
            retry_after: None,
        }
    }

    /// Sets the error domain (`calendar`, `usageLimits`, …).
    pub fn domain(mut self, domain: &str) -> Self {
        self.domain = domain.into();
        self
    }

    /// Names the offending parameter or header.
    pub fn location(mut self, location_type: &str, location: &str) -> Self {
        self.location = Some((location_type.into(), location.into()));
        self
    }

    /// Adds `details` (ErrorInfo and friends).
    pub fn details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Adds a `Retry-After` header.
    pub fn retry_after(mut self, seconds: Option<u64>) -> Self {
        self.retry_after = seconds;
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut item = json!({ "message": self.message, "domain": self.domain, "reason": self.reason });
        if let Some((kind, at)) = &self.location {
            item["locationType"] = json!(kind);
            item["location"] = json!(at);
        }
        let mut body = json!({
            "error": {
                "code": self.status,
                "message": self.message,
                "errors": [item],
                "status": status_name(self.status),
            }
        });
        if let Some(details) = self.details {
            body["error"]["details"] = details;
        }
        let mut response = json_response(self.status, body);
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == 401 {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\""),
            );
        }
        response
    }
}

/// 401 for a missing, unknown, expired or foreign access token.
pub fn invalid_credentials() -> Response {
    ApiError::new(401, "authError", "Invalid Credentials").location("header", "Authorization").into_response()
}

/// 401 when no credentials were sent at all.
pub fn login_required() -> Response {
    ApiError::new(
        401,
        "required",
        "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
    )
    .location("header", "Authorization")
    .into_response()
}

/// 403 when the token lacks every scope the endpoint accepts.
pub fn insufficient_scopes(service: &str, method: &str) -> Response {
    ApiError::new(403, "insufficientPermissions", "Request had insufficient authentication scopes.")
        .details(json!([{
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com",
            "metadata": { "service": service, "method": method }
        }]))
        .into_response()
}

/// 403 when a Directory call is made as a non-admin.
pub fn not_authorized() -> Response {
    ApiError::new(403, "forbidden", "Not Authorized to access this resource/api").into_response()
}

/// 404 in the classic shape.
pub fn not_found(message: &str) -> Response {
    ApiError::new(404, "notFound", message).into_response()
}

/// 400 for a bad query parameter.
pub fn invalid_parameter(parameter: &str, message: &str) -> Response {
    ApiError::new(400, "invalid", message).location("parameter", parameter).into_response()
}

/// The response for an injected fault, with the usual reason for its status unless the
/// rule named one.
pub fn injected(status: u16, reason: Option<&str>, retry_after: Option<u64>, api_domain: &str) -> Response {
    let (domain, default_reason, message) = match status {
        403 => ("usageLimits", "userRateLimitExceeded", "User Rate Limit Exceeded"),
        429 => ("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"),
        500 => ("global", "backendError", "Backend Error"),
        502 => ("global", "badGateway", "Bad Gateway"),
        503 => ("global", "backendError", "The service is currently unavailable."),
        404 => ("global", "notFound", "Not Found"),
        _ => (api_domain, "failedPrecondition", "Precondition check failed."),
    };
    let reason = reason.unwrap_or(default_reason);
    let message = match reason {
        "rateLimitExceeded" => "Rate Limit Exceeded",
        "userRateLimitExceeded" => "User Rate Limit Exceeded",
        "quotaExceeded" => "Calendar usage limits exceeded.",
        "backendError" if status == 500 => "Backend Error",
        _ => message,
    };
    ApiError::new(status, reason, message).domain(domain).retry_after(retry_after).into_response()
}

fn json_response(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=UTF-8"));
    response
}
