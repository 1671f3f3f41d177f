//! Directory and Calendar calls, with paging, returning the few fields the engine uses.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{GoogleClient, refusal, scopes};
use crate::error::ProviderError;
use crate::provider::{CalendarEvent, CalendarRef, DirectoryUser, EventAttendee, EventChanges};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CalendarListPage {
    #[serde(default)]
    items: Vec<RawCalendar>,
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct RawCalendar {
    id: String,
    #[serde(default)]
    primary: bool,
}

/// Percent-encodes a calendar id for use as one path segment (`@` and `#` appear in ids).
fn path_segment(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsersPage {
    #[serde(default)]
    users: Vec<RawUser>,
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawUser {
    primary_email: String,
    #[serde(default)]
    name: RawName,
    #[serde(default)]
    org_unit_path: String,
    #[serde(default)]
    suspended: bool,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawName {
    #[serde(default)]
    full_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventsPage {
    #[serde(default)]
    items: Vec<RawEvent>,
    next_page_token: Option<String>,
    next_sync_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEvent {
    id: String,
    #[serde(rename = "iCalUID", default)]
    ical_uid: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    start: Option<RawTime>,
    #[serde(default)]
    end: Option<RawTime>,
    #[serde(default)]
    organizer: Option<RawPerson>,
    #[serde(default)]
    attendees: Vec<RawAttendee>,
    #[serde(default)]
    visibility: Option<String>,
    description: Option<String>,
    location: Option<String>,
    hangout_link: Option<String>,
    updated: Option<DateTime<Utc>>,
    #[serde(default)]
    recurring_event_id: Option<String>,
    #[serde(default)]
    original_start_time: Option<RawTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTime {
    date_time: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct RawPerson {
    email: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAttendee {
    email: String,
    #[serde(default)]
    response_status: String,
}

impl GoogleClient {
    /// Every directory user, acting as the admin `admin`.
    pub async fn list_users(&self, admin: &str) -> Result<Vec<DirectoryUser>, ProviderError> {
        let url = format!("{}/users", self.endpoints().directory);
        let mut users = Vec::new();
        let mut page_token: Option<String> = None;
        loop {
            let mut query = vec![("customer", "my_customer".to_string()), ("maxResults", "500".into())];
            if let Some(t) = &page_token {
                query.push(("pageToken", t.clone()));
            }
            let answer =
                self.send_as(admin, scopes::DIRECTORY, |c, t| c.get(&url).bearer_auth(t).query(&query)).await?;
            if !answer.status.is_success() {
                return Err(refusal(answer.status.as_u16(), &answer.body));
            }
            let page: UsersPage =
                serde_json::from_str(&answer.body).map_err(|e| ProviderError::Protocol(format!("users page: {e}")))?;
            users.extend(page.users.into_iter().map(|u| DirectoryUser {
                email: u.primary_email.to_ascii_lowercase(),
                name: u.name.full_name,
                org_unit: u.org_unit_path,
                suspended: u.suspended,
            }));
            match page.next_page_token {
                Some(next) => page_token = Some(next),
                None => return Ok(users),
            }
        }
    }

    /// The calendars `user` owns (`calendarList`, owner access), primary first.
    pub async fn list_calendars(&self, user: &str) -> Result<Vec<CalendarRef>, ProviderError> {
        let url = format!("{}/users/me/calendarList", self.endpoints().calendar);
        let mut calendars = Vec::new();
        let mut page_token: Option<String> = None;
        loop {
            let mut query = vec![("minAccessRole", "owner".to_string())];
            if let Some(t) = &page_token {
                query.push(("pageToken", t.clone()));
            }
            let answer = self.send_as(user, scopes::CALENDAR, |c, t| c.get(&url).bearer_auth(t).query(&query)).await?;
            if !answer.status.is_success() {
                return Err(refusal(answer.status.as_u16(), &answer.body));
            }
            let page: CalendarListPage = serde_json::from_str(&answer.body)
                .map_err(|e| ProviderError::Protocol(format!("calendar list: {e}")))?;
            calendars.extend(page.items.into_iter().map(|c| CalendarRef { id: c.id, primary: c.primary }));
            match page.next_page_token {
                Some(next) => page_token = Some(next),
                None => break,
            }
        }
        calendars.sort_by_key(|c| !c.primary);
        Ok(calendars)
    }

    /// Events of one of `user`'s calendars: a full listing of `[from, to)` when
    /// `sync_token` is `None`, else every change since the token (cancelled events are
    /// reported by id). A stale token is `Refused` with status 410 (`fullSyncRequired`).
    pub async fn list_events(
        &self,
        user: &str,
        calendar_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        sync_token: Option<&str>,
    ) -> Result<EventChanges, ProviderError> {
        let url = format!("{}/calendars/{}/events", self.endpoints().calendar, path_segment(calendar_id));
        let mut changes = EventChanges::default();
        let mut page_token: Option<String> = None;
        loop {
            let mut query = match sync_token {
                Some(t) => vec![("syncToken", t.to_string()), ("singleEvents", "true".into())],
                None => {
                    vec![("timeMin", from.to_rfc3339()), ("timeMax", to.to_rfc3339()), ("singleEvents", "true".into())]
                }
            };
            query.push(("maxResults", "250".into()));
            if let Some(t) = &page_token {
                query.push(("pageToken", t.clone()));
            }
            let answer = self.send_as(user, scopes::CALENDAR, |c, t| c.get(&url).bearer_auth(t).query(&query)).await?;
            if !answer.status.is_success() {
                return Err(refusal(answer.status.as_u16(), &answer.body));
            }
            let page: EventsPage =
                serde_json::from_str(&answer.body).map_err(|e| ProviderError::Protocol(format!("events page: {e}")))?;
            for raw in page.items {
                if raw.status.as_deref() == Some("cancelled") {
                    changes.cancelled.push(raw.id);
                    continue;
                }
                // All-day events (no dateTime) are not web conferences.
                let (Some(start), Some(end)) = (raw.start.and_then(|t| t.date_time), raw.end.and_then(|t| t.date_time))
                else {
                    continue;
                };
                // Instances of a series share the series' iCalUID: their original start
                // tells them apart.
                let series_uid = raw.ical_uid.unwrap_or_else(|| raw.id.clone());
                let ical_uid = match (&raw.recurring_event_id, raw.original_start_time.and_then(|t| t.date_time)) {
                    (Some(_), Some(original)) => format!("{series_uid}#{}", original.to_rfc3339()),
                    _ => series_uid,
                };
                changes.events.push(CalendarEvent {
                    ical_uid,
                    id: raw.id,
                    title: raw.summary,
                    start,
                    end,
                    organizer: raw.organizer.map(|o| o.email.to_ascii_lowercase()).unwrap_or_default(),
                    attendees: raw
                        .attendees
                        .into_iter()
                        .map(|a| EventAttendee { email: a.email.to_ascii_lowercase(), response: a.response_status })
                        .collect(),
                    visibility: raw.visibility.unwrap_or_else(|| "default".into()),
                    description: raw.description,
                    location: raw.location,
                    hangout_link: raw.hangout_link,
                    updated: raw.updated,
                });
            }
            match page.next_page_token {
                Some(next) => page_token = Some(next),
                None => {
                    changes.next_sync_token = page.next_sync_token;
                    return Ok(changes);
                }
            }
        }
    }
}
