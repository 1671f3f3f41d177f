//! The Team members page: per member an email, calendar and web-conference icon
//! (green, yellow, red, off) with warnings, and company banners with counts.
//!
//! A pure function of the company settings and what the last sync learned, so the page
//! is the same whenever it is asked and a changed setting shows at once. Rules (see
//! `shared/spec/rules.md`), in order of precedence:
//! - DC-01 no connection at all: every enabled icon yellow, banner `not_connected`.
//! - DC-04 import permission not given: every enabled icon yellow, banner `permission_not_given`.
//! - DC-03 user-by-user: members who never connected are yellow, banner `members_not_connected` (count).
//! - per icon: capture off → `off` (DC-11); a company toggle off while the member's is on →
//!   yellow with `company_calendar_import_off` (DC-09) / `company_non_recorded_import_off`
//!   (DC-08); email not authorized → yellow `email_not_authorized` (DC-02); no recording
//!   seat → web-conference yellow `no_seat` (DC-07); the provider refused the member's
//!   data → red `access_refused` (DC-05); unreachable → red `connectivity` (DC-06);
//!   answered → green (DC-11).
//! - banner `technical_problem` counts members with any red icon (DC-05).
//!
//! Only the company's connection to its email/calendar provider
//! ([`CompanySettings::workspace`]) is read, never a provider by name; messages name the
//! provider through its display name.

use serde::{Deserialize, Serialize};

use crate::error::ProviderError;
use crate::settings::{CompanySettings, ConnectionMode, Seat, TeamMember};
use crate::store::{Access, SyncState};

/// An icon's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Icon {
    /// Captured.
    Green,
    /// Not configured / not captured.
    Yellow,
    /// Failing.
    Red,
    /// Capture not enabled.
    Off,
}

/// Which of a row's icons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IconKind {
    /// Email.
    Email,
    /// Calendar.
    Calendar,
    /// Web conferences (the microphone).
    WebConference,
}

/// A warning on a row or a company banner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Stable code (`access_refused`, `technical_problem`, …).
    pub code: String,
    /// Text shown to the admin.
    pub message: String,
    /// The icon it explains (rows only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<IconKind>,
    /// The `[#]` of a banner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

/// One team member's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    /// Address.
    pub email: String,
    /// Email icon.
    pub email_icon: Icon,
    /// Calendar icon.
    pub calendar_icon: Icon,
    /// Web-conference icon.
    pub web_conference_icon: Icon,
    /// Warnings explaining non-green icons.
    pub warnings: Vec<Notice>,
}

impl MemberRow {
    /// The icon of `kind`.
    pub fn icon(&self, kind: IconKind) -> Icon {
        match kind {
            IconKind::Email => self.email_icon,
            IconKind::Calendar => self.calendar_icon,
            IconKind::WebConference => self.web_conference_icon,
        }
    }
}

/// The whole page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMembersPage {
    /// Rows, in team order.
    pub members: Vec<MemberRow>,
    /// Company banners.
    pub banners: Vec<Notice>,
}

impl TeamMembersPage {
    /// The row of `email`.
    pub fn member(&self, email: &str) -> Option<&MemberRow> {
        self.members.iter().find(|m| m.email.eq_ignore_ascii_case(email))
    }

    /// The banner with `code`.
    pub fn banner(&self, code: &str) -> Option<&Notice> {
        self.banners.iter().find(|b| b.code == code)
    }
}

fn notice(code: &str, message: String, icon: Option<IconKind>) -> Notice {
    Notice { code: code.into(), message, icon, count: None }
}

/// Computes the page.
pub fn team_members_page(settings: &CompanySettings, state: &SyncState) -> TeamMembersPage {
    // The company's email/calendar provider, whichever it is; messages name it.
    let (kind, conn) = settings.workspace();
    let provider = kind.display_name();
    let connected_any = match conn.mode {
        ConnectionMode::None => false,
        ConnectionMode::CompanyWide => true,
        ConnectionMode::UserByUser => settings.team.iter().any(|m| m.connected),
    };
    let mut banners = Vec::new();
    let blanket = if !connected_any {
        banners.push(notice(
            "not_connected",
            "No emails or calls are imported because you have not connected to your email & calendar provider".into(),
            None,
        ));
        Some("not_connected")
    } else if !conn.import_permission {
        banners.push(notice(
            "permission_not_given",
            format!("No emails or calls are imported because you have not given permission on the {provider} page in your company settings."),
            None,
        ));
        Some("permission_not_given")
    } else {
        None
    };

    let members: Vec<MemberRow> = settings
        .team
        .iter()
        .map(|m| match blanket {
            Some(_) => blanket_row(m),
            None => member_row(settings, state, m),
        })
        .collect();

    if blanket.is_none() && conn.mode == ConnectionMode::UserByUser {
        let missing = settings.team.iter().filter(|m| !m.connected).count();
        if missing > 0 {
            banners.push(Notice {
                code: "members_not_connected".into(),
                message: format!(
                    "{missing} team members aren't importing their data as they have not connected to {provider}"
                ),
                icon: None,
                count: Some(missing),
            });
        }
    }
    let red =
        members.iter().filter(|r| [r.email_icon, r.calendar_icon, r.web_conference_icon].contains(&Icon::Red)).count();
    if red > 0 {
        banners.push(Notice {
            code: "technical_problem".into(),
            message: format!(
                "{red} team members' email or calendar data is not being imported due to a technical problem."
            ),
            icon: None,
            count: Some(red),
        });
    }
    TeamMembersPage { members, banners }
}

fn blanket_row(m: &TeamMember) -> MemberRow {
    let icon = |on: bool| if on { Icon::Yellow } else { Icon::Off };
    MemberRow {
        email: m.email.clone(),
        email_icon: icon(m.capture.email),
        calendar_icon: icon(m.capture.calendar),
        web_conference_icon: icon(m.capture.web_conferences),
        warnings: Vec::new(),
    }
}

fn member_row(settings: &CompanySettings, state: &SyncState, m: &TeamMember) -> MemberRow {
    let mut warnings = Vec::new();
    let (kind, conn) = settings.workspace();
    let provider = kind.display_name();
    let ubu = conn.mode == ConnectionMode::UserByUser;
    let access = state.members.get(&m.email).cloned().unwrap_or_default();

    if ubu && !m.connected {
        let w = notice(
            "not_connected",
            format!("{} has not connected their mailbox to {provider}; a reminder email can be sent.", m.email),
            None,
        );
        warnings.push(w);
        let mut row = blanket_row(m);
        row.warnings = warnings;
        return row;
    }

    // Email.
    let email_icon = if !m.capture.email {
        Icon::Off
    } else if !conn.email_authorized {
        warnings.push(notice(
            "email_not_authorized",
            format!("Emails aren't imported because you haven't authorized access to your emails in {provider}."),
            Some(IconKind::Email),
        ));
        Icon::Yellow
    } else if !settings.crm.connected {
        warnings.push(notice(
            "crm_required",
            "Email import requires a CRM connection: only emails with your CRM's prospects and customers are imported."
                .into(),
            Some(IconKind::Email),
        ));
        Icon::Yellow
    } else if !settings.import.email {
        warnings.push(notice(
            "company_email_import_off",
            "Email import is on for this member but off for the company.".into(),
            Some(IconKind::Email),
        ));
        Icon::Yellow
    } else {
        access_icon(&access.email, IconKind::Email, &mut warnings, ubu, provider)
    };

    // Calendar.
    let calendar_icon = if !m.capture.calendar {
        Icon::Off
    } else if !settings.import.calendar {
        warnings.push(notice(
            "company_calendar_import_off",
            "Calendar import is on for this member but the company has not enabled calendar import.".into(),
            Some(IconKind::Calendar),
        ));
        Icon::Yellow
    } else if m.capture.non_recorded_meetings && !settings.import.non_recorded_meetings {
        warnings.push(notice(
            "company_non_recorded_import_off",
            "Importing non-recorded meetings is on for this member but the company has not enabled it.".into(),
            Some(IconKind::Calendar),
        ));
        Icon::Yellow
    } else {
        access_icon(&access.calendar, IconKind::Calendar, &mut warnings, ubu, provider)
    };

    // Web conferences: meetings to record come from the calendar.
    let web_conference_icon = if !m.capture.web_conferences {
        Icon::Off
    } else if m.seat != Seat::Recorder {
        warnings.push(notice(
            "no_seat",
            "Recording is enabled but this member has no seat that allows recording.".into(),
            Some(IconKind::WebConference),
        ));
        Icon::Yellow
    } else if !settings.import.calendar {
        warnings.push(notice(
            "calendar_import_off",
            "Meetings cannot be scheduled for recording because the company has not enabled calendar import.".into(),
            Some(IconKind::WebConference),
        ));
        Icon::Yellow
    } else {
        // The calendar warning (if any) already explains this icon.
        access_icon(&access.calendar, IconKind::WebConference, &mut Vec::new(), ubu, provider)
    };

    MemberRow { email: m.email.clone(), email_icon, calendar_icon, web_conference_icon, warnings }
}

fn access_icon(
    access: &Access,
    kind: IconKind,
    warnings: &mut Vec<Notice>,
    user_by_user: bool,
    provider: &str,
) -> Icon {
    // A user-by-user connection that no longer works, or lacks scopes, is for the member
    // to fix (reconnect), not a technical problem (DC-10).
    if let (true, Access::Refused(ProviderError::Refused { code, message, .. })) = (user_by_user, access) {
        let lost = code == "invalid_grant" || code == "not_connected";
        if lost || code == "scopes_missing" {
            let (c, text) = if lost {
                (
                    "user_connection_lost",
                    format!(
                        "The member's connection to {provider} no longer exists ({message}); ask them to reconnect."
                    ),
                )
            } else {
                (
                    "user_scopes_missing",
                    format!(
                        "The member connected {provider} without the needed permissions ({message}); ask them to reconnect and allow access."
                    ),
                )
            };
            warnings.push(notice(c, text, Some(kind)));
            return Icon::Yellow;
        }
    }
    match access {
        Access::Ok => Icon::Green,
        Access::NotAttempted => {
            warnings.push(notice("awaiting_sync", "Not imported yet: waiting for the first sync.".into(), Some(kind)));
            Icon::Yellow
        }
        Access::Refused(e) => {
            let detail = match e {
                ProviderError::Refused { status, code, message, .. } => format!("HTTP {status} {code}: {message}"),
                other => other.to_string(),
            };
            warnings.push(notice(
                "access_refused",
                format!("{provider} refused access to this member's data ({detail}). Check that the app's access in {provider} covers this member's organizational unit or group."),
                Some(kind),
            ));
            Icon::Red
        }
        Access::Unreachable(e) => {
            warnings.push(notice("connectivity", format!("{provider} could not be reached: {e}"), Some(kind)));
            Icon::Red
        }
    }
}
