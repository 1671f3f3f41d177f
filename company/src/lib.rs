//! The recording product's company settings — how the company connects to its
//! email/calendar providers, what it imports, its team members with their seats and
//! capture toggles, recording rules and its CRM — as ONE serde model.
//!
//! The same type is what a scenario's `company:` section deserialises into (the
//! simulator), what the reference engine reads on every sync and page, what the harness
//! steps change, and what a language-neutral engine protocol will carry as JSON. It lives
//! in this small crate (serde only) because the engine must not depend on the simulator
//! nor the simulator on the engine.
//!
//! # Format
//! Every struct is `deny_unknown_fields` and every field but a team member's `email` has
//! the default the scenario format has always had, so existing `company:` sections parse
//! unchanged. Addresses (team emails, connection admins) and internal domains are trimmed
//! and lower-cased while deserialising, so YAML, JSON and code all give the same value.
//! Facts that follow from other settings are methods, not stored fields, so they cannot
//! disagree: a connection's tenant domain is its admin's domain
//! ([`WorkspaceConnection::tenant_domain`]), consent links carry the company name's slug
//! ([`CompanySettings::consent_slug`]), a member without a name is named after their
//! address ([`TeamMember::display_name`]).
//!
//! # Source locations
//! This type carries no source spans: JSON has none, and `Spanned<T>` from the YAML crate
//! would drag a YAML dependency into the engine and its protocol. The simulator instead
//! reads the few company values its checks point at (team emails, connection admins) a
//! second time, as a small spanned shadow of the same text, and validates the company
//! section once against it (`simulator::scenario::spec::CompanyLocations`). That keeps
//! every located diagnostic (`file:line:col: company.team[1].email: …`) without a second
//! settings model.
//!
//! # Providers
//! A provider connection ([`WorkspaceConnection`]: mode, admin, import permission, email
//! authorization) is the same for Google Workspace now and Microsoft 365 later;
//! [`WorkspaceKind`] names which one, and [`CompanySettings::workspace`] says which the
//! company uses, so callers never branch on a provider by name.

use serde::{Deserialize, Deserializer, Serialize};

/// An email/calendar/directory provider a company can connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkspaceKind {
    /// Google Workspace.
    Google,
}

impl WorkspaceKind {
    /// Every kind, in settings order.
    pub const ALL: &'static [WorkspaceKind] = &[WorkspaceKind::Google];

    /// The name shown to users ("not a Google Workspace admin").
    pub fn display_name(self) -> &'static str {
        match self {
            WorkspaceKind::Google => "Google Workspace",
        }
    }
}

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

/// The company's connection to one email/calendar provider (Google Workspace now,
/// Microsoft 365 later): the provider's settings page in the product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkspaceConnection {
    /// Mode (`connection:` in the format).
    #[serde(rename = "connection")]
    pub mode: ConnectionMode,
    /// The provider admin who connected company-wide (impersonated for the directory).
    #[serde(deserialize_with = "lower_opt", skip_serializing_if = "Option::is_none")]
    pub admin: Option<String>,
    /// "Import settings" permission given on the provider settings page.
    pub import_permission: bool,
    /// The recorder was authorized to read email.
    pub email_authorized: bool,
}

impl Default for WorkspaceConnection {
    fn default() -> Self {
        Self { mode: ConnectionMode::None, admin: None, import_permission: true, email_authorized: true }
    }
}

impl WorkspaceConnection {
    /// The provider tenant connected company-wide: the admin's domain (one tenant per
    /// provider, DC-12).
    pub fn tenant_domain(&self) -> Option<&str> {
        self.admin.as_deref().and_then(|a| a.rsplit_once('@')).map(|(_, d)| d)
    }
}

/// Company-wide data-capture toggles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

/// A member's data-capture toggles (Team members > [User] > Data capture).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Capture {
    /// Record web conferences.
    pub web_conferences: bool,
    /// Import calendar.
    pub calendar: bool,
    /// Import email.
    pub email: bool,
    /// Import non-recorded meetings.
    pub non_recorded_meetings: bool,
    /// Never record meetings this member attends.
    pub never_record: bool,
}

impl Default for Capture {
    fn default() -> Self {
        Self { web_conferences: true, calendar: true, email: false, non_recorded_meetings: false, never_record: false }
    }
}

/// A team member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    /// Address (trimmed, lower case).
    #[serde(deserialize_with = "lower")]
    pub email: String,
    /// Display name in calls (REC-16); empty means "derived from the address", see
    /// [`TeamMember::display_name`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Recording consent profile (REC-13).
    #[serde(default)]
    pub consent: ConsentProfile,
    /// Seat.
    #[serde(default)]
    pub seat: Seat,
    /// Capture toggles.
    #[serde(default)]
    pub capture: Capture,
    /// User-by-user: the member connected their mailbox.
    #[serde(default)]
    pub connected: bool,
}

impl TeamMember {
    /// A member with default seat and toggles; the name is derived from the address.
    pub fn new(email: &str) -> Self {
        let email = email.trim().to_ascii_lowercase();
        Self {
            name: name_from_email(&email),
            email,
            seat: Seat::Recorder,
            capture: Capture::default(),
            connected: false,
            consent: ConsentProfile::default(),
        }
    }

    /// The name the member appears under in calls: the configured name, or one derived
    /// from the address ("nora.north@…" → "Nora North").
    pub fn display_name(&self) -> String {
        if self.name.trim().is_empty() { name_from_email(&self.email) } else { self.name.clone() }
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

/// A company name's slug in consent links: letters and digits, lower case.
pub fn slug(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase()
}

/// Everything the company configured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompanySettings {
    /// Company name.
    pub name: String,
    /// The Google Workspace connection.
    pub google: WorkspaceConnection,
    /// Company-wide import toggles.
    pub import: ImportToggles,
    /// Team members.
    pub team: Vec<TeamMember>,
    /// Recording settings, exclusions and compliance.
    pub recording: RecordingSettings,
    /// The web-conferencing provider table.
    pub conferencing: Conferencing,
    /// The company's CRM connection (email import needs it, DC-15).
    pub crm: Crm,
}

impl CompanySettings {
    /// The member with this address.
    pub fn member(&self, email: &str) -> Option<&TeamMember> {
        self.team.iter().find(|m| m.email.eq_ignore_ascii_case(email.trim()))
    }

    /// The member with this address, for changing.
    pub fn member_mut(&mut self, email: &str) -> Option<&mut TeamMember> {
        self.team.iter_mut().find(|m| m.email.eq_ignore_ascii_case(email.trim()))
    }

    /// The connection to a provider.
    pub fn connection(&self, kind: WorkspaceKind) -> &WorkspaceConnection {
        match kind {
            WorkspaceKind::Google => &self.google,
        }
    }

    /// The connection to a provider, for changing.
    pub fn connection_mut(&mut self, kind: WorkspaceKind) -> &mut WorkspaceConnection {
        match kind {
            WorkspaceKind::Google => &mut self.google,
        }
    }

    /// The email/calendar provider the company uses: the first one connected, or the
    /// first kind when none is (so "not connected" messages still name a provider).
    pub fn workspace(&self) -> (WorkspaceKind, &WorkspaceConnection) {
        WorkspaceKind::ALL
            .iter()
            .map(|k| (*k, self.connection(*k)))
            .find(|(_, c)| c.mode != ConnectionMode::None)
            .unwrap_or((WorkspaceKind::Google, &self.google))
    }

    /// The company's slug in consent links (`https://join.recorder.example/<slug>/…`).
    pub fn consent_slug(&self) -> String {
        slug(&self.name)
    }
}

/// The company's CRM: email import needs it and only keeps mail with its contacts (DC-15).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
#[serde(default, deny_unknown_fields)]
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

/// Company > Recording settings and Data protection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecordingSettings {
    /// Domains that count as internal (REC-10), lower case.
    #[serde(deserialize_with = "lower_vec")]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlook_coordinator: Option<String>,
    /// Name the recorder joins under (REC-18).
    pub bot_name: String,
    /// Email external participants before the call (REC-18).
    pub email_external_participants: bool,
    /// Consent page required (REC-18).
    pub consent_page: bool,
    /// Authenticated bot for Teams/Webex (REC-17).
    pub authenticated_bot: bool,
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
        }
    }
}

/// One row of the web-conferencing provider table (REC-09).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConferencingProvider {
    /// The toggle in the first column.
    pub enabled: bool,
    /// Settings are correct (the Details column shows no error).
    pub configured: bool,
}

impl Default for ConferencingProvider {
    fn default() -> Self {
        Self { enabled: true, configured: true }
    }
}

/// The web-conferencing provider table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
#[serde(default, deny_unknown_fields)]
pub struct ConsentProfile {
    /// Enforce consent for calls this member owns.
    pub enforce: bool,
    /// Which consent-enabled link type the profile expects.
    pub link_type: ConsentLinkType,
}

fn lower<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(String::deserialize(d)?.trim().to_ascii_lowercase())
}

fn lower_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(|s| s.trim().to_ascii_lowercase()))
}

fn lower_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Vec::<String>::deserialize(d)?.into_iter().map(|s| s.trim().to_ascii_lowercase()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"
name: Acme Corp
google:
  connection: company_wide
  admin: " Ada.Admin@ACME.example "
  import_permission: false
  email_authorized: false
import: { calendar: false, email: true, non_recorded_meetings: true }
team:
  - email: Nora.North@acme.example
    consent: { enforce: true, link_type: dynamic }
    seat: viewer
    capture: { web_conferences: false, email: true, never_record: true }
    connected: true
  - email: elena.east@acme.example
    name: Elena E.
recording:
  internal_domains: [ACME.example]
  who_is_recorded: anyone_with_recordable_invitee
  exclusions: { domains: [globex.example], keywords: [interview], private_meetings: false }
  outlook_coordinator: coordinator@acme.example
  bot_name: Notes
conferencing:
  zoom: { enabled: false }
  webex: { configured: false }
crm: { connected: true, contacts: ["@globex.example"] }
"#;

    #[test]
    fn the_scenario_format_reads_with_its_defaults_and_normalised_addresses() {
        let s: CompanySettings = serde_saphyr::from_str(FULL).expect("the format parses");
        assert_eq!(s.google.mode, ConnectionMode::CompanyWide);
        assert_eq!(s.google.admin.as_deref(), Some("ada.admin@acme.example"));
        assert_eq!(s.google.tenant_domain(), Some("acme.example"));
        assert!(!s.google.import_permission && !s.google.email_authorized);
        assert_eq!(s.import, ImportToggles { calendar: false, email: true, non_recorded_meetings: true });
        let nora = &s.team[0];
        assert_eq!(nora.email, "nora.north@acme.example");
        assert_eq!(nora.display_name(), "Nora North");
        assert_eq!(nora.consent, ConsentProfile { enforce: true, link_type: ConsentLinkType::Dynamic });
        assert_eq!(nora.seat, Seat::Viewer);
        assert_eq!(
            nora.capture,
            Capture {
                web_conferences: false,
                calendar: true,
                email: true,
                non_recorded_meetings: false,
                never_record: true
            }
        );
        assert!(nora.connected);
        assert_eq!(s.team[1].display_name(), "Elena E.");
        assert_eq!(s.team[1].seat, Seat::Recorder);
        assert_eq!(s.recording.internal_domains, ["acme.example"]);
        assert!(s.recording.primary_calendar_only, "default kept");
        assert_eq!(s.recording.bot_name, "Notes");
        assert!(!s.recording.exclusions.private_meetings);
        assert!(!s.conferencing.zoom.enabled && s.conferencing.zoom.configured);
        assert!(s.conferencing.webex.enabled && !s.conferencing.webex.configured);
        assert!(s.crm.has_contact("buyer@GLOBEX.example"));
        assert_eq!(s.consent_slug(), "acmecorp");
        assert_eq!(s.workspace().0.display_name(), "Google Workspace");
    }

    #[test]
    fn an_empty_section_has_the_format_defaults() {
        let s: CompanySettings = serde_saphyr::from_str("{}").expect("parses");
        assert_eq!(s, CompanySettings::default());
        assert!(s.google.import_permission && s.google.email_authorized);
        assert!(s.import.calendar && !s.import.email);
        assert!(s.recording.exclusions.private_meetings && s.recording.primary_calendar_only);
        assert_eq!(s.recording.bot_name, "Recorder");
    }

    #[test]
    fn unknown_fields_are_refused_at_every_level() {
        for yaml in [
            "colour: red",
            "google: { mode: company_wide }",
            "team: [{ email: a@b.example, role: x }]",
            "recording: { consent_slug: x }",
            "conferencing: { zoom: { on: true } }",
        ] {
            assert!(serde_saphyr::from_str::<CompanySettings>(yaml).is_err(), "{yaml} should be refused");
        }
    }

    #[test]
    fn json_round_trips() {
        let s: CompanySettings = serde_saphyr::from_str(FULL).expect("parses");
        let json = serde_json::to_string(&s).expect("serialises");
        let back: CompanySettings = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, s);
        let yaml = serde_saphyr::to_string(&s).expect("serialises");
        assert_eq!(serde_saphyr::from_str::<CompanySettings>(&yaml).expect("reads back"), s);
    }
}
