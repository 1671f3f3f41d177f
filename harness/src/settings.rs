//! The scenario's `company` section, as the reference engine's settings.

use engine::settings::{
    Capture, CompanySettings, Conferencing, ConferencingProvider, ConnectionMode, ConsentLinkType, ConsentProfile,
    Exclusions, GoogleConnection, ImportToggles, RecordingSettings, Seat, TeamMember, WhoIsRecorded, name_from_email,
};
use simulator::scenario::recording as rec;
use simulator::scenario::spec::{self, CompanySpec};

/// Converts a scenario's company section to engine settings.
pub fn from_spec(company: &CompanySpec) -> CompanySettings {
    let g = &company.google;
    let r = &company.recording;
    let row = |p: &rec::ConferencingProviderSpec| ConferencingProvider { enabled: p.enabled, configured: p.configured };
    CompanySettings {
        name: company.name.clone(),
        google: GoogleConnection {
            mode: match g.connection {
                spec::ConnectionMode::None => ConnectionMode::None,
                spec::ConnectionMode::CompanyWide => ConnectionMode::CompanyWide,
                spec::ConnectionMode::UserByUser => ConnectionMode::UserByUser,
            },
            admin: g.admin.as_ref().map(|a| a.value.trim().to_ascii_lowercase()),
            import_permission: g.import_permission,
            email_authorized: g.email_authorized,
            tenant_domain: g
                .admin
                .as_ref()
                .and_then(|a| a.value.rsplit_once('@').map(|(_, d)| d.trim().to_ascii_lowercase())),
        },
        import: ImportToggles {
            calendar: company.import.calendar,
            email: company.import.email,
            non_recorded_meetings: company.import.non_recorded_meetings,
        },
        team: company
            .team
            .iter()
            .map(|m| {
                let email = m.email.value.trim().to_ascii_lowercase();
                TeamMember {
                    name: m.name.clone().unwrap_or_else(|| name_from_email(&email)),
                    email,
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
                    consent: m
                        .consent
                        .as_ref()
                        .map(|c| ConsentProfile {
                            enforce: c.enforce,
                            link_type: match c.link_type {
                                rec::ConsentLinkType::Static => ConsentLinkType::Static,
                                rec::ConsentLinkType::Dynamic => ConsentLinkType::Dynamic,
                            },
                        })
                        .unwrap_or_default(),
                }
            })
            .collect(),
        recording: RecordingSettings {
            internal_domains: r.internal_domains.iter().map(|d| d.to_ascii_lowercase()).collect(),
            record_internal: r.record_internal,
            who_is_recorded: match r.who_is_recorded {
                rec::WhoIsRecorded::RecordableHost => WhoIsRecorded::RecordableHost,
                rec::WhoIsRecorded::AnyoneWithRecordableInvitee => WhoIsRecorded::AnyoneWithRecordableInvitee,
            },
            exclusions: Exclusions {
                domains: r.exclusions.domains.clone(),
                participants: r.exclusions.participants.clone(),
                keywords: r.exclusions.keywords.clone(),
                private_meetings: r.exclusions.private_meetings,
            },
            unwrap_links: r.unwrap_links,
            primary_calendar_only: r.primary_calendar_only,
            outlook_coordinator: r.outlook_coordinator.clone(),
            bot_name: r.bot_name.clone(),
            email_external_participants: r.email_external_participants,
            consent_page: r.consent_page,
            authenticated_bot: r.authenticated_bot,
            consent_slug: slug(&company.name),
        },
        crm: engine::settings::Crm { connected: company.crm.connected, contacts: company.crm.contacts.clone() },
        conferencing: Conferencing {
            zoom: row(&company.conferencing.zoom),
            teams: row(&company.conferencing.teams),
            meet: row(&company.conferencing.meet),
            webex: row(&company.conferencing.webex),
        },
    }
}

/// The company's slug in consent links: its name, lower case, letters and digits.
pub fn slug(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase()
}
