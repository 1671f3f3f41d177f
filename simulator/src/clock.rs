//! The virtual clock every tenant runs on, and the bounded duration and time syntax
//! scenarios and the admin API use.
//!
//! Nothing in the simulator reads the wall clock for behaviour: token expiry, scheduled
//! timeline steps and event offsets are all measured against a [`VirtualClock`] that only
//! moves when the scenario, the admin API or the harness moves it. That is what makes a
//! run repeatable.
//!
//! # Bounds
//! Every time a scenario or a client gives is read with bounds, so no arithmetic on it can
//! overflow and every time written back is RFC 3339:
//! - a duration is at most [`MAX_SPAN_DAYS`] days (100 years) long;
//! - an instant (an offset like `+2h` or an RFC 3339 time) lies within [`MAX_SPAN_DAYS`]
//!   days of the scenario start, and in the years [`MIN_YEAR`]`..=`[`MAX_YEAR`];
//! - the clock itself never leaves that window, and never runs backwards.

use chrono::{DateTime, Datelike, Duration, Utc};
use thiserror::Error;

/// The longest duration, and the farthest an instant may lie from the scenario start, in
/// days: 100 years (of 365.25 days).
pub const MAX_SPAN_DAYS: i64 = 36_525;
/// The earliest year a time may have (RFC 3339 has four-digit years).
pub const MIN_YEAR: i32 = 1;
/// The latest year a time may have (RFC 3339 has four-digit years).
pub const MAX_YEAR: i32 = 9999;

const MAX_SPAN_SECS: u64 = MAX_SPAN_DAYS as u64 * 86_400;

/// [`MAX_SPAN_DAYS`] as a duration.
pub fn max_span() -> Duration {
    Duration::days(MAX_SPAN_DAYS)
}

/// Whether `t` has a year RFC 3339 can write (`MIN_YEAR..=MAX_YEAR`).
pub fn in_year_range(t: DateTime<Utc>) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&t.year())
}

/// `t + d`, or `None` if that overflows or leaves the years `MIN_YEAR..=MAX_YEAR`.
pub fn checked_add(t: DateTime<Utc>, d: Duration) -> Option<DateTime<Utc>> {
    t.checked_add_signed(d).filter(|x| in_year_range(*x))
}

/// A tenant's notion of "now". It starts at the scenario's `clock` and only moves forward,
/// at most [`MAX_SPAN_DAYS`] days past the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VirtualClock {
    start: DateTime<Utc>,
    now: DateTime<Utc>,
}

impl VirtualClock {
    /// A clock standing at `start`.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self { start, now: start }
    }

    /// The current virtual time.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Where the clock started (the scenario's `clock`); offsets like `+2h` count from here.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The latest time this clock may reach: the start plus [`MAX_SPAN_DAYS`], or the end
    /// of year [`MAX_YEAR`], whichever comes first.
    pub fn latest(&self) -> DateTime<Utc> {
        let end_of_range = DateTime::<Utc>::MAX_UTC
            .with_year(MAX_YEAR)
            .and_then(|t| t.with_month(12))
            .and_then(|t| t.with_day(31))
            .unwrap_or(self.start);
        self.start.checked_add_signed(max_span()).map_or(end_of_range, |t| t.min(end_of_range))
    }

    /// Where advancing by `by` would put the clock, checked: not negative, no overflow,
    /// not past [`VirtualClock::latest`]. The clock itself does not move.
    pub fn target_after(&self, by: Duration) -> Result<DateTime<Utc>, ClockError> {
        if by < Duration::zero() {
            return Err(ClockError::Backwards);
        }
        let to = self.now.checked_add_signed(by).ok_or_else(|| self.too_far(None))?;
        self.check_target(to)
    }

    /// Checks that the clock may be set to `to`: not earlier than now, not past
    /// [`VirtualClock::latest`].
    pub fn check_target(&self, to: DateTime<Utc>) -> Result<DateTime<Utc>, ClockError> {
        if to < self.now {
            return Err(ClockError::Backwards);
        }
        if to > self.latest() {
            return Err(self.too_far(Some(to)));
        }
        Ok(to)
    }

    /// Moves the clock forward by `by`. Negative durations are refused: time never runs
    /// backwards inside a tenant, so anything already observed stays observed.
    pub fn advance(&mut self, by: Duration) -> Result<DateTime<Utc>, ClockError> {
        self.now = self.target_after(by)?;
        Ok(self.now)
    }

    /// Sets the clock to `to`, which must not be earlier than now nor past
    /// [`VirtualClock::latest`].
    pub fn set(&mut self, to: DateTime<Utc>) -> Result<DateTime<Utc>, ClockError> {
        self.now = self.check_target(to)?;
        Ok(self.now)
    }

    fn too_far(&self, to: Option<DateTime<Utc>>) -> ClockError {
        ClockError::OutOfRange {
            to: to.filter(|t| in_year_range(*t)).map(|t| t.to_rfc3339()),
            latest: self.latest().to_rfc3339(),
        }
    }
}

/// Why a clock change was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ClockError {
    /// The requested change would move time backwards.
    #[error("the virtual clock only moves forward")]
    Backwards,
    /// The requested time is past the clock's range.
    #[error(
        "the virtual clock cannot go {} (at most {MAX_SPAN_DAYS} days, 100 years, past the scenario start: {latest})",
        to.as_ref().map_or_else(|| "that far".to_string(), |t| format!("to {t}"))
    )]
    OutOfRange {
        /// The requested time, when it can be written.
        to: Option<String>,
        /// The latest time allowed.
        latest: String,
    },
}

/// Why a duration or time string could not be read.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("`{input}` {problem}")]
pub struct TimeSyntaxError {
    /// The text that was given.
    pub input: String,
    /// What is wrong and what was expected, in words.
    pub problem: String,
}

impl TimeSyntaxError {
    fn new(input: &str, problem: impl Into<String>) -> Self {
        // Echo at most 40 characters of the input: diagnostics stay readable.
        let shown: String = input.chars().take(40).collect();
        let shown = if shown.len() < input.len() { format!("{shown}…") } else { shown };
        Self { input: shown, problem: problem.into() }
    }
}

const DURATION_SYNTAX: &str = "is not a duration like `45m`, `1h30m`, `2d` (units w, d, h, m, s)";

/// Parses a duration such as `45m`, `1h30m`, `2d`, `90s` or `1w` (units: w, d, h, m, s;
/// a sign is not allowed here, see [`parse_offset`]). At most [`MAX_SPAN_DAYS`] days.
pub fn parse_duration(input: &str) -> Result<Duration, TimeSyntaxError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(TimeSyntaxError::new(input, DURATION_SYNTAX));
    }
    let too_long =
        || TimeSyntaxError::new(input, format!("is longer than the maximum of {MAX_SPAN_DAYS}d (100 years)"));
    let mut total: u64 = 0;
    let mut amount: Option<u64> = None;
    for ch in text.chars() {
        if let Some(digit) = ch.to_digit(10) {
            let next = amount.unwrap_or(0).checked_mul(10).and_then(|a| a.checked_add(u64::from(digit)));
            amount = Some(next.ok_or_else(too_long)?);
            continue;
        }
        let unit: u64 = match ch {
            'w' => 604_800,
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(TimeSyntaxError::new(input, DURATION_SYNTAX)),
        };
        let n = amount.take().ok_or_else(|| TimeSyntaxError::new(input, DURATION_SYNTAX))?;
        total = n.checked_mul(unit).and_then(|p| total.checked_add(p)).ok_or_else(too_long)?;
        if total > MAX_SPAN_SECS {
            return Err(too_long());
        }
    }
    if amount.is_some() {
        return Err(TimeSyntaxError::new(input, DURATION_SYNTAX));
    }
    // total <= MAX_SPAN_SECS, far below i64::MAX.
    i64::try_from(total).map(Duration::seconds).map_err(|_| too_long())
}

/// Parses a signed offset from the scenario start such as `+2h`, `-1d`, `+0m`; at most
/// [`MAX_SPAN_DAYS`] days either way.
pub fn parse_offset(input: &str) -> Result<Duration, TimeSyntaxError> {
    let text = input.trim();
    let (negative, rest) = if let Some(rest) = text.strip_prefix('+') {
        (false, rest)
    } else if let Some(rest) = text.strip_prefix('-') {
        (true, rest)
    } else {
        return Err(TimeSyntaxError::new(input, "is not an offset like `+2h` or `-1d`"));
    };
    let d = parse_duration(rest).map_err(|e| TimeSyntaxError::new(input, e.problem))?;
    Ok(if negative { -d } else { d })
}

/// Reads a point in time: an RFC 3339 timestamp, or an offset like `+2h` from `start`.
/// The result lies within [`MAX_SPAN_DAYS`] days of `start` and in the years
/// [`MIN_YEAR`]`..=`[`MAX_YEAR`].
pub fn parse_instant(input: &str, start: DateTime<Utc>) -> Result<DateTime<Utc>, TimeSyntaxError> {
    let text = input.trim();
    let t = if text.starts_with('+') || text.starts_with('-') {
        let offset = parse_offset(text)?;
        start
            .checked_add_signed(offset)
            .filter(|t| in_year_range(*t))
            .ok_or_else(|| TimeSyntaxError::new(input, format!("lands outside the years {MIN_YEAR}..={MAX_YEAR}")))?
    } else {
        parse_rfc3339(input)?
    };
    let distance = if t >= start { t - start } else { start - t };
    if distance > max_span() {
        return Err(TimeSyntaxError::new(
            input,
            format!("is more than {MAX_SPAN_DAYS} days (100 years) from the scenario start {}", start.to_rfc3339()),
        ));
    }
    Ok(t)
}

/// Reads an RFC 3339 timestamp with a year in [`MIN_YEAR`]`..=`[`MAX_YEAR`] (the scenario
/// `clock`, which everything else is measured from).
pub fn parse_rfc3339(input: &str) -> Result<DateTime<Utc>, TimeSyntaxError> {
    let t = DateTime::parse_from_rfc3339(input.trim()).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        TimeSyntaxError::new(
            input,
            "is not a time: use RFC 3339 like `2025-03-10T09:00:00Z` (years 0001–9999) or an offset like `+2h`",
        )
    })?;
    if !in_year_range(t) {
        return Err(TimeSyntaxError::new(input, format!("is outside the years {MIN_YEAR}..={MAX_YEAR}")));
    }
    Ok(t)
}

/// Formats a duration the way [`parse_duration`] reads it (`1h30m`).
pub fn format_duration(d: Duration) -> String {
    let secs = d.num_seconds();
    let mut rest = secs.unsigned_abs();
    let mut out = String::new();
    if secs < 0 {
        out.push('-');
    }
    for (unit, size) in [("d", 86_400u64), ("h", 3_600), ("m", 60), ("s", 1)] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    if out.is_empty() || out == "-" {
        out = "0s".into();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<i64>) {
        assert_eq!(parse_duration(input).ok().map(|d| d.num_seconds()), expected, "{input}");
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn durations() {
        check("45m", Some(2700));
        check("1h30m", Some(5400));
        check("2d", Some(172_800));
        check("1w", Some(604_800));
        check("90s", Some(90));
        check("36525d", Some(36_525 * 86_400));
        check("", None);
        check("45", None);
        check("m", None);
        check("4x", None);
        check("+1h", None);
        check("36526d", None);
        check("96000000d", None);
        check("14000000w", None);
        check("99999999999999999999999999s", None);
    }

    #[test]
    fn too_long_durations_say_the_limit() {
        let e = parse_duration("96000000d").unwrap_err().to_string();
        assert!(e.contains("longer than the maximum of 36525d"), "{e}");
    }

    #[test]
    fn offsets_and_instants() {
        let start = t("2025-03-10T09:00:00Z");
        assert_eq!(parse_instant("+2h", start).unwrap().to_rfc3339(), "2025-03-10T11:00:00+00:00");
        assert_eq!(parse_instant("-1d", start).unwrap().to_rfc3339(), "2025-03-09T09:00:00+00:00");
        assert!(parse_instant("tomorrow", start).is_err());
        assert!(parse_instant("+14000000w", start).is_err());
        assert!(parse_instant("-14000000w", start).is_err());
        assert!(parse_instant("2200-01-01T00:00:00Z", start).unwrap_err().to_string().contains("100 years"));
        assert!(parse_instant("10000-01-01T00:00:00Z", start).is_err());
        assert!(parse_rfc3339("+10000-01-01T00:00:00Z").is_err());
        assert_eq!(format_duration(Duration::minutes(90)), "1h30m");
        assert_eq!(format_duration(Duration::minutes(-90)), "-1h30m");
    }

    #[test]
    fn instants_near_the_year_limits_are_refused() {
        let late = t("9999-06-01T00:00:00Z");
        assert!(parse_instant("+365d", late).is_err());
        let early = t("0001-03-01T00:00:00Z");
        assert!(parse_instant("-365d", early).is_err());
    }

    #[test]
    fn clock_never_runs_backwards() {
        let start = t("2025-03-10T09:00:00Z");
        let mut clock = VirtualClock::starting_at(start);
        assert_eq!(clock.advance(Duration::minutes(-1)), Err(ClockError::Backwards));
        clock.advance(Duration::minutes(45)).unwrap();
        assert_eq!(clock.now() - clock.start(), Duration::minutes(45));
        assert!(clock.set(start).is_err());
    }

    #[test]
    fn clock_stops_at_its_range() {
        let start = t("2025-03-10T09:00:00Z");
        let mut clock = VirtualClock::starting_at(start);
        assert!(matches!(clock.advance(Duration::days(MAX_SPAN_DAYS + 1)), Err(ClockError::OutOfRange { .. })));
        assert!(matches!(clock.advance(Duration::MAX), Err(ClockError::OutOfRange { to: None, .. })));
        assert_eq!(clock.now(), start, "a refused move leaves the clock where it was");
        clock.advance(Duration::days(MAX_SPAN_DAYS)).unwrap();
        let late = VirtualClock::starting_at(t("9990-01-01T00:00:00Z"));
        assert_eq!(late.latest().year(), 9999);
        assert!(late.target_after(Duration::days(3660)).is_err());
    }
}
