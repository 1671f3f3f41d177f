//! The admin API under `/_sim`: load, replace, reset and unload scenarios; read and move
//! a tenant's virtual clock; apply changes and faults now; read the request journal;
//! download credentials; read the manifest.
//!
//! JSON in, JSON out. Errors are `{"error":{"code","message"}}`, plus `diagnostics`
//! (line, column, field, message) for a scenario that does not check.
//!
//! The admin API can read private keys and rewrite tenants, so every call passes
//! [`guard`] first: the `Host` header must name a loopback address or a host the
//! operator allowed (a web page cannot reach it through DNS rebinding), a `POST` must
//! carry a JSON (or, for scenarios, YAML) body type (a cross-site form or `no-cors`
//! fetch cannot send one), and when the simulator was given an admin token, the call
//! must present it as `Authorization: Bearer …`.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::clock::{parse_duration, parse_instant};
use crate::journal::JournalFilter;
use crate::scenario::{self, ScenarioError};
use crate::{FaultRule, SimError, Simulator};

/// Who may use the admin API.
#[derive(Debug, Clone, Default)]
pub(crate) struct AdminPolicy {
    /// Required bearer token, if set.
    pub token: Option<String>,
    /// Host names (lowercase, with port if the client sends one) accepted beyond loopback;
    /// `*` accepts any.
    pub extra_hosts: Vec<String>,
}

impl AdminPolicy {
    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        if self.extra_hosts.iter().any(|h| h == "*" || *h == host) {
            return true;
        }
        let name = match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default().to_string(),
            None => host.rsplit_once(':').map_or(host.as_str(), |(name, _)| name).to_string(),
        };
        name == "localhost"
            || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
            || self.extra_hosts.contains(&name)
    }
}

/// Media types a state-changing admin call may carry.
const BODY_TYPES: &[&str] = &["application/json", "application/yaml", "application/x-yaml", "text/yaml"];

/// Checks `Host`, body type and admin token before any admin handler runs.
pub(crate) async fn guard(State(sim): State<Simulator>, request: Request, next: Next) -> Response {
    let policy = sim.admin_policy();
    let headers = request.headers();
    if let Some(host) = headers.get(header::HOST).map(|h| h.to_str().unwrap_or("\u{fffd}"))
        && !policy.host_allowed(host)
    {
        return error(
            StatusCode::FORBIDDEN,
            format!(
                "the admin API answers only requests addressed to this machine (Host `{host}` is not loopback); start the simulator with --allow-host {host} to accept it"
            ),
        );
    }
    if let Some(expected) = &policy.token
        && crate::access::bearer(headers).as_deref() != Some(expected.as_str())
    {
        return error(StatusCode::UNAUTHORIZED, "the admin API needs `Authorization: Bearer <admin token>`");
    }
    if request.method() == Method::POST {
        let media = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
        if !media.as_deref().is_some_and(|m| BODY_TYPES.contains(&m)) {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "admin POSTs need `Content-Type: application/json` (scenarios may also be application/yaml); got {}",
                    media.as_deref().unwrap_or("none")
                ),
            );
        }
    }
    next.run(request).await
}

pub(crate) fn routes(sim: Simulator) -> Router<Simulator> {
    Router::new()
        .route("/_sim/health", get(health))
        .route("/_sim/manifest", get(manifest))
        .route("/_sim/journal", get(journal).delete(clear_journal))
        .route("/_sim/tenants", get(list_tenants).post(load))
        .route("/_sim/tenants/{id}", get(tenant_summary).put(replace).delete(unload))
        .route("/_sim/tenants/{id}/reset", post(reset))
        .route("/_sim/tenants/{id}/clock", get(read_clock).post(move_clock))
        .route("/_sim/tenants/{id}/actions", post(apply_action))
        .route("/_sim/tenants/{id}/changes", get(changes))
        .route("/_sim/tenants/{id}/faults", get(list_faults).post(add_fault).delete(clear_faults))
        .route("/_sim/tenants/{id}/google/service-account.json", get(key_file))
        .route_layer(axum::middleware::from_fn_with_state(sim, guard))
}

fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, Json(json!({ "error": { "code": status.as_u16(), "message": message.to_string() } }))).into_response()
}

impl IntoResponse for SimError {
    fn into_response(self) -> Response {
        let status = match &self {
            SimError::UnknownTenant(_) | SimError::NoGoogle(_) => StatusCode::NOT_FOUND,
            SimError::TenantExists(_) => StatusCode::CONFLICT,
            SimError::Clock(_) | SimError::Action(_) | SimError::BadTenantId { .. } | SimError::BadFault(_) => {
                StatusCode::BAD_REQUEST
            }
        };
        error(status, self)
    }
}

fn scenario_error(e: &ScenarioError) -> Response {
    let diagnostics: Vec<_> = e
        .diagnostics
        .iter()
        .map(|d| json!({ "line": d.line, "column": d.column, "field": d.field, "message": d.message }))
        .collect();
    let body = json!({ "error": { "code": 400, "message": e.to_string(), "diagnostics": diagnostics } });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// `http://host:port` as the client addressed us.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    format!("http://{host}")
}

async fn health(State(sim): State<Simulator>) -> Response {
    Json(json!({ "status": "ok", "tenants": sim.tenant_ids() })).into_response()
}

async fn manifest(State(sim): State<Simulator>, headers: HeaderMap) -> Response {
    Json(sim.manifest(&base_url(&headers))).into_response()
}

async fn journal(State(sim): State<Simulator>, Query(filter): Query<JournalFilter>) -> Response {
    let (held, capacity, evicted, bytes) = sim.journal_stats();
    let entries = sim.journal(&filter);
    Json(json!({ "entries": entries, "held": held, "capacity": capacity, "evicted": evicted, "approximate_bytes": bytes }))
        .into_response()
}

async fn clear_journal(State(sim): State<Simulator>) -> Response {
    sim.journal_lock().clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn list_tenants(State(sim): State<Simulator>) -> Response {
    let tenants: Vec<_> = sim.tenant_ids().iter().filter_map(|id| summary(&sim, id).ok()).collect();
    Json(json!({ "tenants": tenants })).into_response()
}

fn summary(sim: &Simulator, id: &str) -> Result<serde_json::Value, SimError> {
    sim.with_tenant(id, |t| {
        Ok(json!({
            "id": t.id,
            "scenario": t.scenario.name,
            "description": t.scenario.description,
            "now": t.clock.now(),
            "start": t.clock.start(),
            "providers": { "google": t.google.is_some(), "zoom": t.zoom.is_some() },
            "live_tokens": t.tokens.len(),
            "pending_changes": t.pending().len(),
            "company": t.scenario.company,
        }))
    })
}

async fn tenant_summary(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    match summary(&sim, &id) {
        Ok(s) => Json(s).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct LoadParams {
    id: Option<String>,
}

fn parse_body(body: &Bytes) -> Result<scenario::Scenario, Response> {
    scenario::parse_bytes("<request body>", body).map_err(|e| scenario_error(&e))
}

async fn load(State(sim): State<Simulator>, headers: HeaderMap, Query(p): Query<LoadParams>, body: Bytes) -> Response {
    let scenario = match parse_body(&body) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let id = p.id.unwrap_or_else(|| scenario.name.clone());
    match sim.load_as(&id, scenario, false) {
        Ok(id) => {
            let manifest = sim.manifest(&base_url(&headers));
            (StatusCode::CREATED, Json(json!({ "id": id, "tenant": manifest.tenants.get(&id) }))).into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn replace(State(sim): State<Simulator>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let scenario = match parse_body(&body) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match sim.load_as(&id, scenario, true) {
        Ok(id) => {
            let manifest = sim.manifest(&base_url(&headers));
            Json(json!({ "id": id, "tenant": manifest.tenants.get(&id) })).into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn unload(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    match sim.unload(&id) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn reset(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    match sim.reset(&id).and_then(|()| sim.clock(&id)) {
        Ok(clock) => Json(clock).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn read_clock(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    match sim.clock(&id) {
        Ok(clock) => Json(clock).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockChange {
    advance: Option<String>,
    set: Option<String>,
}

async fn move_clock(State(sim): State<Simulator>, Path(id): Path<String>, body: Bytes) -> Response {
    let change: ClockChange = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("expected {{\"advance\":\"45m\"}} or {{\"set\":\"2025-03-10T10:00:00Z\"}}: {e}"),
            );
        }
    };
    let result = match (change.advance, change.set) {
        (Some(by), None) => match parse_duration(&by) {
            Ok(d) => sim.advance(&id, d),
            Err(e) => return error(StatusCode::BAD_REQUEST, format!("advance: {e}")),
        },
        (None, Some(to)) => {
            let start = match sim.clock(&id) {
                Ok(c) => c.start,
                Err(e) => return e.into_response(),
            };
            match parse_instant(&to, start) {
                Ok(t) => sim.set_clock(&id, t),
                Err(e) => return error(StatusCode::BAD_REQUEST, format!("set: {e}")),
            }
        }
        _ => {
            return error(StatusCode::BAD_REQUEST, "give exactly one of `advance` or `set`");
        }
    };
    match result {
        Ok(clock) => Json(clock).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn apply_action(State(sim): State<Simulator>, Path(id): Path<String>, body: Bytes) -> Response {
    let step: scenario::spec::TimelineStepSpec = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => {
            return error(StatusCode::BAD_REQUEST, format!("not a timeline action: {e}"));
        }
    };
    let start = match sim.clock(&id) {
        Ok(c) => c.start,
        Err(e) => return e.into_response(),
    };
    let action = match scenario::resolve_action(&step, start) {
        Ok(a) => a,
        Err(m) => return error(StatusCode::BAD_REQUEST, m),
    };
    match sim.apply(&id, &action) {
        Ok(applied) => Json(applied).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn changes(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    match sim.changes(&id) {
        Ok(c) => Json(json!({ "changes": c })).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn list_faults(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    match sim.faults(&id) {
        Ok(f) => Json(json!({ "faults": f })).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn add_fault(State(sim): State<Simulator>, Path(id): Path<String>, body: Bytes) -> Response {
    let rule: FaultRule = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("not a fault rule: {e}")),
    };
    match sim.add_fault(&id, rule) {
        Ok(()) => StatusCode::CREATED.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn clear_faults(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    match sim.clear_faults(&id) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn key_file(State(sim): State<Simulator>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    match sim.google_key_file(&id, &format!("{}/t/{id}", base_url(&headers))) {
        Ok(k) => Json(k).into_response(),
        Err(e) => e.into_response(),
    }
}
