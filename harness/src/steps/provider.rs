//! Probing a provider directly, as the recorder's service account would: get a token
//! acting as a user, call any endpoint, and assert the answer in the provider's own terms
//! (status and reason). For QA checking the simulator's fidelity, and for failures no
//! engine step reaches.

use std::sync::Arc;

use cucumber::{then, when};
use engine::RetryPolicy;
use engine::google::{ServiceAccountKeyFile, TokenCache};
use engine::http::HttpClient;

use crate::clock::TenantClock;
use crate::world::{StepResult, TenantWorld};

/// The last answer a probe got.
#[derive(Debug, Clone)]
pub struct ProviderAnswer {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON (`null` when it is not JSON).
    pub body: serde_json::Value,
}

impl ProviderAnswer {
    /// The provider's reason: Google's `errors[0].reason` (API) or `error` (OAuth).
    pub fn reason(&self) -> String {
        let e = &self.body["error"];
        e["errors"][0]["reason"].as_str().or_else(|| e.as_str()).unwrap_or_default().to_string()
    }
}

async fn no_retries(w: &mut TenantWorld) -> Result<(HttpClient, String, ServiceAccountKeyFile), String> {
    let live = w.live().await?;
    let admin = live.admin_url();
    let key: serde_json::Value = live
        .http
        .get(format!("{admin}/tenants/{}/google/service-account.json", live.tenant))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let key = ServiceAccountKeyFile::from_json(&key.to_string()).map_err(|e| e.to_string())?;
    let clock = Arc::new(TenantClock::new(live.sim.clone(), &live.tenant));
    // One attempt: the probe reports exactly what the provider answered.
    let http = HttpClient::new(clock, RetryPolicy { max_attempts: 1, ..Default::default() });
    Ok((http, format!("{}/t/{}", live.server.base_url(), live.tenant), key))
}

/// Asks the token endpoint for a token acting as a user with a scope (short name), keeping the answer.
#[when(expr = "the recorder asks Google for a token as {string} with scope {string}")]
async fn ask_token(w: &mut TenantWorld, subject: String, scope: String) -> StepResult {
    let (http, base, key) = no_retries(w).await?;
    let live = w.live().await?;
    let clock = Arc::new(TenantClock::new(live.sim.clone(), &live.tenant));
    let tokens = TokenCache::new(key, format!("{base}/token"), clock).map_err(|e| e.to_string())?;
    let scope = simulator::scenario::expand_scope(&scope);
    w.last_answer = Some(match tokens.token(&http, &subject, &scope).await {
        Ok(_) => ProviderAnswer { status: 200, body: serde_json::json!({}) },
        Err(engine::ProviderError::Refused { status, code, message, .. }) => {
            ProviderAnswer { status, body: serde_json::json!({ "error": code, "error_description": message }) }
        }
        Err(e) => return Err(e.to_string()),
    });
    Ok(())
}

/// Calls a Google endpoint (path under the tenant's Google base, with its query) acting as a user with a scope.
#[when(expr = "the recorder calls GET {string} as {string} with scope {string}")]
async fn call(w: &mut TenantWorld, path: String, subject: String, scope: String) -> StepResult {
    let (http, base, key) = no_retries(w).await?;
    let live = w.live().await?;
    let clock = Arc::new(TenantClock::new(live.sim.clone(), &live.tenant));
    let tokens = TokenCache::new(key, format!("{base}/token"), clock).map_err(|e| e.to_string())?;
    let token = match tokens.token(&http, &subject, &simulator::scenario::expand_scope(&scope)).await {
        Ok(t) => t,
        // A token refusal is the answer.
        Err(engine::ProviderError::Refused { status, code, message, .. }) => {
            w.last_answer = Some(ProviderAnswer {
                status,
                body: serde_json::json!({ "error": code, "error_description": message }),
            });
            return Ok(());
        }
        Err(e) => return Err(format!("no token: {e}")),
    };
    // Straight to the provider, without the engine's retries: the probe reports exactly
    // what one call got.
    let response =
        http.raw().get(format!("{base}{path}")).bearer_auth(&token).send().await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(|e| e.to_string())?;
    w.last_answer = Some(ProviderAnswer { status, body: serde_json::from_str(&body).unwrap_or_default() });
    Ok(())
}

/// Asserts the last probe's status and the provider's reason (`errors[0].reason`, or the OAuth `error`).
#[then(expr = "Google answers {int} with reason {string}")]
fn answers_with(w: &mut TenantWorld, status: u16, reason: String) -> StepResult {
    let a = w.last_answer.as_ref().ok_or("no provider call was made")?;
    if a.status != status || a.reason() != reason {
        return Err(format!("expected {status} {reason}, got {} {}: {}", a.status, a.reason(), a.body));
    }
    Ok(())
}

/// Asserts the last probe succeeded.
#[then(expr = "Google answers 200")]
fn answers_ok(w: &mut TenantWorld) -> StepResult {
    let a = w.last_answer.as_ref().ok_or("no provider call was made")?;
    if a.status != 200 {
        return Err(format!("expected 200, got {} {}: {}", a.status, a.reason(), a.body));
    }
    Ok(())
}
