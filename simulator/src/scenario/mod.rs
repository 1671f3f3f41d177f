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
//! - The `company:` section is `company_settings::CompanySettings`, the engine's own
//!   settings type; `spec::CompanyLocations` holds where its checked values are.

pub mod population;
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
pub use company_settings::{ConnectionMode, Seat};
pub use spec::{ResponseStatus, ScenarioSpec, Visibility};
pub use validate::{expand_scope, resolve_action, split_name};

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
    /// The recording product's configuration (already checked): the settings the engine
    /// is given.
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

/// A recurrence rule (RFC 5545 `RRULE`, read by the `rrule` crate: FREQ, INTERVAL, COUNT,
/// UNTIL with its time, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, WKST, …), evaluated in UTC
/// from the event's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    /// The rule as written (`RRULE:…`), returned by the API.
    pub rule: String,
    /// Number of occurrences, if bounded by COUNT.
    pub count: Option<u32>,
    /// Last start, if bounded by UNTIL (a date-only UNTIL means the end of that day, UTC).
    pub until: Option<DateTime<Utc>>,
    /// The rule body handed to the `rrule` crate (UNTIL normalised to a UTC date-time).
    body: String,
}

impl Recurrence {
    /// Reads and checks `RRULE:…` for a series whose first occurrence is `first`.
    pub fn parse(text: &str, first: DateTime<Utc>) -> Result<Self, String> {
        let shown: String = text.trim().chars().take(120).collect();
        let body = text
            .trim()
            .strip_prefix("RRULE:")
            .ok_or_else(|| format!("`{shown}` is not a recurrence rule; write `RRULE:FREQ=WEEKLY;BYDAY=MO,WE`"))?;
        let body = normalize_until(body);
        let rule: rrule::RRule<rrule::Unvalidated> =
            body.parse().map_err(|e| format!("`{shown}` is not a valid RFC 5545 rule: {e}"))?;
        let rule = rule
            .validate(first.with_timezone(&rrule::Tz::UTC))
            .map_err(|e| format!("`{shown}` is not a valid RFC 5545 rule: {e}"))?;
        let recurrence = Recurrence {
            rule: text.trim().to_string(),
            count: rule.get_count(),
            until: rule.get_until().map(|u| u.with_timezone(&Utc)),
            body,
        };
        if recurrence.starts(first, 1).is_empty() {
            return Err(format!("`{shown}` has no occurrence from the event's start {}", first.to_rfc3339()));
        }
        Ok(recurrence)
    }

    /// Start times of the occurrences from `first`, at most `limit` of them (and never past
    /// the year 9999).
    pub fn starts(&self, first: DateTime<Utc>, limit: usize) -> Vec<DateTime<Utc>> {
        let Ok(rule) = self.body.parse::<rrule::RRule<rrule::Unvalidated>>() else { return Vec::new() };
        let Ok(set) = rule.build(first.with_timezone(&rrule::Tz::UTC)) else { return Vec::new() };
        set.all(u16::try_from(limit).unwrap_or(u16::MAX))
            .dates
            .into_iter()
            .map(|d| d.with_timezone(&Utc))
            .take_while(|t| crate::clock::in_year_range(*t))
            .collect()
    }
}

/// A date-only `UNTIL=YYYYMMDD` means "until the end of that day": the `rrule` crate needs
/// a UTC date-time when the start is in UTC, so it becomes `UNTIL=YYYYMMDDT235959Z`.
fn normalize_until(body: &str) -> String {
    body.split(';')
        .map(|part| match part.split_once('=') {
            Some((k, v))
                if k.eq_ignore_ascii_case("UNTIL") && v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit()) =>
            {
                format!("UNTIL={v}T235959Z")
            }
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(";")
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

impl ScenarioError {
    /// One diagnostic without a field.
    fn single(source_name: &str, at: Option<(u64, u64)>, message: String) -> Self {
        ScenarioError {
            source_name: source_name.to_string(),
            diagnostics: vec![Diagnostic {
                line: at.map(|a| a.0),
                column: at.map(|a| a.1),
                field: String::new(),
                message,
            }],
        }
    }
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

/// The largest scenario source accepted, in bytes (128 MiB: `tenantsim generate` writes
/// about 75 MB for 10,000 users with 20 meetings each; a compact `population:` says the
/// same in ten lines).
pub const MAX_SOURCE_BYTES: usize = 128 * 1024 * 1024;
/// The fewest YAML nodes (scalars, sequences and mappings, keys included) any scenario may
/// have (the node limit); larger files may have one node per [`BYTES_PER_NODE`] bytes.
/// 2,000 users with 10 events each, three attendees per event, take about 500,000; a
/// million nodes parse in well under a gigabyte. The limit grows with the text only, so
/// memory stays proportional to what was sent (aliases and depth stay fixed).
pub const MAX_YAML_NODES: usize = 1_000_000;
/// Bytes of text per YAML node allowed above [`MAX_YAML_NODES`] (a node and its
/// indentation, key and punctuation take more than this in practice).
pub const BYTES_PER_NODE: usize = 8;

/// The node limit for a text of `len` bytes.
fn node_limit(len: usize) -> usize {
    MAX_YAML_NODES.max(len / BYTES_PER_NODE)
}
/// The deepest YAML nesting accepted (a scenario needs about 8 levels).
pub const MAX_YAML_DEPTH: usize = 64;

/// The YAML reader's limits for a text of `len` bytes: they bound the memory a scenario
/// can take.
fn yaml_options(len: usize) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = node_limit(len);
    // Every node gives one parser event, collections two (start and end).
    budget.max_events = node_limit(len) * 2;
    budget.max_depth = MAX_YAML_DEPTH;
    budget.max_total_scalar_bytes = MAX_SOURCE_BYTES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// Parses and checks scenario text. `source_name` labels diagnostics (a path, or
/// `<admin API>`).
pub fn parse(source_name: &str, text: &str) -> Result<Scenario, ScenarioError> {
    if text.len() > MAX_SOURCE_BYTES {
        return Err(ScenarioError::single(
            source_name,
            None,
            format!(
                "the scenario is {} bytes; at most {MAX_SOURCE_BYTES} bytes (128 MiB) are accepted: split it, or declare a `population:`",
                text.len()
            ),
        ));
    }
    let spec: ScenarioSpec = serde_saphyr::from_str_with_options(text, yaml_options(text.len()))
        .map_err(|e| syntax_error(source_name, &e))?;
    // The company section is plain settings (no spans): when it has a problem, read where
    // its values are from the same text, so those diagnostics keep their line and column.
    // The text parsed above, so this parses too; if not, diagnostics lose only locations.
    let locate = || serde_saphyr::from_str_with_options(text, yaml_options(text.len())).unwrap_or_default();
    validate::check(source_name, spec, &locate)
}

/// Parses and checks scenario bytes, which must be UTF-8; if they are not, the diagnostic
/// gives the line and column of the first bad byte.
pub fn parse_bytes(source_name: &str, bytes: &[u8]) -> Result<Scenario, ScenarioError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(source_name, text),
        Err(e) => {
            let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let line = good.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            // The bytes before the bad one are valid UTF-8: count characters, not bytes.
            let column = String::from_utf8_lossy(good.get(line_start..).unwrap_or_default()).chars().count() as u64 + 1;
            let bad = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
            Err(ScenarioError::single(
                source_name,
                Some((line, column)),
                format!("byte 0x{bad:02X} is not valid UTF-8; save the scenario as UTF-8"),
            ))
        }
    }
}

/// Checks a spec built in code (e.g. from Gherkin tables).
pub fn from_spec(source_name: &str, spec: ScenarioSpec) -> Result<Scenario, ScenarioError> {
    validate::check(source_name, spec, &spec::CompanyLocations::default)
}

/// Reads, parses and checks a scenario file.
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let name = path.display().to_string();
    let text = std::fs::read(path).map_err(|e| ScenarioError {
        source_name: name.clone(),
        diagnostics: vec![Diagnostic {
            line: None,
            column: None,
            field: String::new(),
            message: format!("cannot read file: {e}"),
        }],
    })?;
    parse_bytes(&name, &text)
}

fn syntax_error(source_name: &str, e: &serde_saphyr::Error) -> ScenarioError {
    let location = e.location();
    let message = match e.without_snippet() {
        serde_saphyr::Error::Budget { breach, .. } => budget_message(breach),
        _ => {
            let full = e.to_string();
            // The crate's message carries a rendered snippet after the first line; the first
            // line is the message proper, and we print our own `file:line:col` prefix.
            let message = full.lines().next().unwrap_or("invalid YAML").trim().to_string();
            strip_location_prefix(&message)
        }
    };
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

/// Names the YAML limit a scenario broke, and how to stay under it.
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    match breach {
        B::Nodes { .. } | B::Events { .. } => format!(
            "the scenario has more YAML nodes than the node limit ({MAX_YAML_NODES}, or one per {BYTES_PER_NODE} \
             bytes of a larger file); split it into several scenarios, use fewer users/events, or declare a \
             `population:`"
        ),
        B::Depth { .. } => {
            format!("YAML nesting is deeper than {MAX_YAML_DEPTH} levels (the depth limit); a scenario needs about 8")
        }
        B::ScalarBytes { .. } => {
            format!("the scenario's text values exceed {MAX_SOURCE_BYTES} bytes (the size limit); shorten them")
        }
        B::Aliases { .. } | B::Anchors { .. } => {
            "too many YAML anchors/aliases (the alias limit); write the values out or use fewer".to_string()
        }
        other => format!("a YAML limit was exceeded ({other:?}); simplify the scenario"),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn starts(rule: &str, first: &str) -> Vec<String> {
        let first = t(first);
        Recurrence::parse(rule, first).unwrap().starts(first, 730).iter().map(|s| s.to_rfc3339()).collect()
    }

    #[test]
    fn weekly_on_monday_and_wednesday() {
        // 2025-03-03 is a Monday.
        assert_eq!(
            starts("RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5", "2025-03-03T09:00:00Z"),
            [
                "2025-03-03T09:00:00+00:00",
                "2025-03-05T09:00:00+00:00",
                "2025-03-10T09:00:00+00:00",
                "2025-03-12T09:00:00+00:00",
                "2025-03-17T09:00:00+00:00",
            ]
        );
    }

    #[test]
    fn until_keeps_its_time() {
        // A daily 18:00 meeting until 2025-03-10 17:00 UTC: the 10th at 18:00 is past UNTIL.
        let got = starts("RRULE:FREQ=DAILY;UNTIL=20250310T170000Z", "2025-03-03T18:00:00Z");
        assert_eq!(got.len(), 7, "{got:?}");
        assert_eq!(got.last().map(String::as_str), Some("2025-03-09T18:00:00+00:00"));
        let rec = Recurrence::parse("RRULE:FREQ=DAILY;UNTIL=20250310T170000Z", t("2025-03-03T18:00:00Z")).unwrap();
        assert_eq!(rec.until, Some(t("2025-03-10T17:00:00Z")));
        // The same rule at 09:00 includes the 10th.
        assert_eq!(starts("RRULE:FREQ=DAILY;UNTIL=20250310T170000Z", "2025-03-03T09:00:00Z").len(), 8);
        // A date-only UNTIL covers that whole day.
        assert_eq!(starts("RRULE:FREQ=DAILY;UNTIL=20250310", "2025-03-03T18:00:00Z").len(), 8);
    }

    #[test]
    fn count_and_interval() {
        let got = starts("RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3", "2025-03-03T09:00:00Z");
        assert_eq!(got, ["2025-03-03T09:00:00+00:00", "2025-03-17T09:00:00+00:00", "2025-03-31T09:00:00+00:00"]);
        let rec = Recurrence::parse("RRULE:FREQ=DAILY;COUNT=4", t("2025-03-03T09:00:00Z")).unwrap();
        assert_eq!(rec.count, Some(4));
        assert_eq!(rec.rule, "RRULE:FREQ=DAILY;COUNT=4");
        assert_eq!(rec.starts(t("2025-03-03T09:00:00Z"), 2).len(), 2, "the limit caps the instances");
        assert_eq!(
            starts("RRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=2", "2025-03-03T09:00:00Z")[1],
            "2025-04-07T09:00:00+00:00"
        );
    }

    #[test]
    fn invalid_rules_say_why() {
        let first = t("2025-03-03T09:00:00Z");
        for bad in [
            "FREQ=DAILY",
            "RRULE:FREQ=SOMETIMES",
            "RRULE:FREQ=WEEKLY;BYDAY=XX",
            "RRULE:FREQ=DAILY;COUNT=-1",
            "RRULE:FREQ=DAILY;UNTIL=20240101T000000Z",
            "RRULE:FREQ=DAILY;BYMONTHDAY=40",
        ] {
            let e = Recurrence::parse(bad, first).unwrap_err();
            assert!(e.contains(bad.trim_start_matches("RRULE:")), "{bad}: {e}");
        }
    }

    #[test]
    fn node_budget_error_names_the_limit() {
        let mut text =
            String::from("name: x\nclock: 2025-03-10T09:00:00Z\ngoogle:\n  domain: a.example\n  org_units:\n");
        for _ in 0..=MAX_YAML_NODES {
            text.push_str("  - /a\n");
        }
        let e = parse("big.yaml", &text).unwrap_err().to_string();
        assert!(e.contains("more YAML nodes than the node limit (1000000, or one per 8 bytes"), "{e}");
        assert!(!e.contains("budget breached"), "{e}");
    }

    #[test]
    fn two_thousand_users_with_ten_events_fit() {
        let mut text = String::from("name: big\nclock: 2025-03-10T09:00:00Z\ngoogle:\n  domain: a.example\n  users:\n");
        for u in 0..2000 {
            text.push_str(&format!("  - email: user{u}@a.example\n    name: User Number{u}\n    events:\n"));
            for e in 0..10 {
                text.push_str(&format!(
                    "      - title: Meeting {e}\n        start: +{e}h\n        duration: 30m\n        attendees:\n"
                ));
                for a in 0..3 {
                    text.push_str(&format!("          - email: guest{a}@b.example\n            response: accepted\n"));
                }
            }
        }
        let s = parse("big.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.google.map(|g| g.users.len()), Some(2000));
    }

    #[test]
    fn deep_nesting_is_located() {
        let deep =
            format!("name: x\nclock: 2025-03-10T09:00:00Z\ndescription: {}1{}\n", "[".repeat(300), "]".repeat(300));
        let e = parse("deep.yaml", &deep).unwrap_err().to_string();
        assert!(e.starts_with("deep.yaml:3:14: "), "{e}");
    }

    #[test]
    fn bad_utf8_is_located() {
        let e = parse_bytes("bad.yaml", b"name: x\nclock: 2025-03-10T09:00:00Z\ndescription: caf\xC3\xA9 \xFF\n")
            .unwrap_err();
        assert_eq!((e.diagnostics[0].line, e.diagnostics[0].column), (Some(3), Some(19)), "{e}");
        assert!(e.to_string().contains("bad.yaml:3:19: byte 0xFF is not valid UTF-8"), "{e}");
    }
}
