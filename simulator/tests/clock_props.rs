//! Properties of the bounded clock: random duration/instant strings and random clock moves
//! never panic, and no time produced lies outside the years 1..=9999 or the 100-year
//! window around the scenario start.

use chrono::{DateTime, Datelike, Duration, Utc};
use proptest::prelude::*;
use simulator::clock::{
    MAX_YEAR, MIN_YEAR, VirtualClock, format_duration, max_span, parse_duration, parse_instant, parse_offset,
};

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z as Unix seconds.
const FIRST: i64 = -62_135_596_800;
const LAST: i64 = 253_402_300_799;

fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("in chrono's range")
}

fn start() -> impl Strategy<Value = DateTime<Utc>> {
    prop_oneof![
        FIRST..=LAST,
        // Near both ends of the range, where overflow would happen.
        FIRST..FIRST + 200 * 366 * 86_400,
        LAST - 200 * 366 * 86_400..=LAST,
    ]
    .prop_map(instant)
}

/// Strings shaped like durations, offsets and times, with huge numbers and odd units.
fn time_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[+-]?([0-9]{0,25}[wdhmsy]?){0,4}",
        "[+-]?[0-9]{1,6}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})",
        ".{0,30}",
        // Offsets around the 100-year limit, which cross year 1 or 9999 from a start near them.
        (any::<bool>(), 0u32..=40_000, 0u32..24)
            .prop_map(|(negative, days, hours)| { format!("{}{days}d{hours}h", if negative { '-' } else { '+' }) }),
    ]
}

fn in_range(t: DateTime<Utc>) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&t.year())
}

#[derive(Debug, Clone)]
enum Move {
    Advance(i64),
    Set(String),
}

fn moves() -> impl Strategy<Value = Vec<Move>> {
    prop::collection::vec(
        prop_oneof![
            any::<i64>().prop_map(Move::Advance),
            (0i64..=40_000 * 86_400).prop_map(Move::Advance),
            time_text().prop_map(Move::Set),
        ],
        1..20,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn durations_parse_within_bounds(text in time_text()) {
        if let Ok(d) = parse_duration(&text) {
            prop_assert!(d >= Duration::zero() && d <= max_span(), "{text} -> {d}");
            prop_assert_eq!(parse_duration(&format_duration(d)).ok(), Some(d));
        }
        if let Ok(d) = parse_offset(&text) {
            prop_assert!(d >= -max_span() && d <= max_span(), "{text} -> {d}");
        }
    }

    #[test]
    fn instants_stay_in_years_1_to_9999(text in time_text(), start in start()) {
        if let Ok(t) = parse_instant(&text, start) {
            prop_assert!(in_range(t), "{text} from {start} -> {t:?}");
            let distance = if t >= start { t - start } else { start - t };
            prop_assert!(distance <= max_span(), "{text} from {start} -> {t}");
            prop_assert!(t.to_rfc3339().len() >= 25, "not RFC 3339: {}", t.to_rfc3339());
        }
    }

    #[test]
    fn clock_moves_never_leave_the_range(start in start(), moves in moves()) {
        let mut clock = VirtualClock::starting_at(start);
        for m in moves {
            let before = clock.now();
            let result = match &m {
                Move::Advance(secs) => clock.advance(Duration::try_seconds(*secs).unwrap_or(Duration::MAX)),
                Move::Set(text) => match parse_instant(text, clock.start()) {
                    Ok(t) => clock.set(t),
                    Err(_) => continue,
                },
            };
            if result.is_err() {
                prop_assert_eq!(clock.now(), before, "a refused move changed the clock: {:?}", m);
            }
            prop_assert!(clock.now() >= before, "time ran backwards on {:?}", m);
            prop_assert!(in_range(clock.now()), "{:?} -> {:?}", m, clock.now());
            prop_assert!(clock.now() - clock.start() <= max_span());
            prop_assert!(clock.now() <= clock.latest());
        }
    }
}

#[test]
fn the_extremes_are_refused_not_wrapped() {
    let mut clock = VirtualClock::starting_at(instant(LAST - 10));
    assert!(clock.advance(Duration::seconds(11)).is_err());
    clock.advance(Duration::seconds(10)).expect("up to the end of 9999");
    assert_eq!(clock.now().to_rfc3339(), "9999-12-31T23:59:59+00:00");
    assert!(parse_instant("+1s", instant(LAST)).is_err());
    assert!(parse_instant("-1s", instant(FIRST)).is_err());
}
