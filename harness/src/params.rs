//! Custom parameter types for the step vocabulary: `{color}`, `{icon}`, `{toggle}`,
//! `{duration}`, `{import}`, `{api}`, `{seat}`. Each reads one word or phrase of a
//! feature file and says what it accepts when it does not match.

use std::str::FromStr;

use cucumber::Parameter;
use engine::{Icon, IconKind};

fn unexpected(what: &str, got: &str, accepted: &str) -> String {
    format!("`{got}` is not a {what}; use one of: {accepted}")
}

/// An icon colour: green, yellow, red or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parameter)]
#[param(name = "color", regex = "green|yellow|red|off")]
pub struct Color(pub Icon);

impl FromStr for Color {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Color(match s {
            "green" => Icon::Green,
            "yellow" => Icon::Yellow,
            "red" => Icon::Red,
            "off" => Icon::Off,
            other => return Err(unexpected("colour", other, "green, yellow, red, off")),
        }))
    }
}

/// Which icon of a row: email, calendar or web conference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parameter)]
#[param(name = "icon", regex = "email|calendar|web conference|web-conference")]
pub struct IconParam(pub IconKind);

impl FromStr for IconParam {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(IconParam(match s {
            "email" => IconKind::Email,
            "calendar" => IconKind::Calendar,
            "web conference" | "web-conference" => IconKind::WebConference,
            other => return Err(unexpected("icon", other, "email, calendar, web conference")),
        }))
    }
}

/// A toggle: on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parameter)]
#[param(name = "toggle", regex = "on|off")]
pub struct Toggle(pub bool);

impl FromStr for Toggle {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "on" => Ok(Toggle(true)),
            "off" => Ok(Toggle(false)),
            other => Err(unexpected("toggle", other, "on, off")),
        }
    }
}

/// A duration such as `45m`, `1h30m`, `2d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parameter)]
#[param(name = "duration", regex = r"\d+[wdhms](?:\d+[wdhms])*")]
pub struct DurationParam(pub chrono::Duration);

impl FromStr for DurationParam {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        simulator::clock::parse_duration(s).map(DurationParam).map_err(|e| e.to_string())
    }
}

/// A company import toggle: calendar, email or non-recorded meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parameter)]
#[param(name = "import", regex = "calendar|email|non-recorded meetings")]
pub enum ImportKind {
    /// Import calendar meetings.
    Calendar,
    /// Import emails.
    Email,
    /// Import non-recorded meetings.
    NonRecorded,
}

impl FromStr for ImportKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "calendar" => Ok(ImportKind::Calendar),
            "email" => Ok(ImportKind::Email),
            "non-recorded meetings" => Ok(ImportKind::NonRecorded),
            other => Err(unexpected("import kind", other, "calendar, email, non-recorded meetings")),
        }
    }
}

/// A provider API a fault can target: Calendar, Directory, token, Gmail.
#[derive(Debug, Clone, PartialEq, Eq, Parameter)]
#[param(name = "api", regex = "Calendar|Directory|token|Gmail")]
pub struct Api(pub String);

impl FromStr for Api {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "Calendar" | "Directory" | "token" | "Gmail" => Ok(Api(s.to_ascii_lowercase())),
            other => Err(unexpected("API", other, "Calendar, Directory, token, Gmail")),
        }
    }
}

/// A seat: recorder, viewer or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parameter)]
#[param(name = "seat", regex = "recorder|viewer|none")]
pub struct SeatParam(pub engine::settings::Seat);

impl FromStr for SeatParam {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use engine::settings::Seat;
        Ok(SeatParam(match s {
            "recorder" => Seat::Recorder,
            "viewer" => Seat::Viewer,
            "none" => Seat::None,
            other => return Err(unexpected("seat", other, "recorder, viewer, none")),
        }))
    }
}

/// Reads a yes/no table cell (`yes`, `no`, `true`, `false`, `on`, `off`, `x`, empty).
pub fn flag(cell: &str) -> Result<bool, String> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" | "x" => Ok(true),
        "no" | "false" | "off" | "" | "-" => Ok(false),
        other => Err(format!("`{other}` is not yes/no")),
    }
}

/// Reads an icon colour table cell.
pub fn color_cell(cell: &str) -> Result<Icon, String> {
    Color::from_str(cell.trim()).map(|c| c.0)
}

/// A web-conferencing provider row: Zoom, Teams, Meet or Webex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parameter)]
#[param(name = "conferencing", regex = "Zoom|Teams|Meet|Webex")]
pub struct ConferencingParam(&'static str);

impl FromStr for ConferencingParam {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "Zoom" => Ok(Self("zoom")),
            "Teams" => Ok(Self("teams")),
            "Meet" => Ok(Self("meet")),
            "Webex" => Ok(Self("webex")),
            other => Err(unexpected("conferencing provider", other, "Zoom, Teams, Meet, Webex")),
        }
    }
}

impl ConferencingParam {
    /// The provider's row in the company's provider table.
    pub fn row<'a>(
        &self,
        table: &'a mut engine::settings::Conferencing,
    ) -> &'a mut engine::settings::ConferencingProvider {
        match self.0 {
            "zoom" => &mut table.zoom,
            "teams" => &mut table.teams,
            "meet" => &mut table.meet,
            _ => &mut table.webex,
        }
    }
}

/// Free text inside parentheses, e.g. a wrapper's name.
#[derive(Debug, Clone, PartialEq, Eq, Parameter)]
#[param(name = "detail", regex = r"[^)]+")]
pub struct Detail(pub String);

impl FromStr for Detail {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_string()))
    }
}
