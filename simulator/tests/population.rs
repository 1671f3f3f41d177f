//! Generated populations: the compact `population:` section expands deterministically from
//! the seed into ordinary users, meetings and mail, in the declared proportions, and bad
//! fields are reported at their line.

use simulator::Simulator;
use simulator::scenario::population::expand_spec;
use simulator::scenario::{self, ScenarioSpec};

fn compact(seed: u64, users: u32, per_user: u32) -> String {
    format!(
        r#"
name: pop
seed: {seed}
clock: 2025-03-10T09:00:00Z
population:
  users: {users}
  domain: pop.example
  admins: 2
  org_units: [{{ path: /Sales/NA, weight: 3 }}, {{ path: /IT, weight: 1 }}]
  meetings: {{ per_user: {per_user}, zoom: 0.4, teams: 0.2, meet: 0.2, recurring: 0.25, external: 0.5 }}
  external_domains: [globex.example]
  mail_per_user: 2
"#
    )
}

fn explicit_yaml(text: &str) -> String {
    let spec: ScenarioSpec = serde_saphyr::from_str(text).expect("compact YAML parses");
    let explicit = expand_spec(&spec).expect("population is valid").expect("has a population");
    serde_saphyr::to_string(&explicit).expect("serialises")
}

#[test]
fn same_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let a = explicit_yaml(&compact(7, 60, 4));
    let b = explicit_yaml(&compact(7, 60, 4));
    assert!(a.len() > 10_000, "the expansion is large: {} bytes", a.len());
    assert!(a == b, "same seed, other bytes");
    let c = explicit_yaml(&compact(8, 60, 4));
    assert_ne!(a, c, "another seed gives another population");
}

#[test]
fn the_word_lists_are_those_of_the_pinned_fake_version() {
    // Pins what seed 7 expands to: if `fake` or the RNG changed, generated scenarios
    // (and the bench's tenant) would silently change with it.
    let s = scenario::parse("pop.yaml", &compact(7, 3, 1)).expect("valid");
    let users: Vec<&str> = s.google.as_ref().expect("google").users.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(users, GOLDEN_USERS);
}

const GOLDEN_USERS: [&str; 3] = ["wilma.price@pop.example", "may.huels@pop.example", "margarita.white@pop.example"];

#[test]
fn the_population_has_the_declared_size_spread_and_mix() {
    let s = scenario::parse("pop.yaml", &compact(11, 800, 10)).expect("valid");
    let g = s.google.as_ref().expect("a google tenant is created");
    assert_eq!(g.domain, "pop.example");
    assert_eq!(g.users.len(), 800);
    assert_eq!(g.users.iter().filter(|u| u.admin).count(), 2);
    assert!(g.users[0].admin && g.users[1].admin && !g.users[2].admin, "the first users are the admins");
    let emails: std::collections::HashSet<&str> = g.users.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(emails.len(), 800, "addresses are unique");
    assert!(g.users.iter().all(|u| u.email.ends_with("@pop.example")));

    // Org units: weights 3:1.
    let na = g.users.iter().filter(|u| u.org_unit == "/Sales/NA").count();
    let it = g.users.iter().filter(|u| u.org_unit == "/IT").count();
    assert_eq!(na + it, 800);
    assert!((540..=660).contains(&na), "/Sales/NA has {na} of 800 (expected about 600)");

    let events: Vec<_> = g.users.iter().flat_map(|u| u.calendars[0].events.iter()).collect();
    assert_eq!(events.len(), 8_000);
    assert!(g.users.iter().all(|u| u.calendars[0].events.len() == 10));
    let share = |n: usize| n as f64 / events.len() as f64;
    let with = |host: &str| events.iter().filter(|e| e.conference.as_deref().is_some_and(|l| l.contains(host))).count();
    let (zoom, teams, meet) =
        (share(with("zoom.us/j/")), share(with("teams.microsoft.com")), share(with("meet.google.com")));
    assert!((zoom - 0.4).abs() < 0.03, "zoom share {zoom}");
    assert!((teams - 0.2).abs() < 0.03, "teams share {teams}");
    assert!((meet - 0.2).abs() < 0.03, "meet share {meet}");
    let recurring = share(events.iter().filter(|e| e.recurrence.is_some()).count());
    assert!((recurring - 0.25).abs() < 0.03, "recurring share {recurring}");
    let external =
        share(events.iter().filter(|e| e.attendees.iter().any(|a| a.email.ends_with("@globex.example"))).count());
    assert!((external - 0.5).abs() < 0.03, "external share {external}");
    let internal = events.iter().flat_map(|e| &e.attendees).filter(|a| emails.contains(a.email.as_str())).count();
    assert!(internal > 4_000, "colleagues are invited ({internal} invitations)");
    assert!(events.iter().all(|e| e.start > s.start), "meetings are ahead of the clock");

    assert!(g.users.iter().all(|u| u.mail.len() == 2), "two messages per mailbox");
    assert!(g.users.iter().flat_map(|u| &u.mail).all(|m| m.from.ends_with("@globex.example") && m.at < s.start));
}

#[test]
fn the_checked_scenario_keeps_the_compact_form_and_rechecks_to_the_same_users() {
    let s = scenario::parse("pop.yaml", &compact(3, 40, 2)).expect("valid");
    assert!(s.spec.population.is_some(), "the compact form is kept");
    assert!(s.spec.google.is_none(), "not the expansion");
    let again = scenario::from_spec("again", s.spec.clone()).expect("valid");
    let emails =
        |s: &scenario::Scenario| s.google.as_ref().map(|g| g.users.iter().map(|u| u.email.clone()).collect::<Vec<_>>());
    assert_eq!(emails(&s), emails(&again));
}

#[test]
fn written_users_come_first_and_keep_their_addresses() {
    let text = r#"
name: mixed
seed: 5
clock: 2025-03-10T09:00:00Z
google:
  domain: pop.example
  org_units: [/Board]
  users:
    - { email: ceo@pop.example, org_unit: /Board, admin: true }
population:
  users: 30
  domain: pop.example
  org_units: [{ path: /Staff }]
  admins: 0
"#;
    let s = scenario::parse("mixed.yaml", text).expect("valid");
    let g = s.google.as_ref().expect("google");
    assert_eq!(g.users.len(), 31);
    assert_eq!(g.users[0].email, "ceo@pop.example");
    assert!(g.users[1..].iter().all(|u| u.org_unit == "/Staff" && !u.admin));
    assert!(g.org_units.contains(&"/Board".to_string()) && g.org_units.contains(&"/Staff".to_string()));
}

#[test]
fn bad_population_fields_are_reported_at_their_line() {
    let text = r#"name: bad
seed: 1
clock: 2025-03-10T09:00:00Z
google:
  domain: other.example
population:
  users: 0
  domain: pop.example
  admins: 3
  org_units: [{ path: Sales, weight: 0 }]
  meetings: { per_user: 5, zoom: 0.8, meet: 0.5, external: 0.2 }
  mail_per_user: 1
"#;
    let err = scenario::parse("bad.yaml", text).expect_err("invalid");
    let found: Vec<(Option<u64>, &str, &str)> =
        err.diagnostics.iter().map(|d| (d.line, d.field.as_str(), d.message.as_str())).collect();
    let has = |line: u64, field: &str, words: &str| {
        found.iter().any(|(l, f, m)| *l == Some(line) && *f == field && m.contains(words))
    };
    assert!(has(7, "population.users", "between 1"), "{found:#?}");
    assert!(has(8, "population.domain", "differs from google.domain"), "{found:#?}");
    assert!(has(9, "population.admins", "more than"), "{found:#?}");
    assert!(has(10, "population.org_units[0].path", "not a path"), "{found:#?}");
    assert!(has(10, "population.org_units[0].weight", "at least 1"), "{found:#?}");
    assert!(has(11, "population.meetings", "at most 1"), "{found:#?}");
    assert!(has(11, "population.meetings.external", "external_domains"), "{found:#?}");
    assert!(has(12, "population.mail_per_user", "external_domains"), "{found:#?}");
    assert_eq!(found.len(), 8, "{found:#?}");

    let unknown =
        "name: x\nclock: 2025-03-10T09:00:00Z\npopulation:\n  users: 3\n  domain: a.example\n  colour: blue\n";
    let err = scenario::parse("unknown.yaml", unknown).expect_err("unknown field");
    assert_eq!(err.diagnostics[0].line, Some(6), "{err}");
}

#[test]
fn a_population_tenant_loads_with_its_generated_users() {
    let s = scenario::parse("pop.yaml", &compact(21, 120, 3)).expect("valid");
    let someone = s.google.as_ref().expect("google").users[77].email.clone();
    let sim = Simulator::builder().build();
    let tenant = sim.load(s).expect("loads");
    // Acting on a generated user works only if the live directory holds them.
    sim.apply(&tenant, &scenario::Action::SuspendUser(someone.clone())).expect("the generated user exists");
    let unknown = scenario::Action::SuspendUser("nobody@pop.example".into());
    assert!(sim.apply(&tenant, &unknown).is_err(), "an unknown user is refused");
}

#[test]
fn a_large_explicit_scenario_is_not_refused_by_the_yaml_budget() {
    // Over 250,000 YAML nodes (the parser's default budget): generated files are this big.
    let yaml = explicit_yaml(&compact(4, 2_000, 12));
    let s = scenario::parse("large.yaml", &yaml).unwrap_or_else(|e| panic!("refused: {}", e.diagnostics[0].message));
    assert_eq!(s.google.as_ref().map(|g| g.users.len()), Some(2_000));
}
