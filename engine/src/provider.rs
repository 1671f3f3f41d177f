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

#[cfg(test)]
mod tests {
    //! The seam itself: an in-memory workspace (no HTTP, no Google client) plugged in
    //! through the builder is synced, paged and connected exactly like Google is.

    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    use chrono::{DateTime, Duration, Utc};

    use super::*;
    use crate::clock::Clock;
    use crate::settings::{CompanySettings, TeamMember, WorkspaceConnection};
    use crate::{ConnectError, Engine, Icon};

    struct FixedClock(DateTime<Utc>);

    impl Clock for FixedClock {
        fn now(&self) -> DateTime<Utc> {
            self.0
        }
        fn sleep(&self, _: Duration) -> BoxFuture<'_, ()> {
            Box::pin(async {})
        }
    }

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-03-10T09:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default()
    }

    /// A tenant in memory: `admin` may read the directory, `refused` members' calendars
    /// are refused, every event of `events` is on each attendee's primary calendar.
    #[derive(Default)]
    struct Memory {
        admin: String,
        users: Vec<String>,
        refused: Vec<String>,
        events: Vec<CalendarEvent>,
        modes: Mutex<Vec<ConnectionMode>>,
    }

    fn refused(status: u16, code: &str) -> ProviderError {
        ProviderError::Refused {
            provider: WorkspaceKind::Google.display_name().into(),
            status,
            code: code.into(),
            message: "refused by the test tenant".into(),
        }
    }

    impl DirectoryProvider for Memory {
        fn list_users<'a>(&'a self, admin: &'a str) -> BoxFuture<'a, Result<Vec<DirectoryUser>, ProviderError>> {
            let result = if admin == self.admin {
                Ok(self
                    .users
                    .iter()
                    .map(|u| DirectoryUser {
                        email: u.clone(),
                        name: u.clone(),
                        org_unit: "/".into(),
                        suspended: false,
                    })
                    .collect())
            } else {
                Err(refused(403, "forbidden"))
            };
            Box::pin(async move { result })
        }
    }

    impl CalendarProvider for Memory {
        fn list_calendars<'a>(&'a self, user: &'a str) -> BoxFuture<'a, Result<Vec<CalendarRef>, ProviderError>> {
            let result = if self.refused.iter().any(|r| r == user) {
                Err(refused(401, "unauthorized_client"))
            } else {
                Ok(vec![CalendarRef { id: user.to_string(), primary: true }])
            };
            Box::pin(async move { result })
        }

        fn list_events<'a>(
            &'a self,
            user: &'a str,
            _calendar: &'a str,
            _from: DateTime<Utc>,
            _to: DateTime<Utc>,
            _sync_token: Option<&'a str>,
        ) -> BoxFuture<'a, Result<EventChanges, ProviderError>> {
            let events = self
                .events
                .iter()
                .filter(|e| e.organizer == user || e.attendees.iter().any(|a| a.email == user))
                .cloned()
                .collect();
            Box::pin(async move { Ok(EventChanges { events, cancelled: vec![], next_sync_token: None }) })
        }
    }

    impl MailProvider for Memory {
        fn list_message_ids<'a>(
            &'a self,
            _user: &'a str,
            _after: DateTime<Utc>,
        ) -> BoxFuture<'a, Result<Vec<String>, ProviderError>> {
            Box::pin(async { Ok(vec![]) })
        }

        fn get_message<'a>(&'a self, _user: &'a str, id: &'a str) -> BoxFuture<'a, Result<MailMessage, ProviderError>> {
            Box::pin(async move { Err(ProviderError::Protocol(format!("no message {id}"))) })
        }
    }

    impl Workspace for Memory {
        fn kind(&self) -> WorkspaceKind {
            WorkspaceKind::Google
        }
        fn use_mode(&self, mode: ConnectionMode) {
            self.modes.lock().unwrap_or_else(|p| p.into_inner()).push(mode);
        }
        fn begin_user_connection(&self, email: &str) -> Result<String, ProviderError> {
            Ok(format!("https://consent.example/{email}"))
        }
        fn complete_user_connection<'a>(
            &'a self,
            _state: &'a str,
            _code: &'a str,
        ) -> BoxFuture<'a, Result<(String, Vec<String>), ProviderError>> {
            Box::pin(async { Err(refused(400, "invalid_grant")) })
        }
    }

    fn event(uid: &str, organizer: &str, attendees: &[&str]) -> CalendarEvent {
        CalendarEvent {
            id: format!("id-{uid}"),
            ical_uid: uid.into(),
            title: format!("meeting {uid}"),
            start: at() + Duration::hours(2),
            end: at() + Duration::hours(3),
            organizer: organizer.into(),
            attendees: attendees
                .iter()
                .map(|a| EventAttendee { email: (*a).into(), response: "accepted".into() })
                .collect(),
            visibility: "default".into(),
            description: None,
            location: Some("https://zoom.us/j/81234567890".into()),
            hangout_link: None,
            updated: None,
        }
    }

    fn engine() -> Engine {
        let memory = Memory {
            admin: "ada@acme.example".into(),
            users: vec!["ada@acme.example".into(), "nora@acme.example".into(), "sam@acme.example".into()],
            refused: vec!["sam@acme.example".into()],
            events: vec![event("m1", "nora@acme.example", &["ada@acme.example"]), event("m2", "ada@acme.example", &[])],
            modes: Mutex::default(),
        };
        let built = Engine::builder().clock(Arc::new(FixedClock(at()))).workspace(Box::new(memory)).build();
        built.unwrap_or_else(|e| panic!("an in-memory workspace needs no key: {e}"))
    }

    fn settings() -> CompanySettings {
        CompanySettings {
            google: WorkspaceConnection {
                mode: ConnectionMode::CompanyWide,
                admin: Some("ada@acme.example".into()),
                ..Default::default()
            },
            team: ["ada@acme.example", "nora@acme.example", "sam@acme.example"].map(TeamMember::new).to_vec(),
            ..Default::default()
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        match tokio::runtime::Builder::new_current_thread().build() {
            Ok(rt) => rt.block_on(f),
            Err(e) => panic!("runtime: {e}"),
        }
    }

    #[test]
    fn another_workspace_plugs_in_and_is_synced_like_google() {
        let engine = engine();
        let settings = settings();
        let report = block_on(engine.sync(&settings));
        assert_eq!(report.directory_users, Some(3));
        assert_eq!(report.new_meetings, 2, "m1 on two calendars counts once");
        let uids: BTreeMap<String, Vec<String>> =
            engine.meetings().into_iter().map(|m| (m.event.ical_uid, m.seen_on.into_keys().collect())).collect();
        assert_eq!(
            uids,
            BTreeMap::from([
                ("m1".to_string(), vec!["ada@acme.example".to_string(), "nora@acme.example".to_string()]),
                ("m2".to_string(), vec!["ada@acme.example".to_string()]),
            ])
        );
        let page = engine.team_page(&settings);
        let icon = |email: &str| page.member(email).map(|r| r.calendar_icon);
        assert_eq!(icon("nora@acme.example"), Some(Icon::Green));
        assert_eq!(icon("sam@acme.example"), Some(Icon::Red));
        let sam = page.member("sam@acme.example").map(|r| r.warnings.clone()).unwrap_or_default();
        assert!(
            sam.iter().any(|w| w.code == "access_refused" && w.message.starts_with("Google Workspace refused access")),
            "the refusal names the provider by its display name: {sam:?}"
        );
    }

    #[test]
    fn connecting_through_the_seam_names_the_provider() {
        let engine = engine();
        let mut settings = CompanySettings::default();
        let refused = block_on(engine.connect_company_wide(&mut settings, "nora@acme.example"));
        match refused {
            Err(e @ ConnectError::NotAdmin { .. }) => {
                assert!(e.to_string().starts_with("nora@acme.example is not a Google Workspace admin"), "{e}")
            }
            other => panic!("expected NotAdmin, got {other:?}"),
        }
        assert_eq!(settings, CompanySettings::default(), "a refusal changes nothing");
        assert!(block_on(engine.connect_company_wide(&mut settings, "Ada@acme.example")).is_ok());
        assert_eq!(settings.google.admin.as_deref(), Some("ada@acme.example"));
        assert_eq!(settings.google.mode, ConnectionMode::CompanyWide);
    }
}
