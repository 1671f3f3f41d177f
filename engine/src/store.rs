//! What the engine has imported and learned: directory users, each member's access
//! outcome from the last sync, and meetings, deduplicated by iCalendar UID.
//!
//! Meetings are only ever added or updated, never dropped by a failing sync: a provider
//! outage must not lose what was already imported (DC-06), and turning capture off keeps
//! what was captured (DC-17).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ProviderError;
use crate::provider::{CalendarEvent, DirectoryUser, MailMessage};

/// The outcome of reaching one kind of a member's data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Access {
    /// Not tried (capture off, company toggle off, not connected, never synced).
    #[default]
    NotAttempted,
    /// The provider answered.
    Ok,
    /// The provider refused this member's data.
    Refused(ProviderError),
    /// The provider could not be reached within the retry budget.
    Unreachable(ProviderError),
}

impl Access {
    /// Classifies a provider call's result.
    pub fn from_result<T>(result: &Result<T, ProviderError>) -> Self {
        match result {
            Ok(_) => Access::Ok,
            Err(e @ ProviderError::Unreachable { .. }) => Access::Unreachable(e.clone()),
            Err(e) => Access::Refused(e.clone()),
        }
    }
}

/// A member's access outcomes from the last sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberAccess {
    /// Calendar data.
    pub calendar: Access,
    /// Email data.
    pub email: Access,
}

/// Which of a member's calendars a meeting was found on (REC-03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarKind {
    /// The member's primary calendar.
    Primary,
    /// A secondary calendar the member owns.
    Secondary,
}

/// A meeting imported from a calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedMeeting {
    /// The event as last seen.
    pub event: CalendarEvent,
    /// Team members on whose calendars it was seen, and on which kind of calendar.
    pub seen_on: BTreeMap<String, CalendarKind>,
    /// When it was first imported (engine clock).
    pub first_imported: DateTime<Utc>,
    /// When a change to its time or conference link was last observed (REC-05).
    pub last_changed: DateTime<Utc>,
    /// When it was last refreshed.
    pub last_seen: DateTime<Utc>,
    /// Cancelled by its organizer (kept, not dropped).
    #[serde(default)]
    pub cancelled: bool,
}

impl ImportedMeeting {
    /// When the engine learned the meeting as it now stands.
    pub fn scheduling_time(&self) -> DateTime<Utc> {
        self.first_imported.max(self.last_changed)
    }
}

/// The parts of an event whose change loses scheduling inside the window (REC-05).
fn schedule_key(e: &CalendarEvent) -> (DateTime<Utc>, Option<&str>, Option<&str>, Option<&str>) {
    (e.start, e.hangout_link.as_deref(), e.location.as_deref(), e.description.as_deref())
}

/// Everything the engine knows between syncs.
#[derive(Debug, Clone, Default)]
pub struct SyncState {
    /// Time of the last sync.
    pub last_sync: Option<DateTime<Utc>>,
    /// Directory users from the last successful directory sync.
    pub directory: Vec<DirectoryUser>,
    /// The last directory sync's failure, if it failed.
    pub directory_error: Option<ProviderError>,
    /// Per member (lower-case email).
    pub members: BTreeMap<String, MemberAccess>,
    /// Meetings by iCalendar UID.
    pub meetings: BTreeMap<String, ImportedMeeting>,
    /// Recording decisions by meeting UID.
    pub decisions: BTreeMap<String, crate::recording::RecordingDecision>,
    /// Calendar sync tokens by (member, calendar id).
    pub sync_tokens: BTreeMap<(String, String), String>,
    /// Imported emails by (member, message id).
    pub emails: BTreeMap<(String, String), MailMessage>,
    /// How many times each meeting UID was stored as a new meeting (not a refresh). Kept
    /// by [`SyncState::upsert_meeting`] only, read through [`SyncState::new_imports`]: it
    /// is the evidence for "nothing imported twice" (DC-06) that a map keyed by UID alone
    /// cannot give.
    new_imports: BTreeMap<String, u32>,
}

impl SyncState {
    /// Adds or refreshes a meeting seen on one of `member`'s calendars; true if it is new.
    pub fn upsert_meeting(
        &mut self,
        member: &str,
        kind: CalendarKind,
        event: CalendarEvent,
        now: DateTime<Utc>,
    ) -> bool {
        match self.meetings.get_mut(&event.ical_uid) {
            Some(existing) => {
                if schedule_key(&existing.event) != schedule_key(&event) {
                    existing.last_changed = now;
                }
                existing.event = event;
                existing.cancelled = false;
                let seen = existing.seen_on.entry(member.to_string()).or_insert(kind);
                *seen = (*seen).min(kind);
                existing.last_seen = now;
                false
            }
            None => {
                let uid = event.ical_uid.clone();
                let meeting = ImportedMeeting {
                    event,
                    seen_on: BTreeMap::from([(member.to_string(), kind)]),
                    first_imported: now,
                    last_changed: now,
                    last_seen: now,
                    cancelled: false,
                };
                let count = self.new_imports.entry(uid.clone()).or_default();
                *count = count.saturating_add(1);
                self.meetings.insert(uid, meeting);
                true
            }
        }
    }

    /// How many times each meeting UID was stored as new; 1 for every meeting when
    /// nothing was imported twice.
    pub fn new_imports(&self) -> &BTreeMap<String, u32> {
        &self.new_imports
    }

    /// Marks the meeting whose event id is `id` cancelled; true if it was not already.
    pub fn cancel_meeting(&mut self, id: &str, now: DateTime<Utc>) -> bool {
        match self.meetings.values_mut().find(|m| m.event.id == id) {
            Some(m) if !m.cancelled => {
                m.cancelled = true;
                m.last_changed = now;
                true
            }
            _ => false,
        }
    }
}
