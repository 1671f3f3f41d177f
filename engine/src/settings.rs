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
}

impl Default for GoogleConnection {
    fn default() -> Self {
        Self {
            mode: ConnectionMode::None,
            admin: None,
            import_permission: true,
            email_authorized: true,
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
        Self {
            calendar: true,
            email: false,
            non_recorded_meetings: false,
        }
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
        Self {
            web_conferences: true,
            calendar: true,
            email: false,
            non_recorded_meetings: false,
            never_record: false,
        }
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
}

impl TeamMember {
    /// A member with default seat and toggles.
    pub fn new(email: &str) -> Self {
        Self {
            email: email.to_ascii_lowercase(),
            seat: Seat::Recorder,
            capture: Capture::default(),
            connected: false,
        }
    }
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
}

impl CompanySettings {
    /// The member with this address.
    pub fn member(&self, email: &str) -> Option<&TeamMember> {
        self.team
            .iter()
            .find(|m| m.email.eq_ignore_ascii_case(email))
    }

    /// The member with this address, for changing.
    pub fn member_mut(&mut self, email: &str) -> Option<&mut TeamMember> {
        self.team
            .iter_mut()
            .find(|m| m.email.eq_ignore_ascii_case(email))
    }
}
