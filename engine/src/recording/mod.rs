//! Will this meeting be recorded? Every imported meeting gets a [`RecordingDecision`]:
//! `record_native`, `record_bot`, or `not_recorded` with exactly one primary [`Reason`]
//! (the first failed check, in the order of rules REC-01…REC-18) and secondary
//! [`Finding`]s.
//!
//! Deciding is a pure function of the meeting, what the engine knows (calendar access,
//! Zoom facts) and the settings ([`decide`]); the bot's join is applied afterwards
//! ([`apply_join`]). Provider-neutral: it works on imported meetings, not Google types.
//!
//! # Layout
//! - this file: the decision types;
//! - `decide`: the ordered checks;
//! - `join`: turning a bot session into the decision's history;
//! - [`consent`]: consent-enabled links.

pub mod consent;
mod decide;
mod join;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use decide::{conference_link, decide};
pub use join::apply_join;

use crate::bot::BotState;
use crate::links::ConferenceProvider;
use crate::store::{ImportedMeeting, MemberAccess};
use crate::zoom::{ZoomMeeting, ZoomRecordingSettings, ZoomUser};

/// What will happen to a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Zoom records it natively in the cloud.
    RecordNative,
    /// The recording bot joins and records.
    RecordBot,
    /// Not recorded; see the reason.
    NotRecorded,
}

/// Why a meeting is not recorded: the first failed check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The organizer cancelled the meeting.
    MeetingCancelled,
    /// REC-01.
    NoCalendarAccess,
    /// REC-02.
    CalendarImportOff,
    /// REC-03.
    SecondaryCalendar,
    /// REC-05.
    TooLateToSchedule,
    /// REC-06.
    NoRecordableParticipant,
    /// REC-07.
    ExcludedDomain,
    /// REC-07.
    ExcludedParticipant,
    /// REC-07.
    ExcludedKeyword,
    /// REC-07.
    PrivateMeeting,
    /// REC-08.
    NoConferenceLink,
    /// REC-08.
    LinkWrapped,
    /// REC-09.
    ProviderDisabled,
    /// REC-09.
    ProviderMisconfigured,
    /// REC-10.
    InternalMeeting,
    /// REC-11.
    NeverRecordParticipant,
    /// REC-12.
    HostNotRecordable,
    /// REC-13: consent enforced but the invite has no consent-enabled link.
    ConsentLinkMissing,
    /// REC-13: another company's consent link.
    ExternalConsentLink,
    /// REC-13: the consent link's type does not match the profile.
    ConsentLinkTypeMismatch,
    /// REC-13: another conference URL lets people bypass consent.
    ConsentBypassLink,
    /// REC-13: a participant chose "join but don't record".
    ConsentDeclined,
    /// REC-15: "record to computer files" is off for the host.
    LocalRecordingDisabled,
    /// REC-15: the host denied (or never answered) the recording request.
    RecordingPermissionDenied,
    /// REC-17: a CAPTCHA stopped the anonymous bot.
    BotBlockedCaptcha,
    /// REC-17: the lobby, waiting room or a login requirement kept the bot out.
    BotBlockedLobby,
    /// The meeting behind the link does not exist.
    MeetingNotFound,
    /// The bot failed for another reason (detail says which).
    BotFailed,
}

impl Reason {
    /// The snake_case code (`link_wrapped`).
    pub fn code(&self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }
}

/// A secondary finding: not blocking, but worth showing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Code (`participant_unmatched`, `zoom_native_unavailable`, …).
    pub code: String,
    /// Detail (a name, a wrapper, why native recording is unavailable).
    pub detail: String,
}

/// How the bot will join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotPlan {
    /// The name it joins under (REC-18).
    pub name: String,
    /// Joins as an authenticated, trusted user (REC-17).
    pub authenticated: bool,
    /// The conference link it joins.
    pub link: String,
}

/// The decision for one meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingDecision {
    /// iCalendar UID of the meeting.
    pub meeting: String,
    /// Title.
    pub title: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// Outcome.
    pub outcome: Outcome,
    /// Primary reason when not recorded.
    pub reason: Option<Reason>,
    /// Detail of the reason (the wrapper's name, who declined, …).
    pub detail: Option<String>,
    /// Secondary findings.
    pub findings: Vec<Finding>,
    /// Conferencing provider of the recognized link.
    pub provider: Option<ConferenceProvider>,
    /// The member who owns the call (the recordable host, or the recordable invitee).
    pub owner: Option<String>,
    /// The bot's plan, for `record_bot`.
    pub bot: Option<BotPlan>,
    /// The bot's state trail once it joined.
    pub trail: Vec<BotState>,
}

impl RecordingDecision {
    /// True once the meeting has started being captured or the bot has tried: the
    /// decision is history and no longer changes with settings (DC-17).
    pub fn settled(&self) -> bool {
        !self.trail.is_empty()
    }

    /// Adds a finding.
    pub fn find(&mut self, code: &str, detail: impl Into<String>) {
        self.findings.push(Finding { code: code.into(), detail: detail.into() });
    }
}

/// What Zoom says about a meeting's host and owner (REC-14, REC-15).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZoomFacts {
    /// The Zoom user with the host's address, if any.
    pub host_user: Option<ZoomUser>,
    /// That user's recording settings.
    pub host_settings: Option<ZoomRecordingSettings>,
    /// The scheduled meeting behind the link, if found.
    pub meeting: Option<ZoomMeeting>,
    /// Why Zoom could not be asked, if it could not.
    pub error: Option<String>,
}

/// Everything a decision depends on besides the settings.
#[derive(Debug, Clone, Copy)]
pub struct MeetingFacts<'a> {
    /// The meeting.
    pub meeting: &'a ImportedMeeting,
    /// Calendar access per member, from the last sync.
    pub access: &'a BTreeMap<String, MemberAccess>,
    /// Zoom facts, for Zoom meetings when Zoom is connected.
    pub zoom: Option<&'a ZoomFacts>,
}
