//! For random fault schedules (429, 5xx, connections dropped mid-body) on random
//! tenants, the engine ends with exactly the fault-free import: nothing lost, nothing
//! twice. Faults are counted, so they run out; the engine keeps syncing until a sync
//! has no member errors (at most a few times), as a scheduler would.
//!
//! "Nothing twice" is checked on what the engine stored, not on the meeting map (keyed
//! by UID, it cannot hold a meeting twice): the store counts how often each UID was
//! stored as *new*, and the sync reports' `new_meetings` must add up to the number of
//! distinct meetings. Every generated tenant has at least one meeting, so the checks
//! never pass on an empty import.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use engine::google::{GoogleEndpoints, ServiceAccountKeyFile};
use engine::settings::{CompanySettings, ConnectionMode, TeamMember, WorkspaceConnection};
use engine::{BoxFuture, Clock, Engine, RetryPolicy};
use proptest::prelude::*;
use simulator::{FaultRule, Simulator};

struct VirtualClock {
    sim: Simulator,
}

impl Clock for VirtualClock {
    fn now(&self) -> DateTime<Utc> {
        self.sim.clock("t").expect("tenant").now
    }
    fn sleep(&self, by: Duration) -> BoxFuture<'_, ()> {
        self.sim.advance("t", by).expect("advance");
        Box::pin(async {})
    }
}

/// A tenant: per user, events as (start offset in hours, attendee user indexes, with an external guest).
#[derive(Debug, Clone)]
struct Tenant {
    users: Vec<Vec<(u32, Vec<usize>, bool)>>,
}

impl Tenant {
    fn yaml(&self) -> String {
        let mut y =
            String::from("name: t\nseed: 42\nclock: 2025-03-10T09:00:00Z\ngoogle:\n  domain: acme.example\n  users:\n");
        for (i, events) in self.users.iter().enumerate() {
            y.push_str(&format!("    - email: u{i}@acme.example\n      admin: {}\n", i == 0));
            if !events.is_empty() {
                y.push_str("      events:\n");
            }
            for (j, (hours, attendees, guest)) in events.iter().enumerate() {
                y.push_str(&format!("        - title: m{i}-{j}\n          start: +{hours}h\n          attendees:\n"));
                let internal: Vec<&usize> = attendees.iter().filter(|a| **a != i && **a < self.users.len()).collect();
                for a in &internal {
                    y.push_str(&format!("            - email: u{a}@acme.example\n"));
                }
                if *guest || internal.is_empty() {
                    y.push_str("            - email: guest@globex.example\n");
                }
            }
        }
        y
    }
}

fn tenant() -> impl Strategy<Value = Tenant> {
    prop::collection::vec(
        prop::collection::vec((1u32..240, prop::collection::vec(0usize..4, 0..3), any::<bool>()), 0..4),
        1..5,
    )
    .prop_map(|users| Tenant { users })
    .prop_filter("at least one meeting", |t| t.users.iter().any(|events| !events.is_empty()))
}

/// (api, kind, count): kind 0 → 429 with Retry-After, 1 → 500, 2 → 503, 3 → dropped connection.
fn schedule() -> impl Strategy<Value = Vec<(usize, u8, u32)>> {
    prop::collection::vec((0usize..3, 0u8..4, 1u32..4), 0..5)
}

/// What was imported: (uid, title, start, the members it was seen on), sorted.
type Import = Vec<(String, String, DateTime<Utc>, Vec<String>)>;

/// One engine run against a tenant.
struct Run {
    /// What the engine ended with.
    import: Import,
    /// Syncs it took.
    syncs: usize,
    /// Times each UID was stored as a new meeting.
    new_imports: BTreeMap<String, u32>,
    /// `new_meetings` summed over every sync report.
    reported_new: usize,
}

async fn run(t: &Tenant, faults: &[(usize, u8, u32)]) -> Run {
    let sim = Simulator::default();
    sim.load(simulator::scenario::parse("prop", &t.yaml()).expect("generated scenarios are valid")).unwrap();
    let server = sim.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = format!("{}/t/t", server.base_url());
    let key = sim.google_key_file("t", &base).unwrap();
    for (api, kind, count) in faults {
        let api = ["token", "directory", "calendar"][*api].to_string();
        let (status, retry_after, drop_connection) = match kind {
            0 => (429, Some(7), false),
            1 => (500, None, false),
            2 => (503, None, false),
            _ => (200, None, true),
        };
        sim.add_fault(
            "t",
            FaultRule {
                api,
                user: None,
                status: if drop_connection { 500 } else { status },
                reason: None,
                retry_after,
                count: Some(*count),
                from: None,
                until: None,
                drop_connection,
                ..Default::default()
            },
        )
        .unwrap();
    }
    let engine = Engine::builder()
        .clock(Arc::new(VirtualClock { sim: sim.clone() }))
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::seconds(1),
            max_backoff: Duration::minutes(1),
        })
        .google(GoogleEndpoints::under(&base), ServiceAccountKeyFile::from_json(&key.to_string()).unwrap())
        .build()
        .unwrap();
    let settings = CompanySettings {
        google: WorkspaceConnection {
            mode: ConnectionMode::CompanyWide,
            admin: Some("u0@acme.example".into()),
            ..Default::default()
        },
        team: (0..t.users.len()).map(|i| TeamMember::new(&format!("u{i}@acme.example"))).collect(),
        ..Default::default()
    };
    let mut syncs = 0;
    let mut reported_new = 0;
    for _ in 0..8 {
        syncs += 1;
        let report = engine.sync(&settings).await;
        reported_new += report.new_meetings;
        if report.member_errors.is_empty() && report.directory_users.is_some() {
            break;
        }
    }
    let import = engine
        .meetings()
        .into_iter()
        .map(|m| (m.event.ical_uid, m.event.title, m.event.start, m.seen_on.into_keys().collect()))
        .collect();
    Run { import, syncs, new_imports: engine.new_imports(), reported_new }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn any_fault_schedule_ends_with_the_fault_free_import(t in tenant(), faults in schedule()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (clean, faulty) = runtime.block_on(async { (run(&t, &[]).await, run(&t, &faults).await) });
        prop_assert_eq!(clean.syncs, 1, "the fault-free run needs one sync");
        prop_assert!(!faulty.import.is_empty(), "every generated tenant has a meeting");
        for r in [&clean, &faulty] {
            let twice: Vec<_> = r.new_imports.iter().filter(|(_, n)| **n != 1).collect();
            prop_assert!(twice.is_empty(), "nothing stored as new twice: {:?}", twice);
            prop_assert_eq!(r.new_imports.len(), r.import.len(), "every meeting was stored as new once");
            prop_assert_eq!(r.reported_new, r.import.len(), "syncs reported each meeting as new once");
        }
        prop_assert_eq!(faulty.import, clean.import, "nothing lost, nothing different");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A burst shorter than the retry budget (3 attempts) is absorbed by retries: the very
    /// first sync already has everything, with no member error.
    #[test]
    fn a_burst_within_the_retry_budget_is_absorbed_by_the_first_sync(t in tenant(), api in 0usize..3, kind in 0u8..4, count in 1u32..3) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (clean, faulty) = runtime.block_on(async { (run(&t, &[]).await, run(&t, &[(api, kind, count)]).await) });
        prop_assert_eq!(faulty.syncs, 1, "retries should have absorbed {} failures", count);
        prop_assert_eq!(faulty.reported_new, faulty.import.len(), "each meeting reported new once");
        prop_assert_eq!(faulty.import, clean.import);
    }
}
