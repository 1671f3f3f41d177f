//! Turns a [`ScenarioSpec`] into a checked [`Scenario`], collecting every problem.
//!
//! Rules enforced here: times and durations parse; emails look like emails and are unique;
//! org units are absolute paths (parents are implied); users' org units, trusted org
//! units and groups exist; an event organizer inside the tenant's domain must be a user
//! (an external organizer is an ordinary received invite; an attendee may be anyone);
//! team member emails are unique; each timeline step does exactly one thing and refers
//! to things that exist; faults name a known API and an error status.

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde_saphyr::Location;

use super::spec::{self, EventSpec, FaultSpec, ScenarioSpec, Sp, TimelineStepSpec};
use super::{
    Action, AppAccess, Attendee, Calendar, Diagnostic, Event, GoogleWorkspace, Group, Scenario, ScenarioError,
    TimedAction, User,
};
use crate::clock::{checked_add, parse_duration, parse_instant, parse_rfc3339};
use crate::faults::FaultRule;

struct Checker {
    diagnostics: Vec<Diagnostic>,
}

impl Checker {
    fn at<T>(&mut self, value: &Sp<T>, field: impl Into<String>, message: impl Into<String>) {
        self.at_location(value.referenced, field, message);
    }

    fn at_location(&mut self, at: Location, field: impl Into<String>, message: impl Into<String>) {
        let (line, column) = (at.line(), at.column());
        self.diagnostics.push(Diagnostic {
            line: (line > 0).then_some(line),
            column: (line > 0 && column > 0).then_some(column),
            field: field.into(),
            message: message.into(),
        });
    }

    fn instant(&mut self, value: &Sp<String>, field: &str, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match parse_instant(&value.value, start) {
            Ok(t) => Some(t),
            Err(e) => {
                self.at(value, field, e.to_string());
                None
            }
        }
    }

    fn email(&mut self, value: &Sp<String>, field: &str) -> String {
        let email = value.value.trim().to_ascii_lowercase();
        let valid = email.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.contains('@'));
        if !valid {
            self.at(value, field, format!("`{}` is not an email address (expected name@domain.tld)", value.value));
        }
        email
    }
}

/// Expands a short scope name (`calendar.readonly`) to its URL; full URLs and OpenID
/// scopes are kept as they are.
pub fn expand_scope(scope: &str) -> String {
    let s = scope.trim();
    if s.starts_with("https://") || matches!(s, "openid" | "email" | "profile") {
        s.to_string()
    } else {
        format!("https://www.googleapis.com/auth/{s}")
    }
}

/// `locate` reads where the company values were written; it is called only when the
/// company section has a problem to point at (it re-reads the source text).
pub(super) fn check(
    source_name: &str,
    spec: ScenarioSpec,
    locate: &dyn Fn() -> spec::CompanyLocations,
) -> Result<Scenario, ScenarioError> {
    let mut c = Checker { diagnostics: Vec::new() };
    // A generated population is expanded first and checked like written users; the
    // compact spec is what the scenario keeps (for reset and re-serialising).
    let (spec, compact) = match super::population::expand_spec(&spec) {
        Ok(Some(explicit)) => (explicit, Some(spec)),
        Ok(None) => (spec, None),
        Err(problems) => {
            c.diagnostics.extend(problems);
            (spec, None)
        }
    };
    if spec.name.value.trim().is_empty() {
        c.at(&spec.name, "name", "must not be empty");
    } else if !spec.name.value.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_') {
        c.at(&spec.name, "name", "use only letters, digits, `-` and `_` (it becomes the tenant id in URLs)");
    }
    let start = match parse_rfc3339(&spec.clock.value) {
        Ok(t) => t,
        Err(e) => {
            c.at(&spec.clock, "clock", e.to_string());
            DateTime::<Utc>::UNIX_EPOCH
        }
    };

    let google = spec.google.as_ref().map(|g| check_google(&mut c, g, start));

    // Company: the settings carry the values; where they were written is read only when
    // there is something to point at.
    let mut company = Checker { diagnostics: Vec::new() };
    check_company(&mut company, &spec.company, google.as_ref(), &spec::CompanyLocations::default());
    if !company.diagnostics.is_empty() {
        company.diagnostics.clear();
        check_company(&mut company, &spec.company, google.as_ref(), &locate());
    }
    c.diagnostics.extend(company.diagnostics);
    if spec.company.google.mode == company_settings::ConnectionMode::CompanyWide
        && spec.company.google.admin.is_none()
        && google.is_some()
    {
        c.diagnostics.push(Diagnostic {
            line: None,
            column: None,
            field: "company.google.admin".into(),
            message: "a company_wide connection needs `admin:` (the Google admin who connected)".into(),
        });
    }

    if let Some(z) = &spec.zoom {
        check_zoom(&mut c, z, start);
    }
    let mut links = HashSet::new();
    for (i, room) in spec.rooms.iter().enumerate() {
        let link = room.link.value.trim();
        if !(link.starts_with("https://") || link.starts_with("http://")) {
            c.at(&room.link, format!("rooms[{i}].link"), format!("`{link}` is not a conference link (https://…)"));
        } else if !links.insert(link.to_string()) {
            c.at(&room.link, format!("rooms[{i}].link"), "another room already answers this link");
        }
        for (j, e) in room.consent_declined.iter().enumerate() {
            c.email(e, &format!("rooms[{i}].consent_declined[{j}]"));
        }
    }

    // Timeline.
    let mut timeline = Vec::new();
    for (i, step) in spec.timeline.iter().enumerate() {
        let field = format!("timeline[{i}]");
        let Some(at_spec) = &step.at else {
            c.diagnostics.push(Diagnostic {
                line: None,
                column: None,
                field: field.clone(),
                message: "a timeline step needs `at:` (like `+10m`)".into(),
            });
            continue;
        };
        let at = c.instant(at_spec, &format!("{field}.at"), start);
        if !check_step_times(&mut c, step, &field, start) {
            // Each bad time was reported where it is written.
            continue;
        }
        match resolve_action(step, start) {
            Ok(action) => {
                if let Some(g) = &google {
                    check_action_refs(&mut c, step, &action, g, &field);
                }
                if let Some(at) = at {
                    if at < start {
                        c.at(at_spec, format!("{field}.at"), "is before the scenario clock; use a `+` offset");
                    }
                    timeline.push(TimedAction { at, action });
                }
            }
            Err(message) => c.at(at_spec, field, message),
        }
    }
    timeline.sort_by_key(|t| t.at);

    let mut faults = Vec::new();
    for (i, f) in spec.faults.iter().enumerate() {
        match fault_rule(f, start) {
            Ok(rule) => faults.push(rule),
            Err((at, sub, message)) => {
                let field = if sub.is_empty() { format!("faults[{i}]") } else { format!("faults[{i}].{sub}") };
                c.at_location(at.unwrap_or(f.api.referenced), field, message)
            }
        }
    }

    if c.diagnostics.is_empty() {
        Ok(Scenario {
            name: spec.name.value.clone(),
            description: spec.description.clone(),
            seed: spec.seed,
            start,
            google,
            zoom: spec.zoom.clone(),
            rooms: spec.rooms.clone(),
            company: spec.company.clone(),
            timeline,
            faults,
            spec: compact.unwrap_or(spec),
        })
    } else {
        c.diagnostics.sort_by_key(|d| (d.line.unwrap_or(u64::MAX), d.column.unwrap_or(0)));
        Err(ScenarioError { source_name: source_name.to_string(), diagnostics: c.diagnostics })
    }
}

fn check_google(c: &mut Checker, g: &spec::GoogleSpec, start: DateTime<Utc>) -> GoogleWorkspace {
    let domain = g.domain.value.trim().to_ascii_lowercase();
    if domain.is_empty() || !domain.contains('.') {
        c.at(&g.domain, "google.domain", "must be a domain like acme.example");
    }
    let mut org_units: BTreeSet<String> = BTreeSet::from(["/".to_string()]);
    for (i, ou) in g.org_units.iter().enumerate() {
        let path = ou.value.trim().trim_end_matches('/');
        if !ou.value.trim().starts_with('/') || path.contains("//") {
            c.at(
                ou,
                format!("google.org_units[{i}]"),
                format!("`{}` is not an org unit path like /Sales/NA", ou.value),
            );
            continue;
        }
        // Parents are implied: /Sales/NA declares /Sales too.
        let mut prefix = String::new();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            prefix.push('/');
            prefix.push_str(part);
            org_units.insert(prefix.clone());
        }
    }
    let ou_hint = || org_units.iter().cloned().collect::<Vec<_>>().join(", ");

    let mut users = Vec::new();
    let mut emails = HashSet::new();
    for (i, u) in g.users.iter().enumerate() {
        let field = format!("google.users[{i}]");
        let email = c.email(&u.email, &format!("{field}.email"));
        if !emails.insert(email.clone()) {
            c.at(&u.email, format!("{field}.email"), format!("{email} is listed twice; emails must be unique"));
        }
        if !email.ends_with(&format!("@{domain}")) {
            c.at(&u.email, format!("{field}.email"), format!("{email} is not in the tenant's domain {domain}"));
        }
        let org_unit = match &u.org_unit {
            Some(ou) => {
                let path = normalize_ou(&ou.value);
                if !org_units.contains(&path) {
                    c.at(
                        ou,
                        format!("{field}.org_unit"),
                        format!("org unit `{path}` is not declared; declared: {}", ou_hint()),
                    );
                }
                path
            }
            None => "/".to_string(),
        };
        let (given_name, family_name) = split_name(u.name.as_deref(), &email);
        users.push(User {
            email,
            given_name,
            family_name,
            org_unit,
            admin: u.admin,
            suspended: u.suspended,
            calendars: Vec::new(),
            gmail: u.gmail,
            consent: u.consent,
            consent_scopes: u.consent_scopes.as_ref().map(|l| l.iter().map(|s| expand_scope(s)).collect()),
            mail: Vec::new(),
        });
    }

    // Events need the full user list (organizers), so they come second.
    for (i, u) in g.users.iter().enumerate() {
        let owner = users[i].email.clone();
        let mut mail = Vec::new();
        for (j, m) in u.mail.iter().enumerate() {
            let field = format!("google.users[{i}].mail[{j}]");
            let from = c.email(&m.from, &format!("{field}.from"));
            let to: Vec<String> =
                m.to.iter().enumerate().map(|(k, t)| c.email(t, &format!("{field}.to[{k}]"))).collect();
            let cc: Vec<String> =
                m.cc.iter().enumerate().map(|(k, t)| c.email(t, &format!("{field}.cc[{k}]"))).collect();
            let Some(at) = c.instant(&m.at, &format!("{field}.at"), start) else { continue };
            let labels = if m.labels.is_empty() {
                vec![if from == owner { "SENT".to_string() } else { "INBOX".to_string() }]
            } else {
                m.labels.clone()
            };
            mail.push(super::Message { from, to, cc, subject: m.subject.clone(), at, body: m.body.clone(), labels });
        }
        mail.sort_by_key(|m| m.at);
        users[i].mail = mail;
        let owner = users[i].email.clone();
        let mut calendars = vec![Calendar { summary: owner.clone(), primary: true, events: Vec::new() }];
        for (j, e) in u.events.iter().enumerate() {
            if let Some(ev) =
                check_event(c, e, &format!("google.users[{i}].events[{j}]"), &owner, &domain, &emails, start)
            {
                calendars[0].events.push(ev);
            }
        }
        for (k, cal) in u.calendars.iter().enumerate() {
            let mut calendar = Calendar { summary: cal.summary.clone(), primary: false, events: Vec::new() };
            for (j, e) in cal.events.iter().enumerate() {
                let field = format!("google.users[{i}].calendars[{k}].events[{j}]");
                if let Some(ev) = check_event(c, e, &field, &owner, &domain, &emails, start) {
                    calendar.events.push(ev);
                }
            }
            calendars.push(calendar);
        }
        users[i].calendars = calendars;
    }

    let mut groups = Vec::new();
    for (i, gr) in g.groups.iter().enumerate() {
        let email = c.email(&gr.email, &format!("google.groups[{i}].email"));
        let mut members = Vec::new();
        for (j, m) in gr.members.iter().enumerate() {
            let member = c.email(m, &format!("google.groups[{i}].members[{j}]"));
            if member.ends_with(&format!("@{domain}")) && !emails.contains(&member) {
                c.at(m, format!("google.groups[{i}].members[{j}]"), format!("{member} is not a user of the tenant"));
            }
            members.push(member);
        }
        groups.push(Group { email, members });
    }

    let access = &g.app_access;
    let scopes = access.scopes.iter().map(|s| expand_scope(&s.value)).collect();
    let trusted_org_units = access.trusted_org_units.as_ref().map(|list| {
        list.iter()
            .enumerate()
            .map(|(i, ou)| {
                let path = normalize_ou(&ou.value);
                if !org_units.contains(&path) {
                    c.at(
                        ou,
                        format!("google.app_access.trusted_org_units[{i}]"),
                        format!("org unit `{path}` is not declared; declared: {}", ou_hint()),
                    );
                }
                path
            })
            .collect()
    });
    let trusted_groups = access
        .trusted_groups
        .iter()
        .enumerate()
        .map(|(i, gr)| {
            let email = gr.value.trim().to_ascii_lowercase();
            if !groups.iter().any(|g| g.email == email) {
                c.at(
                    gr,
                    format!("google.app_access.trusted_groups[{i}]"),
                    format!("group {email} is not declared under google.groups"),
                );
            }
            email
        })
        .collect();

    GoogleWorkspace {
        domain,
        customer_id: g.customer_id.clone(),
        org_units: org_units.into_iter().collect(),
        groups,
        users,
        app_access: AppAccess { client_id: access.client_id.clone(), scopes, trusted_org_units, trusted_groups },
        oauth_client: g.oauth_client.clone(),
        quirks: g.quirks.clone(),
        client_disabled: g.app_access.disabled,
    }
}

fn check_zoom(c: &mut Checker, z: &super::zoom::ZoomSpec, start: DateTime<Utc>) {
    let mut emails = HashSet::new();
    for (i, u) in z.users.iter().enumerate() {
        let email = c.email(&u.email, &format!("zoom.users[{i}].email"));
        if !emails.insert(email.clone()) {
            c.at(&u.email, format!("zoom.users[{i}].email"), format!("{email} is listed twice"));
        }
    }
    let mut ids = HashSet::new();
    for (i, m) in z.meetings.iter().enumerate() {
        let id = m.id.value.trim();
        if id.len() < 9 || !id.bytes().all(|b| b.is_ascii_digit()) {
            c.at(
                &m.id,
                format!("zoom.meetings[{i}].id"),
                format!("`{id}` is not a Zoom meeting number (9 or more digits)"),
            );
        } else if !ids.insert(id.to_string()) {
            c.at(&m.id, format!("zoom.meetings[{i}].id"), format!("meeting {id} is listed twice"));
        }
        let host = m.host.value.trim().to_ascii_lowercase();
        if !emails.contains(&host) {
            c.at(
                &m.host,
                format!("zoom.meetings[{i}].host"),
                format!("{host} is not a Zoom user; add them under zoom.users"),
            );
        }
        if let Some(s) = &m.start {
            c.instant(s, &format!("zoom.meetings[{i}].start"), start);
        }
        if let Some(d) = &m.duration
            && let Err(e) = parse_duration(&d.value)
        {
            c.at(d, format!("zoom.meetings[{i}].duration"), e.to_string());
        }
    }
}

fn check_event(
    c: &mut Checker,
    e: &EventSpec,
    field: &str,
    owner: &str,
    domain: &str,
    users: &HashSet<String>,
    start: DateTime<Utc>,
) -> Option<Event> {
    let begins = c.instant(&e.start, &format!("{field}.start"), start);
    let length = match &e.duration {
        Some(d) => match parse_duration(&d.value) {
            Ok(len) if len > Duration::zero() => Some(len),
            Ok(_) => {
                c.at(d, format!("{field}.duration"), "must be longer than zero");
                None
            }
            Err(err) => {
                c.at(d, format!("{field}.duration"), err.to_string());
                None
            }
        },
        None => Some(Duration::minutes(30)),
    };
    let organizer = match &e.organizer {
        Some(o) => {
            let email = c.email(o, &format!("{field}.organizer"));
            if email.ends_with(&format!("@{domain}")) && !users.contains(&email) {
                c.at(
                    o,
                    format!("{field}.organizer"),
                    format!("organizer {email} is not a user of the tenant; add them under google.users"),
                );
            }
            email
        }
        None => owner.to_string(),
    };
    let attendees = e
        .attendees
        .iter()
        .enumerate()
        .map(|(k, a)| Attendee {
            email: c.email(&a.email, &format!("{field}.attendees[{k}].email")),
            name: a.name.clone(),
            response: a.response,
            optional: a.optional,
        })
        .collect();
    if e.wrapped_by.is_some() && e.conference.is_none() {
        c.at(&e.start, format!("{field}.wrapped_by"), "there is no `conference` link to wrap");
    }
    let recurrence = match (&e.recurrence, begins) {
        (Some(r), Some(first)) => match super::Recurrence::parse(&r.value, first) {
            Ok(rec) => Some(rec),
            Err(m) => {
                c.at(r, format!("{field}.recurrence"), m);
                None
            }
        },
        _ => None,
    };
    let (begins, length) = (begins?, length?);
    let Some(end) = checked_add(begins, length) else {
        c.at(&e.start, format!("{field}.duration"), "the event would end after the year 9999; shorten it");
        return None;
    };
    Some(Event {
        recurrence,
        title: e.title.clone(),
        start: begins,
        end,
        organizer,
        attendees,
        visibility: e.visibility,
        description: e.description.clone(),
        location: e.location.clone(),
        conference: e.conference.clone(),
        wrapped_by: e.wrapped_by,
    })
}

/// Reads the one action of a timeline step (or an admin API action). References are not
/// checked here; the tenant checks them when the action is applied.
pub fn resolve_action(step: &TimelineStepSpec, start: DateTime<Utc>) -> Result<Action, String> {
    let mut actions = Vec::new();
    if let Some(m) = &step.move_user {
        actions.push(Action::MoveUser {
            email: m.email.value.trim().to_ascii_lowercase(),
            org_unit: normalize_ou(&m.org_unit.value),
        });
    }
    if let Some(e) = &step.suspend_user {
        actions.push(Action::SuspendUser(e.value.trim().to_ascii_lowercase()));
    }
    if let Some(e) = &step.unsuspend_user {
        actions.push(Action::UnsuspendUser(e.value.trim().to_ascii_lowercase()));
    }
    if let Some(s) = &step.revoke_scope {
        actions.push(Action::RevokeScope(expand_scope(&s.value)));
    }
    if let Some(s) = &step.grant_scope {
        actions.push(Action::GrantScope(expand_scope(&s.value)));
    }
    if let Some(list) = &step.trust_org_units {
        actions.push(Action::TrustOrgUnits(list.iter().map(|o| normalize_ou(&o.value)).collect()));
    }
    if let Some(f) = &step.fault {
        actions.push(Action::AddFault(fault_rule(f, start).map_err(|(_, sub, m)| join_field("fault", sub, m))?));
    }
    if let Some(c) = &step.cancel_event {
        actions.push(Action::CancelEvent {
            owner: c.owner.value.trim().to_ascii_lowercase(),
            title: c.title.value.clone(),
        });
    }
    if let Some(a) = &step.add_event {
        let owner = a.owner.value.trim().to_ascii_lowercase();
        actions.push(Action::AddEvent { event: Box::new(event_from_spec(&a.event, &owner, start)?), owner });
    }
    if let Some(r) = &step.respond {
        actions.push(Action::Respond {
            attendee: r.attendee.value.trim().to_ascii_lowercase(),
            owner: r.owner.value.trim().to_ascii_lowercase(),
            title: r.title.value.clone(),
            response: r.response,
        });
    }
    if let Some(d) = &step.deliver_mail {
        let m = &d.message;
        let owner = d.owner.value.trim().to_ascii_lowercase();
        let from = m.from.value.trim().to_ascii_lowercase();
        let labels = if m.labels.is_empty() {
            vec![if from == owner { "SENT".into() } else { "INBOX".into() }]
        } else {
            m.labels.clone()
        };
        actions.push(Action::DeliverMail {
            message: Box::new(super::Message {
                from,
                to: m.to.iter().map(|t| t.value.trim().to_ascii_lowercase()).collect(),
                cc: m.cc.iter().map(|t| t.value.trim().to_ascii_lowercase()).collect(),
                subject: m.subject.clone(),
                at: parse_instant(&m.at.value, start).map_err(|e| format!("deliver_mail.message.at: {e}"))?,
                body: m.body.clone(),
                labels,
            }),
            owner,
        });
    }
    if let Some(e) = &step.expire_tokens {
        actions.push(Action::ExpireTokens(e.value.trim().to_ascii_lowercase()));
    }
    if let Some(e) = &step.delete_user {
        actions.push(Action::DeleteUser(e.value.trim().to_ascii_lowercase()));
    }
    if let Some(e) = &step.revoke_user_grants {
        actions.push(Action::RevokeUserGrants(e.value.trim().to_ascii_lowercase()));
    }
    if step.invalidate_sync_tokens {
        actions.push(Action::InvalidateSyncTokens);
    }
    if let Some(u) = &step.update_event {
        let new_start = u
            .start
            .as_ref()
            .map(|s| parse_instant(&s.value, start).map_err(|e| format!("update_event.start: {e}")))
            .transpose()?;
        if new_start.is_none() && u.conference.is_none() {
            return Err("update_event changes nothing; give `start` and/or `conference`".into());
        }
        actions.push(Action::UpdateEvent {
            owner: u.owner.value.trim().to_ascii_lowercase(),
            title: u.title.value.clone(),
            start: new_start,
            conference: u.conference.clone(),
        });
    }
    match actions.len() {
        1 => Ok(actions.remove(0)),
        0 => Err("names no action; use one of move_user, suspend_user, unsuspend_user, revoke_scope, grant_scope, trust_org_units, fault, update_event, cancel_event, add_event, respond, delete_user, expire_tokens, deliver_mail, revoke_user_grants, invalidate_sync_tokens".into()),
        _ => Err("names more than one action; split it into separate steps".into()),
    }
}

/// An event from its spec at runtime (timeline and admin actions); the scenario checks
/// report the same problems with line numbers.
fn event_from_spec(e: &EventSpec, owner: &str, start: DateTime<Utc>) -> Result<Event, String> {
    let begins = parse_instant(&e.start.value, start).map_err(|x| format!("event.start: {x}"))?;
    let length = match &e.duration {
        Some(d) => parse_duration(&d.value).map_err(|x| format!("event.duration: {x}"))?,
        None => Duration::minutes(30),
    };
    let end = checked_add(begins, length).ok_or("event.duration: the event would end after the year 9999")?;
    Ok(Event {
        recurrence: e
            .recurrence
            .as_ref()
            .map(|r| super::Recurrence::parse(&r.value, begins).map_err(|m| format!("event.recurrence: {m}")))
            .transpose()?,
        title: e.title.clone(),
        start: begins,
        end,
        organizer: e.organizer.as_ref().map_or_else(|| owner.to_string(), |o| o.value.trim().to_ascii_lowercase()),
        attendees: e
            .attendees
            .iter()
            .map(|a| Attendee {
                email: a.email.value.trim().to_ascii_lowercase(),
                name: a.name.clone(),
                response: a.response,
                optional: a.optional,
            })
            .collect(),
        visibility: e.visibility,
        description: e.description.clone(),
        location: e.location.clone(),
        conference: e.conference.clone(),
        wrapped_by: e.wrapped_by,
    })
}

fn check_action_refs(c: &mut Checker, step: &TimelineStepSpec, action: &Action, g: &GoogleWorkspace, field: &str) {
    let has_user = |e: &str| g.users.iter().any(|u| u.email == e);
    let has_ou = |p: &str| g.org_units.iter().any(|o| o == p);
    match action {
        Action::MoveUser { email, org_unit } => {
            let m = step.move_user.as_ref().expect("move_user action comes from move_user");
            if !has_user(email) {
                c.at(&m.email, format!("{field}.move_user.email"), format!("{email} is not a user of the tenant"));
            }
            if !has_ou(org_unit) {
                c.at(
                    &m.org_unit,
                    format!("{field}.move_user.org_unit"),
                    format!("org unit `{org_unit}` is not declared"),
                );
            }
        }
        Action::SuspendUser(email) | Action::UnsuspendUser(email) if !has_user(email) => {
            let at = step.suspend_user.as_ref().or(step.unsuspend_user.as_ref()).expect("set");
            c.at(at, field.to_string(), format!("{email} is not a user of the tenant"));
        }
        Action::UpdateEvent { owner, title, .. } | Action::CancelEvent { owner, title } => {
            let u = match (&step.update_event, &step.cancel_event) {
                (Some(u), _) => spec::EventRefSpec { owner: u.owner.clone(), title: u.title.clone() },
                (None, Some(c)) => c.clone(),
                (None, None) => return,
            };
            match g.users.iter().find(|x| &x.email == owner) {
                None => c.at(
                    &u.owner,
                    format!("{field}.update_event.owner"),
                    format!("{owner} is not a user of the tenant"),
                ),
                Some(user) if !user.calendars.iter().any(|cal| cal.events.iter().any(|e| &e.title == title)) => c.at(
                    &u.title,
                    format!("{field}.update_event.title"),
                    format!("{owner} has no event titled {title:?}"),
                ),
                Some(_) => {}
            }
        }
        Action::TrustOrgUnits(list) => {
            for (i, ou) in list.iter().enumerate() {
                if !has_ou(ou) {
                    let at = &step.trust_org_units.as_ref().expect("set")[i];
                    c.at(at, format!("{field}.trust_org_units[{i}]"), format!("org unit `{ou}` is not declared"));
                }
            }
        }
        _ => {}
    }
}

/// Where a fault is wrong: the value to point at (if it has a span), the sub-field
/// (`from`, `latency_ms`, … or empty) and the message.
type FaultProblem = (Option<Location>, &'static str, String);

fn join_field(prefix: &str, sub: &str, message: String) -> String {
    if sub.is_empty() { format!("{prefix}: {message}") } else { format!("{prefix}.{sub}: {message}") }
}

/// The team's addresses (valid, listed once) and the company-wide admin (a user of the
/// Google tenant), located through `locations` when they carry a position.
fn check_company(
    c: &mut Checker,
    company: &company_settings::CompanySettings,
    google: Option<&GoogleWorkspace>,
    locations: &spec::CompanyLocations,
) {
    let mut seen = HashSet::new();
    let shadow = &locations.company;
    for (i, m) in company.team.iter().enumerate() {
        let field = format!("company.team[{i}].email");
        let written = shadow.team.get(i).map(|s| s.email.clone()).unwrap_or_else(|| spec::sp(m.email.clone()));
        let email = c.email(&written, &field);
        if !seen.insert(email.clone()) {
            c.at(&written, field, format!("team member {email} is listed twice"));
        }
    }
    if let Some(admin) = &company.google.admin {
        let admin = shadow.google.admin.clone().unwrap_or_else(|| spec::sp(admin.clone()));
        let email = c.email(&admin, "company.google.admin");
        match google {
            Some(g) if !g.users.iter().any(|u| u.email == email) => {
                c.at(&admin, "company.google.admin", format!("{email} is not a user of the Google tenant"))
            }
            None => c.at(&admin, "company.google.admin", "the scenario has no `google` tenant"),
            _ => {}
        }
    }
}

fn fault_rule(f: &FaultSpec, start: DateTime<Utc>) -> Result<FaultRule, FaultProblem> {
    let time = |v: &'_ Option<Sp<String>>| -> Result<Option<DateTime<Utc>>, String> {
        v.as_ref().map(|s| parse_instant(&s.value, start).map_err(|e| e.to_string())).transpose()
    };
    let from = time(&f.from).map_err(|m| (f.from.as_ref().map(|v| v.referenced), "from", m))?;
    let until = time(&f.until).map_err(|m| (f.until.as_ref().map(|v| v.referenced), "until", m))?;
    let rule = FaultRule {
        api: f.api.value.trim().to_string(),
        user: f.user.as_ref().map(|u| u.trim().to_ascii_lowercase()),
        status: f.status.value,
        reason: f.reason.clone(),
        retry_after: f.retry_after.as_ref().map(|r| r.value),
        count: f.count,
        from,
        until,
        drop_connection: f.drop_connection,
        after: f.after,
        path: f.path.clone(),
        latency_ms: f.latency_ms.as_ref().map(|l| l.value),
        quota: f.quota.clone(),
        body: f.body.clone(),
    };
    // The rule's own checks live with the rule; here they only get their location.
    rule.check().map_err(|problem| {
        let at = match problem.field {
            "status" => Some(f.status.referenced),
            "latency_ms" => f.latency_ms.as_ref().map(|l| l.referenced),
            "retry_after" => f.retry_after.as_ref().map(|r| r.referenced),
            _ => Some(f.api.referenced),
        };
        (at, problem.field, problem.message)
    })?;
    Ok(rule)
}

/// Checks every time in a timeline step where it is written; false if one is bad.
fn check_step_times(c: &mut Checker, step: &TimelineStepSpec, field: &str, start: DateTime<Utc>) -> bool {
    let before = c.diagnostics.len();
    if let Some(f) = &step.fault {
        for (name, v) in [("from", &f.from), ("until", &f.until)] {
            if let Some(v) = v {
                c.instant(v, &format!("{field}.fault.{name}"), start);
            }
        }
    }
    if let Some(d) = &step.deliver_mail {
        c.instant(&d.message.at, &format!("{field}.deliver_mail.message.at"), start);
    }
    if let Some(u) = &step.update_event
        && let Some(s) = &u.start
    {
        c.instant(s, &format!("{field}.update_event.start"), start);
    }
    if let Some(a) = &step.add_event {
        let ev = &a.event;
        let begins = c.instant(&ev.start, &format!("{field}.add_event.event.start"), start);
        if let Some(d) = &ev.duration
            && let Err(e) = parse_duration(&d.value)
        {
            c.at(d, format!("{field}.add_event.event.duration"), e.to_string());
        }
        if let (Some(r), Some(first)) = (&ev.recurrence, begins)
            && let Err(m) = super::Recurrence::parse(&r.value, first)
        {
            c.at(r, format!("{field}.add_event.event.recurrence"), m);
        }
    }
    c.diagnostics.len() == before
}

fn normalize_ou(path: &str) -> String {
    let p = path.trim().trim_end_matches('/');
    if p.is_empty() { "/".into() } else { p.to_string() }
}

/// Given and family name from a full name, or from the address (`nora.north@…` →
/// Nora, North) when there is none.
pub fn split_name(name: Option<&str>, email: &str) -> (String, String) {
    let full = match name {
        Some(n) if !n.trim().is_empty() => n.trim().to_string(),
        _ => company_settings::name_from_email(email),
    };
    match full.rsplit_once(' ') {
        Some((given, family)) => (given.to_string(), family.to_string()),
        None => (full.clone(), String::new()),
    }
}

#[cfg(test)]
mod company_tests {
    //! The company section is the engine's settings type (no spans); these check that its
    //! diagnostics still point at the line and column where the value was written.

    use super::super::parse;

    const HEAD: &str = "name: t\nclock: 2025-03-10T09:00:00Z\ngoogle:\n  domain: acme.example\n  users:\n    - email: ada@acme.example\n      admin: true\n";

    fn problems(company: &str) -> Vec<String> {
        let text = format!("{HEAD}{company}");
        match parse("s.yaml", &text) {
            Ok(_) => vec![],
            Err(e) => e.to_string().lines().map(str::to_string).collect(),
        }
    }

    #[test]
    fn team_email_problems_point_at_the_written_address() {
        let got = problems(
            "company:\n  team:\n    - email: nora@acme.example\n    - email: not-an-address\n    - email: NORA@acme.example\n",
        );
        assert_eq!(
            got,
            [
                "s.yaml:11:14: company.team[1].email: `not-an-address` is not an email address (expected name@domain.tld)",
                "s.yaml:12:14: company.team[2].email: team member nora@acme.example is listed twice",
            ]
        );
    }

    #[test]
    fn admin_problems_point_at_the_admin() {
        let got = problems("company:\n  google:\n    connection: company_wide\n    admin: Bob@acme.example\n");
        assert_eq!(got, ["s.yaml:11:12: company.google.admin: bob@acme.example is not a user of the Google tenant"]);
        let got =
            parse("s.yaml", "name: t\nclock: 2025-03-10T09:00:00Z\ncompany:\n  google:\n    admin: ada@acme.example\n")
                .expect_err("no google tenant")
                .to_string();
        assert_eq!(got, "s.yaml:5:12: company.google.admin: the scenario has no `google` tenant");
    }

    #[test]
    fn company_wide_without_admin_is_reported_and_a_valid_section_is_accepted() {
        let got = problems("company:\n  google: { connection: company_wide }\n");
        assert_eq!(
            got,
            ["s.yaml: company.google.admin: a company_wide connection needs `admin:` (the Google admin who connected)"]
        );
        let ok = "company:\n  google: { connection: company_wide, admin: ADA@acme.example }\n  team:\n    - email: ada@acme.example\n";
        let scenario = parse("s.yaml", &format!("{HEAD}{ok}")).expect("valid");
        assert_eq!(scenario.company.google.admin.as_deref(), Some("ada@acme.example"));
        assert_eq!(scenario.company.team[0].email, "ada@acme.example");
    }

    #[test]
    fn unknown_company_fields_are_refused_with_their_place() {
        let got = problems("company:\n  team:\n    - email: ada@acme.example\n      role: admin\n");
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with("s.yaml:11:"), "{got:?}");
        assert!(got[0].contains("role"), "{got:?}");
    }
}
