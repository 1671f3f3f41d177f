//! `POST /oauth/token?grant_type=account_credentials&account_id=…` with HTTP Basic
//! client credentials. Issuing a token invalidates the account's earlier tokens, as
//! Zoom's server-to-server apps do.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use serde_json::json;

use crate::Simulator;
use crate::reply::Reply;
use crate::server::PinnedTenant;
use crate::tokens::{AccessGrant, Provider};

/// Token lifetime, seconds.
pub const TOKEN_SECONDS: i64 = 3600;
/// Scopes every token carries.
pub const SCOPES: &str = "user:read:admin meeting:read:admin user:read:list_users:admin user:read:settings:admin";

fn token_error(reason: &str, error: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "reason": reason, "error": error }))).into_response()
}

pub(super) async fn token(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Reply {
    // Parameters may come in the query (documented) or a form body (some clients).
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let param = |k: &str| q.get(k).or_else(|| form.get(k)).cloned().unwrap_or_default();
    if param("grant_type") != "account_credentials" {
        return Reply::new(token_error("unsupported grant type", "unsupported_grant_type"));
    }
    let account_id = param("account_id");
    if account_id.is_empty() {
        return Reply::new(token_error("Bad Request", "invalid_request"));
    }
    let pin_id = pin.as_ref().map(|p| p.0.0.as_str());
    let Some(cell) = sim.find_tenant(pin_id, |id| id.zoom_account.as_deref() == Some(account_id.as_str())) else {
        return Reply::new(token_error("Account does not exist", "invalid_request"));
    };
    let mut tenant = cell.lock();
    let now = tenant.clock.now();
    let Some(zoom) = tenant.zoom.clone() else {
        return Reply::new(token_error("Account does not exist", "invalid_request"));
    };
    let reply = |r: Response| Reply::new(r).tenant(&cell.id, now);
    match crate::access::basic(&headers) {
        Some((id, secret)) if id == zoom.client_id && secret == zoom.client_secret => {}
        _ => return reply(token_error("Invalid client_id or client_secret", "invalid_client")),
    }
    let call = crate::faults::FaultCall { api: "zoom_token", path: "/oauth/token", user: None };
    let intercept = tenant.faults.intercept(&call, now, &super::api::ZoomErrors);
    if let Some(answer) = intercept.answer {
        return reply(answer).delayed(intercept.delay);
    }
    // A new token invalidates the account's earlier ones.
    tenant.tokens.revoke_provider(Provider::Zoom);
    let grant = AccessGrant {
        provider: Provider::Zoom,
        subject: None,
        scopes: std::sync::Arc::new(zoom.scopes.iter().cloned().collect()),
        expires_at: now + Duration::seconds(TOKEN_SECONDS),
    };
    let access_token = tenant.tokens.issue("eyJzdiI6IjAwMDAwMSJ9.", grant, now);
    drop(tenant);
    reply(
        Json(json!({
            "access_token": access_token,
            "token_type": "bearer",
            "expires_in": TOKEN_SECONDS,
            "scope": zoom.scopes.join(" "),
            "api_url": "https://api.zoom.us",
        }))
        .into_response(),
    )
    .delayed(intercept.delay)
}
