//! The ordered checks of rules REC-01…REC-18. Each check either passes (maybe adding a
//! finding) or stops the evaluation with the primary reason; the first failure wins.

use chrono::Duration;

use super::consent::{self, ConsentLink};
use super::{BotPlan, MeetingFacts, Outcome, Reason, RecordingDecision};
use crate::links::{self, ConferenceLink, ConferenceProvider, LinkFinding};
use crate::settings::{CompanySettings, ConnectionMode, WhoIsRecorded};
use crate::store::{Access, CalendarKind};

type Stop = (Reason, Option<String>);

/// The lead time an invite (or its last change) needs before the start (REC-05).
pub const SCHEDULING_LEAD: i64 = 30;

/// Decides whether `facts.meeting` will be recorded under `settings`. Pure: the same
/// inputs give the same decision.
pub fn decide(facts: MeetingFacts<'_>, settings: &CompanySettings) -> RecordingDecision {
    let e = &facts.meeting.event;
    let mut d = RecordingDecision {
        meeting: e.ical_uid.clone(),
        title: e.title.clone(),
        start: e.start,
        outcome: Outcome::NotRecorded,
        reason: None,
        detail: None,
        findings: Vec::new(),
        provider: None,
        owner: None,
        bot: None,
        trail: Vec::new(),
    };
    match evaluate(facts, settings, &mut d) {
        Ok(outcome) => d.outcome = outcome,
        Err((reason, detail)) => {
            d.outcome = Outcome::NotRecorded;
            d.reason = Some(reason);
            d.detail = detail;
            d.bot = None;
        }
    }
    d
}

fn domain(email: &str) -> &str {
    email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
}

/// A link found in the invite.
struct FoundLink {
    link: ConferenceLink,
    consent: Option<ConsentLink>,
    unwrapped_from: Option<String>,
}

fn evaluate(f: MeetingFacts<'_>, s: &CompanySettings, d: &mut RecordingDecision) -> Result<Outcome, Stop> {
    let m = f.meeting;
    let e = &m.event;
    let rec = &s.recording;
    // Calendar read access: the connection covers the member and the provider has not
    // refused (or failed) the last time the engine read their calendar.
    let connected = |email: &str| match s.workspace().1.mode {
        ConnectionMode::CompanyWide => true,
        ConnectionMode::UserByUser => s.member(email).is_some_and(|m| m.connected),
        ConnectionMode::None => false,
    };
    let reachable = |email: &str| {
        connected(email)
            && f.access.get(email).is_none_or(|a| !matches!(a.calendar, Access::Refused(_) | Access::Unreachable(_)))
    };
    let coordinator = rec.outlook_coordinator.as_deref().map(str::to_ascii_lowercase);
    let participants: Vec<String> = {
        let mut list = vec![e.organizer.clone()];
        for a in &e.attendees {
            if a.response != "declined" && !list.contains(&a.email) {
                list.push(a.email.clone());
            }
        }
        list.retain(|p| !p.is_empty() && Some(p) != coordinator.as_ref());
        list
    };

    if m.cancelled {
        return Err((Reason::MeetingCancelled, None));
    }
    // REC-01 calendar access; REC-04 the Outlook Coordinator schedules without it.
    let via_coordinator = coordinator.as_ref().is_some_and(|c| e.attendees.iter().any(|a| &a.email == c));
    if !m.seen_on.keys().any(|member| reachable(member)) {
        if !via_coordinator {
            return Err((Reason::NoCalendarAccess, None));
        }
        d.find("outlook_coordinator", coordinator.clone().unwrap_or_default());
    }
    // REC-02.
    if !s.import.calendar {
        return Err((Reason::CalendarImportOff, None));
    }
    // REC-03.
    if rec.primary_calendar_only && !via_coordinator && m.seen_on.values().all(|k| *k == CalendarKind::Secondary) {
        return Err((Reason::SecondaryCalendar, None));
    }
    // REC-05.
    let lead = e.start - m.scheduling_time();
    if lead < Duration::minutes(SCHEDULING_LEAD) {
        let what = if m.last_changed > m.first_imported { "last updated" } else { "received" };
        return Err((
            Reason::TooLateToSchedule,
            Some(format!("{what} {} minutes before the start", lead.num_minutes().max(0))),
        ));
    }
    // REC-06.
    // A meeting the Outlook Coordinator delivered needs no calendar access (REC-04).
    let recordable =
        |email: &str| s.member(email).is_some_and(|mem| mem.may_record() && (via_coordinator || reachable(&mem.email)));
    let recordable_participants: Vec<&String> = participants.iter().filter(|p| recordable(p)).collect();
    if recordable_participants.is_empty() {
        return Err((Reason::NoRecordableParticipant, None));
    }
    // REC-07.
    let ex = &rec.exclusions;
    let invitees: Vec<&str> =
        std::iter::once(e.organizer.as_str()).chain(e.attendees.iter().map(|a| a.email.as_str())).collect();
    if let Some(p) = invitees.iter().find(|p| ex.domains.iter().any(|x| x.eq_ignore_ascii_case(domain(p)))) {
        return Err((Reason::ExcludedDomain, Some(domain(p).to_string())));
    }
    if let Some(p) = invitees.iter().find(|p| ex.participants.iter().any(|x| x.eq_ignore_ascii_case(p))) {
        return Err((Reason::ExcludedParticipant, Some(p.to_string())));
    }
    let title = e.title.to_lowercase();
    if let Some(k) = ex.keywords.iter().find(|k| !k.is_empty() && title.contains(&k.to_lowercase())) {
        return Err((Reason::ExcludedKeyword, Some(k.clone())));
    }
    if ex.private_meetings && matches!(e.visibility.as_str(), "private" | "confidential") {
        return Err((Reason::PrivateMeeting, None));
    }
    // REC-08.
    let (chosen, others) = find_links(f, rec.unwrap_links)?;
    if let Some(w) = &chosen.unwrapped_from {
        d.find("link_unwrapped", w.clone());
    }
    let provider = chosen.link.provider;
    d.provider = Some(provider);
    // REC-09.
    let row = match provider {
        ConferenceProvider::Zoom => s.conferencing.zoom,
        ConferenceProvider::Teams => s.conferencing.teams,
        ConferenceProvider::Meet => s.conferencing.meet,
        ConferenceProvider::Webex => s.conferencing.webex,
    };
    if !row.enabled {
        return Err((Reason::ProviderDisabled, Some(format!("{provider:?}"))));
    }
    if !row.configured {
        return Err((Reason::ProviderMisconfigured, Some(format!("{provider:?}"))));
    }
    // REC-10.
    let internal = |p: &str| rec.internal_domains.iter().any(|x| x.eq_ignore_ascii_case(domain(p)));
    if !rec.internal_domains.is_empty() && participants.iter().all(|p| internal(p)) && !rec.record_internal {
        return Err((Reason::InternalMeeting, None));
    }
    // REC-11.
    if let Some(p) = participants.iter().find(|p| s.member(p).is_some_and(|mem| mem.capture.never_record)) {
        return Err((Reason::NeverRecordParticipant, Some(p.clone())));
    }
    // REC-12.
    let owner = if recordable(&e.organizer) {
        e.organizer.clone()
    } else if rec.who_is_recorded == WhoIsRecorded::AnyoneWithRecordableInvitee {
        let other = recordable_participants[0].clone();
        d.find("host_not_recordable", format!("recorded for invitee {other}"));
        other
    } else {
        return Err((Reason::HostNotRecordable, Some(e.organizer.clone())));
    };
    d.owner = Some(owner.clone());
    // REC-13.
    let profile = s.member(&owner).map(|mem| mem.consent).unwrap_or_default();
    if profile.enforce {
        let Some(c) = &chosen.consent else {
            return Err((Reason::ConsentLinkMissing, None));
        };
        let slug = s.consent_slug();
        if !slug.is_empty() && !c.company.eq_ignore_ascii_case(&slug) {
            return Err((Reason::ExternalConsentLink, Some(c.company.clone())));
        }
        if c.link_type != profile.link_type {
            return Err((
                Reason::ConsentLinkTypeMismatch,
                Some(format!("{:?} link, profile expects {:?}", c.link_type, profile.link_type)),
            ));
        }
        if let Some(other) = others.iter().find(|o| o.url != chosen.link.url) {
            return Err((Reason::ConsentBypassLink, Some(other.url.clone())));
        }
    }
    // REC-18 compliance findings (never blocking).
    d.find("bot_name", rec.bot_name.clone());
    if rec.email_external_participants {
        let external: Vec<&str> =
            participants.iter().filter(|p| !internal(p) && s.member(p).is_none()).map(String::as_str).collect();
        if !external.is_empty() {
            d.find("external_participants_emailed", external.join(", "));
        }
    }
    if rec.consent_page {
        d.find("consent_page_required", "");
    }
    // REC-14 Zoom native, else REC-15 the local-recording bot.
    if provider == ConferenceProvider::Zoom {
        match zoom_native(f, &e.organizer) {
            Ok(()) => return Ok(Outcome::RecordNative),
            Err(why) => d.find("zoom_native_unavailable", why),
        }
        if let Some(settings) = f.zoom.and_then(|z| z.host_settings.as_ref())
            && !settings.local_recording
        {
            return Err((Reason::LocalRecordingDisabled, Some(e.organizer.clone())));
        }
    }
    // REC-17: the authenticated bot joins Teams and Webex as a trusted user.
    let authenticated =
        rec.authenticated_bot && matches!(provider, ConferenceProvider::Teams | ConferenceProvider::Webex);
    d.bot = Some(BotPlan { name: rec.bot_name.clone(), authenticated, link: chosen.link.url.clone() });
    Ok(Outcome::RecordBot)
}

/// REC-14: a licensed, active host Zoom user allowed to record to the cloud, who owns
/// the Zoom meeting (not someone scheduling with their own Zoom login).
fn zoom_native(f: MeetingFacts<'_>, host: &str) -> Result<(), String> {
    let z = f.zoom.ok_or("Zoom is not connected")?;
    if let Some(err) = &z.error {
        return Err(format!("Zoom could not be asked: {err}"));
    }
    let user = z.host_user.as_ref().ok_or_else(|| format!("{host} has no Zoom user"))?;
    if user.license_type != 2 {
        return Err(format!("{host}'s Zoom user is not licensed"));
    }
    if !user.status.is_empty() && user.status != "active" {
        return Err(format!("{host}'s Zoom user is {}", user.status));
    }
    if !z.host_settings.as_ref().is_some_and(|s| s.cloud_recording) {
        return Err(format!("{host}'s Zoom settings do not allow automatic cloud recording"));
    }
    let meeting = z.meeting.as_ref().ok_or("the Zoom meeting was not found")?;
    if !meeting.host_email.eq_ignore_ascii_case(host) {
        return Err(format!("the Zoom meeting belongs to {}, not the host {host}", meeting.host_email));
    }
    Ok(())
}

/// The conference link a decision would use, if any (to look up provider facts first).
pub fn conference_link(meeting: &crate::store::ImportedMeeting, unwrap: bool) -> Option<ConferenceLink> {
    let access = std::collections::BTreeMap::new();
    let facts = MeetingFacts { meeting, access: &access, zoom: None };
    find_links(facts, unwrap).ok().map(|(found, _)| found.link)
}

/// REC-08: the first recognized conference link in the invite (hangout link, then
/// location, then description), the other recognized ones, or why there is none.
fn find_links(f: MeetingFacts<'_>, unwrap: bool) -> Result<(FoundLink, Vec<ConferenceLink>), Stop> {
    let e = &f.meeting.event;
    let mut urls: Vec<String> = Vec::new();
    for text in [e.hangout_link.as_deref(), e.location.as_deref(), e.description.as_deref()].into_iter().flatten() {
        for url in links::find_links(text) {
            if !urls.contains(&url) {
                urls.push(url);
            }
        }
    }
    let mut found: Vec<FoundLink> = Vec::new();
    let mut wrapped: Option<String> = None;
    for url in &urls {
        let consent = consent::parse(url);
        let target = consent.as_ref().map_or(url.as_str(), |c| c.target.as_str());
        match links::classify(target, unwrap) {
            LinkFinding::Recognized(link) => {
                let unwrapped_from = links::detect_wrapper(target).map(|w| w.name().to_string());
                if !found.iter().any(|x| x.link.url == link.url) {
                    found.push(FoundLink { link, consent, unwrapped_from });
                }
            }
            LinkFinding::Wrapped { wrapper, .. } => {
                wrapped.get_or_insert_with(|| wrapper.name().to_string());
            }
            LinkFinding::Unrecognized(_) => {}
        }
    }
    if found.is_empty() {
        return Err(match wrapped {
            Some(w) => (Reason::LinkWrapped, Some(w)),
            None => (Reason::NoConferenceLink, None),
        });
    }
    let chosen = found.remove(0);
    let others = found.into_iter().map(|x| x.link).collect();
    Ok((chosen, others))
}
