//! The engine against the simulator over real HTTP: what it imports, what it shows on
//! the Team members page, and how it rides out faults on virtual time.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use engine::google::{GoogleEndpoints, ServiceAccountKeyFile};
use engine::settings::{CompanySettings, ConnectionMode, TeamMember, WorkspaceConnection};
use engine::{BoxFuture, Clock, Engine, Icon, IconKind, RetryPolicy};
use simulator::{FaultRule, JournalFilter, Simulator};

/// The tenant's virtual clock: waiting moves it.
struct VirtualClock {
    sim: Simulator,
    tenant: String,
}

impl Clock for VirtualClock {
    fn now(&self) -> DateTime<Utc> {
        self.sim.clock(&self.tenant).expect("tenant").now
    }
    fn sleep(&self, by: Duration) -> BoxFuture<'_, ()> {
        self.sim.advance(&self.tenant, by).expect("advance");
        Box::pin(async {})
    }
}

const TENANT: &str = r#"
name: acme
seed: 7
clock: 2025-03-10T09:00:00Z
google:
  domain: acme.example
  org_units: [/Sales/NA, /Sales/EMEA]
  users:
    - email: ada@acme.example
      admin: true
    - email: nora@acme.example
      org_unit: /Sales/NA
      events:
        - title: QBR with Globex
          start: +2h
          attendees:
            - email: eve@acme.example
        - title: Long ago
          start: -3d
    - email: eve@acme.example
      org_unit: /Sales/EMEA
  app_access:
    trusted_org_units: [/, ]
"#;

struct Fixture {
    sim: Simulator,
    _server: simulator::RunningServer,
    engine: Engine,
    settings: CompanySettings,
}

async fn fixture(trusted: &str) -> Fixture {
    let yaml = TENANT.replace("[/, ]", trusted);
    let sim = Simulator::default();
    sim.load(simulator::scenario::parse("test", &yaml).expect("valid scenario")).expect("loads");
    let server = sim.start("127.0.0.1:0".parse().unwrap()).await.expect("binds");
    let base = format!("{}/t/acme", server.base_url());
    let key = sim.google_key_file("acme", &base).expect("key file");
    let clock = Arc::new(VirtualClock { sim: sim.clone(), tenant: "acme".into() });
    let engine = Engine::builder()
        .clock(clock)
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::seconds(2),
            max_backoff: Duration::minutes(5),
        })
        .google(GoogleEndpoints::under(&base), ServiceAccountKeyFile::from_json(&key.to_string()).unwrap())
        .build()
        .expect("engine builds");
    let settings = CompanySettings {
        google: WorkspaceConnection {
            mode: ConnectionMode::CompanyWide,
            admin: Some("ada@acme.example".into()),
            ..Default::default()
        },
        team: vec![TeamMember::new("nora@acme.example"), TeamMember::new("eve@acme.example")],
        ..Default::default()
    };
    Fixture { sim, _server: server, engine, settings }
}

#[tokio::test]
async fn imports_the_directory_and_each_meeting_once() {
    let f = fixture("[/]").await;
    let report = f.engine.sync(&f.settings).await;
    assert_eq!(report.directory_users, Some(3));
    let meetings = f.engine.meetings();
    assert_eq!(
        meetings.len(),
        1,
        "the QBR is on nora's and eve's calendars but is one meeting; the old one is outside the window"
    );
    assert_eq!(meetings[0].event.title, "QBR with Globex");
    assert_eq!(meetings[0].seen_on.len(), 2);
    let page = f.engine.team_page(&f.settings);
    assert!(page.members.iter().all(|m| m.calendar_icon == Icon::Green && m.email_icon == Icon::Off), "{page:#?}");
}

#[tokio::test]
async fn a_member_outside_the_trusted_org_unit_is_red_and_the_rest_green() {
    let f = fixture("[/Sales/NA]").await;
    f.engine.sync(&f.settings).await;
    let page = f.engine.team_page(&f.settings);
    assert_eq!(page.member("nora@acme.example").unwrap().icon(IconKind::Calendar), Icon::Green);
    let eve = page.member("eve@acme.example").unwrap();
    assert_eq!(eve.icon(IconKind::Calendar), Icon::Red);
    assert!(
        eve.warnings.iter().any(|w| w.code == "access_refused" && w.message.contains("unauthorized_client")),
        "{eve:#?}"
    );
    assert_eq!(page.banner("technical_problem").and_then(|b| b.count), Some(1));
    let refused =
        f.sim.journal(&JournalFilter { path: Some("/token".into()), status: Some(401), ..Default::default() });
    let subjects: Vec<_> = refused.iter().filter_map(|e| e.subject.as_deref()).collect();
    assert_eq!(subjects, ["ada@acme.example", "eve@acme.example"], "the admin at / is outside /Sales/NA too");
}

#[tokio::test]
async fn retries_honour_retry_after_on_the_virtual_clock() {
    let f = fixture("[/]").await;
    let start = f.sim.clock("acme").unwrap().now;
    f.sim
        .add_fault(
            "acme",
            FaultRule {
                api: "calendar".into(),
                user: None,
                status: 503,
                reason: None,
                retry_after: Some(30),
                count: Some(2),
                from: None,
                until: None,
                drop_connection: false,
                ..Default::default()
            },
        )
        .unwrap();
    f.engine.sync(&f.settings).await;
    let page = f.engine.team_page(&f.settings);
    assert!(page.members.iter().all(|m| m.calendar_icon == Icon::Green), "{page:#?}");
    let waited = f.sim.clock("acme").unwrap().now - start;
    assert_eq!(waited, Duration::seconds(60), "two Retry-After: 30 waits, no real time");
    let unavailable = f.sim.journal(&JournalFilter { status: Some(503), ..Default::default() });
    assert_eq!(unavailable.len(), 2);
}

#[tokio::test]
async fn a_provider_down_beyond_the_retry_budget_is_connectivity_red_and_loses_nothing() {
    let f = fixture("[/]").await;
    f.engine.sync(&f.settings).await;
    assert_eq!(f.engine.meetings().len(), 1);
    f.sim
        .add_fault(
            "acme",
            FaultRule {
                api: "calendar".into(),
                user: None,
                status: 500,
                reason: None,
                retry_after: None,
                count: None,
                from: None,
                until: None,
                drop_connection: false,
                ..Default::default()
            },
        )
        .unwrap();
    f.engine.sync(&f.settings).await;
    let page = f.engine.team_page(&f.settings);
    let nora = page.member("nora@acme.example").unwrap();
    assert_eq!(nora.calendar_icon, Icon::Red);
    assert!(nora.warnings.iter().any(|w| w.code == "connectivity"), "{nora:#?}");
    assert_eq!(f.engine.meetings().len(), 1, "what was imported stays");
}

#[tokio::test]
async fn incremental_sync_replays_changes_and_recovers_from_an_invalidated_token() {
    let f = fixture("[/]").await;
    let first = f.engine.sync(&f.settings).await;
    assert_eq!(first.new_meetings, 1);
    // The organizer moves the QBR; the next sync reads only the change.
    f.sim
        .apply(
            "acme",
            &simulator::Action::UpdateEvent {
                owner: "nora@acme.example".into(),
                title: "QBR with Globex".into(),
                start: Some(f.sim.clock("acme").unwrap().now + Duration::hours(5)),
                conference: None,
            },
        )
        .unwrap();
    let second = f.engine.sync(&f.settings).await;
    assert_eq!((second.new_meetings, second.refreshed_meetings, second.full_resyncs), (0, 2, 0), "{second:?}");
    let incremental =
        f.sim.journal(&JournalFilter { path: Some("/calendar/v3/calendars/".into()), ..Default::default() });
    assert!(incremental.iter().rev().take(2).all(|e| e.query.contains("syncToken=")), "{incremental:#?}");
    assert_eq!(f.engine.meetings()[0].event.start, f.sim.clock("acme").unwrap().now + Duration::hours(5));

    // Every token is invalidated: 410, then a full listing, and still one meeting.
    f.sim.apply("acme", &simulator::Action::InvalidateSyncTokens).unwrap();
    let third = f.engine.sync(&f.settings).await;
    assert_eq!(third.full_resyncs, 2, "{third:?}");
    assert_eq!(f.sim.journal(&JournalFilter { status: Some(410), ..Default::default() }).len(), 2);
    assert_eq!(f.engine.meetings().len(), 1, "nothing twice");

    // A cancellation is replayed and kept as cancelled, not lost.
    f.sim
        .apply(
            "acme",
            &simulator::Action::CancelEvent { owner: "nora@acme.example".into(), title: "QBR with Globex".into() },
        )
        .unwrap();
    let fourth = f.engine.sync(&f.settings).await;
    assert_eq!(fourth.cancelled_meetings, 1, "{fourth:?}");
    let meetings = f.engine.meetings();
    assert_eq!(meetings.len(), 1);
    assert!(meetings[0].cancelled);
    let decision = &f.engine.decisions()[0];
    assert_eq!(decision.reason, Some(engine::recording::Reason::MeetingCancelled));
}
