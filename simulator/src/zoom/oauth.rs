//! `POST /oauth/token?grant_type=account_credentials&account_id=…` with HTTP Basic
//! client credentials. Issuing a token invalidates the account's earlier tokens, as
//! Zoom's server-to-server apps do.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
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

fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
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
    let mut guard = sim.state();
    let state = &mut *guard;
    let Some(tenant) = state.tenants.values_mut().find(|t| {
        pin.as_ref().is_none_or(|p| p.0.0 == t.id) && t.zoom.as_ref().is_some_and(|z| z.account_id == account_id)
    }) else {
        return Reply::new(token_error("Account does not exist", "invalid_request"));
    };
    let now = tenant.clock.now();
    let tenant_id = tenant.id.clone();
    let zoom = tenant.zoom.as_ref().expect("matched on zoom");
    let reply = |r: Response| Reply::new(r).tenant(&tenant_id, now);
    match basic(&headers) {
        Some((id, secret)) if id == zoom.client_id && secret == zoom.client_secret => {}
        _ => return reply(token_error("Invalid client_id or client_secret", "invalid_client")),
    }
    if let Some(fault) = tenant.faults.take("zoom_token", "/oauth/token", None, now) {
        return reply(super::api::fault_response(fault.status, fault.retry_after));
    }
    let scope = zoom.scopes.join(" ");
    // A new token invalidates the account's earlier ones.
    state.tokens.revoke_provider(&tenant_id, Provider::Zoom);
    let grant = AccessGrant {
        tenant: tenant_id.clone(),
        provider: Provider::Zoom,
        subject: None,
        scopes: zoom.scopes.iter().cloned().collect(),
        expires_at: now + Duration::seconds(TOKEN_SECONDS),
    };
    let access_token = state.tokens.issue("eyJzdiI6IjAwMDAwMSJ9.", &mut tenant.rng, grant);
    reply(
        Json(json!({
            "access_token": access_token,
            "token_type": "bearer",
            "expires_in": TOKEN_SECONDS,
            "scope": scope,
            "api_url": "https://api.zoom.us",
        }))
        .into_response(),
    )
}
