//! Google Workspace client: service-account tokens with domain-wide delegation,
//! Directory users and Calendar events, over plain HTTP at configurable base URLs.
//!
//! Nothing here knows about the simulator: point [`GoogleEndpoints`] at
//! `https://admin.googleapis.com` and friends and it talks to Google.

mod api;
mod gmail;
mod token;
mod user_auth;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::Deserialize;

/// The neutral types the client returns, under their historical path.
pub use crate::provider::{CalendarEvent, CalendarRef, DirectoryUser, EventAttendee, EventChanges, MailMessage};
pub use token::TokenCache;
pub use user_auth::{OAuthClientConfig, UserGrant};

use chrono::{DateTime, Utc};

use crate::clock::{BoxFuture, Clock};
use crate::error::ProviderError;
use crate::http::HttpClient;
use crate::provider::{CalendarProvider, DirectoryProvider, MailProvider, Workspace};
use crate::settings::{ConnectionMode, WorkspaceKind};

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
    /// Where users consent (3-legged OAuth).
    pub authorize: String,
}

impl GoogleEndpoints {
    /// Google's real endpoints.
    pub fn google() -> Self {
        Self {
            token_uri: None,
            directory: "https://admin.googleapis.com/admin/directory/v1".into(),
            calendar: "https://www.googleapis.com/calendar/v3".into(),
            gmail: "https://gmail.googleapis.com/gmail/v1".into(),
            authorize: "https://accounts.google.com/o/oauth2/v2/auth".into(),
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
            authorize: format!("{base}/o/oauth2/v2/auth"),
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
    clock: Arc<dyn Clock>,
    endpoints: GoogleEndpoints,
    token_uri: String,
    tokens: Arc<TokenCache>,
    oauth: Option<OAuthClientConfig>,
    users: Arc<user_auth::UserConnections>,
    user_mode: Arc<AtomicBool>,
    user_tokens: Arc<Mutex<HashMap<String, token::CachedToken>>>,
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
        let tokens = Arc::new(TokenCache::new(key, token_uri.clone(), clock.clone())?);
        Ok(Self {
            http,
            clock,
            endpoints,
            token_uri,
            tokens,
            oauth: None,
            users: Arc::default(),
            user_mode: Arc::default(),
            user_tokens: Arc::default(),
        })
    }

    /// Enables user-by-user connections through the recorder's web OAuth client.
    pub fn with_oauth_client(mut self, client: OAuthClientConfig) -> Self {
        self.oauth = Some(client);
        self
    }

    /// Chooses how tokens are obtained: user-by-user (each member's refresh token) or
    /// company-wide (the service account impersonating members).
    pub fn set_user_by_user(&self, on: bool) {
        self.user_mode.store(on, Ordering::Relaxed);
    }

    /// An access token acting as `subject` with `scope` (cached until shortly before expiry).
    pub async fn token(&self, subject: &str, scope: &str) -> Result<String, ProviderError> {
        if !self.user_mode.load(Ordering::Relaxed) {
            return self.tokens.token(&self.http, subject, scope).await;
        }
        let client = self
            .oauth
            .as_ref()
            .ok_or_else(|| ProviderError::Config("no OAuth client configured for user-by-user connections".into()))?;
        let refused = |status, code: &str, message: String| ProviderError::Refused {
            provider: "Google Workspace".into(),
            status,
            code: code.into(),
            message,
        };
        let grant = self
            .users
            .grant(subject)
            .ok_or_else(|| refused(401, "not_connected", format!("{subject} has not connected their account")))?;
        if !grant.scopes.iter().any(|s| s == scope) {
            return Err(refused(403, "scopes_missing", format!("{subject} did not grant {scope}")));
        }
        let now = self.clock.now();
        if let Some((token, expires)) = self.user_tokens.lock().expect("user tokens").get(subject)
            && *expires > now + chrono::Duration::minutes(1)
        {
            return Ok(token.clone());
        }
        let (token, expires_in) = self.users.refresh(&self.http, &self.token_uri, client, &grant).await?;
        let expires = self.clock.now() + chrono::Duration::seconds(expires_in);
        self.user_tokens.lock().expect("user tokens").insert(subject.to_string(), (token.clone(), expires));
        Ok(token)
    }

    /// Sends a request as `subject` with `scope`. A 401 means the token died early (the
    /// user revoked access, the provider rotated it): the cached token is dropped and the
    /// request is tried once more with a fresh one, whose refusal then tells why.
    pub(crate) async fn send_as(
        &self,
        subject: &str,
        scope: &str,
        build: impl Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder,
    ) -> Result<crate::http::Answer, ProviderError> {
        let token = self.token(subject, scope).await?;
        let answer = self.http.send(|c| build(c, &token)).await?;
        if answer.status.as_u16() != 401 {
            return Ok(answer);
        }
        self.tokens.forget(subject, scope);
        self.user_tokens.lock().expect("user tokens").remove(subject);
        let token = self.token(subject, scope).await?;
        self.http.send(|c| build(c, &token)).await
    }

    /// Starts a member's user-by-user connection: the consent URL for their browser.
    pub fn begin_user_connection(&self, email: &str) -> Result<String, ProviderError> {
        let client = self.oauth.as_ref().ok_or_else(|| ProviderError::Config("no OAuth client configured".into()))?;
        Ok(self.users.begin(&self.endpoints.authorize, client, email, &[scopes::CALENDAR, scopes::GMAIL]))
    }

    /// Completes a connection with the `code` and `state` the browser brought back;
    /// returns the member and the scopes they granted.
    pub async fn complete_user_connection(
        &self,
        state: &str,
        code: &str,
    ) -> Result<(String, Vec<String>), ProviderError> {
        let client = self.oauth.as_ref().ok_or_else(|| ProviderError::Config("no OAuth client configured".into()))?;
        self.users.complete(&self.http, &self.token_uri, client, state, code).await
    }

    /// Drops cached tokens (e.g. after settings change).
    pub fn forget_tokens(&self) {
        self.tokens.clear();
        self.user_tokens.lock().expect("user tokens").clear();
    }

    pub(crate) fn endpoints(&self) -> &GoogleEndpoints {
        &self.endpoints
    }
}

/// Google Workspace as one of the company's [`Workspace`]s.
impl DirectoryProvider for GoogleClient {
    fn list_users<'a>(&'a self, admin: &'a str) -> BoxFuture<'a, Result<Vec<DirectoryUser>, ProviderError>> {
        Box::pin(GoogleClient::list_users(self, admin))
    }
}

impl CalendarProvider for GoogleClient {
    fn list_calendars<'a>(&'a self, user: &'a str) -> BoxFuture<'a, Result<Vec<CalendarRef>, ProviderError>> {
        Box::pin(GoogleClient::list_calendars(self, user))
    }

    fn list_events<'a>(
        &'a self,
        user: &'a str,
        calendar: &'a str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        sync_token: Option<&'a str>,
    ) -> BoxFuture<'a, Result<EventChanges, ProviderError>> {
        Box::pin(GoogleClient::list_events(self, user, calendar, from, to, sync_token))
    }
}

impl MailProvider for GoogleClient {
    fn list_message_ids<'a>(
        &'a self,
        user: &'a str,
        after: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Vec<String>, ProviderError>> {
        Box::pin(GoogleClient::list_message_ids(self, user, after))
    }

    fn get_message<'a>(&'a self, user: &'a str, id: &'a str) -> BoxFuture<'a, Result<MailMessage, ProviderError>> {
        Box::pin(GoogleClient::get_message(self, user, id))
    }
}

impl Workspace for GoogleClient {
    fn kind(&self) -> WorkspaceKind {
        WorkspaceKind::Google
    }

    fn use_mode(&self, mode: ConnectionMode) {
        self.set_user_by_user(mode == ConnectionMode::UserByUser);
    }

    fn begin_user_connection(&self, email: &str) -> Result<String, ProviderError> {
        GoogleClient::begin_user_connection(self, email)
    }

    fn complete_user_connection<'a>(
        &'a self,
        state: &'a str,
        code: &'a str,
    ) -> BoxFuture<'a, Result<(String, Vec<String>), ProviderError>> {
        Box::pin(GoogleClient::complete_user_connection(self, state, code))
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
