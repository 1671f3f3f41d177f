//! Zoom API v2: users, user settings and meetings, behind the shared bearer check.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::SecondsFormat;
use serde_json::{Value, json};

use super::state::{ZoomState, ZoomUser};
use crate::Simulator;
use crate::access::{self, Caller, Gate, ProviderErrors};
use crate::reply::Reply;
use crate::scenario::zoom::AutoRecording;
use crate::server::PinnedTenant;
use crate::tokens::Provider;

/// A Zoom API error body.
pub fn error(status: u16, code: u32, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, Json(json!({ "code": code, "message": message }))).into_response()
}

/// The answer to an injected fault; 429 carries Zoom's rate-limit headers.
pub fn fault_response(status: u16, retry_after: Option<u64>) -> Response {
    if status == 429 {
        let mut r =
            error(429, 429, "You have reached the maximum per-second rate limit for this API. Try again later.");
        let h = r.headers_mut();
        h.insert("X-RateLimit-Category", HeaderValue::from_static("Light"));
        h.insert("X-RateLimit-Type", HeaderValue::from_static("QPS"));
        h.insert("X-RateLimit-Limit", HeaderValue::from_static("30"));
        h.insert("X-RateLimit-Remaining", HeaderValue::from_static("0"));
        if let Some(s) = retry_after {
            h.insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        return r;
    }
    let message = if status >= 500 { "Internal Error" } else { "Request failed." };
    error(status, u32::from(status), message)
}

/// Zoom's wording of the shared pipeline's refusals.
pub(super) struct ZoomErrors;

impl crate::faults::ErrorFormat for ZoomErrors {
    fn fault(&self, fault: &crate::faults::InjectedFault, _api: &str) -> Response {
        fault_response(fault.status, fault.retry_after)
    }
}

impl ProviderErrors for ZoomErrors {
    fn invalid_token(&self) -> Response {
        error(401, 124, "Invalid access token.")
    }
    fn expired_token(&self) -> Response {
        error(401, 124, "Access token is expired.")
    }
}

/// Admits the request through the shared pipeline with Zoom's scope rules, then runs `f`
/// on a snapshot of the account with no lock held.
fn with_account(
    sim: &Simulator,
    pin: Option<&PinnedTenant>,
    headers: &HeaderMap,
    uri: &Uri,
    scope: &str,
    target: Option<&str>,
    f: impl FnOnce(&ZoomState) -> Response,
) -> Reply {
    let gate = Gate { provider: Provider::Zoom, api: "zoom", path: uri.path(), errors: &ZoomErrors };
    let check = |t: &crate::tenant::Tenant, caller: &Caller| {
        if caller.scopes.contains(scope) {
            return Ok(());
        }
        // A user-level scope (without `:admin`) reads only the account owner's own data.
        let user_level = scope.strip_suffix(":admin").is_some_and(|s| caller.scopes.contains(s));
        let own = |z: &ZoomState, t: &str| {
            t == "me" || z.users.first().is_some_and(|u| u.id == t || u.email.eq_ignore_ascii_case(t))
        };
        let allowed = user_level && t.zoom.as_deref().is_some_and(|z| target.is_some_and(|t| own(z, t)));
        match (allowed, user_level) {
            (true, _) => Ok(()),
            (false, true) => Err(error(400, 200, "No permission.")),
            (false, false) => {
                Err(error(400, 4711, &format!("Invalid access token, does not contain scopes:[{scope}].")))
            }
        }
    };
    let admitted = match access::admit(sim, pin, headers, &gate, check, |t, _| t.zoom.clone()) {
        Ok(a) => a,
        Err(refusal) => return refusal,
    };
    match &admitted.snapshot {
        Some(zoom) => admitted.reply(f(zoom)),
        None => admitted.reply(ZoomErrors.invalid_token()),
    }
}

fn user_json(u: &ZoomUser) -> Value {
    json!({
        "id": u.id,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "display_name": format!("{} {}", u.first_name, u.last_name).trim(),
        "email": u.email,
        "type": u.license_type,
        "pmi": u.pmi,
        "timezone": "UTC",
        "verified": 1,
        "dept": "",
        "created_at": "2020-01-01T00:00:00Z",
        "last_login_time": "2025-01-01T00:00:00Z",
        "language": "en-US",
        "status": u.status,
        "role_id": "2",
        "group_ids": [],
    })
}

fn auto(a: AutoRecording) -> &'static str {
    match a {
        AutoRecording::Local => "local",
        AutoRecording::Cloud => "cloud",
        AutoRecording::None => "none",
    }
}

pub(super) async fn list_users(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    with_account(&sim, pin.as_deref(), &headers, &uri, "user:read:list_users:admin", None, |z| {
        let status = q.get("status").map(String::as_str).unwrap_or("active");
        let size = match q.get("page_size").map(|s| s.parse::<usize>()) {
            None => 30,
            Some(Ok(n)) if (1..=300).contains(&n) => n,
            Some(_) => return error(400, 300, "Invalid field: page_size."),
        };
        let users: Vec<&ZoomUser> = z.users.iter().filter(|u| u.status == status).collect();
        let fingerprint = format!("zoom-users|{status}");
        let offset = match q.get("next_page_token").filter(|t| !t.is_empty()) {
            None => 0,
            Some(t) => match crate::paging::decode(t, &fingerprint) {
                Some(o) => o,
                None => return error(400, 300, "Invalid next_page_token."),
            },
        };
        let (page, next) = crate::paging::page(&users, offset, size, &fingerprint);
        Json(json!({
            "page_count": users.len().div_ceil(size).max(1),
            "page_number": offset / size + 1,
            "page_size": size,
            "total_records": users.len(),
            "next_page_token": next.unwrap_or_default(),
            "users": page.iter().map(|u| user_json(u)).collect::<Vec<_>>(),
        }))
        .into_response()
    })
}

pub(super) async fn get_user(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: Uri,
    Path(user_id): Path<String>,
) -> Reply {
    with_account(&sim, pin.as_deref(), &headers, &uri, "user:read:admin", Some(&user_id), |z| match z.user(&user_id) {
        Some(u) => Json(user_json(u)).into_response(),
        None => error(404, 1001, &format!("User does not exist: {user_id}.")),
    })
}

pub(super) async fn user_settings(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: Uri,
    Path(user_id): Path<String>,
) -> Reply {
    with_account(&sim, pin.as_deref(), &headers, &uri, "user:read:settings:admin", Some(&user_id), |z| {
        match z.user(&user_id) {
        Some(u) => Json(json!({
            "schedule_meeting": { "host_video": true, "participants_video": true, "join_before_host": u.join_before_host },
            "in_meeting": { "waiting_room": u.waiting_room, "e2e_encryption": false, "chat": true },
            "recording": {
                "local_recording": u.local_recording,
                "cloud_recording": u.cloud_recording,
                "auto_recording": auto(u.auto_recording),
                "host_pause_stop_recording": true,
                "record_speaker_view": true,
                "record_gallery_view": true,
                "record_audio_file": true,
                "save_chat_text": true,
                "recording_audio_transcript": u.license_type == 2,
            },
        }))
        .into_response(),
        None => error(404, 1001, &format!("User does not exist: {user_id}.")),
    }
    })
}

pub(super) async fn get_meeting(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: Uri,
    Path(meeting_id): Path<String>,
) -> Reply {
    with_account(&sim, pin.as_deref(), &headers, &uri, "meeting:read:admin", None, |z| {
        let Some(m) = meeting_id.parse::<u64>().ok().and_then(|id| z.meetings.iter().find(|m| m.id == id)) else {
            return error(404, 3001, &format!("Meeting does not exist: {meeting_id}."));
        };
        let host = z.user(&m.host_email);
        let inherit = |own: Option<bool>, f: fn(&ZoomUser) -> bool| own.unwrap_or_else(|| host.map(f).unwrap_or(false));
        Json(json!({
            "uuid": m.uuid,
            "id": m.id,
            "host_id": host.map(|h| h.id.clone()).unwrap_or_default(),
            "host_email": m.host_email,
            "topic": m.topic,
            "type": 2,
            "status": "waiting",
            "start_time": m.start.to_rfc3339_opts(SecondsFormat::Secs, true),
            "duration": m.duration_minutes,
            "timezone": "UTC",
            "agenda": "",
            "created_at": m.start.to_rfc3339_opts(SecondsFormat::Secs, true),
            "start_url": format!("https://zoom.us/s/{}?zak=simulated", m.id),
            "join_url": format!("https://zoom.us/j/{}?pwd={}", m.id, m.password),
            "password": m.password,
            "settings": {
                "host_video": true,
                "join_before_host": inherit(m.join_before_host, |h| h.join_before_host),
                "waiting_room": inherit(m.waiting_room, |h| h.waiting_room),
                "auto_recording": auto(m.auto_recording.or(host.map(|h| h.auto_recording)).unwrap_or(AutoRecording::None)),
                "alternative_hosts": "",
                "meeting_authentication": false,
            },
        }))
        .into_response()
    })
}
