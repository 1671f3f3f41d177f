//! Steps that declare the tenant: a scenario file, or a Google Workspace built inline
//! from tables (org units, users, app access, meetings).

use cucumber::gherkin::Step;
use cucumber::given;
use simulator::scenario::spec::{self, AttendeeSpec, EventSpec, GoogleSpec, ScenarioSpec, UserSpec, sp};

use super::table_rows;
use crate::params::flag;
use crate::world::{StepResult, TenantWorld, resolve_path};

/// Loads a scenario file (path relative to the repository root): tenant, company, timeline.
#[given(expr = "the scenario {string}")]
fn scenario_file(w: &mut TenantWorld, path: String) -> StepResult {
    let file = resolve_path(&path);
    let scenario = simulator::scenario::load_file(&file).map_err(|e| e.to_string())?;
    w.settings = scenario.company;
    w.spec = Some(scenario.spec);
    Ok(())
}

/// Declares an empty Google Workspace tenant for `domain`, clock 2025-03-10T09:00:00Z, seed 1.
#[given(expr = "a Google Workspace tenant {string}")]
fn google_tenant(w: &mut TenantWorld, domain: String) {
    w.spec = Some(ScenarioSpec {
        name: sp("inline".into()),
        description: String::new(),
        seed: 1,
        clock: sp("2025-03-10T09:00:00Z".into()),
        google: Some(GoogleSpec {
            domain: sp(domain),
            customer_id: None,
            org_units: vec![],
            groups: vec![],
            users: vec![],
            app_access: Default::default(),
            oauth_client: None,
            quirks: Default::default(),
        }),
        zoom: None,
        rooms: vec![],
        company: Default::default(),
        timeline: vec![],
        faults: vec![],
        population: None,
    });
}

fn google(w: &mut TenantWorld) -> Result<&mut GoogleSpec, String> {
    w.spec_mut()?.google.as_mut().ok_or_else(|| "the scenario has no Google Workspace tenant".to_string())
}

/// Adds org units from a table with a `path` column (parents are implied).
#[given(expr = "the org units:")]
fn org_units(w: &mut TenantWorld, step: &Step) -> StepResult {
    let rows = table_rows(step)?;
    let g = google(w)?;
    for row in rows {
        let path = row.get("path").ok_or("the table needs a `path` column")?;
        g.org_units.push(sp(path.clone()));
    }
    Ok(())
}

/// Adds directory users from a table: `email` (required), `name`, `org unit`, `admin`, `suspended`.
#[given(expr = "the Google users:")]
fn google_users(w: &mut TenantWorld, step: &Step) -> StepResult {
    let rows = table_rows(step)?;
    let g = google(w)?;
    for row in rows {
        let email = row.get("email").ok_or("the table needs an `email` column")?;
        let ou = row.get("org unit").or(row.get("org_unit")).filter(|s| !s.is_empty());
        g.users.push(UserSpec {
            email: sp(email.clone()),
            name: row.get("name").filter(|s| !s.is_empty()).cloned(),
            org_unit: ou.map(|o| sp(o.clone())),
            admin: flag(row.get("admin").map(String::as_str).unwrap_or(""))?,
            suspended: flag(row.get("suspended").map(String::as_str).unwrap_or(""))?,
            events: vec![],
            calendars: vec![],
            gmail: true,
            consent: Default::default(),
            consent_scopes: None,
            mail: vec![],
        });
    }
    Ok(())
}

/// Restricts the app's domain-wide delegation to org units (comma-separated), as an admin does in the Admin console.
#[given(expr = "the app is trusted only for org unit(s) {string}")]
fn trusted_org_units(w: &mut TenantWorld, list: String) -> StepResult {
    let g = google(w)?;
    g.app_access.trusted_org_units = Some(list.split(',').map(|s| sp(s.trim().to_string())).collect());
    Ok(())
}

/// Grants the app exactly these scopes (comma-separated short names like `calendar.readonly`).
#[given(expr = "the app is granted the scopes {string}")]
fn granted_scopes(w: &mut TenantWorld, list: String) -> StepResult {
    let g = google(w)?;
    g.app_access.scopes = list.split(',').map(|s| sp(s.trim().to_string())).collect();
    Ok(())
}

/// Puts a meeting on a user's primary calendar: title, start (`+2h` or RFC 3339), 30 minutes, optional attendees table (`email`, `response`).
#[given(expr = "{string} has a meeting {string} at {string}")]
fn meeting(w: &mut TenantWorld, owner: String, title: String, start: String, step: &Step) -> StepResult {
    let attendees = match &step.table {
        Some(_) => table_rows(step)?
            .into_iter()
            .map(|row| {
                let email = row.get("email").ok_or("the attendees table needs an `email` column")?.clone();
                let response = match row.get("response").map(String::as_str).unwrap_or("needsAction") {
                    "accepted" => spec::ResponseStatus::Accepted,
                    "declined" => spec::ResponseStatus::Declined,
                    "tentative" => spec::ResponseStatus::Tentative,
                    _ => spec::ResponseStatus::NeedsAction,
                };
                Ok(AttendeeSpec { email: sp(email), name: None, response, optional: false })
            })
            .collect::<Result<Vec<_>, String>>()?,
        None => vec![],
    };
    let g = google(w)?;
    let user = g
        .users
        .iter_mut()
        .find(|u| u.email.value.eq_ignore_ascii_case(&owner))
        .ok_or_else(|| format!("{owner} is not a Google user of this tenant"))?;
    user.events.push(EventSpec {
        title,
        start: sp(start),
        duration: None,
        organizer: None,
        attendees,
        visibility: spec::Visibility::Default,
        description: None,
        location: None,
        conference: None,
        wrapped_by: None,
        recurrence: None,
    });
    Ok(())
}

/// On the OAuth consent screen, a user ticks only these scopes (comma-separated short names).
#[given(expr = "{string} only grants {string}")]
fn partial_consent(w: &mut TenantWorld, email: String, scopes: String) -> StepResult {
    let g = w.spec_mut()?.google.as_mut().ok_or("the scenario has no Google Workspace tenant")?;
    let user = g
        .users
        .iter_mut()
        .find(|u| u.email.value.eq_ignore_ascii_case(&email))
        .ok_or_else(|| format!("{email} is not a Google user"))?;
    user.consent_scopes = Some(scopes.split(',').map(|s| s.trim().to_string()).collect());
    Ok(())
}

/// On the OAuth consent screen, a user cancels.
#[given(expr = "{string} denies consent")]
fn deny_consent(w: &mut TenantWorld, email: String) -> StepResult {
    let g = w.spec_mut()?.google.as_mut().ok_or("the scenario has no Google Workspace tenant")?;
    let user = g
        .users
        .iter_mut()
        .find(|u| u.email.value.eq_ignore_ascii_case(&email))
        .ok_or_else(|| format!("{email} is not a Google user"))?;
    user.consent = simulator::scenario::spec::ConsentAnswer::Deny;
    Ok(())
}
