//! Steps about time and change: the virtual clock, timed changes declared in the
//! scenario, and changes an admin makes right now (through the admin API).

use cucumber::{given, then, when};
use simulator::scenario::spec::{EventRefSpec, MoveUserSpec, TimelineStepSpec, sp};

use crate::params::DurationParam;
use crate::world::{StepResult, TenantWorld};

/// Moves the tenant's virtual clock forward, applying timeline steps on the way.
#[when(expr = "{duration} pass(es)")]
async fn time_passes(w: &mut TenantWorld, by: DurationParam) -> StepResult {
    let live = w.live().await?;
    let url = format!("{}/tenants/{}/clock", live.admin_url(), live.tenant);
    let body = serde_json::json!({ "advance": simulator::clock::format_duration(by.0) });
    let response = live.http.post(url).json(&body).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("the admin API refused to move the clock: {}", response.text().await.unwrap_or_default()));
    }
    Ok(())
}

/// Declares a timed change: at an offset (`+10m`), the Google admin moves a user to another org unit.
#[given(expr = "at {string} the Google admin moves {string} to org unit {string}")]
fn timed_move(w: &mut TenantWorld, at: String, email: String, org_unit: String) -> StepResult {
    w.spec_mut()?.timeline.push(TimelineStepSpec {
        at: Some(sp(at)),
        move_user: Some(MoveUserSpec { email: sp(email), org_unit: sp(org_unit) }),
        ..Default::default()
    });
    Ok(())
}

/// The Google admin moves a user to another org unit now (admin API `actions`).
#[when(expr = "the Google admin moves {string} to org unit {string}")]
async fn move_now(w: &mut TenantWorld, email: String, org_unit: String) -> StepResult {
    let live = w.live().await?;
    let url = format!("{}/tenants/{}/actions", live.admin_url(), live.tenant);
    let body = serde_json::json!({ "move_user": { "email": email, "org_unit": org_unit } });
    let response = live.http.post(url).json(&body).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("the admin API refused the change: {}", response.text().await.unwrap_or_default()));
    }
    Ok(())
}

/// Asserts the tenant's virtual time (RFC 3339, or an offset from the scenario start like `+45m`).
#[then(expr = "the virtual clock reads {string}")]
async fn clock_reads(w: &mut TenantWorld, expected: String) -> StepResult {
    let live = w.live().await?;
    let clock = live.sim.clock(&live.tenant).map_err(|e| e.to_string())?;
    let want = simulator::clock::parse_instant(&expected, clock.start).map_err(|e| e.to_string())?;
    if clock.now != want {
        return Err(format!("expected the virtual clock at {want}, but it reads {}", clock.now));
    }
    Ok(())
}

async fn admin_action(w: &mut TenantWorld, body: serde_json::Value) -> StepResult {
    let live = w.live().await?;
    let url = format!("{}/tenants/{}/actions", live.admin_url(), live.tenant);
    let response = live.http.post(url).json(&body).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("the admin API refused the change: {}", response.text().await.unwrap_or_default()));
    }
    Ok(())
}

/// Declares a timed change: at an offset, the organizer cancels a meeting.
#[given(expr = "at {string} {string} cancels the meeting {string}")]
fn timed_cancel(w: &mut TenantWorld, at: String, owner: String, title: String) -> StepResult {
    w.spec_mut()?.timeline.push(TimelineStepSpec {
        at: Some(sp(at)),
        cancel_event: Some(EventRefSpec { owner: sp(owner), title: sp(title) }),
        ..Default::default()
    });
    Ok(())
}

/// The organizer cancels a meeting now (admin API `actions`).
#[when(expr = "{string} cancels the meeting {string}")]
async fn cancel_now(w: &mut TenantWorld, owner: String, title: String) -> StepResult {
    admin_action(w, serde_json::json!({ "cancel_event": { "owner": owner, "title": title } })).await
}

/// Every Calendar sync token stops working now (the next incremental sync gets 410).
#[when(expr = "every Calendar sync token is invalidated")]
async fn invalidate_now(w: &mut TenantWorld) -> StepResult {
    admin_action(w, serde_json::json!({ "invalidate_sync_tokens": true })).await
}

/// A user removes the recorder's access to their Google account now (their refresh tokens stop working).
#[when(expr = "{string} removes the recorder's access")]
async fn revoke_now(w: &mut TenantWorld, email: String) -> StepResult {
    admin_action(w, serde_json::json!({ "revoke_user_grants": email })).await
}

/// Every access token of a user expires now (the next API call with one answers 401).
#[when(expr = "the access tokens of {string} expire")]
async fn expire_now(w: &mut TenantWorld, email: String) -> StepResult {
    admin_action(w, serde_json::json!({ "expire_tokens": email })).await
}
