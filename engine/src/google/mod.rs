//! Google Workspace client: service-account tokens with domain-wide delegation,
//! Directory users and Calendar events, over plain HTTP at configurable base URLs.
//!
//! Nothing here knows about the simulator: point [`GoogleEndpoints`] at
//! `https://admin.googleapis.com` and friends and it talks to Google.

mod api;
mod gmail;
mod token;

use std::sync::Arc;

use serde::Deserialize;

pub use api::{CalendarEvent, CalendarRef, DirectoryUser, EventAttendee, EventChanges};
pub use gmail::MailMessage;
pub use token::TokenCache;

use crate::clock::Clock;
use crate::error::ProviderError;
use crate::http::HttpClient;

/// Where the Google APIs are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleEndpoints {
    /// Token endpoint; the key file's `token_uri` is used when `None`.
    pub token_uri: Option<String>,
    /// Root of the Directory API (`…/admin/directory/v1`).
    pub directory: String,
    /// Root of the Calendar API (`…/calendar/v3`).
    pub calendar: String,
    /// Root of the Gmail API (`…/gmail/v1`).
    pub gmail: String,
}

impl GoogleEndpoints {
    /// Google's real endpoints.
    pub fn google() -> Self {
        Self {
            token_uri: None,
            directory: "https://admin.googleapis.com/admin/directory/v1".into(),
            calendar: "https://www.googleapis.com/calendar/v3".into(),
            gmail: "https://gmail.googleapis.com/gmail/v1".into(),
        }
    }

    /// Every API under one root, as the simulator serves them (`http://host/t/tenant`).
    pub fn under(base: &str) -> Self {
        let base = base.trim_end_matches('/');
        Self {
            token_uri: Some(format!("{base}/token")),
            directory: format!("{base}/admin/directory/v1"),
            calendar: format!("{base}/calendar/v3"),
            gmail: format!("{base}/gmail/v1"),
        }
    }
}

/// The parts of a service-account key file the engine uses.
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceAccountKeyFile {
    /// Service account address (the JWT `iss`).
    pub client_email: String,
    /// PKCS#8 PEM private key.
    pub private_key: String,
    /// Key id (the JWT `kid`).
    #[serde(default)]
    pub private_key_id: Option<String>,
    /// Token endpoint.
    pub token_uri: String,
}

impl ServiceAccountKeyFile {
    /// Reads a key file's JSON.
    pub fn from_json(text: &str) -> Result<Self, ProviderError> {
        serde_json::from_str(text).map_err(|e| ProviderError::Config(format!("service-account key file: {e}")))
    }
}

/// Scope URLs the engine requests (read-only, DC-14).
pub mod scopes {
    /// Directory users, read-only.
    pub const DIRECTORY: &str = "https://www.googleapis.com/auth/admin.directory.user.readonly";
    /// Calendar, read-only.
    pub const CALENDAR: &str = "https://www.googleapis.com/auth/calendar.readonly";
    /// Gmail, read-only.
    pub const GMAIL: &str = "https://www.googleapis.com/auth/gmail.readonly";
}

/// A Google Workspace client for one tenant.
#[derive(Clone)]
pub struct GoogleClient {
    http: HttpClient,
    endpoints: GoogleEndpoints,
    tokens: Arc<TokenCache>,
}

impl GoogleClient {
    /// A client for the tenant whose service account is `key`.
    pub fn new(
        http: HttpClient,
        clock: Arc<dyn Clock>,
        endpoints: GoogleEndpoints,
        key: ServiceAccountKeyFile,
    ) -> Result<Self, ProviderError> {
        let token_uri = endpoints.token_uri.clone().unwrap_or_else(|| key.token_uri.clone());
        let tokens = Arc::new(TokenCache::new(key, token_uri, clock)?);
        Ok(Self { http, endpoints, tokens })
    }

    /// An access token acting as `subject` with `scope` (cached until shortly before expiry).
    pub async fn token(&self, subject: &str, scope: &str) -> Result<String, ProviderError> {
        self.tokens.token(&self.http, subject, scope).await
    }

    /// Drops cached tokens (e.g. after settings change).
    pub fn forget_tokens(&self) {
        self.tokens.clear();
    }

    pub(crate) fn http(&self) -> &HttpClient {
        &self.http
    }

    pub(crate) fn endpoints(&self) -> &GoogleEndpoints {
        &self.endpoints
    }
}

/// Reads Google's error body (nested API shape or flat OAuth shape) into a refusal.
pub(crate) fn refusal(status: u16, body: &str) -> ProviderError {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let (code, message) = match &value["error"] {
        serde_json::Value::String(code) => {
            (code.clone(), value["error_description"].as_str().unwrap_or_default().to_string())
        }
        serde_json::Value::Object(err) => {
            let reason = err
                .get("errors")
                .and_then(|e| e.get(0))
                .and_then(|e| e.get("reason"))
                .and_then(|r| r.as_str())
                .or_else(|| err.get("status").and_then(|s| s.as_str()))
                .unwrap_or_default();
            (reason.to_string(), err.get("message").and_then(|m| m.as_str()).unwrap_or_default().to_string())
        }
        _ => (String::new(), body.chars().take(200).collect()),
    };
    ProviderError::Refused { provider: "Google Workspace".into(), status, code, message }
}
