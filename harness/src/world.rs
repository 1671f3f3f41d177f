//! The cucumber World: one scenario's simulator, tenant, company settings and engine.
//!
//! A scenario first *declares* a tenant (a scenario file, or inline Gherkin tables that
//! build the same [`ScenarioSpec`]); the first step that needs it *starts* it: a fresh
//! simulator on an ephemeral loopback port, the tenant loaded through the admin API as a
//! user would, its key file downloaded, and the engine connected. Each scenario owns its
//! simulator, so scenarios run concurrently and never share state.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cucumber::World;
use engine::{CompanySettings, TeamMembersPage};
use simulator::scenario::ScenarioSpec;
use simulator::{RunningServer, Simulator};

use crate::adapter::{Connection, EngineAdapter, ReferenceEngine};
use crate::clock::TenantClock;

/// A step failure message.
pub type StepResult = Result<(), String>;

/// A started tenant and the engine connected to it.
pub struct Live {
    /// The simulator (in-process handle).
    pub sim: Simulator,
    /// Its server; dropped with the World.
    pub server: RunningServer,
    /// Tenant id.
    pub tenant: String,
    /// HTTP client for the admin API.
    pub http: reqwest::Client,
    /// The engine under test.
    pub engine: Box<dyn EngineAdapter>,
}

impl Live {
    /// `http://127.0.0.1:port/_sim`.
    pub fn admin_url(&self) -> String {
        format!("{}/_sim", self.server.base_url())
    }
}

/// One scenario's world.
#[derive(World)]
#[world(init = Self::new)]
pub struct TenantWorld {
    /// The tenant being declared (until started).
    pub spec: Option<ScenarioSpec>,
    /// The company's settings, as the engine is given them.
    pub settings: CompanySettings,
    /// The started tenant.
    pub live: Option<Live>,
    /// The last connection attempt's outcome (`Err` says why it was refused); `None`
    /// until a step attempts one.
    pub last_connection_attempt: Option<Result<(), String>>,
    /// The last direct provider call's answer.
    pub last_answer: Option<crate::steps::provider::ProviderAnswer>,
}

impl std::fmt::Debug for TenantWorld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantWorld")
            .field("scenario", &self.spec.as_ref().map(|s| s.name.value.clone()))
            .field("started", &self.live.as_ref().map(|l| l.server.base_url()))
            .finish()
    }
}

impl TenantWorld {
    fn new() -> Self {
        Self {
            spec: None,
            settings: CompanySettings::default(),
            live: None,
            last_connection_attempt: None,
            last_answer: None,
        }
    }

    /// The spec being declared; fails once the tenant has started, since a running
    /// tenant changes only through timeline steps or the admin API.
    pub fn spec_mut(&mut self) -> Result<&mut ScenarioSpec, String> {
        if self.live.is_some() {
            return Err(
                "the tenant is already running: declare the tenant before the first When step, or use an admin step"
                    .into(),
            );
        }
        self.spec
            .as_mut()
            .ok_or_else(|| "no tenant declared yet: start with `Given the scenario \"…\"` or `Given a Google Workspace tenant \"…\"`".into())
    }

    /// Starts the declared tenant if it is not running yet.
    pub async fn live(&mut self) -> Result<&mut Live, String> {
        if self.live.is_none() {
            let spec = self.spec.clone().ok_or(
                "no tenant declared: start with `Given the scenario \"…\"` or `Given a Google Workspace tenant \"…\"`",
            )?;
            self.live = Some(start(spec).await?);
            // Members a scenario declares connected (user-by-user) connect for real, through
            // the consent flow, so the engine holds their refresh tokens.
            if self.settings.google.mode == engine::settings::ConnectionMode::UserByUser {
                let connected: Vec<String> =
                    self.settings.team.iter().filter(|m| m.connected).map(|m| m.email.clone()).collect();
                for email in connected {
                    self.connect_member(&email).await.map_err(|e| format!("{email} could not connect: {e}"))?;
                }
            }
        }
        Ok(self.live.as_mut().expect("just started"))
    }

    /// Plays `email`'s browser through the consent flow and hands the result to the
    /// engine. `Err` carries the provider's error (`access_denied`, …) or the engine's.
    pub async fn connect_member(&mut self, email: &str) -> Result<(), String> {
        let live = self.live.as_ref().ok_or("the tenant is not running")?;
        let url = live.engine.begin_user_connection(&self.settings, email)?;
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        let response = browser.get(&url).send().await.map_err(|e| e.to_string())?;
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(str::to_string)
            .ok_or(format!("the consent page answered {} without a redirect", response.status()))?;
        let query: std::collections::HashMap<String, String> =
            serde_urlencoded_lite(location.split_once('?').map(|(_, q)| q).unwrap_or_default());
        if let Some(error) = query.get("error") {
            return Err(format!("consent refused: {error}"));
        }
        let (state, code) =
            (query.get("state").cloned().unwrap_or_default(), query.get("code").cloned().unwrap_or_default());
        let mut settings = self.settings.clone();
        live.engine.complete_user_connection(&mut settings, &state, &code).await?;
        self.settings = settings;
        Ok(())
    }

    /// The Team members page as the engine computes it now.
    pub async fn page(&mut self) -> Result<TeamMembersPage, String> {
        let settings = self.settings.clone();
        let live = self.live().await?;
        live.engine.team_page(&settings).await.map_err(|e| e.to_string())
    }
}

async fn start(spec: ScenarioSpec) -> Result<Live, String> {
    let sim = Simulator::default();
    let server = sim
        .start("127.0.0.1:0".parse().expect("loopback"))
        .await
        .map_err(|e| format!("cannot start simulator: {e}"))?;
    let http = reqwest::Client::new();
    let admin = format!("{}/_sim", server.base_url());
    let yaml = serde_saphyr::to_string(&spec).map_err(|e| format!("cannot serialise the scenario: {e}"))?;
    let response = http
        .post(format!("{admin}/tenants"))
        .header("content-type", "application/yaml")
        .body(yaml)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        let message = body["error"]["message"].as_str().unwrap_or_default().to_string();
        return Err(format!("the simulator refused the tenant ({status}):\n{message}"));
    }
    let tenant = body["id"].as_str().ok_or("admin API answered without an id")?.to_string();
    let google_base_url = body["tenant"]["google"]["base_url"].as_str().map(str::to_string);
    let google_key_file = match &google_base_url {
        Some(_) => {
            let url = format!("{admin}/tenants/{tenant}/google/service-account.json");
            let r = http.get(url).send().await.map_err(|e| e.to_string())?;
            Some(r.json::<serde_json::Value>().await.map_err(|e| e.to_string())?)
        }
        None => None,
    };
    let zoom = body["tenant"]["zoom"].as_object().map(|z| {
        let field = |k: &str| z.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        engine::zoom::ZoomConfig {
            token_url: field("token_url"),
            api_url: field("api_url"),
            account_id: field("account_id"),
            client_id: field("client_id"),
            client_secret: field("client_secret"),
        }
    });
    let rooms_url = Some(format!("{}/t/{tenant}/rooms", server.base_url()));
    let google_oauth =
        body["tenant"]["google"]["oauth_client_id"].as_str().map(|id| engine::google::OAuthClientConfig {
            client_id: id.to_string(),
            client_secret: body["tenant"]["google"]["oauth_client_secret"].as_str().unwrap_or_default().to_string(),
            redirect_uri: "http://localhost/oauth/callback".into(),
        });
    let conn = Connection {
        tenant: tenant.clone(),
        admin_url: admin,
        google_base_url,
        google_key_file,
        google_oauth,
        zoom,
        rooms_url,
    };
    let clock = Arc::new(TenantClock::new(sim.clone(), &tenant));
    let engine = ReferenceEngine::connect(&conn, clock).map_err(|e| e.to_string())?;
    Ok(Live { sim, server, tenant, http, engine: Box::new(engine) })
}

/// Finds a scenario file: as given, else relative to the workspace root.
pub fn resolve_path(path: &str) -> PathBuf {
    let given = Path::new(path);
    if given.exists() {
        return given.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// Reads a URL query into a map (percent-decoding keys and values).
fn serde_urlencoded_lite(query: &str) -> std::collections::HashMap<String, String> {
    reqwest::Url::parse(&format!("http://x/?{query}"))
        .map(|u| u.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
        .unwrap_or_default()
}
