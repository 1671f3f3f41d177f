//! Steps about recording: conference meetings, the company's recording settings, the
//! Zoom account, meeting rooms, and what the engine decided ("the meeting … is not
//! recorded because …", "the bot state trail of … is …").

use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use engine::recording::{Outcome, RecordingDecision};
use engine::settings::{ConsentLinkType, WhoIsRecorded};
use simulator::scenario::rooms::{LobbyBypass, PermissionAnswer, RoomParticipantSpec, RoomSpec};
use simulator::scenario::spec::{AttendeeSpec, CalendarSpec, EventSpec, ResponseStatus, Visibility, sp};
use simulator::scenario::zoom::{ZoomLicense, ZoomMeetingSpec, ZoomSpec, ZoomUserSpec};

use super::table_rows;
use crate::params::{ConferencingParam, Toggle, flag};
use crate::world::{StepResult, TenantWorld};

fn attendees(step: &Step) -> Result<Vec<AttendeeSpec>, String> {
    match &step.table {
        None => Ok(vec![]),
        Some(_) => table_rows(step)?
            .into_iter()
            .map(|row| {
                let email = row.get("email").ok_or("the attendees table needs an `email` column")?.clone();
                let response = match row.get("response").map(String::as_str).unwrap_or("accepted") {
                    "declined" => ResponseStatus::Declined,
                    "tentative" => ResponseStatus::Tentative,
                    "needsAction" | "needs action" => ResponseStatus::NeedsAction,
                    _ => ResponseStatus::Accepted,
                };
                Ok(AttendeeSpec { email: sp(email), name: row.get("name").cloned(), response, optional: false })
            })
            .collect(),
    }
}

fn event(title: String, start: String, link: String, attendees: Vec<AttendeeSpec>) -> EventSpec {
    EventSpec {
        title,
        start: sp(start),
        duration: None,
        organizer: None,
        attendees,
        visibility: Visibility::Default,
        description: None,
        location: None,
        conference: (!link.is_empty()).then_some(link),
        wrapped_by: None,
        recurrence: None,
    }
}

/// Puts a web conference on a user's primary calendar: title, start (`+2h`), conference link; optional attendees table (`email`, `response`).
#[given(expr = "{string} has a meeting {string} at {string} on {string}")]
fn conference_meeting(
    w: &mut TenantWorld,
    owner: String,
    title: String,
    start: String,
    link: String,
    step: &Step,
) -> StepResult {
    let attendees = attendees(step)?;
    let user = google_user(w, &owner)?;
    user.events.push(event(title, start, link, attendees));
    Ok(())
}

/// Puts a web conference on one of a user's secondary calendars (created if needed).
#[given(expr = "{string} has a meeting {string} at {string} on {string} in the secondary calendar {string}")]
fn secondary_meeting(
    w: &mut TenantWorld,
    owner: String,
    title: String,
    start: String,
    link: String,
    calendar: String,
    step: &Step,
) -> StepResult {
    let attendees = attendees(step)?;
    let user = google_user(w, &owner)?;
    let cal = match user.calendars.iter().position(|c| c.summary == calendar) {
        Some(i) => &mut user.calendars[i],
        None => {
            user.calendars.push(CalendarSpec { summary: calendar, events: vec![] });
            user.calendars.last_mut().expect("just pushed")
        }
    };
    cal.events.push(event(title, start, link, attendees));
    Ok(())
}

fn google_user<'a>(w: &'a mut TenantWorld, email: &str) -> Result<&'a mut simulator::scenario::spec::UserSpec, String> {
    let g = w.spec_mut()?.google.as_mut().ok_or("the scenario has no Google Workspace tenant")?;
    g.users
        .iter_mut()
        .find(|u| u.email.value.eq_ignore_ascii_case(email))
        .ok_or_else(|| format!("{email} is not a Google user of this tenant"))
}

fn declared_event<'a>(w: &'a mut TenantWorld, title: &str) -> Result<&'a mut EventSpec, String> {
    let g = w.spec_mut()?.google.as_mut().ok_or("the scenario has no Google Workspace tenant")?;
    g.users
        .iter_mut()
        .flat_map(|u| u.events.iter_mut().chain(u.calendars.iter_mut().flat_map(|c| c.events.iter_mut())))
        .find(|e| e.title == title)
        .ok_or_else(|| format!("no meeting titled {title:?} is declared"))
}

/// Makes a declared meeting a series (`RRULE:FREQ=WEEKLY;COUNT=4`).
#[given(expr = "the meeting {string} repeats {string}")]
fn repeats(w: &mut TenantWorld, title: String, rule: String) -> StepResult {
    declared_event(w, &title)?.recurrence = Some(sp(rule));
    Ok(())
}

/// Marks a declared meeting private in the calendar.
#[given(expr = "the meeting {string} is marked private")]
fn marked_private(w: &mut TenantWorld, title: String) -> StepResult {
    declared_event(w, &title)?.visibility = Visibility::Private;
    Ok(())
}

/// A security gateway rewrote a declared meeting's link: "Proofpoint URL Defense v1|v2|v3", "Microsoft Safe Links", "Mimecast" or "Barracuda".
#[given(expr = "the link of the meeting {string} is wrapped by {string}")]
fn wrapped_by(w: &mut TenantWorld, title: String, wrapper: String) -> StepResult {
    let found = simulator::links::LinkWrapper::ALL
        .into_iter()
        .find(|x| x.name().eq_ignore_ascii_case(&wrapper))
        .ok_or_else(|| {
            let names: Vec<_> = simulator::links::LinkWrapper::ALL.iter().map(|x| x.name()).collect();
            format!("`{wrapper}` is not a gateway; use one of: {}", names.join(", "))
        })?;
    declared_event(w, &title)?.wrapped_by = Some(found);
    Ok(())
}

/// Sets a declared meeting's description (where invites often carry extra links).
#[given(expr = "the description of the meeting {string} is {string}")]
fn description(w: &mut TenantWorld, title: String, text: String) -> StepResult {
    declared_event(w, &title)?.description = Some(text);
    Ok(())
}

/// Declares a timed change: at an offset, a new invitation lands on a user's calendar (start `+2h` or RFC 3339, conference link; one external guest).
#[given(expr = "at {string} {string} receives an invitation {string} at {string} on {string}")]
fn timed_invitation(
    w: &mut TenantWorld,
    at: String,
    owner: String,
    title: String,
    start: String,
    link: String,
) -> StepResult {
    let guest = AttendeeSpec {
        email: sp("guest@globex.example".to_string()),
        name: None,
        response: ResponseStatus::Accepted,
        optional: false,
    };
    w.spec_mut()?.timeline.push(simulator::scenario::spec::TimelineStepSpec {
        at: Some(sp(at)),
        add_event: Some(simulator::scenario::spec::AddEventSpec {
            owner: sp(owner),
            event: event(title, start, link, vec![guest]),
        }),
        ..Default::default()
    });
    Ok(())
}

/// Declares a timed change: at an offset, the organizer moves the meeting to a new start.
#[given(expr = "at {string} {string} moves the meeting {string} to {string}")]
fn timed_reschedule(w: &mut TenantWorld, at: String, owner: String, title: String, start: String) -> StepResult {
    w.spec_mut()?.timeline.push(simulator::scenario::spec::TimelineStepSpec {
        at: Some(sp(at)),
        update_event: Some(simulator::scenario::spec::UpdateEventSpec {
            owner: sp(owner),
            title: sp(title),
            start: Some(sp(start)),
            conference: None,
        }),
        ..Default::default()
    });
    Ok(())
}

/// Declares a timed change: at an offset, the organizer replaces the meeting's conference link.
#[given(expr = "at {string} {string} replaces the link of the meeting {string} with {string}")]
fn timed_relink(w: &mut TenantWorld, at: String, owner: String, title: String, link: String) -> StepResult {
    w.spec_mut()?.timeline.push(simulator::scenario::spec::TimelineStepSpec {
        at: Some(sp(at)),
        update_event: Some(simulator::scenario::spec::UpdateEventSpec {
            owner: sp(owner),
            title: sp(title),
            start: None,
            conference: Some(link),
        }),
        ..Default::default()
    });
    Ok(())
}

// ---- company recording settings -------------------------------------------------

/// Sets the internal domains (comma-separated).
#[given(expr = "the company's internal domains are {string}")]
#[when(expr = "the company's internal domains are {string}")]
fn internal_domains(w: &mut TenantWorld, list: String) {
    w.settings.recording.internal_domains =
        list.split(',').map(|d| d.trim().to_ascii_lowercase()).filter(|d| !d.is_empty()).collect();
}

/// Records internal web conference calls (or not).
#[given(expr = "the company turns recording of internal calls {toggle}")]
#[when(expr = "the company turns recording of internal calls {toggle}")]
fn record_internal(w: &mut TenantWorld, on: Toggle) {
    w.settings.recording.record_internal = on.0;
}

/// Excludes an email domain from capture.
#[given(expr = "the company excludes the domain {string}")]
fn exclude_domain(w: &mut TenantWorld, domain: String) {
    w.settings.recording.exclusions.domains.push(domain);
}

/// Excludes a participant from capture.
#[given(expr = "the company excludes the participant {string}")]
fn exclude_participant(w: &mut TenantWorld, email: String) {
    w.settings.recording.exclusions.participants.push(email);
}

/// Excludes meetings whose title contains a keyword.
#[given(expr = "the company excludes meetings titled with {string}")]
fn exclude_keyword(w: &mut TenantWorld, keyword: String) {
    w.settings.recording.exclusions.keywords.push(keyword);
}

/// Whether meetings marked private are excluded (on by default).
#[given(expr = "the company turns excluding private meetings {toggle}")]
fn exclude_private(w: &mut TenantWorld, on: Toggle) {
    w.settings.recording.exclusions.private_meetings = on.0;
}

/// Decodes reversible security-gateway link wrappers (off by default).
#[given(expr = "the company turns link unwrapping {toggle}")]
#[when(expr = "the company turns link unwrapping {toggle}")]
fn unwrap_links(w: &mut TenantWorld, on: Toggle) {
    w.settings.recording.unwrap_links = on.0;
}

/// "Only import meetings from a team member's primary calendar" (on by default).
#[given(expr = "the company turns primary calendar only {toggle}")]
#[when(expr = "the company turns primary calendar only {toggle}")]
fn primary_only(w: &mut TenantWorld, on: Toggle) {
    w.settings.recording.primary_calendar_only = on.0;
}

/// Records meetings organized by anyone in the company with a recordable member invited (option 2).
#[given(expr = "the company records meetings organized by anyone with a recordable member invited")]
fn who_anyone(w: &mut TenantWorld) {
    w.settings.recording.who_is_recorded = WhoIsRecorded::AnyoneWithRecordableInvitee;
}

/// Turns a web-conferencing provider (Zoom, Teams, Meet, Webex) off in the provider table.
#[given(expr = "the {conferencing} conferencing provider is disabled")]
fn provider_disabled(w: &mut TenantWorld, p: ConferencingParam) {
    p.row(&mut w.settings.conferencing).enabled = false;
}

/// Marks a web-conferencing provider as set up wrongly (the Details column shows an error).
#[given(expr = "the {conferencing} conferencing provider is misconfigured")]
fn provider_misconfigured(w: &mut TenantWorld, p: ConferencingParam) {
    p.row(&mut w.settings.conferencing).configured = false;
}

/// Sets the Outlook Coordinator address (the server-side rule adds it to invites).
#[given(expr = "the Outlook Coordinator is {string}")]
fn coordinator(w: &mut TenantWorld, address: String) {
    w.settings.recording.outlook_coordinator = Some(address.to_ascii_lowercase());
}

/// The name the recorder joins calls under.
#[given(expr = "the recorder joins calls as {string}")]
fn bot_name(w: &mut TenantWorld, name: String) {
    w.settings.recording.bot_name = name;
}

/// Emails external participants before the call.
#[given(expr = "the company emails external participants before calls")]
fn email_externals(w: &mut TenantWorld) {
    w.settings.recording.email_external_participants = true;
}

/// Requires participants to accept a consent page.
#[given(expr = "the company requires a consent page")]
fn consent_page(w: &mut TenantWorld) {
    w.settings.recording.consent_page = true;
}

/// The bot joins Teams and Webex as an authenticated, trusted user.
#[given(expr = "the company turns the authenticated bot {toggle}")]
#[when(expr = "the company turns the authenticated bot {toggle}")]
fn authenticated_bot(w: &mut TenantWorld, on: Toggle) {
    w.settings.recording.authenticated_bot = on.0;
}

/// A member's consent profile enforces consent with `static` or `dynamic` links.
#[given(expr = "{string} enforces recording consent with {word} links")]
fn enforce_consent(w: &mut TenantWorld, email: String, kind: String) -> StepResult {
    let link_type = match kind.as_str() {
        "static" => ConsentLinkType::Static,
        "dynamic" => ConsentLinkType::Dynamic,
        other => return Err(format!("`{other}` is not a consent link type (static, dynamic)")),
    };
    let m = w.settings.member_mut(&email).ok_or_else(|| format!("{email} is not a team member"))?;
    m.consent.enforce = true;
    m.consent.link_type = link_type;
    Ok(())
}

/// A member has "never record" on.
#[given(expr = "{string} never wants to be recorded")]
fn never_record(w: &mut TenantWorld, email: String) -> StepResult {
    w.settings.member_mut(&email).ok_or_else(|| format!("{email} is not a team member"))?.capture.never_record = true;
    Ok(())
}

/// Sets a member's display name in calls.
#[given(expr = "{string} appears in calls as {string}")]
fn display_name(w: &mut TenantWorld, email: String, name: String) -> StepResult {
    w.settings.member_mut(&email).ok_or_else(|| format!("{email} is not a team member"))?.name = name;
    Ok(())
}

/// Replaces a declared meeting's link with a consent-enabled link (`static`/`dynamic`) of a company that forwards to it.
#[given(expr = "the meeting {string} uses a {word} consent link of {string}")]
fn uses_consent_link(w: &mut TenantWorld, title: String, kind: String, company: String) -> StepResult {
    let kind = match kind.as_str() {
        "static" => "s",
        "dynamic" => "d",
        other => return Err(format!("`{other}` is not a consent link type (static, dynamic)")),
    };
    let slug = engine::settings::slug(&company);
    let e = declared_event(w, &title)?;
    let target =
        e.conference.clone().ok_or_else(|| format!("the meeting {title:?} has no conference link to forward to"))?;
    // Written out here in the consent service's form, with the `url` crate encoding the
    // target, not with the engine's own builder: an encoder bug there must not shape
    // the input the engine's reader is tested on.
    let mut link = reqwest::Url::parse(&format!("https://join.recorder.example/{slug}/{kind}/m1"))
        .map_err(|e| format!("no consent link for {company:?}: {e}"))?;
    link.query_pairs_mut().append_pair("to", &target);
    e.conference = Some(link.into());
    Ok(())
}

// ---- Zoom --------------------------------------------------------------------------

/// Declares the Zoom account's users: `email` (required), `license` (licensed/basic), `local recording`, `cloud recording` (yes/no).
#[given(expr = "the Zoom users:")]
fn zoom_users(w: &mut TenantWorld, step: &Step) -> StepResult {
    let rows = table_rows(step)?;
    let zoom = w.spec_mut()?.zoom.get_or_insert_with(ZoomSpec::default);
    for row in rows {
        let email = row.get("email").ok_or("the table needs an `email` column")?;
        let get = |k: &str, default: bool| row.get(k).map(|v| flag(v)).transpose().map(|v| v.unwrap_or(default));
        zoom.users.push(ZoomUserSpec {
            email: sp(email.clone()),
            name: row.get("name").filter(|n| !n.is_empty()).cloned(),
            license: match row.get("license").map(String::as_str) {
                Some("basic") => ZoomLicense::Basic,
                _ => ZoomLicense::Licensed,
            },
            status: Default::default(),
            local_recording: get("local recording", true)?,
            cloud_recording: get("cloud recording", true)?,
            auto_recording: Default::default(),
            waiting_room: get("waiting room", false)?,
            join_before_host: false,
        });
    }
    Ok(())
}

/// Declares a scheduled Zoom meeting (by number) and the Zoom user who owns it.
#[given(expr = "the Zoom meeting {string} belongs to {string}")]
fn zoom_meeting(w: &mut TenantWorld, id: String, host: String) -> StepResult {
    let zoom = w.spec_mut()?.zoom.get_or_insert_with(ZoomSpec::default);
    zoom.meetings.push(ZoomMeetingSpec {
        id: sp(id),
        host: sp(host),
        topic: None,
        start: None,
        duration: None,
        password: None,
        waiting_room: None,
        join_before_host: None,
        auto_recording: None,
    });
    Ok(())
}

/// The recorder's Zoom app is installed on the account (local-recording requests auto-granted).
#[given(expr = "the recorder's Zoom app is installed")]
fn zoom_app(w: &mut TenantWorld) -> StepResult {
    w.spec_mut()?.zoom.get_or_insert_with(ZoomSpec::default).recorder_app_installed = true;
    Ok(())
}

// ---- meeting rooms -----------------------------------------------------------------

fn room<'a>(w: &'a mut TenantWorld, link: &str) -> Result<&'a mut RoomSpec, String> {
    let rooms = &mut w.spec_mut()?.rooms;
    if let Some(i) = rooms.iter().position(|r| r.link.value == link) {
        return Ok(&mut rooms[i]);
    }
    rooms.push(RoomSpec::for_link(link));
    Ok(rooms.last_mut().expect("just pushed"))
}

/// Describes the room behind a link: `setting` / `value` rows (exists, host present, waiting room, admit, recording permission grant|deny|no_answer, captcha, anonymous join, lobby bypass everyone|organization|invited|organizer).
#[given(expr = "the meeting room of {string} has:")]
fn room_settings(w: &mut TenantWorld, link: String, step: &Step) -> StepResult {
    let rows = table_rows(step)?;
    let r = room(w, &link)?;
    for row in rows {
        let key = row.get("setting").ok_or("the table needs `setting` and `value` columns")?.as_str();
        let value = row.get("value").ok_or("the table needs `setting` and `value` columns")?.as_str();
        match key {
            "exists" => r.exists = flag(value)?,
            "host present" => r.host_present = flag(value)?,
            "waiting room" => r.waiting_room = flag(value)?,
            "admit" => r.admit = flag(value)?,
            "captcha" => r.captcha = flag(value)?,
            "anonymous join" => r.anonymous_join = flag(value)?,
            "recording permission" => {
                r.recording_permission = match value {
                    "grant" => PermissionAnswer::Grant,
                    "deny" => PermissionAnswer::Deny,
                    "no_answer" | "no answer" => PermissionAnswer::NoAnswer,
                    other => return Err(format!("`{other}` is not grant, deny or no_answer")),
                }
            }
            "lobby bypass" => {
                r.lobby_bypass = match value {
                    "everyone" => LobbyBypass::Everyone,
                    "organization" => LobbyBypass::Organization,
                    "invited" => LobbyBypass::Invited,
                    "organizer" => LobbyBypass::Organizer,
                    other => return Err(format!("`{other}` is not everyone, organization, invited or organizer")),
                }
            }
            other => return Err(format!("unknown room setting `{other}`")),
        }
    }
    Ok(())
}

/// Someone is in the call behind a link under a display name (and optionally an address).
#[given(expr = "{string} is in the call of {string}")]
fn in_call(w: &mut TenantWorld, display_name: String, link: String) -> StepResult {
    room(w, &link)?.participants.push(RoomParticipantSpec { display_name, email: None });
    Ok(())
}

/// A participant clicks "join but don't record" on the consent page of the call behind a link.
#[given(expr = "{string} declines recording for the call of {string}")]
fn declines(w: &mut TenantWorld, email: String, link: String) -> StepResult {
    room(w, &link)?.consent_declined.push(sp(email));
    Ok(())
}

// ---- acting and asserting ----------------------------------------------------------

/// Moves the virtual clock to a meeting's start and lets the engine sync (the bot joins meetings that have started).
#[when(expr = "the meeting {string} starts")]
async fn meeting_starts(w: &mut TenantWorld, title: String) -> StepResult {
    let d = decision(w, &title).await?;
    let live = w.live().await?;
    let url = format!("{}/tenants/{}/clock", live.admin_url(), live.tenant);
    let now = live.sim.clock(&live.tenant).map_err(|e| e.to_string())?.now;
    if d.start > now {
        let response = live
            .http
            .post(url)
            .json(&serde_json::json!({ "set": d.start.to_rfc3339() }))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!(
                "the admin API refused to move the clock: {}",
                response.text().await.unwrap_or_default()
            ));
        }
    }
    let settings = w.settings.clone();
    let live = w.live().await?;
    live.engine.sync(&settings).await.map_err(|e| e.to_string())?;
    Ok(())
}

async fn decision(w: &mut TenantWorld, title: &str) -> Result<RecordingDecision, String> {
    let live = w.live().await?;
    let all = live.engine.decisions().await.map_err(|e| e.to_string())?;
    all.iter().find(|d| d.title == title).cloned().ok_or_else(|| {
        let titles: Vec<_> = all.iter().map(|d| d.title.as_str()).collect();
        format!("the engine has no decision for {title:?} (did it sync?); decided: {titles:?}")
    })
}

fn describe(d: &RecordingDecision) -> String {
    let findings: Vec<String> = d
        .findings
        .iter()
        .map(|f| if f.detail.is_empty() { f.code.clone() } else { format!("{} ({})", f.code, f.detail) })
        .collect();
    let trail: Vec<String> = d.trail.iter().map(|s| s.label()).collect();
    format!(
        "{:?}: {:?}{}{}; findings: [{}]; trail: [{}]",
        d.title,
        d.outcome,
        d.reason.map(|r| format!(" because {}", r.code())).unwrap_or_default(),
        d.detail.as_ref().map(|x| format!(" ({x})")).unwrap_or_default(),
        findings.join(", "),
        trail.join(", ")
    )
}

/// Asserts Zoom records the meeting natively.
#[then(expr = "the meeting {string} is recorded natively")]
async fn recorded_natively(w: &mut TenantWorld, title: String) -> StepResult {
    let d = decision(w, &title).await?;
    if d.outcome != Outcome::RecordNative {
        return Err(format!("expected native recording, got {}", describe(&d)));
    }
    Ok(())
}

/// Asserts the bot records the meeting.
#[then(expr = "the meeting {string} is recorded by the bot")]
async fn recorded_by_bot(w: &mut TenantWorld, title: String) -> StepResult {
    let d = decision(w, &title).await?;
    if d.outcome != Outcome::RecordBot {
        return Err(format!("expected the bot to record, got {}", describe(&d)));
    }
    Ok(())
}

/// Asserts the meeting is not recorded, with this primary reason code.
#[then(expr = "the meeting {string} is not recorded because {string}")]
async fn not_recorded(w: &mut TenantWorld, title: String, reason: String) -> StepResult {
    let d = decision(w, &title).await?;
    if d.outcome != Outcome::NotRecorded || d.reason.map(|r| r.code()) != Some(reason.clone()) {
        return Err(format!("expected not recorded because {reason}, got {}", describe(&d)));
    }
    Ok(())
}

/// Asserts the reason and that its detail mentions a text (a wrapper's name, a participant).
#[then(expr = "the meeting {string} is not recorded because {string} \\({detail}\\)")]
async fn not_recorded_detail(
    w: &mut TenantWorld,
    title: String,
    reason: String,
    detail: crate::params::Detail,
) -> StepResult {
    not_recorded(w, title.clone(), reason).await?;
    let d = decision(w, &title).await?;
    if !d.detail.as_deref().unwrap_or_default().contains(detail.0.as_str()) {
        return Err(format!("expected the reason's detail to mention {:?}, got {}", detail.0, describe(&d)));
    }
    Ok(())
}

/// Asserts a secondary finding on the decision.
#[then(expr = "the meeting {string} has the finding {string}")]
async fn has_finding(w: &mut TenantWorld, title: String, code: String) -> StepResult {
    let d = decision(w, &title).await?;
    if !d.findings.iter().any(|f| f.code == code) {
        return Err(format!("expected finding {code}, got {}", describe(&d)));
    }
    Ok(())
}

/// Asserts a secondary finding whose detail mentions a text.
#[then(expr = "the meeting {string} has the finding {string} mentioning {string}")]
async fn finding_mentions(w: &mut TenantWorld, title: String, code: String, text: String) -> StepResult {
    let d = decision(w, &title).await?;
    if !d.findings.iter().any(|f| f.code == code && f.detail.contains(&text)) {
        return Err(format!("expected finding {code} mentioning {text:?}, got {}", describe(&d)));
    }
    Ok(())
}

/// Asserts the bot's state trail, comma-separated (`joining, waiting_room, fatal(blocked_by_captcha)`).
#[then(expr = "the bot state trail of {string} is {string}")]
async fn trail_is(w: &mut TenantWorld, title: String, expected: String) -> StepResult {
    let d = decision(w, &title).await?;
    let got: Vec<String> = d.trail.iter().map(|s| s.label()).collect();
    let want: Vec<String> = expected.split(',').map(|s| s.trim().to_string()).collect();
    if got != want {
        return Err(format!("expected trail [{}], got [{}]\n  {}", want.join(", "), got.join(", "), describe(&d)));
    }
    Ok(())
}

/// Asserts how the bot would join: under which name and whether authenticated.
#[then(expr = "the bot joins {string} as {string}")]
async fn bot_joins_as(w: &mut TenantWorld, title: String, name: String) -> StepResult {
    let d = decision(w, &title).await?;
    match &d.bot {
        Some(plan) if plan.name == name => Ok(()),
        _ => Err(format!("expected the bot to join as {name:?}, got {}", describe(&d))),
    }
}

/// Asserts the bot joins as an authenticated, trusted user.
#[then(expr = "the bot joins {string} authenticated")]
async fn bot_authenticated(w: &mut TenantWorld, title: String) -> StepResult {
    let d = decision(w, &title).await?;
    match &d.bot {
        Some(plan) if plan.authenticated => Ok(()),
        _ => Err(format!("expected an authenticated bot, got {}", describe(&d))),
    }
}
