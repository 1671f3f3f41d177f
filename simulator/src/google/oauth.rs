//! `POST /token`: the OAuth 2 token endpoint, for the service-account JWT-bearer grant
//! with domain-wide delegation.
//!
//! The assertion's RS256 signature is verified with the tenant's generated key. Its
//! `aud` may be Google's real token URL (google-auth always sends that) or this server's.
//! Its `iat`/`exp` must describe a token of at most an hour that is current on either the
//! tenant's virtual clock (engines on virtual time) or the wall clock (real client
//! libraries, which sign with system time). Impersonation follows the tenant's app
//! access: unknown users get `invalid_grant`, users outside the trusted org units and
//! groups or scopes not granted get `unauthorized_client` (401).

use std::collections::{BTreeSet, HashMap};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::json;

use super::errors::oauth;
use super::state::ImpersonationRefusal;
use crate::Simulator;
use crate::reply::Reply;
use crate::scenario::spec::{OutsideOuAnswer, SuspendedUserAnswer};
use crate::server::PinnedTenant;
use crate::tokens::{AccessGrant, Provider};

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const GOOGLE_AUDIENCES: &[&str] = &[
    "https://oauth2.googleapis.com/token",
    "https://www.googleapis.com/oauth2/v4/token",
    "https://accounts.google.com/o/oauth2/token",
];
/// Lifetime of an access token, in seconds, as Google reports it.
pub const ACCESS_TOKEN_SECONDS: i64 = 3599;
const SKEW: i64 = 300;

#[derive(Debug, Deserialize)]
struct Claims {
    iss: String,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    aud: Option<serde_json::Value>,
    iat: i64,
    exp: i64,
}

#[derive(Debug, Deserialize)]
struct Unverified {
    iss: Option<String>,
}

const SHORT_LIVED: &str = "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";

pub(super) async fn token(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let grant_type = form.get("grant_type").map(String::as_str).unwrap_or_default();
    if matches!(grant_type, "authorization_code" | "refresh_token") {
        return super::user_oauth::exchange(&sim, pin.as_deref(), &form, crate::access::basic(&headers));
    }
    if grant_type != JWT_BEARER {
        return Reply::new(oauth(400, "unsupported_grant_type", &format!("Invalid grant_type: {grant_type}")));
    }
    let Some(assertion) = form.get("assertion") else {
        return Reply::new(oauth(400, "invalid_request", "Missing required parameter: assertion"));
    };
    let Ok(unverified) = jsonwebtoken::dangerous::insecure_decode_claims::<Unverified>(assertion) else {
        return Reply::new(oauth(400, "invalid_grant", "Invalid JWT Signature."));
    };
    let iss = unverified.iss.unwrap_or_default();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default().to_string();

    // Find the tenant by its service account (no tenant lock), take a snapshot of its
    // Google data under a short lock, and check the assertion with no lock held.
    let pin_id = pin.as_ref().map(|p| p.0.0.as_str());
    let Some(cell) = sim.find_tenant(pin_id, |id| id.google_service_account.as_deref() == Some(iss.as_str())) else {
        return Reply::new(oauth(401, "invalid_client", "The OAuth client was not found."));
    };
    let (google, now) = {
        let t = cell.lock();
        (t.google.clone(), t.clock.now())
    };
    let tenant_id = cell.id.as_str();
    let Some(google) = google else {
        return Reply::new(oauth(401, "invalid_client", "The OAuth client was not found."));
    };
    if google.client_disabled {
        return Reply::new(oauth(401, "disabled_client", "The OAuth client was disabled.")).tenant(tenant_id, now);
    }
    let reply = |r: Response, sub: Option<&str>| Reply::new(r).tenant(tenant_id, now).subject(sub);

    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims = Default::default();
    let claims = match jsonwebtoken::decode::<Claims>(assertion, &google.service_account.key.decoding_key, &validation)
    {
        Ok(data) => data.claims,
        Err(e) => {
            let description = match e.kind() {
                jsonwebtoken::errors::ErrorKind::Json(_) | jsonwebtoken::errors::ErrorKind::MissingRequiredClaim(_) => {
                    "Invalid JWT: iat, exp, iss and aud claims are required."
                }
                _ => "Invalid JWT Signature.",
            };
            return reply(oauth(400, "invalid_grant", description), None);
        }
    };
    let sub = claims.sub.as_deref().map(str::to_ascii_lowercase);
    if claims.iss != google.service_account.client_email {
        return reply(oauth(401, "invalid_client", "The OAuth client was not found."), sub.as_deref());
    }
    if !audience_ok(claims.aud.as_ref(), &host) {
        return reply(oauth(400, "invalid_grant", "Invalid JWT: Failed audience check."), sub.as_deref());
    }
    let current = |t: DateTime<Utc>| {
        let at = t.timestamp();
        claims.iat <= at.saturating_add(SKEW) && claims.exp > at.saturating_sub(SKEW)
    };
    let lifetime = claims.exp.checked_sub(claims.iat);
    if !lifetime.is_some_and(|l| (1..=3600).contains(&l)) || !(current(now) || current(Utc::now())) {
        return reply(oauth(400, "invalid_grant", SHORT_LIVED), sub.as_deref());
    }
    let scopes: Vec<String> = claims.scope.unwrap_or_default().split_whitespace().map(str::to_string).collect();
    if scopes.is_empty() {
        return reply(oauth(400, "invalid_scope", "Empty or missing scope not allowed."), sub.as_deref());
    }
    let refusal = match &sub {
        Some(user) => google.may_impersonate(user, &scopes),
        None => google.check_scopes(&scopes),
    };
    if let Err(refusal) = refusal {
        return reply(impersonation_refused(&google, refusal), sub.as_deref());
    }
    issue(&cell, sub, scopes, |body| body)
}

/// Runs the token endpoint's fault rules, then issues a Google access token for `subject`
/// with `scopes`; `finish` may add fields to the answer (a refresh token, `scope`). Every
/// grant of `POST /token` ends here.
pub(super) fn issue(
    cell: &crate::TenantCell,
    subject: Option<String>,
    scopes: Vec<String>,
    finish: impl FnOnce(serde_json::Value) -> serde_json::Value,
) -> Reply {
    let mut tenant = cell.lock();
    let now = tenant.clock.now();
    let call = crate::faults::FaultCall { api: "token", path: "/token", user: subject.as_deref() };
    let intercept = tenant.faults.intercept(&call, now, &super::auth::GoogleErrors);
    let reply = |r: Response| Reply::new(r).tenant(&cell.id, now).subject(subject.as_deref()).delayed(intercept.delay);
    if let Some(answer) = intercept.answer {
        return reply(answer);
    }
    let grant = AccessGrant {
        provider: Provider::Google,
        subject: subject.clone(),
        scopes: std::sync::Arc::new(scopes.into_iter().collect::<BTreeSet<_>>()),
        expires_at: now + Duration::seconds(ACCESS_TOKEN_SECONDS),
    };
    let access_token = tenant.tokens.issue("ya29.", grant, now);
    drop(tenant);
    let body = json!({ "access_token": access_token, "expires_in": ACCESS_TOKEN_SECONDS, "token_type": "Bearer" });
    reply(axum::Json(finish(body)).into_response())
}

fn impersonation_refused(google: &super::state::GoogleState, refusal: ImpersonationRefusal) -> Response {
    match refusal {
        ImpersonationRefusal::UnknownUser => oauth(400, "invalid_grant", "Invalid email or User ID"),
        ImpersonationRefusal::Deleted => oauth(400, "invalid_grant", "The account has been deleted"),
        ImpersonationRefusal::Suspended => match google.quirks.suspended_user {
            SuspendedUserAnswer::InvalidGrant => oauth(400, "invalid_grant", "Invalid email or User ID"),
            SuspendedUserAnswer::AccessDenied => oauth(400, "access_denied", "Account restricted"),
        },
        ImpersonationRefusal::OutsideTrustedScope
            if google.quirks.outside_trusted_org_unit == OutsideOuAnswer::AdminPolicyEnforced =>
        {
            oauth(
                400,
                "admin_policy_enforced",
                "Access to your account data is restricted by policies within your organization. Please contact the administrator for your organization for more information.",
            )
        }
        ImpersonationRefusal::OutsideTrustedScope | ImpersonationRefusal::ScopeNotGranted(_) => oauth(
            401,
            "unauthorized_client",
            "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.",
        ),
    }
}

fn audience_ok(aud: Option<&serde_json::Value>, host: &str) -> bool {
    let ok = |a: &str| {
        GOOGLE_AUDIENCES.contains(&a)
            || (!host.is_empty()
                && (a.starts_with(&format!("http://{host}/")) || a.starts_with(&format!("https://{host}/"))))
    };
    match aud {
        Some(serde_json::Value::String(a)) => ok(a),
        Some(serde_json::Value::Array(list)) => list.iter().filter_map(|v| v.as_str()).any(ok),
        _ => false,
    }
}
