//! Scenarios: the whole world a test starts from, read from YAML and checked.
//!
//! A scenario names a seed and a virtual start time, describes provider tenants (users,
//! org units, calendars, app access), the recording product's own configuration
//! (`company`), timed changes (`timeline`) and faults. [`parse`] and [`load_file`] return
//! a checked [`Scenario`] or every problem found, each with file, line, column and field.
//!
//! # Layout
//! - [`spec`]: the serde types, as written.
//! - `validate`: spec → [`Scenario`], collecting all diagnostics rather than stopping at
//!   the first.

pub mod population;
pub mod recording;
pub mod rooms;
pub mod spec;
mod validate;
pub mod zoom;

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::faults::FaultRule;
pub use spec::{ConnectionMode, ResponseStatus, ScenarioSpec, Seat, Visibility};
pub use validate::{FAULT_APIS, expand_scope, resolve_action, split_name};

/// A checked scenario, ready to load into a simulator.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Name (default tenant id).
    pub name: String,
    /// Prose description.
    pub description: String,
    /// Seed for every random choice.
    pub seed: u64,
    /// Virtual start time.
    pub start: DateTime<Utc>,
    /// The Google Workspace tenant, if any.
    pub google: Option<GoogleWorkspace>,
    /// The Zoom account, as written (already checked).
    pub zoom: Option<zoom::ZoomSpec>,
    /// Meeting rooms, as written (already checked).
    pub rooms: Vec<rooms::RoomSpec>,
    /// The recording product's configuration, as written (already checked).
    pub company: spec::CompanySpec,
    /// Timed changes, sorted by time (stable for equal times).
    pub timeline: Vec<TimedAction>,
    /// Faults active from load time.
    pub faults: Vec<FaultRule>,
    /// The spec it came from, for `reset` and for re-serialising.
    pub spec: ScenarioSpec,
}

/// A checked Google Workspace tenant.
#[derive(Debug, Clone)]
pub struct GoogleWorkspace {
    /// Primary domain.
    pub domain: String,
    /// Customer id, if the scenario fixed one.
    pub customer_id: Option<String>,
    /// Every org unit path, `/` included, parents before children.
    pub org_units: Vec<String>,
    /// Groups.
    pub groups: Vec<Group>,
    /// Users, in file order.
    pub users: Vec<User>,
    /// The service account's delegation grant.
    pub app_access: AppAccess,
    /// Answers for poorly documented cases.
    pub quirks: spec::GoogleQuirks,
    /// The service account's client is disabled.
    pub client_disabled: bool,
    /// The recorder's web OAuth client, if the scenario fixed one.
    pub oauth_client: Option<spec::OAuthClientSpec>,
}

/// A group and its member addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Address.
    pub email: String,
    /// Members' addresses (lower case).
    pub members: Vec<String>,
}

/// A directory user.
#[derive(Debug, Clone)]
pub struct User {
    /// Primary email, lower case.
    pub email: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Org unit path.
    pub org_unit: String,
    /// Super admin.
    pub admin: bool,
    /// Suspended.
    pub suspended: bool,
    /// Calendars; the first is the primary.
    pub calendars: Vec<Calendar>,
    /// Gmail licence.
    pub gmail: bool,
    /// OAuth consent answer.
    pub consent: spec::ConsentAnswer,
    /// Scopes granted on partial consent (full URLs).
    pub consent_scopes: Option<Vec<String>>,
    /// Mailbox, oldest first.
    pub mail: Vec<Message>,
}

/// A mail message with absolute time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Sender.
    pub from: String,
    /// Recipients.
    pub to: Vec<String>,
    /// Copied.
    pub cc: Vec<String>,
    /// Subject.
    pub subject: String,
    /// Arrival.
    pub at: DateTime<Utc>,
    /// Body.
    pub body: String,
    /// Labels.
    pub labels: Vec<String>,
}

/// A calendar and its events.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Display name.
    pub summary: String,
    /// The owner's primary calendar.
    pub primary: bool,
    /// Events.
    pub events: Vec<Event>,
}

/// A calendar event with absolute times.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Title.
    pub title: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Organizer address.
    pub organizer: String,
    /// Invitees.
    pub attendees: Vec<Attendee>,
    /// Visibility.
    pub visibility: Visibility,
    /// Description.
    pub description: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Conference link.
    pub conference: Option<String>,
    /// The gateway that wrapped the link, if any.
    pub wrapped_by: Option<crate::links::LinkWrapper>,
    /// Recurrence, if the event is a series.
    pub recurrence: Option<Recurrence>,
}

/// A (simple) recurrence rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    /// The rule as written (`RRULE:…`), returned by the API.
    pub rule: String,
    /// Days between occurrences (1 daily, 7 weekly, times INTERVAL).
    pub every_days: i64,
    /// Number of occurrences, if bounded by COUNT.
    pub count: Option<u32>,
    /// Last start, if bounded by UNTIL.
    pub until: Option<DateTime<Utc>>,
}

impl Recurrence {
    /// Reads `RRULE:FREQ=DAILY|WEEKLY[;INTERVAL=n][;COUNT=n][;UNTIL=YYYYMMDD[THHMMSSZ]]`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let body = text.trim().strip_prefix("RRULE:").ok_or("a recurrence starts with RRULE:")?;
        let (mut days, mut interval, mut count, mut until) = (None, 1i64, None, None);
        for part in body.split(';') {
            let (k, v) = part.split_once('=').ok_or_else(|| format!("`{part}` is not KEY=VALUE"))?;
            match k {
                "FREQ" => {
                    days = Some(match v {
                        "DAILY" => 1,
                        "WEEKLY" => 7,
                        other => return Err(format!("FREQ={other} is not supported (DAILY, WEEKLY)")),
                    })
                }
                "INTERVAL" => interval = v.parse().map_err(|_| format!("INTERVAL={v} is not a number"))?,
                "COUNT" => count = Some(v.parse().map_err(|_| format!("COUNT={v} is not a number"))?),
                "UNTIL" => {
                    let date = v.get(..8).ok_or("UNTIL needs YYYYMMDD")?;
                    let d = chrono::NaiveDate::parse_from_str(date, "%Y%m%d")
                        .map_err(|_| format!("UNTIL={v} is not a date"))?;
                    until = Some(d.and_hms_opt(23, 59, 59).ok_or("bad UNTIL")?.and_utc());
                }
                other => return Err(format!("{other} is not supported in recurrence rules")),
            }
        }
        let base = days.ok_or("FREQ is required")?;
        if interval < 1 {
            return Err("INTERVAL must be at least 1".into());
        }
        Ok(Recurrence { rule: text.trim().to_string(), every_days: base * interval, count, until })
    }

    /// Start times of the occurrences from `first`, at most `limit` of them.
    pub fn starts(&self, first: DateTime<Utc>, limit: usize) -> Vec<DateTime<Utc>> {
        let n = self.count.map_or(limit, |c| (c as usize).min(limit));
        (0..n)
            .map(|i| first + chrono::Duration::days(self.every_days * i as i64))
            .take_while(|t| self.until.is_none_or(|u| *t <= u))
            .collect()
    }
}

/// An invitee.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendee {
    /// Address, lower case.
    pub email: String,
    /// Display name.
    pub name: Option<String>,
    /// Answer.
    pub response: ResponseStatus,
    /// Optional.
    pub optional: bool,
}

/// Which users the service account may impersonate, and for which scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppAccess {
    /// OAuth client id, if fixed by the scenario.
    pub client_id: Option<String>,
    /// Granted scopes (full URLs).
    pub scopes: BTreeSet<String>,
    /// Trusted org units; `None` means the whole domain.
    pub trusted_org_units: Option<Vec<String>>,
    /// Trusted groups (their members are trusted wherever their org unit is).
    pub trusted_groups: Vec<String>,
}

/// A change to apply to a tenant.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Move a user to another org unit.
    MoveUser {
        /// Who.
        email: String,
        /// Where to.
        org_unit: String,
    },
    /// Suspend a user.
    SuspendUser(String),
    /// Reactivate a user.
    UnsuspendUser(String),
    /// Take a scope away from the service account.
    RevokeScope(String),
    /// Give the service account a scope.
    GrantScope(String),
    /// Replace the trusted org units.
    TrustOrgUnits(Vec<String>),
    /// Add a fault rule.
    AddFault(FaultRule),
    /// Cancel (delete) an event: every copy becomes `status: cancelled`.
    CancelEvent {
        /// Calendar owner.
        owner: String,
        /// Event title.
        title: String,
    },
    /// A new event on `owner`'s primary calendar (copied to invited users).
    AddEvent {
        /// Calendar owner.
        owner: String,
        /// The event.
        event: Box<Event>,
    },
    /// An attendee's answer changes.
    Respond {
        /// Attendee.
        attendee: String,
        /// Calendar owner.
        owner: String,
        /// Event title.
        title: String,
        /// The answer.
        response: ResponseStatus,
    },
    /// A user is deleted.
    DeleteUser(String),
    /// A user's access tokens expire now.
    ExpireTokens(String),
    /// A message arrives in a mailbox.
    DeliverMail {
        /// Mailbox owner.
        owner: String,
        /// The message.
        message: Box<Message>,
    },
    /// A user removes the recorder's access (refresh tokens revoked).
    RevokeUserGrants(String),
    /// Invalidate every outstanding Calendar sync token (the next incremental sync gets
    /// 410 `fullSyncRequired`).
    InvalidateSyncTokens,
    /// Change an event's start and/or conference link.
    UpdateEvent {
        /// Calendar owner.
        owner: String,
        /// Event title.
        title: String,
        /// New start.
        start: Option<DateTime<Utc>>,
        /// New conference link.
        conference: Option<String>,
    },
}

/// An action and when it happens.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedAction {
    /// Virtual time at which it applies.
    pub at: DateTime<Utc>,
    /// What happens.
    pub action: Action,
}

/// One problem found in a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column, when known.
    pub column: Option<u64>,
    /// Dotted path of the field, e.g. `google.users[2].org_unit`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Everything wrong with a scenario source.
#[derive(Debug, Clone, Error)]
pub struct ScenarioError {
    /// File name or other label of the source.
    pub source_name: String,
    /// All problems, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.source_name)?;
            if let Some(line) = d.line {
                write!(f, ":{line}")?;
                if let Some(col) = d.column {
                    write!(f, ":{col}")?;
                }
            }
            if d.field.is_empty() {
                write!(f, ": {}", d.message)?;
            } else {
                write!(f, ": {}: {}", d.field, d.message)?;
            }
        }
        Ok(())
    }
}

/// Parses and checks scenario text. `source_name` labels diagnostics (a path, or
/// `<admin API>`).
pub fn parse(source_name: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let spec: ScenarioSpec = serde_saphyr::from_str_with_options(text, yaml_options(text.len()))
        .map_err(|e| syntax_error(source_name, &e))?;
    validate::check(source_name, spec)
}

/// The YAML parser's budget grows with the input: a generated scenario (10,000 users with 20
/// meetings each is ~75 MB and millions of nodes) is legitimately large, while the limits
/// that stop alias bombs (aliases, anchors, depth) stay at the parser's defaults.
fn yaml_options(input_len: usize) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = budget.max_nodes.max(input_len);
    budget.max_events = budget.max_events.max(input_len);
    budget.max_total_scalar_bytes = budget.max_total_scalar_bytes.max(input_len);
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// Checks a spec built in code (e.g. from Gherkin tables).
pub fn from_spec(source_name: &str, spec: ScenarioSpec) -> Result<Scenario, ScenarioError> {
    validate::check(source_name, spec)
}

/// Reads, parses and checks a scenario file.
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        source_name: name.clone(),
        diagnostics: vec![Diagnostic {
            line: None,
            column: None,
            field: String::new(),
            message: format!("cannot read file: {e}"),
        }],
    })?;
    parse(&name, &text)
}

fn syntax_error(source_name: &str, e: &serde_saphyr::Error) -> ScenarioError {
    let location = e.location();
    let full = e.to_string();
    // The crate's message carries a rendered snippet after the first line; the first
    // line is the message proper, and we print our own `file:line:col` prefix.
    let message = full.lines().next().unwrap_or("invalid YAML").trim().to_string();
    let message = strip_location_prefix(&message);
    ScenarioError {
        source_name: source_name.to_string(),
        diagnostics: vec![Diagnostic {
            line: location.map(|l| l.line()).filter(|l| *l > 0),
            column: location.map(|l| l.column()).filter(|c| *c > 0),
            field: String::new(),
            message,
        }],
    }
}

/// Drops a leading "line N column M: " (the crate's own prefix) from a message.
fn strip_location_prefix(message: &str) -> String {
    let m = message.trim_start_matches("error: ");
    if let Some(rest) = m.strip_prefix("line ")
        && let Some(idx) = rest.find(": ")
        && rest[..idx].split_whitespace().count() <= 3
    {
        return rest[idx + 2..].to_string();
    }
    m.to_string()
}
