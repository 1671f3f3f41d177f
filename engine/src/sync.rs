//! One sync run: directory, then each member's calendars (and mail access), recording
//! every member's outcome and importing meetings.
//!
//! The providers are the company's [`Workspace`] (Google Workspace now, Microsoft 365
//! later) and its connection settings; nothing here names a provider. Company-wide, the
//! admin is acted as for the directory and each member for their own calendars;
//! user-by-user, each connected member's own grant is used. Calendars are read incrementally: the first
//! read is a full listing of the window and yields a sync token; later reads replay only
//! the changes since it (updates, cancellations), and a 410 `fullSyncRequired` falls back
//! to a full listing. Calls are sequential so a run is deterministic against a virtual
//! clock. Results are applied to the store in one go, and only ever add or update:
//! a failing sync loses nothing and imports nothing twice (DC-06).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::error::ProviderError;
use crate::provider::{CalendarEvent, CalendarProvider, DirectoryUser, MailMessage, MailProvider, Workspace};
use crate::settings::{CompanySettings, ConnectionMode, WorkspaceConnection};
use crate::store::{Access, CalendarKind, MemberAccess, SyncState};

/// How far around "now" calendars are read on a full listing.
#[derive(Debug, Clone, Copy)]
pub struct SyncWindow {
    /// Read back this far.
    pub lookback: Duration,
    /// Read ahead this far.
    pub lookahead: Duration,
    /// Read mail back this far.
    pub mail_lookback: Duration,
}

impl Default for SyncWindow {
    fn default() -> Self {
        Self { lookback: Duration::days(1), lookahead: Duration::days(14), mail_lookback: Duration::days(7) }
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
    /// Meetings cancelled since the last sync.
    pub cancelled_meetings: usize,
    /// Emails imported for the first time.
    pub new_emails: usize,
    /// Calendars read in full because their sync token was refused (410).
    pub full_resyncs: usize,
    /// Members whose data could not be read, with why.
    pub member_errors: Vec<(String, String)>,
}

/// A member's calendar, as the key of its sync token.
pub(crate) type CalendarKey = (String, String);

/// What one calendar read returned.
pub(crate) struct CalendarRead {
    member: String,
    calendar: String,
    kind: CalendarKind,
    events: Vec<CalendarEvent>,
    cancelled: Vec<String>,
    next_sync_token: Option<String>,
}

/// The outcome of reading the provider, applied to the state in one go afterwards.
pub(crate) struct SyncOutcome {
    pub report: SyncReport,
    pub directory: Option<Result<Vec<DirectoryUser>, ProviderError>>,
    pub members: BTreeMap<String, MemberAccess>,
    pub reads: Vec<CalendarRead>,
    pub mail: Vec<(String, MailMessage)>,
}

/// Reads `workspace` as its `conn`ection and the rest of `settings` say.
pub(crate) async fn read_provider(
    workspace: Option<&dyn Workspace>,
    conn: &WorkspaceConnection,
    settings: &CompanySettings,
    tokens: &BTreeMap<CalendarKey, String>,
    known_mail: &std::collections::BTreeSet<(String, String)>,
    now: DateTime<Utc>,
    window: SyncWindow,
) -> SyncOutcome {
    let mut outcome = SyncOutcome {
        report: SyncReport { started: Some(now), ..Default::default() },
        directory: None,
        members: settings.team.iter().map(|m| (m.email.clone(), MemberAccess::default())).collect(),
        reads: Vec::new(),
        mail: Vec::new(),
    };
    let Some(workspace) = workspace else { return outcome };
    if conn.mode == ConnectionMode::None || !conn.import_permission {
        return outcome;
    }
    let user_by_user = conn.mode == ConnectionMode::UserByUser;
    workspace.use_mode(conn.mode);
    // Only a company-wide connection (made by an admin) reads the directory (DC-13).
    if let (false, Some(admin)) = (user_by_user, &conn.admin) {
        let users = workspace.list_users(admin).await;
        outcome.report.directory_users = users.as_ref().ok().map(Vec::len);
        outcome.directory = Some(users);
    }
    for m in &settings.team {
        let mut access = MemberAccess::default();
        if user_by_user && !m.connected {
            outcome.members.insert(m.email.clone(), access);
            continue;
        }
        if settings.import.calendar && (m.capture.calendar || m.capture.web_conferences) {
            let result = read_calendars(workspace, &m.email, tokens, now, window, &mut outcome).await;
            access.calendar = Access::from_result(&result);
            if let Err(e) = result {
                outcome.report.member_errors.push((m.email.clone(), e.to_string()));
            }
        }
        // Mail is read (read-only) only for members with email import on (DC-14), and
        // only with a CRM to say which mail matters (DC-15).
        if m.capture.email && settings.import.email && conn.email_authorized && settings.crm.connected {
            let result = read_mail(workspace, &m.email, now - window.mail_lookback, settings, known_mail).await;
            access.email = Access::from_result(&result);
            match result {
                Ok(mail) => outcome.mail.extend(mail.into_iter().map(|msg| (m.email.clone(), msg))),
                Err(e) => outcome.report.member_errors.push((m.email.clone(), e.to_string())),
            }
        }
        outcome.members.insert(m.email.clone(), access);
    }
    outcome
}

/// New messages of `user` since `after` whose sender or recipients are CRM contacts.
async fn read_mail<M: MailProvider + ?Sized>(
    mail: &M,
    user: &str,
    after: DateTime<Utc>,
    settings: &CompanySettings,
    known: &std::collections::BTreeSet<(String, String)>,
) -> Result<Vec<MailMessage>, ProviderError> {
    let mut kept = Vec::new();
    for id in mail.list_message_ids(user, after).await? {
        if known.contains(&(user.to_string(), id.clone())) {
            continue;
        }
        let msg = mail.get_message(user, &id).await?;
        if std::iter::once(&msg.from).chain(&msg.to).any(|a| settings.crm.has_contact(a)) {
            kept.push(msg);
        }
    }
    Ok(kept)
}

/// Reads every calendar `user` owns (secondary ones too: whether they count is a
/// recording decision, REC-03), incrementally where a sync token is known.
async fn read_calendars<C: CalendarProvider + ?Sized>(
    calendars: &C,
    user: &str,
    tokens: &BTreeMap<CalendarKey, String>,
    now: DateTime<Utc>,
    window: SyncWindow,
    outcome: &mut SyncOutcome,
) -> Result<(), ProviderError> {
    for calendar in calendars.list_calendars(user).await? {
        let kind = if calendar.primary { CalendarKind::Primary } else { CalendarKind::Secondary };
        let (from, to) = (now - window.lookback, now + window.lookahead);
        let token = tokens.get(&(user.to_string(), calendar.id.clone()));
        let changes = match calendars.list_events(user, &calendar.id, from, to, token.map(String::as_str)).await {
            Err(ProviderError::Refused { status: 410, .. }) if token.is_some() => {
                outcome.report.full_resyncs += 1;
                calendars.list_events(user, &calendar.id, from, to, None).await?
            }
            other => other?,
        };
        outcome.reads.push(CalendarRead {
            member: user.to_string(),
            calendar: calendar.id,
            kind,
            events: changes.events,
            cancelled: changes.cancelled,
            next_sync_token: changes.next_sync_token,
        });
    }
    Ok(())
}

pub(crate) fn apply(state: &mut SyncState, mut outcome: SyncOutcome, now: DateTime<Utc>) -> SyncReport {
    match outcome.directory.take() {
        Some(Ok(users)) => {
            state.directory = users;
            state.directory_error = None;
        }
        Some(Err(e)) => state.directory_error = Some(e),
        None => {}
    }
    state.members = std::mem::take(&mut outcome.members);
    for read in outcome.reads.drain(..) {
        for event in read.events {
            if state.upsert_meeting(&read.member, read.kind, event, now) {
                outcome.report.new_meetings += 1;
            } else {
                outcome.report.refreshed_meetings += 1;
            }
        }
        for id in &read.cancelled {
            if state.cancel_meeting(id, now) {
                outcome.report.cancelled_meetings += 1;
            }
        }
        if let Some(token) = read.next_sync_token {
            state.sync_tokens.insert((read.member, read.calendar), token);
        }
    }
    for (member, msg) in outcome.mail.drain(..) {
        if state.emails.insert((member, msg.id.clone()), msg).is_none() {
            outcome.report.new_emails += 1;
        }
    }
    state.last_sync = Some(now);
    outcome.report
}
