//! Steps about email: mailboxes, the company's CRM, and what the engine imported.

use cucumber::{given, then, when};
use simulator::scenario::spec::{MessageSpec, sp};

use crate::world::{StepResult, TenantWorld};

fn user<'a>(w: &'a mut TenantWorld, email: &str) -> Result<&'a mut simulator::scenario::spec::UserSpec, String> {
    let g = w.spec_mut()?.google.as_mut().ok_or("the scenario has no Google Workspace tenant")?;
    g.users
        .iter_mut()
        .find(|u| u.email.value.eq_ignore_ascii_case(email))
        .ok_or_else(|| format!("{email} is not a Google user of this tenant"))
}

fn message(from: String, to: String, subject: String, at: String) -> MessageSpec {
    MessageSpec {
        from: sp(from),
        to: to.split(',').map(|t| sp(t.trim().to_string())).collect(),
        cc: vec![],
        subject,
        at: sp(at),
        body: String::new(),
        labels: vec![],
    }
}

/// Puts a received email in a user's mailbox: sender, subject, arrival (`-2h` or RFC 3339).
#[given(expr = "{string} received an email from {string} with subject {string} at {string}")]
fn received(w: &mut TenantWorld, owner: String, from: String, subject: String, at: String) -> StepResult {
    let m = message(from, owner.clone(), subject, at);
    user(w, &owner)?.mail.push(m);
    Ok(())
}

/// Puts a sent email in a user's mailbox: recipients (comma-separated), subject, time.
#[given(expr = "{string} sent an email to {string} with subject {string} at {string}")]
fn sent(w: &mut TenantWorld, owner: String, to: String, subject: String, at: String) -> StepResult {
    let m = message(owner.clone(), to, subject, at);
    user(w, &owner)?.mail.push(m);
    Ok(())
}

/// The user has no Gmail licence (the mail service is not enabled).
#[given(expr = "{string} has no Gmail licence")]
fn no_licence(w: &mut TenantWorld, owner: String) -> StepResult {
    user(w, &owner)?.gmail = false;
    Ok(())
}

/// Connects the company's CRM with these contacts (comma-separated addresses, or `@domain` for whole accounts).
#[given(expr = "the company's CRM has the contacts {string}")]
#[when(expr = "the company's CRM has the contacts {string}")]
fn crm_contacts(w: &mut TenantWorld, list: String) {
    w.settings.crm.connected = true;
    w.settings.crm.contacts = list.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
}

/// The company has no CRM connected.
#[given(expr = "the company has no CRM connection")]
fn no_crm(w: &mut TenantWorld) {
    w.settings.crm.connected = false;
}

async fn emails(w: &mut TenantWorld) -> Result<Vec<(String, engine::google::MailMessage)>, String> {
    let live = w.live().await?;
    live.engine.emails().await.map_err(|e| e.to_string())
}

/// Asserts how many emails the engine imported.
#[then(expr = "the engine has imported {int} email(s)")]
async fn email_count(w: &mut TenantWorld, count: usize) -> StepResult {
    let all = emails(w).await?;
    if all.len() != count {
        let subjects: Vec<_> = all.iter().map(|(_, m)| m.subject.as_str()).collect();
        return Err(format!("expected {count} imported emails, got {}: {subjects:?}", all.len()));
    }
    Ok(())
}

/// Asserts an email with this subject was imported.
#[then(expr = "the engine has imported the email {string}")]
async fn email_imported(w: &mut TenantWorld, subject: String) -> StepResult {
    let all = emails(w).await?;
    if !all.iter().any(|(_, m)| m.subject == subject) {
        let subjects: Vec<_> = all.iter().map(|(_, m)| m.subject.as_str()).collect();
        return Err(format!("no imported email {subject:?}; imported: {subjects:?}"));
    }
    Ok(())
}
