//! One sync run: directory, then each member's calendar (and mail access), recording
//! every member's outcome and importing meetings.
//!
//! Company-wide Google only for now: the admin is impersonated for the directory and
//! each member for their own calendar. Calls are sequential so a run is deterministic
//! against a virtual clock: the same scenario gives the same requests in the same order.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::google::{GoogleClient, scopes};
use crate::settings::{CompanySettings, ConnectionMode};
use crate::store::{Access, CalendarKind, MemberAccess, SyncState};

/// How far around "now" calendars are read.
#[derive(Debug, Clone, Copy)]
pub struct SyncWindow {
    /// Read back this far.
    pub lookback: Duration,
    /// Read ahead this far.
    pub lookahead: Duration,
}

impl Default for SyncWindow {
    fn default() -> Self {
        Self {
            lookback: Duration::days(1),
            lookahead: Duration::days(14),
        }
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// When it started (engine clock).
    pub started: Option<DateTime<Utc>>,
    /// Directory users read, if the directory was read.
    pub directory_users: Option<usize>,
    /// Meetings seen for the first time.
    pub new_meetings: usize,
    /// Meetings seen again.
    pub refreshed_meetings: usize,
    /// Members whose data could not be read, with why.
    pub member_errors: Vec<(String, String)>,
}

/// The outcome of reading the provider, applied to the state in one go afterwards.
pub(crate) struct SyncOutcome {
    pub report: SyncReport,
    pub directory: Option<Result<Vec<crate::google::DirectoryUser>, crate::error::ProviderError>>,
    pub members: BTreeMap<String, MemberAccess>,
    pub events: Vec<(String, CalendarKind, crate::google::CalendarEvent)>,
}

pub(crate) async fn read_provider(
    google: Option<&GoogleClient>,
    settings: &CompanySettings,
    now: DateTime<Utc>,
    window: SyncWindow,
) -> SyncOutcome {
    let mut outcome = SyncOutcome {
        report: SyncReport {
            started: Some(now),
            ..Default::default()
        },
        directory: None,
        members: settings
            .team
            .iter()
            .map(|m| (m.email.clone(), MemberAccess::default()))
            .collect(),
        events: Vec::new(),
    };
    let conn = &settings.google;
    let Some(google) = google else { return outcome };
    if conn.mode != ConnectionMode::CompanyWide || !conn.import_permission {
        return outcome;
    }
    if let Some(admin) = &conn.admin {
        let users = google.list_users(admin).await;
        outcome.report.directory_users = users.as_ref().ok().map(Vec::len);
        outcome.directory = Some(users);
    }
    for m in &settings.team {
        let mut access = MemberAccess::default();
        if settings.import.calendar && (m.capture.calendar || m.capture.web_conferences) {
            let result = read_calendars(google, &m.email, now, window).await;
            access.calendar = Access::from_result(&result);
            match result {
                Ok(events) => outcome
                    .events
                    .extend(events.into_iter().map(|(kind, e)| (m.email.clone(), kind, e))),
                Err(e) => outcome
                    .report
                    .member_errors
                    .push((m.email.clone(), e.to_string())),
            }
        }
        if m.capture.email && settings.import.email && conn.email_authorized {
            // Read-only mail access is only requested for members with email import on
            // (DC-14). Message import arrives with the Gmail API; until then the engine
            // proves access by obtaining the Gmail token.
            let result = google.token(&m.email, scopes::GMAIL).await;
            access.email = Access::from_result(&result);
            if let Err(e) = result {
                outcome
                    .report
                    .member_errors
                    .push((m.email.clone(), e.to_string()));
            }
        }
        outcome.members.insert(m.email.clone(), access);
    }
    outcome
}

pub(crate) fn apply(
    state: &mut SyncState,
    mut outcome: SyncOutcome,
    now: DateTime<Utc>,
) -> SyncReport {
    match outcome.directory.take() {
        Some(Ok(users)) => {
            state.directory = users;
            state.directory_error = None;
        }
        Some(Err(e)) => state.directory_error = Some(e),
        None => {}
    }
    state.members = std::mem::take(&mut outcome.members);
    for (member, kind, event) in outcome.events.drain(..) {
        if state.upsert_meeting(&member, kind, event, now) {
            outcome.report.new_meetings += 1;
        } else {
            outcome.report.refreshed_meetings += 1;
        }
    }
    state.last_sync = Some(now);
    outcome.report
}

/// Every event on the calendars `user` owns (secondary ones too: whether they count is a
/// recording decision, REC-03), tagged with the kind of calendar.
async fn read_calendars(
    google: &GoogleClient,
    user: &str,
    now: DateTime<Utc>,
    window: SyncWindow,
) -> Result<Vec<(CalendarKind, crate::google::CalendarEvent)>, crate::error::ProviderError> {
    let mut events = Vec::new();
    for calendar in google.list_calendars(user).await? {
        let kind = if calendar.primary { CalendarKind::Primary } else { CalendarKind::Secondary };
        let listed = google.list_events(user, &calendar.id, now - window.lookback, now + window.lookahead).await?;
        events.extend(listed.into_iter().map(|e| (kind, e)));
    }
    Ok(events)
}
