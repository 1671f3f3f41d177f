//! Service-account access tokens: an RS256-signed JWT assertion per (subject, scope),
//! exchanged at the token endpoint and cached on the engine's clock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};

use super::{ServiceAccountKeyFile, refusal};
use crate::clock::Clock;
use crate::error::ProviderError;
use crate::http::HttpClient;

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// Google's token audience; sent even when the token endpoint is elsewhere, as google-auth does.
const AUDIENCE: &str = "https://oauth2.googleapis.com/token";

#[derive(Serialize)]
struct Assertion<'a> {
    iss: &'a str,
    sub: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: i64,
}

/// A token and when it expires (engine clock).
pub(crate) type CachedToken = (String, DateTime<Utc>);

/// Tokens per (subject, scope).
pub struct TokenCache {
    key: ServiceAccountKeyFile,
    signing_key: EncodingKey,
    token_uri: String,
    clock: Arc<dyn Clock>,
    cached: Mutex<HashMap<(String, String), CachedToken>>,
}

impl TokenCache {
    /// A cache for `key`, exchanging at `token_uri`.
    pub fn new(key: ServiceAccountKeyFile, token_uri: String, clock: Arc<dyn Clock>) -> Result<Self, ProviderError> {
        let signing_key = EncodingKey::from_rsa_pem(key.private_key.as_bytes())
            .map_err(|e| ProviderError::Config(format!("service-account private key: {e}")))?;
        Ok(Self { key, signing_key, token_uri, clock, cached: Mutex::new(HashMap::new()) })
    }

    /// Forgets every cached token.
    pub fn clear(&self) {
        self.cached.lock().expect("token cache").clear();
    }

    /// Forgets the cached token for `subject` and `scope`.
    pub fn forget(&self, subject: &str, scope: &str) {
        self.cached.lock().expect("token cache").remove(&(subject.to_ascii_lowercase(), scope.to_string()));
    }

    /// A valid token for `subject` and `scope`.
    pub async fn token(&self, http: &HttpClient, subject: &str, scope: &str) -> Result<String, ProviderError> {
        let now = self.clock.now();
        let cache_key = (subject.to_ascii_lowercase(), scope.to_string());
        if let Some((token, expires)) = self.cached.lock().expect("token cache").get(&cache_key)
            && *expires > now + Duration::minutes(1)
        {
            return Ok(token.clone());
        }
        let claims = Assertion {
            iss: &self.key.client_email,
            sub: subject,
            scope,
            aud: AUDIENCE,
            iat: now.timestamp(),
            exp: (now + Duration::hours(1)).timestamp(),
        };
        let mut header = Header::new(Algorithm::RS256);
        header.kid = self.key.private_key_id.clone();
        let assertion = jsonwebtoken::encode(&header, &claims, &self.signing_key)
            .map_err(|e| ProviderError::Config(format!("cannot sign assertion: {e}")))?;
        let form = [("grant_type", JWT_BEARER), ("assertion", assertion.as_str())];
        let answer = http.send(|c| c.post(&self.token_uri).form(&form)).await?;
        if !answer.status.is_success() {
            return Err(refusal(answer.status.as_u16(), &answer.body));
        }
        let parsed: TokenResponse =
            serde_json::from_str(&answer.body).map_err(|e| ProviderError::Protocol(format!("token response: {e}")))?;
        let expires = self.clock.now() + Duration::seconds(parsed.expires_in);
        self.cached.lock().expect("token cache").insert(cache_key, (parsed.access_token.clone(), expires));
        Ok(parsed.access_token)
    }
}
