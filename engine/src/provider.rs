//! The company's providers as the engine's sync sees them, whoever they are: a directory
//! (who is in the company), calendars (meetings) and mailboxes, behind object-safe traits
//! with provider-neutral types.
//!
//! Sync, the Team members page and recording decisions only ever talk to a
//! [`Workspace`] — one provider tenant that is directory, calendar and mail at once — and
//! to the company's [`WorkspaceConnection`](crate::settings::WorkspaceConnection) for
//! its [`WorkspaceKind`]. Google Workspace is one implementation
//! ([`crate::google::GoogleClient`]); Microsoft 365 plugs in beside it as another, with
//! no provider branches in sync, page or decisions. Messages shown to users name the
//! actual provider through [`WorkspaceKind::display_name`].
//!
//! Async methods return the crate's [`BoxFuture`] so the traits stay object-safe without
//! an extra dependency.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::BoxFuture;
use crate::settings::{ConnectionMode, WorkspaceKind};

pub use crate::error::ProviderError;

/// A directory user as the engine keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryUser {
    /// Primary email.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Organizational unit (Google org unit path; a department elsewhere).
    pub org_unit: String,
    /// Suspended (blocked from signing in).
    pub suspended: bool,
}

/// An attendee of a calendar event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventAttendee {
    /// Address.
    pub email: String,
    /// Response status (`accepted`, `declined`, `tentative`, `needsAction`).
    pub response: String,
}

/// A calendar event as the engine imports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEvent {
    /// The provider's event id (unique within the provider).
    pub id: String,
    /// iCalendar UID (same on every invitee's copy).
    pub ical_uid: String,
    /// Title.
    pub title: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Organizer address.
    pub organizer: String,
    /// Attendees.
    pub attendees: Vec<EventAttendee>,
    /// `default`, `public`, `private`, `confidential`.
    pub visibility: String,
    /// Description text.
    pub description: Option<String>,
    /// Location text.
    pub location: Option<String>,
    /// The provider's own conference link (Google's `hangoutLink`, a Teams join URL).
    pub hangout_link: Option<String>,
    /// Last update.
    pub updated: Option<DateTime<Utc>>,
}

/// A calendar a user owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarRef {
    /// Calendar id.
    pub id: String,
    /// The user's primary calendar.
    pub primary: bool,
}

/// What a listing of one calendar returned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventChanges {
    /// Events (all of them for a full listing; the changed ones for an incremental one).
    pub events: Vec<CalendarEvent>,
    /// Ids of events cancelled (incremental listings only).
    pub cancelled: Vec<String>,
    /// Token for the next incremental listing.
    pub next_sync_token: Option<String>,
}

/// An email as the engine keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailMessage {
    /// The provider's message id.
    pub id: String,
    /// Sender.
    pub from: String,
    /// Recipients (To and Cc).
    pub to: Vec<String>,
    /// Subject.
    pub subject: String,
    /// Arrival time.
    pub at: DateTime<Utc>,
}

/// Who is in the company.
pub trait DirectoryProvider: Send + Sync {
    /// Every directory user, read as the provider admin `admin`. A refusal with status
    /// 403 means `admin` is not an admin of the tenant (DC-13).
    fn list_users<'a>(&'a self, admin: &'a str) -> BoxFuture<'a, Result<Vec<DirectoryUser>, ProviderError>>;
}

/// Members' calendars.
pub trait CalendarProvider: Send + Sync {
    /// The calendars `user` owns.
    fn list_calendars<'a>(&'a self, user: &'a str) -> BoxFuture<'a, Result<Vec<CalendarRef>, ProviderError>>;

    /// Events of one calendar between `from` and `to`, or, with `sync_token`, the changes
    /// since that listing. A token the provider no longer accepts is refused with status
    /// 410: the caller then lists in full.
    fn list_events<'a>(
        &'a self,
        user: &'a str,
        calendar: &'a str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        sync_token: Option<&'a str>,
    ) -> BoxFuture<'a, Result<EventChanges, ProviderError>>;
}

/// Members' mailboxes (read-only, DC-14).
pub trait MailProvider: Send + Sync {
    /// Ids of `user`'s messages that arrived after `after`.
    fn list_message_ids<'a>(
        &'a self,
        user: &'a str,
        after: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Vec<String>, ProviderError>>;

    /// One message's addressing.
    fn get_message<'a>(&'a self, user: &'a str, id: &'a str) -> BoxFuture<'a, Result<MailMessage, ProviderError>>;
}

/// One provider tenant that is the company's directory, calendars and mail (Google
/// Workspace, Microsoft 365), and how members connect to it.
pub trait Workspace: DirectoryProvider + CalendarProvider + MailProvider {
    /// Which provider; its connection in the settings is
    /// [`CompanySettings::connection`](crate::settings::CompanySettings::connection).
    fn kind(&self) -> WorkspaceKind;

    /// The name shown to users.
    fn display_name(&self) -> &'static str {
        self.kind().display_name()
    }

    /// How the next calls act: company-wide (the app acting for members) or user-by-user
    /// (each member's own grant).
    fn use_mode(&self, mode: ConnectionMode);

    /// Starts a member's user-by-user connection: the consent URL for their browser.
    fn begin_user_connection(&self, email: &str) -> Result<String, ProviderError>;

    /// Completes a member's connection with what the browser brought back; returns the
    /// member and the scopes they granted.
    fn complete_user_connection<'a>(
        &'a self,
        state: &'a str,
        code: &'a str,
    ) -> BoxFuture<'a, Result<(String, Vec<String>), ProviderError>>;
}
