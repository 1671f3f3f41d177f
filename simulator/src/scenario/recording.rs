//! The recording product's recording settings as a scenario writes them: what is
//! recorded, exclusions, link handling, conferencing providers and compliance (rules
//! REC-01…REC-18). The simulator carries them for whoever drives the engine.

use serde::{Deserialize, Serialize};

fn yes() -> bool {
    true
}

fn default_bot_name() -> String {
    "Recorder".into()
}

/// Company > Recording settings and Data protection.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingSpec {
    /// Domains that count as internal (REC-10).
    #[serde(default)]
    pub internal_domains: Vec<String>,
    /// Record internal web conference calls (REC-10).
    #[serde(default)]
    pub record_internal: bool,
    /// Which meetings are recorded (REC-12).
    #[serde(default)]
    pub who_is_recorded: WhoIsRecorded,
    /// Web conferences to exclude from capture (REC-07).
    #[serde(default)]
    pub exclusions: ExclusionsSpec,
    /// Decode reversible security-gateway wrappers before recognizing links (REC-08).
    #[serde(default)]
    pub unwrap_links: bool,
    /// Only import meetings from a member's primary calendar (REC-03).
    #[serde(default = "yes")]
    pub primary_calendar_only: bool,
    /// The Outlook Coordinator address, when the server-side rule is set up (REC-04).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlook_coordinator: Option<String>,
    /// The name the recorder joins under (REC-18).
    #[serde(default = "default_bot_name")]
    pub bot_name: String,
    /// Email external participants before the call (REC-18).
    #[serde(default)]
    pub email_external_participants: bool,
    /// Participants must accept a consent page (REC-18).
    #[serde(default)]
    pub consent_page: bool,
    /// The bot joins Teams/Webex as an authenticated, trusted user (REC-17).
    #[serde(default)]
    pub authenticated_bot: bool,
}

impl Default for RecordingSpec {
    fn default() -> Self {
        Self {
            internal_domains: vec![],
            record_internal: false,
            who_is_recorded: WhoIsRecorded::default(),
            exclusions: ExclusionsSpec::default(),
            unwrap_links: false,
            primary_calendar_only: true,
            outlook_coordinator: None,
            bot_name: default_bot_name(),
            email_external_participants: false,
            consent_page: false,
            authenticated_bot: false,
        }
    }
}

/// "Which meetings should be recorded?" (REC-12).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhoIsRecorded {
    /// Option 1: meetings whose host is a recordable member.
    #[default]
    RecordableHost,
    /// Option 2: organized by anyone in the company, with a recordable member invited.
    AnyoneWithRecordableInvitee,
}

/// Exclusion lists (REC-07).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExclusionsSpec {
    /// Email domains.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Participant addresses.
    #[serde(default)]
    pub participants: Vec<String>,
    /// Keywords in the title (case-insensitive).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Exclude meetings marked private in the calendar.
    #[serde(default = "yes")]
    pub private_meetings: bool,
}

impl Default for ExclusionsSpec {
    fn default() -> Self {
        Self { domains: vec![], participants: vec![], keywords: vec![], private_meetings: true }
    }
}

/// Company > Data capture > Web conferencing: one provider's row (REC-09).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConferencingProviderSpec {
    /// The toggle in the first column.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Settings are correct (the Details column shows no error).
    #[serde(default = "yes")]
    pub configured: bool,
}

impl Default for ConferencingProviderSpec {
    fn default() -> Self {
        Self { enabled: true, configured: true }
    }
}

/// The web-conferencing provider table.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConferencingSpec {
    /// Zoom.
    #[serde(default)]
    pub zoom: ConferencingProviderSpec,
    /// Microsoft Teams.
    #[serde(default)]
    pub teams: ConferencingProviderSpec,
    /// Google Meet.
    #[serde(default)]
    pub meet: ConferencingProviderSpec,
    /// Webex.
    #[serde(default)]
    pub webex: ConferencingProviderSpec,
}

/// A member's recording consent profile (REC-13).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentSpec {
    /// Enforce consent for calls this member owns.
    #[serde(default)]
    pub enforce: bool,
    /// Which consent-enabled link type the profile expects.
    #[serde(default)]
    pub link_type: ConsentLinkType,
}

/// Consent link types.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentLinkType {
    /// One personal link per member.
    #[default]
    Static,
    /// A link generated per meeting.
    Dynamic,
}
