//! The virtual clock every tenant runs on, and the duration syntax scenarios use.
//!
//! Nothing in the simulator reads the wall clock for behaviour: token expiry, scheduled
//! timeline steps and event offsets are all measured against a [`VirtualClock`] that only
//! moves when the scenario, the admin API or the harness moves it. That is what makes a
//! run repeatable.

use chrono::{DateTime, Duration, Utc};
use thiserror::Error;

/// A tenant's notion of "now". It starts at the scenario's `clock` and only moves forward.
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

    /// Moves the clock forward by `by`. Negative durations are refused: time never runs
    /// backwards inside a tenant, so anything already observed stays observed.
    pub fn advance(&mut self, by: Duration) -> Result<DateTime<Utc>, ClockError> {
        if by < Duration::zero() {
            return Err(ClockError::Backwards);
        }
        self.now += by;
        Ok(self.now)
    }

    /// Sets the clock to `to`, which must not be earlier than now.
    pub fn set(&mut self, to: DateTime<Utc>) -> Result<DateTime<Utc>, ClockError> {
        if to < self.now {
            return Err(ClockError::Backwards);
        }
        self.now = to;
        Ok(self.now)
    }
}

/// Why a clock change was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ClockError {
    /// The requested change would move time backwards.
    #[error("the virtual clock only moves forward")]
    Backwards,
    /// The requested time is outside what the clock can represent.
    #[error("that time is out of range (years 1 to 9999)")]
    OutOfRange,
}

/// Why a duration or time string could not be read.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("`{input}` is not a {expected}")]
pub struct TimeSyntaxError {
    /// The text that was given.
    pub input: String,
    /// What was expected, in words, e.g. "duration like `45m` or `1h30m`".
    pub expected: &'static str,
}

/// Parses a duration such as `45m`, `1h30m`, `2d`, `90s` or `1w` (units: w, d, h, m, s;
/// a sign is not allowed here, see [`parse_offset`]).
pub fn parse_duration(input: &str) -> Result<Duration, TimeSyntaxError> {
    let err = || TimeSyntaxError {
        input: input.to_string(),
        expected: "duration like `45m`, `1h30m`, `2d` (units w, d, h, m, s)",
    };
    let text = input.trim();
    if text.is_empty() {
        return Err(err());
    }
    let mut total = Duration::zero();
    let mut digits = String::new();
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let amount: i64 = digits.parse().map_err(|_| err())?;
        digits.clear();
        let part = match ch {
            'w' => Duration::try_weeks(amount),
            'd' => Duration::try_days(amount),
            'h' => Duration::try_hours(amount),
            'm' => Duration::try_minutes(amount),
            's' => Duration::try_seconds(amount),
            _ => None,
        }
        .ok_or_else(err)?;
        total = total.checked_add(&part).ok_or_else(err)?;
    }
    if !digits.is_empty() {
        return Err(err());
    }
    Ok(total)
}

/// Parses a signed offset from the scenario start such as `+2h`, `-1d`, `+0m`.
pub fn parse_offset(input: &str) -> Result<Duration, TimeSyntaxError> {
    let text = input.trim();
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (1, &text[1..]),
        Some(b'-') => (-1, &text[1..]),
        _ => {
            return Err(TimeSyntaxError { input: input.to_string(), expected: "offset like `+2h` or `-1d`" });
        }
    };
    Ok(parse_duration(rest)? * sign)
}

/// Reads a point in time: an RFC 3339 timestamp, or an offset like `+2h` from `start`.
pub fn parse_instant(input: &str, start: DateTime<Utc>) -> Result<DateTime<Utc>, TimeSyntaxError> {
    let text = input.trim();
    if text.starts_with('+') || text.starts_with('-') {
        return Ok(start + parse_offset(text)?);
    }
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|_| TimeSyntaxError {
        input: input.to_string(),
        expected: "time: RFC 3339 like `2025-03-10T09:00:00Z` or an offset like `+2h`",
    })
}

/// Formats a duration the way [`parse_duration`] reads it (`1h30m`).
pub fn format_duration(d: Duration) -> String {
    let mut secs = d.num_seconds();
    let mut out = String::new();
    if secs < 0 {
        out.push('-');
        secs = -secs;
    }
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
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

    #[test]
    fn durations() {
        check("45m", Some(2700));
        check("1h30m", Some(5400));
        check("2d", Some(172_800));
        check("1w", Some(604_800));
        check("90s", Some(90));
        check("", None);
        check("45", None);
        check("m", None);
        check("4x", None);
        check("+1h", None);
    }

    #[test]
    fn offsets_and_instants() {
        let start = DateTime::parse_from_rfc3339("2025-03-10T09:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(parse_instant("+2h", start).unwrap().to_rfc3339(), "2025-03-10T11:00:00+00:00");
        assert_eq!(parse_instant("-1d", start).unwrap().to_rfc3339(), "2025-03-09T09:00:00+00:00");
        assert!(parse_instant("tomorrow", start).is_err());
        assert_eq!(format_duration(Duration::minutes(90)), "1h30m");
    }

    #[test]
    fn clock_never_runs_backwards() {
        let start = Utc::now();
        let mut clock = VirtualClock::starting_at(start);
        assert_eq!(clock.advance(Duration::minutes(-1)), Err(ClockError::Backwards));
        clock.advance(Duration::minutes(45)).unwrap();
        assert_eq!(clock.now() - clock.start(), Duration::minutes(45));
        assert!(clock.set(start).is_err());
    }
}
