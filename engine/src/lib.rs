//! The reference sync and recording engine. It talks HTTP to provider APIs (real or
//! simulated, by base URL), imports the directory and calendars, and computes the Team
//! members page.
//!
//! This crate knows nothing about the simulator or cucumber: the harness drives it
//! through [`Engine`] and gives it a [`Clock`]; a product team's own engine can replace
//! it behind the harness's adapter trait.
//!
//! # Layout
//! - [`Engine`] (this file): the facade — `sync`, `team_page`, `meetings`.
//! - [`settings`]: the company's configuration.
//! - [`provider`]: the traits sync, page and decisions see the company's directory,
//!   calendars and mail through, with neutral types; [`google`]: the Google Workspace
//!   client (tokens, Directory, Calendar, Gmail), one implementation.
//! - [`http`]: retries with backoff and `Retry-After`, on the engine's clock.
//! - `sync`: one sync run; [`store`]: what was imported; [`page`]: the Team members page.
//! - [`recording`]: will each meeting be recorded (REC rules); `schedule`: deciding after
//!   each sync and sending the bot; [`links`]: conference links and gateway wrappers;
//!   [`zoom`]: the Zoom client; [`bot`]: joining meetings.

pub mod bot;
pub mod clock;
pub mod error;
pub mod google;
pub mod http;
pub mod links;
pub mod page;
pub mod provider;
pub mod recording;
mod schedule;
pub mod settings;
pub mod store;
mod sync;
pub mod zoom;

use std::sync::{Arc, Mutex};

pub use clock::{BoxFuture, Clock, SystemClock};
pub use error::ProviderError;
pub use http::RetryPolicy;
pub use page::{Icon, IconKind, MemberRow, Notice, TeamMembersPage};
pub use settings::CompanySettings;
pub use store::ImportedMeeting;
pub use sync::{SyncReport, SyncWindow};

use google::{GoogleClient, GoogleEndpoints, ServiceAccountKeyFile};
use provider::Workspace;
use settings::WorkspaceKind;
use store::SyncState;

/// Why a connection attempt was refused; nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Company-wide connections need a provider admin (DC-13).
    #[error("{admin} is not a {provider} admin: only an admin can connect company-wide; connect user-by-user instead")]
    NotAdmin {
        /// The provider's display name.
        provider: &'static str,
        /// Who tried.
        admin: String,
    },
    /// The company is already connected to another tenant (DC-12).
    #[error(
        "the company is already connected to the {provider} tenant {connected}; a company connects one tenant per provider, so {requested} was not connected"
    )]
    AnotherTenant {
        /// The provider's display name.
        provider: &'static str,
        /// The tenant already connected.
        connected: String,
        /// The tenant asked for.
        requested: String,
    },
    /// The engine has no client for this provider configured.
    #[error("{0} is not configured")]
    NotConfigured(&'static str),
    /// The provider refused or failed.
    #[error(transparent)]
    Provider(ProviderError),
}

/// The engine for one company.
pub struct Engine {
    clock: Arc<dyn Clock>,
    /// The provider tenants the engine can reach, at most one per kind.
    workspaces: Vec<Box<dyn Workspace>>,
    zoom: Option<zoom::ZoomClient>,
    bot: Option<bot::BotClient>,
    window: SyncWindow,
    state: Mutex<SyncState>,
}

/// Configures an [`Engine`].
#[must_use = "call .build() to get an Engine"]
pub struct EngineBuilder {
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    window: SyncWindow,
    google: Option<(GoogleEndpoints, ServiceAccountKeyFile)>,
    workspaces: Vec<Box<dyn Workspace>>,
    zoom: Option<zoom::ZoomConfig>,
    rooms_url: Option<String>,
    oauth: Option<google::OAuthClientConfig>,
}

impl EngineBuilder {
    /// Uses `clock` for now and for waiting (a virtual clock under test).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Retry policy for every provider call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Calendar read window.
    pub fn window(mut self, window: SyncWindow) -> Self {
        self.window = window;
        self
    }

    /// Enables user-by-user Google connections through the recorder's web OAuth client.
    pub fn google_oauth_client(mut self, client: google::OAuthClientConfig) -> Self {
        self.oauth = Some(client);
        self
    }

    /// Connects to Google Workspace at `endpoints` with the service account `key`.
    pub fn google(mut self, endpoints: GoogleEndpoints, key: ServiceAccountKeyFile) -> Self {
        self.google = Some((endpoints, key));
        self
    }

    /// Adds a provider tenant behind the [`Workspace`] traits (another provider, or a
    /// test double); it replaces one of the same kind configured before.
    pub fn workspace(mut self, workspace: Box<dyn Workspace>) -> Self {
        self.workspaces.retain(|w| w.kind() != workspace.kind());
        self.workspaces.push(workspace);
        self
    }

    /// Connects to a Zoom account (server-to-server OAuth app).
    pub fn zoom(mut self, config: zoom::ZoomConfig) -> Self {
        self.zoom = Some(config);
        self
    }

    /// Where the recording bot joins meetings (the meeting-room service).
    pub fn rooms(mut self, url: &str) -> Self {
        self.rooms_url = Some(url.to_string());
        self
    }

    /// Builds the engine; fails if the key file cannot be used.
    pub fn build(self) -> Result<Engine, ProviderError> {
        let http = http::HttpClient::new(self.clock.clone(), self.retry);
        let mut workspaces = self.workspaces;
        if let Some((endpoints, key)) = self.google {
            workspaces.retain(|w| w.kind() != WorkspaceKind::Google);
            let client = GoogleClient::new(http.clone(), self.clock.clone(), endpoints, key)?;
            workspaces.push(Box::new(match self.oauth {
                Some(oauth) => client.with_oauth_client(oauth),
                None => client,
            }));
        }
        let zoom = self.zoom.map(|config| zoom::ZoomClient::new(http.clone(), self.clock.clone(), config));
        let bot = self.rooms_url.map(|url| bot::BotClient::new(http, &url));
        Ok(Engine {
            clock: self.clock,
            workspaces,
            zoom,
            bot,
            window: self.window,
            state: Mutex::new(SyncState::default()),
        })
    }
}

impl Engine {
    /// A builder on the system clock with default retries.
    pub fn builder() -> EngineBuilder {
        EngineBuilder {
            clock: Arc::new(SystemClock),
            retry: RetryPolicy::default(),
            window: SyncWindow::default(),
            google: None,
            workspaces: Vec::new(),
            zoom: None,
            rooms_url: None,
            oauth: None,
        }
    }

    /// The client for a provider, if one was configured.
    fn workspace(&self, kind: WorkspaceKind) -> Option<&dyn Workspace> {
        self.workspaces.iter().find(|w| w.kind() == kind).map(|w| w.as_ref())
    }

    fn state(&self) -> std::sync::MutexGuard<'_, SyncState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reads the providers as `settings` say and updates what the engine knows.
    pub async fn sync(&self, settings: &CompanySettings) -> SyncReport {
        let started = self.clock.now();
        let (tokens, known_mail) = {
            let state = self.state();
            (state.sync_tokens.clone(), state.emails.keys().cloned().collect())
        };
        let (kind, conn) = settings.workspace();
        let outcome =
            sync::read_provider(self.workspace(kind), conn, settings, &tokens, &known_mail, started, self.window).await;
        let finished = self.clock.now();
        let report = sync::apply(&mut self.state(), outcome, finished);
        self.schedule(settings).await;
        report
    }

    /// Decides every unsettled meeting and attends those that have started.
    pub async fn schedule(&self, settings: &CompanySettings) {
        // The state is copied out so no lock is held across provider calls.
        let snapshot = self.state().clone();
        let decided = schedule::decide_all(&snapshot, self.zoom.as_ref(), settings).await;
        self.state().decisions.extend(decided);
        let decisions = self.state().decisions.clone();
        let attended = schedule::attend(&decisions, self.bot.as_ref(), settings, self.clock.now()).await;
        let mut state = self.state();
        for d in attended {
            state.decisions.insert(d.meeting.clone(), d);
        }
    }

    /// Connects Google Workspace company-wide as `admin` (see
    /// [`Engine::connect_workspace_company_wide`]).
    pub async fn connect_company_wide(&self, settings: &mut CompanySettings, admin: &str) -> Result<(), ConnectError> {
        self.connect_workspace_company_wide(WorkspaceKind::Google, settings, admin).await
    }

    /// Connects a provider company-wide as `admin`, if they are an admin of a tenant the
    /// company may connect; on success `settings` says so, otherwise nothing changes.
    pub async fn connect_workspace_company_wide(
        &self,
        kind: WorkspaceKind,
        settings: &mut CompanySettings,
        admin: &str,
    ) -> Result<(), ConnectError> {
        let provider = kind.display_name();
        let admin = admin.trim().to_ascii_lowercase();
        let domain = admin.rsplit_once('@').map(|(_, d)| d.to_string()).unwrap_or_default();
        // One tenant per provider (DC-12).
        if let Some(connected) = settings.connection(kind).tenant_domain()
            && connected != domain
        {
            return Err(ConnectError::AnotherTenant { provider, connected: connected.to_string(), requested: domain });
        }
        let workspace = self.workspace(kind).ok_or(ConnectError::NotConfigured(provider))?;
        workspace.use_mode(settings::ConnectionMode::CompanyWide);
        match workspace.list_users(&admin).await {
            Ok(_) => {
                let conn = settings.connection_mut(kind);
                conn.mode = settings::ConnectionMode::CompanyWide;
                conn.admin = Some(admin);
                Ok(())
            }
            // Company-wide needs a provider admin (DC-13).
            Err(ProviderError::Refused { status: 403, .. }) => Err(ConnectError::NotAdmin { provider, admin }),
            Err(e) => Err(ConnectError::Provider(e)),
        }
    }

    /// Starts a member's user-by-user connection to the company's provider: the consent
    /// URL for their browser.
    pub fn begin_user_connection(&self, settings: &CompanySettings, email: &str) -> Result<String, ConnectError> {
        let kind = settings.workspace().0;
        let workspace = self.workspace(kind).ok_or(ConnectError::NotConfigured(kind.display_name()))?;
        workspace.begin_user_connection(email).map_err(ConnectError::Provider)
    }

    /// Completes a member's connection with what the browser brought back to the redirect
    /// URI (`code` and `state`); marks them connected in `settings`.
    pub async fn complete_user_connection(
        &self,
        settings: &mut CompanySettings,
        state: &str,
        code: &str,
    ) -> Result<Vec<String>, ConnectError> {
        let kind = settings.workspace().0;
        let workspace = self.workspace(kind).ok_or(ConnectError::NotConfigured(kind.display_name()))?;
        let (email, scopes) = workspace.complete_user_connection(state, code).await.map_err(ConnectError::Provider)?;
        if let Some(m) = settings.member_mut(&email) {
            m.connected = true;
        }
        Ok(scopes)
    }

    /// Every imported email with the member whose mailbox it came from, oldest first.
    pub fn emails(&self) -> Vec<(String, provider::MailMessage)> {
        let mut all: Vec<_> = self.state().emails.iter().map(|((member, _), m)| (member.clone(), m.clone())).collect();
        all.sort_by(|a, b| (a.1.at, &a.1.id).cmp(&(b.1.at, &b.1.id)));
        all
    }

    /// Every recording decision, by meeting start.
    pub fn decisions(&self) -> Vec<recording::RecordingDecision> {
        let mut all: Vec<_> = self.state().decisions.values().cloned().collect();
        all.sort_by(|a, b| (a.start, &a.meeting).cmp(&(b.start, &b.meeting)));
        all
    }

    /// The Team members page for `settings` and the last sync.
    pub fn team_page(&self, settings: &CompanySettings) -> TeamMembersPage {
        page::team_members_page(settings, &self.state())
    }

    /// Every meeting imported so far, by start time.
    pub fn meetings(&self) -> Vec<ImportedMeeting> {
        let mut all: Vec<_> = self.state().meetings.values().cloned().collect();
        all.sort_by(|a, b| (a.event.start, &a.event.ical_uid).cmp(&(b.event.start, &b.event.ical_uid)));
        all
    }

    /// How many times each meeting UID was stored as a new meeting (see
    /// [`store::SyncState::new_imports`]).
    pub fn new_imports(&self) -> std::collections::BTreeMap<String, u32> {
        self.state().new_imports().clone()
    }

    /// Directory users from the last successful directory sync.
    pub fn directory(&self) -> Vec<provider::DirectoryUser> {
        self.state().directory.clone()
    }
}
