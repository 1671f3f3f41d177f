//! How the harness drives an engine: a small trait, so the same steps can drive the
//! reference engine in-process or, later, a product team's engine over HTTP.
//!
//! An adapter is created once per scenario, after the tenant is loaded, from a
//! [`Connection`] (where the provider APIs are and the credentials a customer would hand
//! over). Steps only call the trait's methods.

use std::sync::Arc;

use engine::google::{GoogleEndpoints, ServiceAccountKeyFile};
use engine::recording::RecordingDecision;
use engine::{BoxFuture, Clock, CompanySettings, Engine, ImportedMeeting, RetryPolicy, SyncReport, TeamMembersPage};
use thiserror::Error;

/// What an engine is given to connect to a tenant.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Tenant id in the simulator.
    pub tenant: String,
    /// Admin API root (`http://127.0.0.1:port/_sim`).
    pub admin_url: String,
    /// Google API root pinned to the tenant, if the tenant has Google.
    pub google_base_url: Option<String>,
    /// The Google service-account key file, downloaded from the admin API.
    pub google_key_file: Option<serde_json::Value>,
    /// The recorder's web OAuth client for user-by-user Google connections.
    pub google_oauth: Option<engine::google::OAuthClientConfig>,
    /// The Zoom account's S2S app, if the tenant has Zoom.
    pub zoom: Option<engine::zoom::ZoomConfig>,
    /// The meeting-room service the bot joins through.
    pub rooms_url: Option<String>,
}

/// An engine could not be driven.
#[derive(Debug, Error)]
pub enum AdapterError {
    /// Setting the engine up failed.
    #[error("engine setup failed: {0}")]
    Setup(String),
    /// The engine failed to do what was asked.
    #[error("engine call failed: {0}")]
    Call(String),
}

/// An engine under test.
pub trait EngineAdapter: Send + Sync {
    /// A short name for reports.
    fn name(&self) -> &str;
    /// Runs one sync with `settings` (which also decides meetings and sends the bot to
    /// meetings that have started).
    fn sync<'a>(&'a self, settings: &'a CompanySettings) -> BoxFuture<'a, Result<SyncReport, AdapterError>>;
    /// The Team members page for `settings`.
    fn team_page<'a>(&'a self, settings: &'a CompanySettings) -> BoxFuture<'a, Result<TeamMembersPage, AdapterError>>;
    /// Meetings imported so far.
    fn meetings(&self) -> BoxFuture<'_, Result<Vec<ImportedMeeting>, AdapterError>>;
    /// The recording decision for every meeting.
    fn decisions(&self) -> BoxFuture<'_, Result<Vec<RecordingDecision>, AdapterError>>;
    /// Imported emails, with the member whose mailbox each came from.
    fn emails(&self) -> BoxFuture<'_, Result<Vec<(String, engine::provider::MailMessage)>, AdapterError>>;
    /// Connects Google company-wide as `admin`; an error says why it was refused.
    fn connect_company_wide<'a>(
        &'a self,
        settings: &'a mut CompanySettings,
        admin: &'a str,
    ) -> BoxFuture<'a, Result<(), String>>;
    /// Starts a member's user-by-user connection to the company's provider (as `settings`
    /// name it): the consent URL for their browser.
    fn begin_user_connection(&self, settings: &CompanySettings, email: &str) -> Result<String, String>;
    /// Completes it with the `state` and `code` the browser brought back.
    fn complete_user_connection<'a>(
        &'a self,
        settings: &'a mut CompanySettings,
        state: &'a str,
        code: &'a str,
    ) -> BoxFuture<'a, Result<(), String>>;
}

/// The reference engine, in-process, on the tenant's virtual clock.
pub struct ReferenceEngine {
    engine: Engine,
}

impl ReferenceEngine {
    /// Connects the reference engine to a tenant.
    pub fn connect(conn: &Connection, clock: Arc<dyn Clock>) -> Result<Self, AdapterError> {
        let mut builder = Engine::builder().clock(clock).retry(RetryPolicy::default());
        if let (Some(base), Some(key)) = (&conn.google_base_url, &conn.google_key_file) {
            let key =
                ServiceAccountKeyFile::from_json(&key.to_string()).map_err(|e| AdapterError::Setup(e.to_string()))?;
            builder = builder.google(GoogleEndpoints::under(base), key);
        }
        if let Some(oauth) = &conn.google_oauth {
            builder = builder.google_oauth_client(oauth.clone());
        }
        if let Some(zoom) = &conn.zoom {
            builder = builder.zoom(zoom.clone());
        }
        if let Some(rooms) = &conn.rooms_url {
            builder = builder.rooms(rooms);
        }
        let engine = builder.build().map_err(|e| AdapterError::Setup(e.to_string()))?;
        Ok(Self { engine })
    }
}

impl EngineAdapter for ReferenceEngine {
    fn name(&self) -> &str {
        "reference"
    }

    fn sync<'a>(&'a self, settings: &'a CompanySettings) -> BoxFuture<'a, Result<SyncReport, AdapterError>> {
        Box::pin(async move { Ok(self.engine.sync(settings).await) })
    }

    fn team_page<'a>(&'a self, settings: &'a CompanySettings) -> BoxFuture<'a, Result<TeamMembersPage, AdapterError>> {
        Box::pin(async move { Ok(self.engine.team_page(settings)) })
    }

    fn meetings(&self) -> BoxFuture<'_, Result<Vec<ImportedMeeting>, AdapterError>> {
        Box::pin(async move { Ok(self.engine.meetings()) })
    }

    fn decisions(&self) -> BoxFuture<'_, Result<Vec<RecordingDecision>, AdapterError>> {
        Box::pin(async move { Ok(self.engine.decisions()) })
    }

    fn emails(&self) -> BoxFuture<'_, Result<Vec<(String, engine::provider::MailMessage)>, AdapterError>> {
        Box::pin(async move { Ok(self.engine.emails()) })
    }

    fn connect_company_wide<'a>(
        &'a self,
        settings: &'a mut CompanySettings,
        admin: &'a str,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move { self.engine.connect_company_wide(settings, admin).await.map_err(|e| e.to_string()) })
    }

    fn begin_user_connection(&self, settings: &CompanySettings, email: &str) -> Result<String, String> {
        self.engine.begin_user_connection(settings, email).map_err(|e| e.to_string())
    }

    fn complete_user_connection<'a>(
        &'a self,
        settings: &'a mut CompanySettings,
        state: &'a str,
        code: &'a str,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            self.engine.complete_user_connection(settings, state, code).await.map(|_| ()).map_err(|e| e.to_string())
        })
    }
}
