//! Steps that set the recording product's company configuration: connection, import
//! permission and toggles, team members, seats and capture toggles. They may be used
//! before or after the tenant starts; the engine reads settings on every sync and page.

use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use engine::settings::{ConnectionMode, TeamMember};

use super::table_rows;
use crate::params::{ImportKind, SeatParam, Toggle, flag};
use crate::world::{StepResult, TenantWorld};

/// Names the company (its consent links carry this name).
#[given(expr = "the company is named {string}")]
fn company_name(w: &mut TenantWorld, name: String) {
    w.settings.name = name;
}

/// Declares that Google Workspace is connected company-wide through an admin (settings only, nothing is checked).
#[given(expr = "the company connects Google Workspace company-wide as {string}")]
fn company_wide(w: &mut TenantWorld, admin: String) {
    let admin = admin.to_ascii_lowercase();
    w.settings.google.mode = ConnectionMode::CompanyWide;
    w.settings.google.admin = Some(admin);
}

/// Connects Google Workspace company-wide through the engine as an admin; the step fails if the engine refuses.
#[when(expr = "the company connects Google Workspace company-wide as {string}")]
async fn connect_company_wide(w: &mut TenantWorld, admin: String) -> StepResult {
    attempt_company_wide(w, &admin).await?;
    match &w.last_connection_attempt {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => Err(format!("the engine refused to connect company-wide as {admin}: {e}")),
        None => Err("no connection was attempted".into()),
    }
}

/// Asks the engine to connect the company company-wide as `admin`, keeping the outcome.
async fn attempt_company_wide(w: &mut TenantWorld, admin: &str) -> StepResult {
    let mut settings = w.settings.clone();
    let live = w.live().await?;
    let result = live.engine.connect_company_wide(&mut settings, admin).await;
    w.last_connection_attempt = Some(result);
    w.settings = settings;
    Ok(())
}

/// Switches the Google Workspace connection to user-by-user (each member connects their own mailbox).
#[given(expr = "the company switches Google Workspace to user-by-user")]
#[when(expr = "the company switches Google Workspace to user-by-user")]
fn user_by_user(w: &mut TenantWorld) {
    w.settings.google.mode = ConnectionMode::UserByUser;
}

/// In user-by-user mode, a member has connected their mailbox.
#[given(expr = "{string} has connected their mailbox")]
fn member_connected(w: &mut TenantWorld, email: String) -> StepResult {
    w.settings.member_mut(&email).ok_or_else(|| format!("{email} is not a team member"))?.connected = true;
    Ok(())
}

/// No provider connection at all (neither company-wide nor user-by-user).
#[given(expr = "the company has no provider connection")]
#[when(expr = "the company has no provider connection")]
fn no_connection(w: &mut TenantWorld) {
    w.settings.google.mode = ConnectionMode::None;
    w.settings.google.admin = None;
    for m in &mut w.settings.team {
        m.connected = false;
    }
}

/// The import permission on the Google Workspace settings page is not given.
#[given(expr = "the company has not given import permission for Google Workspace")]
#[when(expr = "the company has not given import permission for Google Workspace")]
fn no_import_permission(w: &mut TenantWorld) {
    w.settings.google.import_permission = false;
}

/// Gives (or withdraws) the import permission on the Google Workspace settings page.
#[given(expr = "the company turns the Google Workspace import permission {toggle}")]
#[when(expr = "the company turns the Google Workspace import permission {toggle}")]
fn import_permission(w: &mut TenantWorld, on: Toggle) {
    w.settings.google.import_permission = on.0;
}

/// Authorizes (or not) access to email in the provider import settings.
#[given(expr = "the company turns email authorization {toggle}")]
#[when(expr = "the company turns email authorization {toggle}")]
fn email_authorization(w: &mut TenantWorld, on: Toggle) {
    w.settings.google.email_authorized = on.0;
}

/// Sets a company-wide import toggle: calendar, email or non-recorded meetings.
#[given(expr = "the company turns {import} import {toggle}")]
#[when(expr = "the company turns {import} import {toggle}")]
fn company_import(w: &mut TenantWorld, kind: ImportKind, on: Toggle) {
    let import = &mut w.settings.import;
    match kind {
        ImportKind::Calendar => import.calendar = on.0,
        ImportKind::Email => import.email = on.0,
        ImportKind::NonRecorded => import.non_recorded_meetings = on.0,
    }
}

/// Adds team members from a table: `member` (email, required), `seat`, `web conferences`, `calendar`, `email`, `non-recorded meetings` (yes/no; defaults: recorder seat, web conferences and calendar on).
#[given(expr = "the team members:")]
fn team_members(w: &mut TenantWorld, step: &Step) -> StepResult {
    for row in table_rows(step)? {
        let email = row.get("member").ok_or("the table needs a `member` column with each member's email")?;
        let mut m = TeamMember::new(email);
        if let Some(seat) = row.get("seat").filter(|s| !s.is_empty()) {
            m.seat = seat.parse::<SeatParam>()?.0;
        }
        let get = |k: &str| row.get(k).map(|v| flag(v)).transpose();
        if let Some(v) = get("web conferences")? {
            m.capture.web_conferences = v;
        }
        if let Some(v) = get("calendar")? {
            m.capture.calendar = v;
        }
        if let Some(v) = get("email")? {
            m.capture.email = v;
        }
        if let Some(v) = get("non-recorded meetings")? {
            m.capture.non_recorded_meetings = v;
        }
        if w.settings.member(&m.email).is_some() {
            return Err(format!("{} is already a team member", m.email));
        }
        w.settings.team.push(m);
    }
    Ok(())
}

fn member<'a>(w: &'a mut TenantWorld, email: &str) -> Result<&'a mut TeamMember, String> {
    w.settings.member_mut(email).ok_or_else(|| format!("{email} is not a team member"))
}

/// Sets one member's calendar / email / non-recorded meetings capture toggle.
#[given(expr = "{string} turns {import} import {toggle}")]
#[when(expr = "{string} turns {import} import {toggle}")]
fn member_import(w: &mut TenantWorld, email: String, kind: ImportKind, on: Toggle) -> StepResult {
    let m = member(w, &email)?;
    match kind {
        ImportKind::Calendar => m.capture.calendar = on.0,
        ImportKind::Email => m.capture.email = on.0,
        ImportKind::NonRecorded => m.capture.non_recorded_meetings = on.0,
    }
    Ok(())
}

/// Sets one member's web-conference recording toggle.
#[given(expr = "{string} turns web conference recording {toggle}")]
#[when(expr = "{string} turns web conference recording {toggle}")]
fn member_recording(w: &mut TenantWorld, email: String, on: Toggle) -> StepResult {
    member(w, &email)?.capture.web_conferences = on.0;
    Ok(())
}

/// Gives a member a seat: recorder, viewer or none.
#[given(expr = "{string} has a {seat} seat")]
#[when(expr = "{string} has a {seat} seat")]
fn member_seat(w: &mut TenantWorld, email: String, seat: SeatParam) -> StepResult {
    member(w, &email)?.seat = seat.0;
    Ok(())
}

/// A Google user tries to connect the company company-wide through the engine (it checks
/// they are an admin of a tenant the company may connect); a refusal is kept for `Then`.
#[when(expr = "{string} tries to connect Google Workspace company-wide")]
async fn try_company_wide(w: &mut TenantWorld, admin: String) -> StepResult {
    attempt_company_wide(w, &admin).await
}

/// A member connects their own Google account (user-by-user): the harness plays their
/// browser through the consent screen; a refusal is kept for `Then`.
#[when(expr = "{string} connects their Google account")]
async fn connect_account(w: &mut TenantWorld, email: String) -> StepResult {
    w.live().await?;
    w.last_connection_attempt = Some(w.connect_member(&email).await);
    Ok(())
}

/// Asserts the last connection attempt was refused with a message containing a text.
#[then(expr = "the connection is refused with {string}")]
fn refused_with(w: &mut TenantWorld, text: String) -> StepResult {
    match &w.last_connection_attempt {
        Some(Err(e)) if e.contains(&text) => Ok(()),
        Some(Err(e)) => Err(format!("the connection was refused with {e:?}, which does not mention {text:?}")),
        Some(Ok(())) => Err(format!("the connection succeeded; expected a refusal mentioning {text:?}")),
        None => Err(format!("no connection was attempted; expected a refusal mentioning {text:?}")),
    }
}

/// Asserts the last connection attempt succeeded.
#[then(expr = "the connection succeeds")]
fn connection_succeeds(w: &mut TenantWorld) -> StepResult {
    match &w.last_connection_attempt {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => Err(format!("the connection was refused: {e}")),
        None => Err("no connection was attempted: a When step must try to connect first".into()),
    }
}

/// Asserts which admin the company is connected through (company-wide).
#[then(expr = "the company is connected company-wide through {string}")]
fn connected_through(w: &mut TenantWorld, admin: String) -> StepResult {
    let g = &w.settings.google;
    if g.mode == ConnectionMode::CompanyWide && g.admin.as_deref() == Some(admin.to_ascii_lowercase().as_str()) {
        Ok(())
    } else {
        Err(format!("the company's Google connection is {:?} through {:?}", g.mode, g.admin))
    }
}
