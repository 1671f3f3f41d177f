//! Calendar API v3: the caller's calendar list, and events of a calendar they own, with
//! `timeMin`/`timeMax` (exclusive bounds on end and start), `orderBy`, `q` and paging.
//!
//! Incremental sync replays every change since a `syncToken` (updates and cancellations);
//! a token that is unknown or was invalidated by the scenario answers 410
//! `fullSyncRequired`. Recurring events are not modelled yet.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::auth::{Requirement, with_caller};
use super::directory::etag;
use super::errors::{self, ApiError};
use super::state::{CalendarRecord, EventRecord, GoogleState};
use crate::Simulator;
use crate::paging;
use crate::reply::Reply;
use crate::scenario::{ResponseStatus, Visibility};
use crate::server::PinnedTenant;

const EVENTS: Requirement = Requirement {
    api: "calendar",
    scopes: &["calendar.readonly", "calendar", "calendar.events.readonly", "calendar.events"],
    service: "calendar-json.googleapis.com",
    method: "calendar.v3.Events.List",
};

const CALENDAR_LIST: Requirement = Requirement {
    api: "calendar",
    scopes: &["calendar.readonly", "calendar", "calendar.calendarlist.readonly"],
    service: "calendar-json.googleapis.com",
    method: "calendar.v3.CalendarList.List",
};

type Params = Query<HashMap<String, String>>;

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(super) async fn calendar_list(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Reply {
    with_caller(&sim, pin.as_deref(), &headers, &uri, &CALENDAR_LIST, |g, caller| {
        let owner = caller.subject.clone().unwrap_or_else(|| g.service_account.client_email.clone());
        let items: Vec<Value> = g
            .calendars_of(&owner)
            .map(|c| {
                json!({
                    "kind": "calendar#calendarListEntry",
                    "etag": etag(&c.id),
                    "id": c.id,
                    "summary": c.summary,
                    "timeZone": "UTC",
                    "accessRole": "owner",
                    "primary": c.primary,
                    "selected": true,
                    "defaultReminders": [],
                })
            })
            .collect();
        crate::rendered::json(&json!({ "kind": "calendar#calendarList", "etag": etag(&owner), "items": items }))
    })
}

fn find_calendar<'a>(g: &'a GoogleState, owner: &'a str, calendar_id: &str) -> Option<&'a CalendarRecord> {
    if calendar_id == "primary" {
        return g.calendars_of(owner).find(|c| c.primary);
    }
    // A user reads their own calendars; other users' calendars are not shared here.
    g.calendars_of(owner).find(|c| c.id.eq_ignore_ascii_case(calendar_id))
}

fn parse_time(q: &HashMap<String, String>, name: &str) -> Result<Option<DateTime<Utc>>, Response> {
    match q.get(name) {
        None => Ok(None),
        Some(v) => DateTime::parse_from_rfc3339(v)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| ApiError::new(400, "badRequest", "Bad Request").location("parameter", name).into_response()),
    }
}

pub(super) async fn list_events(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(calendar_id): Path<String>,
    Query(q): Params,
) -> Reply {
    with_caller(&sim, pin.as_deref(), &headers, &uri, &EVENTS, |g, caller| {
        let owner = caller.subject.clone().unwrap_or_else(|| g.service_account.client_email.clone());
        let (change_seq, epoch) = (g.change_seq, g.sync_epoch);
        let Some(calendar) = find_calendar(g, &owner, &calendar_id) else {
            return errors::not_found("Not Found");
        };
        let max = match q.get("maxResults").map(|m| m.parse::<usize>()) {
            None => 250,
            Some(Ok(n)) if n >= 1 => n.min(2500),
            Some(_) => return errors::invalid_parameter("maxResults", "Invalid value for maxResults"),
        };
        let single = q.get("singleEvents").is_some_and(|v| v == "true");
        let order = q.get("orderBy").map(String::as_str);
        let mut events: Vec<Listed>;
        let incremental = q.get("syncToken");
        if let Some(token) = incremental {
            // Incremental sync: every change since the token, deleted events included.
            if let Some(p) =
                ["timeMin", "timeMax", "q", "orderBy", "updatedMin", "iCalUID"].into_iter().find(|p| q.contains_key(*p))
            {
                return errors::invalid_parameter(
                    p,
                    &format!("The parameter {p} cannot be used together with syncToken."),
                );
            }
            let Some(since) = sync_token::decode(&g.sync_secret, token, &calendar.id, epoch) else {
                return full_sync_required();
            };
            let changed: Vec<&EventRecord> = calendar.events.iter().filter(|e| e.changed > since).collect();
            events = expand(changed, single);
            events.sort_by(|a, b| (a.0.changed, &a.0.id).cmp(&(b.0.changed, &b.0.id)));
        } else {
            let (time_min, time_max) = match (parse_time(&q, "timeMin"), parse_time(&q, "timeMax")) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(r), _) | (_, Err(r)) => return r,
            };
            if let (Some(lo), Some(hi)) = (time_min, time_max)
                && lo >= hi
            {
                return ApiError::new(400, "timeRangeEmpty", "The specified time range is empty.")
                    .domain("calendar")
                    .location("parameter", "timeMax")
                    .into_response();
            }
            let updated_min = match parse_time(&q, "updatedMin") {
                Ok(t) => t,
                Err(r) => return r,
            };
            if order == Some("startTime") && !single {
                return ApiError::new(
                    400,
                    "badRequest",
                    "The requested ordering is not available for the particular query.",
                )
                .into_response();
            }
            let show_deleted = q.get("showDeleted").is_some_and(|v| v == "true");
            let text = q.get("q").map(|s| s.to_lowercase());
            let matching: Vec<&EventRecord> = calendar
                .events
                .iter()
                .filter(|e| !e.cancelled || show_deleted)
                .filter(|e| updated_min.is_none_or(|u| e.updated >= u))
                .filter(|e| {
                    text.as_ref().is_none_or(|t| {
                        let ev = &e.event;
                        [Some(&ev.title), ev.description.as_ref(), ev.location.as_ref()]
                            .into_iter()
                            .flatten()
                            .any(|s| s.to_lowercase().contains(t))
                    })
                })
                .collect();
            events = expand(matching, single);
            events.retain(|(e, _)| {
                time_min.is_none_or(|lo| series_end(e).is_none_or(|end| end > lo))
                    && time_max.is_none_or(|hi| e.event.start < hi)
            });
            match order {
                Some("updated") => events.sort_by(|a, b| (a.0.updated, &a.0.id).cmp(&(b.0.updated, &b.0.id))),
                _ => events.sort_by(|a, b| (a.0.event.start, &a.0.id).cmp(&(b.0.event.start, &b.0.id))),
            }
        }
        let fingerprint = format!(
            "events|{}|{}|{}|{}|{}",
            calendar.id,
            q.get("timeMin").cloned().unwrap_or_default(),
            q.get("timeMax").cloned().unwrap_or_default(),
            incremental.cloned().unwrap_or_default(),
            q.get("showDeleted").cloned().unwrap_or_default(),
        );
        let offset = match q.get("pageToken") {
            None => 0,
            Some(t) => match paging::decode(t, &fingerprint) {
                Some(o) => o,
                None => return errors::invalid_parameter("pageToken", "Invalid page token"),
            },
        };
        let (page, next) = paging::page(&events, offset, max, &fingerprint);
        let page: Vec<Value> = page
            .iter()
            .map(|(e, series)| {
                let mut body = if e.cancelled { cancelled_json(e) } else { event_json(calendar, e) };
                if let Some((master, original)) = series {
                    body["recurringEventId"] = json!(master);
                    body["originalStartTime"] = json!({ "dateTime": rfc3339(*original), "timeZone": "UTC" });
                    if !e.cancelled {
                        body["iCalUID"] = json!(format!("{master}@google.com"));
                    }
                } else if let Some(r) = &e.event.recurrence {
                    body["recurrence"] = json!([r.rule]);
                }
                body
            })
            .collect();
        let updated = calendar.events.iter().map(|e| e.updated).max().unwrap_or(caller.now);
        let mut body = json!({
            "kind": "calendar#events",
            "etag": etag(&fingerprint),
            "summary": calendar.summary,
            "description": "",
            "updated": rfc3339(updated),
            "timeZone": "UTC",
            "accessRole": "owner",
            "defaultReminders": [],
            "items": page,
        });
        match next {
            Some(next) => body["nextPageToken"] = json!(next),
            // The last page of a listing that can be continued incrementally carries the
            // token for the next incremental sync (never together with nextPageToken).
            None if order.is_none() && !q.contains_key("q") && !q.contains_key("updatedMin") => {
                body["nextSyncToken"] = json!(sync_token::encode(&g.sync_secret, &calendar.id, change_seq, epoch));
            }
            None => {}
        }
        crate::rendered::json(&body)
    })
}

/// An event as listed: the record (an instance for expanded series) and, for an
/// instance, its series id and original start.
type Listed = (EventRecord, Option<(String, DateTime<Utc>)>);

/// Occurrences listed per series at most (two years of a daily meeting).
const MAX_INSTANCES: usize = 730;

/// With `singleEvents`, a series becomes its instances (`{id}_{start}`); otherwise it is
/// listed once, as its master.
fn expand(records: Vec<&EventRecord>, single: bool) -> Vec<Listed> {
    let mut out = Vec::new();
    for rec in records {
        match (&rec.event.recurrence, single) {
            (Some(r), true) => {
                let length = rec.event.end - rec.event.start;
                for start in r.starts(rec.event.start, MAX_INSTANCES) {
                    // Instances are RFC 5545 occurrences (BYDAY, UNTIL with its time, …);
                    // one that would end past the year 9999 is not listed.
                    let Some(end) = crate::clock::checked_add(start, length) else { break };
                    let mut instance = rec.clone();
                    instance.id = format!("{}_{}", rec.id, start.format("%Y%m%dT%H%M%SZ"));
                    instance.event.start = start;
                    instance.event.end = end;
                    instance.event.recurrence = None;
                    out.push((instance, Some((rec.id.clone(), start))));
                }
            }
            _ => out.push((rec.clone(), None)),
        }
    }
    out
}

/// When an event (or a whole unexpanded series) ends; `None` for an endless series.
fn series_end(e: &EventRecord) -> Option<DateTime<Utc>> {
    match &e.event.recurrence {
        None => Some(e.event.end),
        Some(r) if r.count.is_none() && r.until.is_none() => None,
        Some(r) => r.starts(e.event.start, MAX_INSTANCES).last().map(|s| *s + (e.event.end - e.event.start)),
    }
}

/// 410: the sync token is unknown, for another calendar, or invalidated.
fn full_sync_required() -> Response {
    ApiError::new(410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.")
        .domain("calendar")
        .location("parameter", "syncToken")
        .into_response()
}

/// A deleted event as incremental sync reports it: id and status only.
fn cancelled_json(rec: &EventRecord) -> Value {
    json!({ "kind": "calendar#event", "etag": etag(&format!("{}{}", rec.id, rec.sequence)), "id": rec.id, "status": "cancelled" })
}

/// Calendar sync tokens: the change number they continue from, for one calendar, in one
/// epoch (an `invalidate_sync_tokens` action starts a new epoch), signed with the
/// tenant's own secret (HMAC-SHA256), so a token cannot be forged or replayed in
/// another tenant.
mod sync_token {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    fn mac(secret: &[u8; 32], payload: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else { return String::new() };
        mac.update(payload.as_bytes());
        URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..18])
    }

    pub fn encode(secret: &[u8; 32], calendar: &str, seq: u64, epoch: u32) -> String {
        let payload = URL_SAFE_NO_PAD.encode(format!("{epoch}|{seq}|{calendar}"));
        let tag = mac(secret, &payload);
        format!("CP{payload}.{tag}")
    }

    pub fn decode(secret: &[u8; 32], token: &str, calendar: &str, epoch: u32) -> Option<u64> {
        let (payload, tag) = token.strip_prefix("CP")?.split_once('.')?;
        if mac(secret, payload) != tag {
            return None;
        }
        let raw = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let text = String::from_utf8(raw).ok()?;
        let mut parts = text.splitn(3, '|');
        let e: u32 = parts.next()?.parse().ok()?;
        let seq: u64 = parts.next()?.parse().ok()?;
        (e == epoch && parts.next()? == calendar).then_some(seq)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn tokens_are_bound_to_their_tenant_secret() {
            let token = super::encode(&[1; 32], "a@x", 7, 0);
            assert_eq!(super::decode(&[1; 32], &token, "a@x", 0), Some(7));
            assert_eq!(super::decode(&[2; 32], &token, "a@x", 0), None, "another tenant's secret");
            assert_eq!(super::decode(&[1; 32], &token, "b@x", 0), None, "another calendar");
            assert_eq!(super::decode(&[1; 32], &token, "a@x", 1), None, "a later epoch");
            let forged = token.replace(".", "x.");
            assert_eq!(super::decode(&[1; 32], &forged, "a@x", 0), None, "a changed payload");
        }
    }
}

pub(super) async fn get_event(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path((calendar_id, event_id)): Path<(String, String)>,
) -> Reply {
    with_caller(&sim, pin.as_deref(), &headers, &uri, &EVENTS, |g, caller| {
        let owner = caller.subject.clone().unwrap_or_default();
        let found = find_calendar(g, &owner, &calendar_id)
            .and_then(|c| c.events.iter().find(|e| e.id == event_id).map(|e| (c, e)));
        match found {
            Some((c, e)) => crate::rendered::json(&event_json(c, e)),
            None => errors::not_found("Not Found"),
        }
    })
}

fn is_meet(link: &str) -> bool {
    link.starts_with("https://meet.google.com/")
}

/// Renders an event as the Calendar API does, from the point of view of `calendar`'s owner.
fn event_json(calendar: &CalendarRecord, rec: &EventRecord) -> Value {
    let e = &rec.event;
    let owner = &calendar.owner;
    let mut body = json!({
        "kind": "calendar#event",
        "etag": etag(&format!("{}{}", rec.id, rec.sequence)),
        "id": rec.id,
        "status": "confirmed",
        "htmlLink": format!("https://www.google.com/calendar/event?eid={}", rec.id),
        "created": rfc3339(rec.created),
        "updated": rfc3339(rec.updated),
        "summary": e.title,
        "creator": { "email": e.organizer, "self": &e.organizer == owner },
        "organizer": { "email": e.organizer, "self": &e.organizer == owner },
        "start": { "dateTime": rfc3339(e.start), "timeZone": "UTC" },
        "end": { "dateTime": rfc3339(e.end), "timeZone": "UTC" },
        "iCalUID": format!("{}@google.com", rec.id),
        "sequence": rec.sequence,
        "reminders": { "useDefault": true },
        "eventType": "default",
    });
    let mut description = e.description.clone();
    let mut location = e.location.clone();
    if let Some(link) = &e.conference {
        if is_meet(link) {
            let code = link.trim_start_matches("https://meet.google.com/").split(['?', '/']).next().unwrap_or_default();
            body["hangoutLink"] = json!(link);
            body["conferenceData"] = json!({
                "entryPoints": [{ "entryPointType": "video", "uri": link, "label": link.trim_start_matches("https://") }],
                "conferenceSolution": { "key": { "type": "hangoutsMeet" }, "name": "Google Meet", "iconUri": "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png" },
                "conferenceId": code,
            });
        } else {
            // Third-party conferencing (Zoom, Teams, Webex) reaches Calendar as text:
            // the link in the location and in the invitation body.
            if location.is_none() {
                location = Some(link.clone());
            }
            let joined = format!("Join: {link}");
            description = Some(match description {
                Some(d) if d.contains(link.as_str()) => d,
                Some(d) => format!("{d}\n\n{joined}"),
                None => joined,
            });
        }
    }
    if let Some(d) = description {
        body["description"] = json!(d);
    }
    if let Some(l) = location {
        body["location"] = json!(l);
    }
    if e.visibility != Visibility::Default {
        body["visibility"] = json!(match e.visibility {
            Visibility::Public => "public",
            Visibility::Private => "private",
            Visibility::Confidential => "confidential",
            Visibility::Default => "default",
        });
    }
    let mut attendees: Vec<Value> = Vec::new();
    if !e.attendees.is_empty() && !e.attendees.iter().any(|a| a.email == e.organizer) {
        attendees.push(json!({ "email": e.organizer, "organizer": true, "self": &e.organizer == owner, "responseStatus": "accepted" }));
    }
    for a in &e.attendees {
        let mut item = json!({
            "email": a.email,
            "responseStatus": match a.response {
                ResponseStatus::NeedsAction => "needsAction",
                ResponseStatus::Accepted => "accepted",
                ResponseStatus::Tentative => "tentative",
                ResponseStatus::Declined => "declined",
            },
        });
        if let Some(n) = &a.name {
            item["displayName"] = json!(n);
        }
        if a.email == e.organizer {
            item["organizer"] = json!(true);
        }
        if &a.email == owner {
            item["self"] = json!(true);
        }
        if a.optional {
            item["optional"] = json!(true);
        }
        attendees.push(item);
    }
    if !attendees.is_empty() {
        body["attendees"] = json!(attendees);
    }
    body
}
