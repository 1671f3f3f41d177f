//! Properties of the recording decision: a pure function of the meeting, the facts and
//! the settings (same inputs, same decision, whatever the order meetings are decided
//! in), and a wrapped link is always `link_wrapped` while unwrapping is off.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use engine::google::{CalendarEvent, EventAttendee};
use engine::recording::{MeetingFacts, Outcome, Reason, decide};
use engine::settings::{CompanySettings, ConnectionMode, TeamMember, WhoIsRecorded, WorkspaceConnection};
use engine::store::{Access, CalendarKind, ImportedMeeting, MemberAccess};
use proptest::prelude::*;
use simulator::links::{LinkWrapper, wrap_seeded};

const PEOPLE: &[&str] =
    &["nora@acme.example", "sam@acme.example", "buyer@globex.example", "cfo@hooli.example", "eve@acme.example"];
const LINKS: &[&str] = &[
    "https://zoom.us/j/81234567890?pwd=abc",
    "https://us02web.zoom.us/j/83456789012",
    "https://teams.microsoft.com/meet/2345678901234?p=AbCdEf",
    "https://meet.google.com/abc-defg-hij",
    "https://acme.webex.com/meet/nora",
    "https://example.com/agenda",
];

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 10, 9, 0, 0).unwrap()
}

fn meeting(
    uid: usize,
    organizer: usize,
    attendees: Vec<(usize, bool)>,
    link: Option<String>,
    private: bool,
    lead_min: i64,
    secondary: bool,
) -> ImportedMeeting {
    let start = t0() + Duration::minutes(lead_min);
    let event = CalendarEvent {
        id: format!("e{uid}"),
        ical_uid: format!("e{uid}@google.com"),
        title: format!("Meeting {uid}"),
        start,
        end: start + Duration::minutes(30),
        organizer: PEOPLE[organizer].into(),
        attendees: attendees
            .into_iter()
            .map(|(p, declined)| EventAttendee {
                email: PEOPLE[p].into(),
                response: if declined { "declined" } else { "accepted" }.into(),
            })
            .collect(),
        visibility: if private { "private" } else { "default" }.into(),
        description: None,
        location: link,
        hangout_link: None,
        updated: None,
    };
    let kind = if secondary { CalendarKind::Secondary } else { CalendarKind::Primary };
    ImportedMeeting {
        event,
        seen_on: BTreeMap::from([("nora@acme.example".to_string(), kind)]),
        first_imported: t0(),
        last_changed: t0(),
        last_seen: t0(),
        cancelled: false,
    }
}

fn settings(flags: [bool; 6]) -> CompanySettings {
    let mut s = CompanySettings {
        google: WorkspaceConnection {
            mode: ConnectionMode::CompanyWide,
            admin: Some("ada@acme.example".into()),
            ..Default::default()
        },
        team: vec![TeamMember::new("nora@acme.example"), TeamMember::new("sam@acme.example")],
        ..Default::default()
    };
    s.import.calendar = flags[0];
    s.recording.unwrap_links = flags[1];
    s.recording.primary_calendar_only = flags[2];
    s.recording.record_internal = flags[3];
    s.recording.internal_domains = if flags[4] { vec!["acme.example".into()] } else { vec![] };
    s.recording.who_is_recorded =
        if flags[5] { WhoIsRecorded::AnyoneWithRecordableInvitee } else { WhoIsRecorded::RecordableHost };
    s
}

fn access(ok: bool) -> BTreeMap<String, MemberAccess> {
    let calendar = if ok {
        Access::Ok
    } else {
        Access::Refused(engine::ProviderError::Refused {
            provider: "Google Workspace".into(),
            status: 401,
            code: "unauthorized_client".into(),
            message: String::new(),
        })
    };
    BTreeMap::from([("nora@acme.example".to_string(), MemberAccess { calendar, email: Access::NotAttempted })])
}

fn wrapper(i: usize) -> LinkWrapper {
    LinkWrapper::ALL[i % LinkWrapper::ALL.len()]
}

prop_compose! {
    fn any_meeting(uid: usize)(
        organizer in 0..PEOPLE.len(),
        attendees in prop::collection::vec((0..PEOPLE.len(), any::<bool>()), 0..4),
        link in prop::option::of(0..LINKS.len()),
        wrapped in prop::option::of(0usize..6),
        seed in any::<u64>(),
        private in any::<bool>(),
        lead_min in -60i64..600,
        secondary in any::<bool>(),
    ) -> ImportedMeeting {
        let link = link.map(|l| match wrapped {
            Some(w) => wrap_seeded(LINKS[l], wrapper(w), seed),
            None => LINKS[l].to_string(),
        });
        meeting(uid, organizer, attendees, link, private, lead_min, secondary)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_same_inputs_give_the_same_decision_in_any_order(
        meetings in prop::collection::vec(any_meeting(0), 1..8),
        flags in any::<[bool; 6]>(),
        ok in any::<bool>(),
        rotation in 0usize..8,
    ) {
        let meetings: Vec<ImportedMeeting> = meetings.into_iter().enumerate().map(|(i, mut m)| {
            m.event.ical_uid = format!("e{i}@google.com");
            m
        }).collect();
        let s = settings(flags);
        let acc = access(ok);
        let forward: Vec<_> = meetings.iter().map(|m| decide(MeetingFacts { meeting: m, access: &acc, zoom: None }, &s)).collect();
        let mut order: Vec<usize> = (0..meetings.len()).collect();
        order.rotate_left(rotation % meetings.len());
        order.reverse();
        let mut shuffled = BTreeMap::new();
        for i in order {
            shuffled.insert(i, decide(MeetingFacts { meeting: &meetings[i], access: &acc, zoom: None }, &s));
        }
        for (i, d) in forward.iter().enumerate() {
            prop_assert_eq!(d, &shuffled[&i]);
            // Exactly one primary reason when not recorded, none otherwise.
            prop_assert_eq!(d.outcome == Outcome::NotRecorded, d.reason.is_some());
        }
    }

    #[test]
    fn with_unwrapping_off_every_wrapped_link_is_link_wrapped(
        link in 0..LINKS.len() - 1,
        w in 0usize..6,
        seed in any::<u64>(),
    ) {
        // Everything else passes: a recordable host, an external invitee, plenty of lead time.
        let wrapped = wrap_seeded(LINKS[link], wrapper(w), seed);
        let m = meeting(1, 0, vec![(2, false)], Some(wrapped), false, 120, false);
        let s = settings([true, false, true, false, true, false]);
        let d = decide(MeetingFacts { meeting: &m, access: &access(true), zoom: None }, &s);
        prop_assert_eq!(d.reason, Some(Reason::LinkWrapped));
        prop_assert_eq!(d.detail.as_deref(), Some(wrapper(w).name()));
    }

    #[test]
    fn with_unwrapping_on_reversible_wrappers_are_recorded(
        link in 0..LINKS.len() - 1,
        w in 0usize..6,
        seed in any::<u64>(),
    ) {
        let wrapped = wrap_seeded(LINKS[link], wrapper(w), seed);
        let m = meeting(1, 0, vec![(2, false)], Some(wrapped), false, 120, false);
        let s = settings([true, true, true, false, true, false]);
        let d = decide(MeetingFacts { meeting: &m, access: &access(true), zoom: None }, &s);
        if wrapper(w).reversible() {
            prop_assert_eq!(d.outcome, Outcome::RecordBot, "{:?}", d);
        } else {
            prop_assert_eq!(d.reason, Some(Reason::LinkWrapped));
        }
    }

    #[test]
    fn deciding_never_panics_on_arbitrary_invites(
        location in "\\PC{0,200}",
        description in "\\PC{0,200}",
        flags in any::<[bool; 6]>(),
    ) {
        let mut m = meeting(1, 0, vec![(2, false)], Some(location), false, 120, false);
        m.event.description = Some(description);
        let d = decide(MeetingFacts { meeting: &m, access: &access(true), zoom: None }, &settings(flags));
        prop_assert_eq!(d.outcome == Outcome::NotRecorded, d.reason.is_some());
    }
}
