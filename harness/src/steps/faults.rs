//! Steps that script provider faults through the admin API: "the Calendar API answers
//! 503 for the next 2 calls", optionally with `Retry-After`, or until further notice.

use cucumber::given;
use serde_json::json;

use crate::params::Api;
use crate::world::{StepResult, TenantWorld};

async fn add_fault(w: &mut TenantWorld, rule: serde_json::Value) -> StepResult {
    let live = w.live().await?;
    let url = format!("{}/tenants/{}/faults", live.admin_url(), live.tenant);
    let response = live.http.post(url).json(&rule).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("the admin API refused the fault: {}", response.text().await.unwrap_or_default()));
    }
    Ok(())
}

/// The next N calls to an API (Calendar, Directory, token, Gmail) answer this HTTP status in Google's error format.
#[given(expr = "the {api} API answers {int} for the next {int} call(s)")]
async fn fails_next(w: &mut TenantWorld, api: Api, status: u16, count: u32) -> StepResult {
    add_fault(w, json!({ "api": api.0, "status": status, "count": count })).await
}

/// Like the above, with a `Retry-After` header in seconds.
#[given(expr = "the {api} API answers {int} with Retry-After {int} for the next {int} call(s)")]
async fn fails_next_retry_after(
    w: &mut TenantWorld,
    api: Api,
    status: u16,
    retry_after: u64,
    count: u32,
) -> StepResult {
    add_fault(w, json!({ "api": api.0, "status": status, "retry_after": retry_after, "count": count })).await
}

/// Every call to an API answers this status until the scenario ends.
#[given(expr = "the {api} API answers {int} until further notice")]
async fn fails_always(w: &mut TenantWorld, api: Api, status: u16) -> StepResult {
    add_fault(w, json!({ "api": api.0, "status": status })).await
}

/// The Nth call to an API (counting from now) answers this status; the calls before it pass.
#[given(expr = "call number {int} to the {api} API answers {int}")]
async fn nth_call(w: &mut TenantWorld, n: u32, api: Api, status: u16) -> StepResult {
    add_fault(w, json!({ "api": api.0, "status": status, "after": n.saturating_sub(1), "count": 1 })).await
}

/// A token-bucket quota on an API: this many calls, refilled at that rate per minute of virtual time, per `user` or for the whole `project`.
#[given(expr = "the {api} API allows {int} calls, refilled at {int} a minute, per {word}")]
async fn quota(w: &mut TenantWorld, api: Api, capacity: u32, per_minute: u32, per: String) -> StepResult {
    if per != "user" && per != "project" {
        return Err(format!("`{per}` is not user or project"));
    }
    add_fault(w, json!({ "api": api.0, "quota": { "capacity": capacity, "per_minute": per_minute, "per": per } })).await
}

/// Every answer of an API is delayed by this many (real) milliseconds.
#[given(expr = "the {api} API is slow by {int} ms")]
async fn slow(w: &mut TenantWorld, api: Api, ms: u64) -> StepResult {
    add_fault(w, json!({ "api": api.0, "latency_ms": ms })).await
}

/// The next N calls to one endpoint (a path prefix like `/calendar/v3/users/me/calendarList`) answer this status; the rest of the API works.
#[given(expr = "{string} answers {int} for the next {int} call(s)")]
async fn endpoint_fails(w: &mut TenantWorld, path: String, status: u16, count: u32) -> StepResult {
    let api = match path.split('/').nth(1) {
        Some("calendar") => "calendar",
        Some("admin") => "directory",
        Some("gmail") => "gmail",
        Some("token") => "token",
        _ => return Err(format!("{path} is not a Google API path (/calendar/…, /admin/…, /gmail/…, /token)")),
    };
    add_fault(w, json!({ "api": api, "path": path, "status": status, "count": count })).await
}
