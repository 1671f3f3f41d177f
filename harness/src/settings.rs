//! The scenario's `company` section, as the reference engine's settings.

use engine::settings::{
    Capture, CompanySettings, ConnectionMode, GoogleConnection, ImportToggles, Seat, TeamMember,
};
use simulator::scenario::spec::{self, CompanySpec};

/// Converts a scenario's company section to engine settings.
pub fn from_spec(company: &CompanySpec) -> CompanySettings {
    let g = &company.google;
    CompanySettings {
        name: company.name.clone(),
        google: GoogleConnection {
            mode: match g.connection {
                spec::ConnectionMode::None => ConnectionMode::None,
                spec::ConnectionMode::CompanyWide => ConnectionMode::CompanyWide,
                spec::ConnectionMode::UserByUser => ConnectionMode::UserByUser,
            },
            admin: g
                .admin
                .as_ref()
                .map(|a| a.value.trim().to_ascii_lowercase()),
            import_permission: g.import_permission,
            email_authorized: g.email_authorized,
        },
        import: ImportToggles {
            calendar: company.import.calendar,
            email: company.import.email,
            non_recorded_meetings: company.import.non_recorded_meetings,
        },
        team: company
            .team
            .iter()
            .map(|m| TeamMember {
                email: m.email.value.trim().to_ascii_lowercase(),
                seat: match m.seat {
                    spec::Seat::Recorder => Seat::Recorder,
                    spec::Seat::Viewer => Seat::Viewer,
                    spec::Seat::None => Seat::None,
                },
                capture: Capture {
                    web_conferences: m.capture.web_conferences,
                    calendar: m.capture.calendar,
                    email: m.capture.email,
                    non_recorded_meetings: m.capture.non_recorded_meetings,
                    never_record: m.capture.never_record,
                },
                connected: m.connected,
            })
            .collect(),
    }
}
