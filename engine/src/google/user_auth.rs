//! User-by-user connections: the 3-legged OAuth flow in which a member connects their own
//! Google account. The engine builds the consent URL (with `state` and an S256 PKCE
//! challenge), exchanges the code the browser brings back for a refresh token, and later
//! refreshes access tokens with it.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::refusal;
use crate::error::ProviderError;
use crate::http::HttpClient;

/// The recorder's web OAuth client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClientConfig {
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Where Google sends the browser back.
    pub redirect_uri: String,
}

/// A member's connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserGrant {
    /// Refresh token.
    pub refresh_token: String,
    /// Scopes the member granted.
    pub scopes: Vec<String>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: i64,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: String,
}

/// Pending consents and established grants.
#[derive(Default)]
pub struct UserConnections {
    pending: Mutex<HashMap<String, (String, String)>>,
    grants: Mutex<HashMap<String, UserGrant>>,
    counter: Mutex<u64>,
}

impl UserConnections {
    /// Starts a connection for `email`: the consent URL to send their browser to.
    pub fn begin(&self, authorize_url: &str, client: &OAuthClientConfig, email: &str, scopes: &[&str]) -> String {
        let n = {
            let mut c = self.counter.lock().expect("counter");
            *c += 1;
            *c
        };
        let state = format!("connect-{n}");
        // Deterministic (no RNG in the engine): a digest of who and when.
        let verifier: String =
            Sha256::digest(format!("{email}|{n}|verifier").as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        self.pending.lock().expect("pending").insert(state.clone(), (email.to_ascii_lowercase(), verifier));
        let query = serde_urlencoded::to_string([
            ("client_id", client.client_id.as_str()),
            ("redirect_uri", client.redirect_uri.as_str()),
            ("response_type", "code"),
            ("scope", &scopes.join(" ")),
            ("access_type", "offline"),
            ("prompt", "consent"),
            ("state", &state),
            ("login_hint", email),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .unwrap_or_default();
        format!("{authorize_url}?{query}")
    }

    /// Finishes the connection whose consent carried `state`, exchanging `code`.
    /// Returns the member's address and the scopes they granted.
    pub async fn complete(
        &self,
        http: &HttpClient,
        token_uri: &str,
        client: &OAuthClientConfig,
        state: &str,
        code: &str,
    ) -> Result<(String, Vec<String>), ProviderError> {
        let (email, verifier) = self
            .pending
            .lock()
            .expect("pending")
            .remove(state)
            .ok_or_else(|| ProviderError::Config(format!("no connection in progress with state {state}")))?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", client.redirect_uri.as_str()),
            ("client_id", client.client_id.as_str()),
            ("client_secret", client.client_secret.as_str()),
            ("code_verifier", verifier.as_str()),
        ];
        let answer = http.send(|c| c.post(token_uri).form(&form)).await?;
        if !answer.status.is_success() {
            return Err(refusal(answer.status.as_u16(), &answer.body));
        }
        let t: TokenAnswer =
            serde_json::from_str(&answer.body).map_err(|e| ProviderError::Protocol(format!("token response: {e}")))?;
        let refresh_token =
            t.refresh_token.ok_or_else(|| ProviderError::Protocol("no refresh token for an offline consent".into()))?;
        let scopes: Vec<String> = t.scope.split_whitespace().map(str::to_string).collect();
        self.grants.lock().expect("grants").insert(email.clone(), UserGrant { refresh_token, scopes: scopes.clone() });
        Ok((email, scopes))
    }

    /// The member's grant, if they connected.
    pub fn grant(&self, email: &str) -> Option<UserGrant> {
        self.grants.lock().expect("grants").get(&email.to_ascii_lowercase()).cloned()
    }

    /// Refreshes an access token for a connected member; `(token, expires_in)`.
    pub async fn refresh(
        &self,
        http: &HttpClient,
        token_uri: &str,
        client: &OAuthClientConfig,
        grant: &UserGrant,
    ) -> Result<(String, i64), ProviderError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", grant.refresh_token.as_str()),
            ("client_id", client.client_id.as_str()),
            ("client_secret", client.client_secret.as_str()),
        ];
        let answer = http.send(|c| c.post(token_uri).form(&form)).await?;
        if !answer.status.is_success() {
            return Err(refusal(answer.status.as_u16(), &answer.body));
        }
        let t: TokenAnswer =
            serde_json::from_str(&answer.body).map_err(|e| ProviderError::Protocol(format!("token response: {e}")))?;
        Ok((t.access_token, t.expires_in))
    }
}
