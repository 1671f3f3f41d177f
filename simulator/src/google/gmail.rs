//! Gmail API v1: the user's profile, messages list (`q` with `after:`, `before:`,
//! `from:`, `to:`, `subject:`; `labelIds`; paging), message get (`format` minimal,
//! metadata, full, raw) and history, as a delegated reader sees them.
//!
//! Errors: another user's mailbox → 403 "Delegation denied for …"; no Gmail licence →
//! 400 `failedPrecondition` "Mail service not enabled"; a `startHistoryId` older than the
//! mailbox keeps → 404 `notFound`; `q` with only the metadata scope → 403.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use super::auth::{Caller, Requirement, with_caller};
use super::errors::{self, ApiError};
use super::state::{GoogleState, Mailbox, MessageRecord};
use crate::Simulator;
use crate::paging;
use crate::reply::Reply;
use crate::server::PinnedTenant;

const MAIL: Requirement = Requirement {
    api: "gmail",
    scopes: &["gmail.readonly", "gmail.metadata", "gmail.modify"],
    service: "gmail.googleapis.com",
    method: "caribou.api.proto.MailboxService.ListMessages",
};

/// Repeated query parameters (`labelIds`, `metadataHeaders`) keep every value.
fn params(raw: Option<String>) -> Vec<(String, String)> {
    serde_urlencoded::from_str(&raw.unwrap_or_default()).unwrap_or_default()
}

fn first<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn mailbox<'a>(g: &'a GoogleState, caller: &Caller, user_id: &str) -> Result<&'a Mailbox, Response> {
    let me = caller.subject.clone().unwrap_or_default();
    let target = if user_id == "me" { me.clone() } else { user_id.to_ascii_lowercase() };
    if target != me {
        let message = format!("Delegation denied for {me}");
        return Err(ApiError::new(403, "forbidden", &message).into_response());
    }
    let mb = g
        .mailboxes
        .iter()
        .find(|m| m.owner == target)
        .ok_or_else(|| errors::not_found("Requested entity was not found."))?;
    if !mb.licensed {
        return Err(ApiError::new(400, "failedPrecondition", "Mail service not enabled").into_response());
    }
    Ok(mb)
}

/// The caller holds only `gmail.metadata` (no message bodies, no `q`).
fn metadata_only(caller: &Caller) -> bool {
    let has = |s: &str| caller.scopes.contains(&format!("https://www.googleapis.com/auth/{s}"));
    has("gmail.metadata") && !has("gmail.readonly") && !has("gmail.modify")
}

pub(super) async fn profile(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(user_id): Path<String>,
) -> Reply {
    with_caller(&sim, pin.as_deref(), &headers, &uri, &MAIL, |g, caller| match mailbox(g, caller, &user_id) {
        Ok(mb) => crate::rendered::json(&json!({
            "emailAddress": mb.owner,
            "messagesTotal": mb.messages.len(),
            "threadsTotal": mb.messages.len(),
            "historyId": mb.history_id.to_string(),
        })),
        Err(r) => r,
    })
}

/// The `q` terms the simulator understands, ANDed.
fn matches_query(m: &MessageRecord, q: &str) -> Result<bool, String> {
    let msg = &m.message;
    for term in q.split_whitespace() {
        let (key, value) = term.split_once(':').ok_or_else(|| format!("Invalid search query: {term}"))?;
        let value = value.trim_matches('"').to_ascii_lowercase();
        let ok = match key {
            "after" | "before" => {
                let t = parse_date(&value).ok_or_else(|| format!("Invalid date in query: {term}"))?;
                if key == "after" { msg.at > t } else { msg.at < t }
            }
            "from" => msg.from.contains(&value),
            "to" => msg.to.iter().chain(&msg.cc).any(|t| t.contains(&value)),
            "subject" => msg.subject.to_lowercase().contains(&value),
            "in" | "label" => m.message.labels.iter().any(|l| l.eq_ignore_ascii_case(&value)),
            _ => return Err(format!("Unsupported search operator: {key}")),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `2025/03/10`, `2025-03-10` or epoch seconds.
fn parse_date(v: &str) -> Option<DateTime<Utc>> {
    if let Ok(secs) = v.parse::<i64>() {
        return DateTime::from_timestamp(secs, 0);
    }
    let d = NaiveDate::parse_from_str(v, "%Y/%m/%d").or_else(|_| NaiveDate::parse_from_str(v, "%Y-%m-%d")).ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc())
}

pub(super) async fn list_messages(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(user_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let q = params(raw);
    with_caller(&sim, pin.as_deref(), &headers, &uri, &MAIL, |g, caller| {
        let metadata_scope = metadata_only(caller);
        let mb = match mailbox(g, caller, &user_id) {
            Ok(mb) => mb,
            Err(r) => return r,
        };
        let query = first(&q, "q").unwrap_or_default();
        if metadata_scope && !query.is_empty() {
            return ApiError::new(403, "forbidden", "Metadata scope does not support 'q' parameter").into_response();
        }
        let max = match first(&q, "maxResults").map(str::parse::<usize>) {
            None => 100,
            Some(Ok(n)) if (1..=500).contains(&n) => n,
            Some(_) => return errors::invalid_parameter("maxResults", "Invalid maxResults"),
        };
        let labels: Vec<&str> = q.iter().filter(|(k, _)| k == "labelIds").map(|(_, v)| v.as_str()).collect();
        let spam_trash = first(&q, "includeSpamTrash") == Some("true");
        let mut hits = Vec::new();
        for m in mb.messages.iter().rev() {
            let in_spam = m.message.labels.iter().any(|l| l == "SPAM" || l == "TRASH");
            if in_spam && !spam_trash {
                continue;
            }
            if !labels.iter().all(|l| m.message.labels.iter().any(|x| x == l)) {
                continue;
            }
            match matches_query(m, query) {
                Ok(true) => hits.push(m),
                Ok(false) => {}
                Err(message) => return errors::invalid_parameter("q", &message),
            }
        }
        let fingerprint = format!("gmail|{}|{query}|{}", mb.owner, labels.join(","));
        let offset = match first(&q, "pageToken") {
            None => 0,
            Some(t) => match paging::decode(t, &fingerprint) {
                Some(o) => o,
                None => return errors::invalid_parameter("pageToken", "Invalid pageToken"),
            },
        };
        let (page, next) = paging::page(&hits, offset, max, &fingerprint);
        let mut body = json!({ "resultSizeEstimate": hits.len() });
        if !page.is_empty() {
            body["messages"] =
                json!(page.iter().map(|m| json!({ "id": m.id, "threadId": m.thread_id })).collect::<Vec<_>>());
        }
        if let Some(next) = next {
            body["nextPageToken"] = json!(next);
        }
        crate::rendered::json(&body)
    })
}

pub(super) async fn get_message(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path((user_id, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let q = params(raw);
    with_caller(&sim, pin.as_deref(), &headers, &uri, &MAIL, |g, caller| {
        let metadata_scope = metadata_only(caller);
        let mb = match mailbox(g, caller, &user_id) {
            Ok(mb) => mb,
            Err(r) => return r,
        };
        let Some(m) = mb.messages.iter().find(|m| m.id == id) else {
            return errors::not_found("Requested entity was not found.");
        };
        let format = first(&q, "format").unwrap_or("full");
        if metadata_scope && matches!(format, "full" | "raw") {
            return ApiError::new(
                403,
                "forbidden",
                &format!("Metadata scope doesn't allow format {}", format.to_uppercase()),
            )
            .into_response();
        }
        let wanted: Vec<&str> = q.iter().filter(|(k, _)| k == "metadataHeaders").map(|(_, v)| v.as_str()).collect();
        crate::rendered::json(&message_json(m, format, &wanted))
    })
}

fn message_json(m: &MessageRecord, format: &str, wanted: &[&str]) -> Value {
    let msg = &m.message;
    let mut headers = vec![
        ("From", msg.from.clone()),
        ("To", msg.to.join(", ")),
        ("Subject", msg.subject.clone()),
        ("Date", msg.at.to_rfc2822()),
        ("Message-ID", format!("<{}@mail.gmail.com>", m.id)),
    ];
    if !msg.cc.is_empty() {
        headers.push(("Cc", msg.cc.join(", ")));
    }
    let snippet: String = msg.body.chars().take(100).collect();
    let size = msg.body.len() + 200;
    let mut body = json!({
        "id": m.id,
        "threadId": m.thread_id,
        "labelIds": msg.labels,
        "snippet": snippet,
        "historyId": m.history_id.to_string(),
        "internalDate": msg.at.timestamp_millis().to_string(),
        "sizeEstimate": size,
    });
    let header_json = |only: &[&str]| -> Vec<Value> {
        headers
            .iter()
            .filter(|(n, _)| only.is_empty() || only.iter().any(|w| w.eq_ignore_ascii_case(n)))
            .map(|(n, v)| json!({ "name": n, "value": v }))
            .collect()
    };
    match format {
        "minimal" => {}
        "metadata" => body["payload"] = json!({ "mimeType": "text/plain", "headers": header_json(wanted) }),
        "raw" => {
            let text: String =
                headers.iter().map(|(n, v)| format!("{n}: {v}\r\n")).collect::<String>() + "\r\n" + &msg.body;
            body["raw"] = json!(URL_SAFE.encode(text));
        }
        _ => {
            body["payload"] = json!({
                "partId": "",
                "mimeType": "text/plain",
                "filename": "",
                "headers": header_json(&[]),
                "body": { "size": msg.body.len(), "data": URL_SAFE.encode(&msg.body) },
            });
        }
    }
    body
}

pub(super) async fn list_history(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(user_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let q: HashMap<String, String> = params(raw).into_iter().collect();
    with_caller(&sim, pin.as_deref(), &headers, &uri, &MAIL, |g, caller| {
        let mb = match mailbox(g, caller, &user_id) {
            Ok(mb) => mb,
            Err(r) => return r,
        };
        let Some(start) = q.get("startHistoryId").and_then(|s| s.parse::<u64>().ok()) else {
            return errors::invalid_parameter("startHistoryId", "Missing or invalid startHistoryId");
        };
        if start < mb.first_history_id {
            return errors::not_found("Requested entity was not found.");
        }
        let history: Vec<Value> = mb
            .messages
            .iter()
            .filter(|m| m.history_id > start)
            .map(|m| {
                json!({
                    "id": m.history_id.to_string(),
                    "messages": [{ "id": m.id, "threadId": m.thread_id }],
                    "messagesAdded": [{ "message": { "id": m.id, "threadId": m.thread_id, "labelIds": m.message.labels } }],
                })
            })
            .collect();
        let mut body = json!({ "historyId": mb.history_id.to_string() });
        if !history.is_empty() {
            body["history"] = json!(history);
        }
        crate::rendered::json(&body)
    })
}
