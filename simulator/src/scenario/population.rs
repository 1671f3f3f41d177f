//! Generated populations: a compact `population:` section that stands for thousands of
//! users, their meetings and mail, expanded deterministically from the scenario seed into
//! the ordinary spec structures ([`UserSpec`], [`EventSpec`], [`MessageSpec`]).
//!
//! ```yaml
//! population:
//!   users: 10000
//!   domain: big.example
//!   admins: 2
//!   org_units: [{ path: /Sales/NA, weight: 3 }, { path: /Engineering, weight: 2 }]
//!   meetings: { per_user: 20, zoom: 0.35, teams: 0.15, meet: 0.3, recurring: 0.1, external: 0.3 }
//!   external_domains: [globex.example, initech.example]
//!   mail_per_user: 2
//! ```
//!
//! [`expand_spec`] checks the section (every problem is a located [`Diagnostic`]) and
//! returns the explicit scenario: the `google` tenant (created with the population's
//! domain when the file has none) gains the org units and the generated users after any
//! written ones, and `population` is cleared. Names, titles and addresses come from the
//! `fake` crate (pinned: its word lists change between releases) driven by a ChaCha8 RNG
//! seeded from the scenario seed, so one seed always gives the same users, byte for byte.
//! Expansion is pure: no clock, no I/O.

use std::collections::HashSet;

use fake::Fake;
use fake::faker::company::en::{CatchPhrase, CompanyName};
use fake::faker::lorem::en::Sentence;
use fake::faker::name::en::{FirstName, LastName};
use rand010::rngs::ChaCha8Rng;
use rand010::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::Diagnostic;
use super::spec::{
    AttendeeSpec, EventSpec, GoogleSpec, MessageSpec, ResponseStatus, ScenarioSpec, Sp, UserSpec, Visibility, sp,
};

/// Most users one population may declare.
pub const MAX_USERS: u32 = 1_000_000;
/// Most generated events (users × meetings per user) one population may declare.
pub const MAX_EVENTS: u64 = 10_000_000;
/// Mixes the scenario seed so the population's stream differs from the tenant's own
/// (ids, tokens, keys), which is also seeded from the scenario seed.
const STREAM: u64 = 0x706f_7075_6c61_7469; // "populati"

/// A generated population, as written under `population:`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    /// Number of users to generate (1 to 1,000,000).
    pub users: Sp<u32>,
    /// The tenant's domain; users get `first.last@domain`. Must equal `google.domain`
    /// when the scenario also has a `google` section.
    pub domain: Sp<String>,
    /// How users spread over org units: each path gets a share proportional to its
    /// weight. Empty: everyone in `/`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub org_units: Vec<OrgUnitShareSpec>,
    /// Number of super admins: the first users generated (default 1).
    #[serde(default = "one")]
    pub admins: Sp<u32>,
    /// The meetings on each user's primary calendar.
    #[serde(default)]
    pub meetings: MeetingMixSpec,
    /// Domains of outside attendees and mail senders (customers, prospects).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_domains: Vec<Sp<String>>,
    /// Messages from outside contacts in each user's mailbox.
    #[serde(default = "zero")]
    pub mail_per_user: Sp<u32>,
}

/// One org unit of the spread and its weight.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitShareSpec {
    /// Org unit path (`/Sales/NA`); parents are implied.
    pub path: Sp<String>,
    /// Relative share of users (at least 1; default 1).
    #[serde(default = "one")]
    pub weight: Sp<u32>,
}

/// The meeting mix. Shares are fractions between 0 and 1, drawn per meeting.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingMixSpec {
    /// Meetings each user organizes (on their primary calendar).
    #[serde(default = "zero")]
    pub per_user: Sp<u32>,
    /// Share with a Zoom link.
    #[serde(default = "no_share")]
    pub zoom: Sp<f64>,
    /// Share with a Microsoft Teams link.
    #[serde(default = "no_share")]
    pub teams: Sp<f64>,
    /// Share with a Google Meet link. Zoom + Teams + Meet is at most 1; the rest have no link.
    #[serde(default = "no_share")]
    pub meet: Sp<f64>,
    /// Share that are weekly or daily series.
    #[serde(default = "no_share")]
    pub recurring: Sp<f64>,
    /// Share with one or two attendees from `external_domains`.
    #[serde(default = "no_share")]
    pub external: Sp<f64>,
    /// Most colleagues invited to one meeting (0 to that many, drawn per meeting;
    /// default 2). Invitations are copied to their calendars when the tenant loads.
    #[serde(default = "two")]
    pub internal_attendees: Sp<u32>,
}

impl Default for MeetingMixSpec {
    fn default() -> Self {
        Self {
            per_user: zero(),
            zoom: no_share(),
            teams: no_share(),
            meet: no_share(),
            recurring: no_share(),
            external: no_share(),
            internal_attendees: two(),
        }
    }
}

fn zero() -> Sp<u32> {
    sp(0)
}

fn one() -> Sp<u32> {
    sp(1)
}

fn two() -> Sp<u32> {
    sp(2)
}

fn no_share() -> Sp<f64> {
    sp(0.0)
}

/// Collects located problems.
struct Problems(Vec<Diagnostic>);

impl Problems {
    fn at<T>(&mut self, value: &Sp<T>, field: impl Into<String>, message: impl Into<String>) {
        let (line, column) = (value.referenced.line(), value.referenced.column());
        self.0.push(Diagnostic {
            line: (line > 0).then_some(line),
            column: (line > 0 && column > 0).then_some(column),
            field: field.into(),
            message: message.into(),
        });
    }
}

fn valid_domain(d: &str) -> bool {
    let d = d.trim();
    !d.is_empty()
        && d.contains('.')
        && !d.starts_with('.')
        && !d.ends_with('.')
        && d.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// Every problem with the section, each located at its field.
pub fn check(p: &PopulationSpec) -> Vec<Diagnostic> {
    let mut c = Problems(Vec::new());
    if !(1..=MAX_USERS).contains(&p.users.value) {
        c.at(&p.users, "population.users", format!("must be between 1 and {MAX_USERS}"));
    }
    if !valid_domain(&p.domain.value) {
        c.at(&p.domain, "population.domain", format!("`{}` is not a domain like acme.example", p.domain.value));
    }
    for (i, ou) in p.org_units.iter().enumerate() {
        let path = ou.path.value.trim();
        if !path.starts_with('/') || path.contains("//") {
            c.at(&ou.path, format!("population.org_units[{i}].path"), format!("`{path}` is not a path like /Sales/NA"));
        }
        if ou.weight.value == 0 {
            c.at(&ou.weight, format!("population.org_units[{i}].weight"), "must be at least 1");
        }
    }
    if p.admins.value > p.users.value {
        c.at(&p.admins, "population.admins", format!("is more than the {} users", p.users.value));
    }
    let m = &p.meetings;
    if u64::from(m.per_user.value) * u64::from(p.users.value) > MAX_EVENTS {
        c.at(&m.per_user, "population.meetings.per_user", format!("users x per_user is over {MAX_EVENTS} events"));
    }
    for (name, share) in [
        ("zoom", &m.zoom),
        ("teams", &m.teams),
        ("meet", &m.meet),
        ("recurring", &m.recurring),
        ("external", &m.external),
    ] {
        if !(0.0..=1.0).contains(&share.value) {
            c.at(share, format!("population.meetings.{name}"), "is a share: a number from 0 to 1");
        }
    }
    let links = m.zoom.value + m.teams.value + m.meet.value;
    if links > 1.0 + 1e-9 {
        c.at(&m.meet, "population.meetings", format!("zoom + teams + meet is {links}; it must be at most 1"));
    }
    if m.internal_attendees.value > 50 {
        c.at(&m.internal_attendees, "population.meetings.internal_attendees", "must be at most 50");
    }
    for (i, d) in p.external_domains.iter().enumerate() {
        if !valid_domain(&d.value) {
            c.at(d, format!("population.external_domains[{i}]"), format!("`{}` is not a domain", d.value));
        } else if d.value.trim().eq_ignore_ascii_case(p.domain.value.trim()) {
            c.at(d, format!("population.external_domains[{i}]"), "is the population's own domain");
        }
    }
    if p.external_domains.is_empty() {
        if m.external.value > 0.0 {
            c.at(&m.external, "population.meetings.external", "needs `external_domains` to invite people from");
        }
        if p.mail_per_user.value > 0 {
            c.at(&p.mail_per_user, "population.mail_per_user", "needs `external_domains` for the senders");
        }
    }
    if p.mail_per_user.value > 1_000 {
        c.at(&p.mail_per_user, "population.mail_per_user", "must be at most 1000");
    }
    c.0
}

/// What a population expands to.
#[derive(Debug, Clone)]
pub struct Expansion {
    /// Org unit paths of the spread, in the order written.
    pub org_units: Vec<String>,
    /// The generated users, admins first.
    pub users: Vec<UserSpec>,
}

/// Expands a checked population. `taken` holds addresses already in use (written users);
/// generated addresses never repeat them. Same inputs, same output.
pub fn expand(p: &PopulationSpec, seed: u64, taken: &HashSet<String>) -> Expansion {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ STREAM);
    let domain = p.domain.value.trim().to_ascii_lowercase();
    let org_units: Vec<String> = p.org_units.iter().map(|o| normalize(&o.path.value)).collect();
    let weights: Vec<u64> = p.org_units.iter().map(|o| u64::from(o.weight.value.max(1))).collect();
    let total_weight: u64 = weights.iter().sum();
    let externals: Vec<String> = p.external_domains.iter().map(|d| d.value.trim().to_ascii_lowercase()).collect();
    let n = p.users.value as usize;

    // Users first: meetings invite colleagues, so every address must exist.
    let mut used: HashSet<String> = taken.clone();
    let mut users = Vec::with_capacity(n);
    for i in 0..n {
        let first = ascii_word(FirstName().fake_with_rng::<String, _>(&mut rng), "user");
        let last = ascii_word(LastName().fake_with_rng::<String, _>(&mut rng), "person");
        let email = unique_address(&mut used, &first, &last, &domain);
        let org_unit = (total_weight > 0).then(|| {
            let mut ticket = rng.random_range(0..total_weight);
            let mut k = 0;
            while ticket >= weights[k] {
                ticket -= weights[k];
                k += 1;
            }
            sp(org_units[k].clone())
        });
        users.push(UserSpec {
            email: sp(email),
            name: Some(format!("{first} {last}")),
            org_unit,
            admin: i < p.admins.value as usize,
            suspended: false,
            events: Vec::new(),
            calendars: Vec::new(),
            consent: Default::default(),
            consent_scopes: None,
            gmail: true,
            mail: Vec::new(),
        });
    }

    let m = &p.meetings;
    let emails: Vec<String> = users.iter().map(|u| u.email.value.clone()).collect();
    for (i, user) in users.iter_mut().enumerate() {
        let mut events = Vec::with_capacity(m.per_user.value as usize);
        for _ in 0..m.per_user.value {
            events.push(meeting(&mut rng, m, i, &emails, &externals));
        }
        user.events = events;
        let mut mail = Vec::with_capacity(p.mail_per_user.value as usize);
        for _ in 0..p.mail_per_user.value {
            mail.push(message(&mut rng, &user.email.value, &externals));
        }
        user.mail = mail;
    }
    Expansion { org_units, users }
}

/// One meeting organized by `emails[owner]`.
fn meeting(
    rng: &mut ChaCha8Rng,
    m: &MeetingMixSpec,
    owner: usize,
    emails: &[String],
    externals: &[String],
) -> EventSpec {
    const LENGTHS: [&str; 5] = ["15m", "30m", "45m", "1h", "1h30m"];
    const ANSWERS: [ResponseStatus; 4] =
        [ResponseStatus::Accepted, ResponseStatus::Accepted, ResponseStatus::NeedsAction, ResponseStatus::Tentative];
    // Within the next two weeks, on a quarter hour.
    let start =
        format!("+{}", crate::clock::format_duration(chrono::Duration::minutes(15 * rng.random_range(1..1344))));
    let mut attendees = Vec::new();
    if emails.len() > 1 {
        let invited = rng.random_range(0..=m.internal_attendees.value as usize).min(emails.len() - 1);
        let mut picked = HashSet::new();
        while picked.len() < invited {
            let k = rng.random_range(0..emails.len());
            if k != owner && picked.insert(k) {
                let answer = ANSWERS[rng.random_range(0..ANSWERS.len())];
                attendees.push(AttendeeSpec {
                    email: sp(emails[k].clone()),
                    name: None,
                    response: answer,
                    optional: false,
                });
            }
        }
    }
    let external = !externals.is_empty() && rng.random_bool(m.external.value.clamp(0.0, 1.0));
    let title = if external {
        let company: String = CompanyName().fake_with_rng(rng);
        for _ in 0..rng.random_range(1..=2) {
            let (email, name) = outside_person(rng, externals);
            let answer = ANSWERS[rng.random_range(0..ANSWERS.len())];
            attendees.push(AttendeeSpec { email: sp(email), name: Some(name), response: answer, optional: false });
        }
        format!("Call with {company}")
    } else {
        CatchPhrase().fake_with_rng(rng)
    };
    let roll: f64 = rng.random();
    let conference = if roll < m.zoom.value {
        Some(format!("https://zoom.us/j/{}", rng.random_range(81_000_000_000u64..89_999_999_999)))
    } else if roll < m.zoom.value + m.teams.value {
        Some(format!(
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_{}%40thread.v2/0",
            letters(rng, 32, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        ))
    } else if roll < m.zoom.value + m.teams.value + m.meet.value {
        let l = |rng: &mut ChaCha8Rng, n| letters(rng, n, b"abcdefghijklmnopqrstuvwxyz");
        Some(format!("https://meet.google.com/{}-{}-{}", l(rng, 3), l(rng, 4), l(rng, 3)))
    } else {
        None
    };
    let recurrence = rng.random_bool(m.recurring.value.clamp(0.0, 1.0)).then(|| {
        let rule = if rng.random_bool(0.8) {
            format!("RRULE:FREQ=WEEKLY;COUNT={}", rng.random_range(2..=8))
        } else {
            format!("RRULE:FREQ=DAILY;COUNT={}", rng.random_range(2..=5))
        };
        sp(rule)
    });
    EventSpec {
        title,
        start: sp(start),
        duration: Some(sp(LENGTHS[rng.random_range(0..LENGTHS.len())].to_string())),
        organizer: None,
        attendees,
        visibility: Visibility::Default,
        description: None,
        location: None,
        conference,
        recurrence,
        wrapped_by: None,
    }
}

/// One message from an outside contact to `owner`, within the last three days.
fn message(rng: &mut ChaCha8Rng, owner: &str, externals: &[String]) -> MessageSpec {
    let (from, _) = outside_person(rng, externals);
    let at = format!("-{}", crate::clock::format_duration(chrono::Duration::minutes(rng.random_range(5..4320))));
    MessageSpec {
        from: sp(from),
        to: vec![sp(owner.to_string())],
        cc: Vec::new(),
        subject: CatchPhrase().fake_with_rng(rng),
        at: sp(at),
        body: Sentence(6..14).fake_with_rng(rng),
        labels: Vec::new(),
    }
}

/// An outside address and display name.
fn outside_person(rng: &mut ChaCha8Rng, externals: &[String]) -> (String, String) {
    let first = ascii_word(FirstName().fake_with_rng::<String, _>(rng), "contact");
    let last = ascii_word(LastName().fake_with_rng::<String, _>(rng), "person");
    let domain = externals.get(rng.random_range(0..externals.len().max(1))).map_or("example.com", String::as_str);
    (format!("{}.{}@{domain}", first.to_ascii_lowercase(), last.to_ascii_lowercase()), format!("{first} {last}"))
}

/// `first.last@domain`, or `first.last2@…`, `first.last3@…` when taken.
fn unique_address(used: &mut HashSet<String>, first: &str, last: &str, domain: &str) -> String {
    let local = format!("{}.{}", first.to_ascii_lowercase(), last.to_ascii_lowercase());
    let mut email = format!("{local}@{domain}");
    let mut n = 1u32;
    while used.contains(&email) {
        n = n.saturating_add(1);
        email = format!("{local}{n}@{domain}");
    }
    used.insert(email.clone());
    email
}

/// Keeps ASCII letters and digits (addresses and names stay plain).
fn ascii_word(word: String, fallback: &str) -> String {
    let w: String = word.chars().filter(char::is_ascii_alphanumeric).collect();
    if w.is_empty() { fallback.to_string() } else { w }
}

fn letters(rng: &mut ChaCha8Rng, n: usize, alphabet: &[u8]) -> String {
    (0..n).map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())])).collect()
}

fn normalize(path: &str) -> String {
    let p = path.trim().trim_end_matches('/');
    if p.is_empty() { "/".to_string() } else { p.to_string() }
}

/// The explicit scenario a spec with `population:` stands for: the population checked,
/// expanded and merged into `google` (created when absent), `population` cleared.
/// `Ok(None)` when the spec has no population. Problems are located diagnostics.
pub fn expand_spec(spec: &ScenarioSpec) -> Result<Option<ScenarioSpec>, Vec<Diagnostic>> {
    let Some(p) = &spec.population else { return Ok(None) };
    let mut problems = Problems(check(p));
    if let Some(g) = &spec.google
        && !g.domain.value.trim().eq_ignore_ascii_case(p.domain.value.trim())
    {
        let message = format!("`{}` differs from google.domain `{}`", p.domain.value, g.domain.value);
        problems.at(&p.domain, "population.domain", message);
    }
    let problems = problems.0;
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = spec.clone();
    out.population = None;
    let google = out.google.get_or_insert_with(|| GoogleSpec {
        domain: sp(p.domain.value.trim().to_ascii_lowercase()),
        customer_id: None,
        org_units: Vec::new(),
        groups: Vec::new(),
        users: Vec::new(),
        app_access: Default::default(),
        quirks: Default::default(),
        oauth_client: None,
    });
    let taken: HashSet<String> = google.users.iter().map(|u| u.email.value.trim().to_ascii_lowercase()).collect();
    let expansion = expand(p, spec.seed, &taken);
    for ou in expansion.org_units {
        if !google.org_units.iter().any(|o| normalize(&o.value) == ou) {
            google.org_units.push(sp(ou));
        }
    }
    google.users.extend(expansion.users);
    Ok(Some(out))
}
