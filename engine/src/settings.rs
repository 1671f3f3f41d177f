//! The recording product's company configuration: how it connects to providers, what it
//! imports, and its team members with their seats and capture toggles. The engine reads
//! these on every call, so a changed setting takes effect on the next sync or page.

use serde::{Deserialize, Serialize};

/// How the company connects to an email/calendar provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionMode {
    /// Not connected.
    #[default]
    None,
    /// Company-wide connection made by a provider admin.
    CompanyWide,
    /// Each member connects their own mailbox.
    UserByUser,
}

/// The company's Google Workspace connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoogleConnection {
    /// Mode.
    pub mode: ConnectionMode,
    /// The admin who connected company-wide (impersonated for the directory).
    pub admin: Option<String>,
    /// Import permission given on the provider settings page.
    pub import_permission: bool,
    /// Email access authorized.
    pub email_authorized: bool,
    /// The Google Workspace domain connected (one tenant per provider, DC-12).
    #[serde(default)]
    pub tenant_domain: Option<String>,
}

impl Default for GoogleConnection {
    fn default() -> Self {
        Self {
            mode: ConnectionMode::None,
            admin: None,
            import_permission: true,
            email_authorized: true,
            tenant_domain: None,
        }
    }
}

/// Company-wide data-capture toggles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportToggles {
    /// Import calendar meetings.
    pub calendar: bool,
    /// Import emails.
    pub email: bool,
    /// Import non-recorded meetings.
    pub non_recorded_meetings: bool,
}

impl Default for ImportToggles {
    fn default() -> Self {
        Self { calendar: true, email: false, non_recorded_meetings: false }
    }
}

/// A member's seat. Only [`Seat::Recorder`] allows recording.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seat {
    /// Records.
    #[default]
    Recorder,
    /// Views only.
    Viewer,
    /// No seat.
    None,
}

/// A member's data-capture toggles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capture {
    /// Record web conferences.
    pub web_conferences: bool,
    /// Import calendar.
    pub calendar: bool,
    /// Import email.
    pub email: bool,
    /// Import non-recorded meetings.
    pub non_recorded_meetings: bool,
    /// Never record.
    pub never_record: bool,
}

impl Default for Capture {
    fn default() -> Self {
        Self { web_conferences: true, calendar: true, email: false, non_recorded_meetings: false, never_record: false }
    }
}

/// A team member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    /// Address (lower case).
    pub email: String,
    /// Seat.
    pub seat: Seat,
    /// Capture toggles.
    pub capture: Capture,
    /// User-by-user: connected their mailbox.
    pub connected: bool,
    /// Display name in calls (REC-16).
    pub name: String,
    /// Consent profile (REC-13).
    pub consent: ConsentProfile,
}

impl TeamMember {
    /// A member with default seat and toggles; the name is derived from the address.
    pub fn new(email: &str) -> Self {
        let email = email.to_ascii_lowercase();
        Self {
            name: name_from_email(&email),
            email,
            seat: Seat::Recorder,
            capture: Capture::default(),
            connected: false,
            consent: ConsentProfile::default(),
        }
    }

    /// Recording is possible for this member: a recording seat and web conferences on.
    pub fn may_record(&self) -> bool {
        self.seat == Seat::Recorder && self.capture.web_conferences
    }
}

/// "nora.north@acme.example" → "Nora North".
pub fn name_from_email(email: &str) -> String {
    email
        .split('@')
        .next()
        .unwrap_or_default()
        .split(['.', '_', '-'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            cs.next().map(|f| f.to_uppercase().chain(cs).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Everything the company configured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanySettings {
    /// Company name.
    pub name: String,
    /// Google Workspace connection.
    pub google: GoogleConnection,
    /// Company-wide import toggles.
    pub import: ImportToggles,
    /// Team members.
    pub team: Vec<TeamMember>,
    /// Recording settings.
    pub recording: RecordingSettings,
    /// Web-conferencing providers.
    pub conferencing: Conferencing,
    /// CRM connection and contacts.
    pub crm: Crm,
}

/// The company's CRM: email import needs it and only keeps mail with its contacts (DC-15).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crm {
    /// A CRM is connected.
    pub connected: bool,
    /// Contact addresses, or `@domain` entries for whole accounts.
    pub contacts: Vec<String>,
}

impl Crm {
    /// True if `email` is a CRM contact.
    pub fn has_contact(&self, email: &str) -> bool {
        let email = email.to_ascii_lowercase();
        self.contacts.iter().any(|c| {
            let c = c.trim().to_ascii_lowercase();
            match c.strip_prefix('@') {
                Some(domain) => email.ends_with(&format!("@{domain}")),
                None => c == email,
            }
        })
    }
}

impl CompanySettings {
    /// The member with this address.
    pub fn member(&self, email: &str) -> Option<&TeamMember> {
        self.team.iter().find(|m| m.email.eq_ignore_ascii_case(email))
    }

    /// The member with this address, for changing.
    pub fn member_mut(&mut self, email: &str) -> Option<&mut TeamMember> {
        self.team.iter_mut().find(|m| m.email.eq_ignore_ascii_case(email))
    }
}

/// "Which meetings should be recorded?" (REC-12).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhoIsRecorded {
    /// Meetings whose host is recordable.
    #[default]
    RecordableHost,
    /// Meetings organized by anyone in the company with a recordable member invited.
    AnyoneWithRecordableInvitee,
}

/// Exclusion lists (REC-07).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusions {
    /// Email domains.
    pub domains: Vec<String>,
    /// Participant addresses.
    pub participants: Vec<String>,
    /// Title keywords (case-insensitive).
    pub keywords: Vec<String>,
    /// Exclude meetings marked private.
    pub private_meetings: bool,
}

impl Default for Exclusions {
    fn default() -> Self {
        Self { domains: vec![], participants: vec![], keywords: vec![], private_meetings: true }
    }
}

/// Recording settings, exclusions and compliance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingSettings {
    /// Internal domains (REC-10).
    pub internal_domains: Vec<String>,
    /// Record internal calls (REC-10).
    pub record_internal: bool,
    /// Which meetings are recorded (REC-12).
    pub who_is_recorded: WhoIsRecorded,
    /// Exclusions (REC-07).
    pub exclusions: Exclusions,
    /// Decode reversible link wrappers (REC-08).
    pub unwrap_links: bool,
    /// Only the primary calendar (REC-03).
    pub primary_calendar_only: bool,
    /// Outlook Coordinator address (REC-04).
    pub outlook_coordinator: Option<String>,
    /// Name the recorder joins under (REC-18).
    pub bot_name: String,
    /// Email external participants before the call (REC-18).
    pub email_external_participants: bool,
    /// Consent page required (REC-18).
    pub consent_page: bool,
    /// Authenticated bot for Teams/Webex (REC-17).
    pub authenticated_bot: bool,
    /// The company's slug in consent links (`https://join.recorder.example/<slug>/…`).
    pub consent_slug: String,
}

impl Default for RecordingSettings {
    fn default() -> Self {
        Self {
            internal_domains: vec![],
            record_internal: false,
            who_is_recorded: WhoIsRecorded::default(),
            exclusions: Exclusions::default(),
            unwrap_links: false,
            primary_calendar_only: true,
            outlook_coordinator: None,
            bot_name: "Recorder".into(),
            email_external_participants: false,
            consent_page: false,
            authenticated_bot: false,
            consent_slug: String::new(),
        }
    }
}

/// One row of the web-conferencing provider table (REC-09).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConferencingProvider {
    /// Enabled.
    pub enabled: bool,
    /// Correctly set up.
    pub configured: bool,
}

impl Default for ConferencingProvider {
    fn default() -> Self {
        Self { enabled: true, configured: true }
    }
}

/// The web-conferencing provider table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conferencing {
    /// Zoom.
    pub zoom: ConferencingProvider,
    /// Microsoft Teams.
    pub teams: ConferencingProvider,
    /// Google Meet.
    pub meet: ConferencingProvider,
    /// Webex.
    pub webex: ConferencingProvider,
}

/// Consent link types (REC-13).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentLinkType {
    /// One personal link per member.
    #[default]
    Static,
    /// A link per meeting.
    Dynamic,
}

/// A member's consent profile (REC-13).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentProfile {
    /// Enforce consent.
    pub enforce: bool,
    /// Expected link type.
    pub link_type: ConsentLinkType,
}
