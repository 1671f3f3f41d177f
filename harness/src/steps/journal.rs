//! Steps that assert on the simulator's request journal, read through the admin API as
//! a developer would: what was asked, as whom, and what was answered.

use cucumber::then;

use crate::world::{StepResult, TenantWorld};

async fn entries(w: &mut TenantWorld, method: &str, path: &str, status: u16) -> Result<Vec<serde_json::Value>, String> {
    let live = w.live().await?;
    let url = format!("{}/journal", live.admin_url());
    let query = [
        ("tenant", live.tenant.clone()),
        ("method", method.to_string()),
        ("path", path.to_string()),
        ("status", status.to_string()),
    ];
    let response = live.http.get(url).query(&query).send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
    // A journal that could not be read must not look like one with no matching entry
    // (`0 × …` would pass).
    match body["entries"].as_array() {
        Some(entries) if status.is_success() => Ok(entries.clone()),
        _ => Err(format!("the journal could not be read ({status}): {body}")),
    }
}

/// The journal holds at least one request with this method and path prefix answered with this status.
#[then(expr = "the journal shows {word} {string} answered {int}")]
async fn journal_has(w: &mut TenantWorld, method: String, path: String, status: u16) -> StepResult {
    let hits = entries(w, &method, &path, status).await?;
    if hits.is_empty() {
        return Err(format!("no {method} {path}… answered {status} in the journal"));
    }
    Ok(())
}

/// Same, acting as a given user (the token's `sub`).
#[then(expr = "the journal shows {word} {string} answered {int} for {string}")]
async fn journal_has_for(
    w: &mut TenantWorld,
    method: String,
    path: String,
    status: u16,
    subject: String,
) -> StepResult {
    let hits = entries(w, &method, &path, status).await?;
    let subjects: Vec<&str> = hits.iter().filter_map(|e| e["subject"].as_str()).collect();
    if !subjects.iter().any(|s| s.eq_ignore_ascii_case(&subject)) {
        return Err(format!(
            "no {method} {path}… answered {status} for {subject}; it was answered {status} for {subjects:?}"
        ));
    }
    Ok(())
}

/// Counts requests with this method and path prefix answered with this status.
#[then(expr = "the journal shows {int} × {word} {string} answered {int}")]
async fn journal_count(w: &mut TenantWorld, count: usize, method: String, path: String, status: u16) -> StepResult {
    let hits = entries(w, &method, &path, status).await?;
    if hits.len() != count {
        return Err(format!("expected {count} × {method} {path}… answered {status}, the journal has {}", hits.len()));
    }
    Ok(())
}

/// Counts requests with this method, path prefix and status made as a given user.
#[then(expr = "the journal shows {int} × {word} {string} answered {int} for {string}")]
async fn journal_count_for(
    w: &mut TenantWorld,
    count: usize,
    method: String,
    path: String,
    status: u16,
    subject: String,
) -> StepResult {
    let hits = entries(w, &method, &path, status).await?;
    let mine = hits.iter().filter(|e| e["subject"].as_str().is_some_and(|s| s.eq_ignore_ascii_case(&subject))).count();
    if mine != count {
        return Err(format!(
            "expected {count} × {method} {path}… answered {status} for {subject}, the journal has {mine}"
        ));
    }
    Ok(())
}
