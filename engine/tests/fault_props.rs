//! For random fault schedules (429, 5xx, connections dropped mid-body) on random
//! tenants, the engine ends with exactly the fault-free import: nothing lost, nothing
//! twice. Faults are counted, so they run out; the engine keeps syncing until a sync
//! has no member errors (at most a few times), as a scheduler would.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use engine::google::{GoogleEndpoints, ServiceAccountKeyFile};
use engine::settings::{CompanySettings, ConnectionMode, GoogleConnection, TeamMember};
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
}

/// (api, kind, count): kind 0 → 429 with Retry-After, 1 → 500, 2 → 503, 3 → dropped connection.
fn schedule() -> impl Strategy<Value = Vec<(usize, u8, u32)>> {
    prop::collection::vec((0usize..3, 0u8..4, 1u32..4), 0..5)
}

/// What was imported: (uid, title, start, the members it was seen on), sorted.
type Import = Vec<(String, String, DateTime<Utc>, Vec<String>)>;

async fn run(t: &Tenant, faults: &[(usize, u8, u32)]) -> (Import, usize) {
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
        google: GoogleConnection {
            mode: ConnectionMode::CompanyWide,
            admin: Some("u0@acme.example".into()),
            ..Default::default()
        },
        team: (0..t.users.len()).map(|i| TeamMember::new(&format!("u{i}@acme.example"))).collect(),
        ..Default::default()
    };
    let mut syncs = 0;
    for _ in 0..8 {
        syncs += 1;
        let report = engine.sync(&settings).await;
        if report.member_errors.is_empty() && report.directory_users.is_some() {
            break;
        }
    }
    let import = engine
        .meetings()
        .into_iter()
        .map(|m| (m.event.ical_uid, m.event.title, m.event.start, m.seen_on.into_keys().collect()))
        .collect();
    (import, syncs)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn any_fault_schedule_ends_with_the_fault_free_import(t in tenant(), faults in schedule()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let ((expected, clean_syncs), (got, _)) = runtime.block_on(async { (run(&t, &[]).await, run(&t, &faults).await) });
        prop_assert_eq!(clean_syncs, 1, "the fault-free run needs one sync");
        let mut uids: Vec<&String> = got.iter().map(|m| &m.0).collect();
        uids.dedup();
        prop_assert_eq!(uids.len(), got.len(), "nothing twice");
        prop_assert_eq!(got, expected, "nothing lost, nothing different");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A burst shorter than the retry budget (3 attempts) is absorbed by retries: the very
    /// first sync already has everything, with no member error.
    #[test]
    fn a_burst_within_the_retry_budget_is_absorbed_by_the_first_sync(t in tenant(), api in 0usize..3, kind in 0u8..4, count in 1u32..3) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let ((expected, _), (got, syncs)) = runtime.block_on(async { (run(&t, &[]).await, run(&t, &[(api, kind, count)]).await) });
        prop_assert_eq!(syncs, 1, "retries should have absorbed {} failures", count);
        prop_assert_eq!(got, expected);
    }
}
