//! The simulator: one HTTP server that fakes Google Workspace (and, as it grows,
//! Microsoft 365, Zoom and meeting rooms) by replaying scripted tenants.
//!
//! A client only swaps the base URL: provider routes live under their real paths
//! (`/token`, `/admin/directory/v1/users`, `/calendar/v3/…`). A tenant can also be pinned
//! with a `/t/{tenant}` prefix; a token issued for one tenant is refused under another.
//! Everything runs on each tenant's virtual clock; every random choice comes from the
//! scenario seed.
//!
//! This crate is not an engine and knows nothing about the recording product beyond
//! carrying the scenario's `company` section for whoever drives the engine.
//!
//! # Layout
//! - [`Simulator`] (this file): the handle — load scenarios, move clocks, read the
//!   journal, serve HTTP.
//! - [`scenario`]: the YAML format and its checks.
//! - `server`: the router, the pin/journal middleware and the serve loop.
//! - `admin`: the `/_sim` admin API.
//! - [`google`]: the fake Google Workspace (OAuth, Directory, Calendar).
//! - Shared concerns: [`clock`], [`journal`], [`faults`], [`tokens`], `tenant`.

// Handlers return early with a ready `Response` as the error; boxing it would only add
// noise to every route.
#![allow(clippy::result_large_err)]

pub mod clock;
pub mod faults;
pub mod google;
pub mod journal;
pub mod links;
pub mod manifest;
pub mod paging;
pub mod rooms;
pub mod scenario;
pub mod tls;
pub mod tokens;
pub mod zoom;

mod access;
mod admin;
mod providers;
mod rendered;
mod reply;
mod server;
mod tenant;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use chrono::{DateTime, Duration, Utc};
use thiserror::Error;
use tokio::net::TcpListener;

pub use clock::ClockError;
pub use faults::FaultRule;
pub use journal::{JournalEntry, JournalFilter};
pub use manifest::Manifest;
pub use scenario::{Action, Scenario, ScenarioError};
pub use server::RunningServer;
pub use tenant::AppliedChange;

use journal::Journal;
use tenant::Tenant;

/// Errors from driving the simulator through its handle or admin API.
#[derive(Debug, Error)]
pub enum SimError {
    /// No tenant with that id is loaded.
    #[error("no tenant `{0}` is loaded")]
    UnknownTenant(String),
    /// A tenant with that id is already loaded (use replace).
    #[error("tenant `{0}` is already loaded; replace it with PUT /_sim/tenants/{0} or pick another id")]
    TenantExists(String),
    /// The clock change was refused.
    #[error(transparent)]
    Clock(#[from] ClockError),
    /// The action could not be applied.
    #[error("{0}")]
    Action(String),
    /// The tenant has no Google Workspace.
    #[error("tenant `{0}` has no Google Workspace")]
    NoGoogle(String),
    /// The tenant id breaks the naming rule.
    #[error("tenant id `{id}` is not allowed: {message}")]
    BadTenantId {
        /// The id asked for (escaped when shown).
        id: String,
        /// What is wrong.
        message: String,
    },
    /// The fault rule does not check.
    #[error("fault rule: {0}")]
    BadFault(String),
}

/// The state every request handler shares.
///
/// Tenants are held independently: the registry maps ids to [`TenantCell`]s and is only
/// read-locked for the moment it takes to clone an `Arc`; each tenant then has its own
/// mutex, so requests to different tenants never wait for each other, and a tenant is
/// built (keys, scenario expansion) before the registry's write lock is taken.
pub(crate) struct Shared {
    tenants: RwLock<BTreeMap<String, Arc<TenantCell>>>,
    /// How many times each id was loaded (a reset or replace starts a new generation,
    /// so the new tenant's tokens never repeat the old one's).
    generations: Mutex<HashMap<String, u64>>,
    journal: Mutex<Journal>,
    pub(crate) admin: admin::AdminPolicy,
}

/// One loaded tenant: its fixed identity (read without locking) and its live state.
pub(crate) struct TenantCell {
    /// Tenant id.
    pub id: String,
    /// The credentials clients present before a token exists, to find the tenant by.
    pub identity: Identity,
    state: Mutex<Tenant>,
}

/// What identifies a tenant to a token endpoint, fixed at load.
#[derive(Debug, Clone, Default)]
pub(crate) struct Identity {
    /// Google service account `client_email` (JWT `iss`).
    pub google_service_account: Option<String>,
    /// Google web OAuth client id.
    pub google_oauth_client: Option<String>,
    /// Zoom account id.
    pub zoom_account: Option<String>,
}

impl TenantCell {
    /// Locks the tenant's state. A panic while it was held would be a simulator bug;
    /// keep serving what is there rather than failing every later request.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Tenant> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The simulator handle: cheap to clone, shared by the server and its drivers.
#[derive(Clone)]
pub struct Simulator {
    shared: Arc<Shared>,
}

impl Default for Simulator {
    fn default() -> Self {
        Self::builder().build()
    }
}

/// Configures a [`Simulator`].
#[must_use = "call .build() to get a Simulator"]
pub struct SimulatorBuilder {
    journal_capacity: usize,
    admin: admin::AdminPolicy,
}

impl SimulatorBuilder {
    /// Keeps at most `n` journal entries (default [`journal::DEFAULT_CAPACITY`]).
    pub fn journal_capacity(mut self, n: usize) -> Self {
        self.journal_capacity = n;
        self
    }

    /// Requires `Authorization: Bearer {token}` on every admin API call (for a simulator
    /// on a shared machine).
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin.token = Some(token.into());
        self
    }

    /// Also accepts admin API calls addressed to `host` (a `Host` header value such as
    /// `sim.internal:7070`), beyond loopback names and the listening address. `*` accepts
    /// any host (only behind an admin token or on an isolated network).
    pub fn allow_admin_host(mut self, host: impl Into<String>) -> Self {
        self.admin.extra_hosts.push(host.into().to_ascii_lowercase());
        self
    }

    /// Builds an empty simulator.
    pub fn build(self) -> Simulator {
        Simulator {
            shared: Arc::new(Shared {
                tenants: RwLock::new(BTreeMap::new()),
                generations: Mutex::new(HashMap::new()),
                journal: Mutex::new(Journal::with_capacity(self.journal_capacity)),
                admin: self.admin,
            }),
        }
    }
}

/// A tenant's clock, as reported.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClockReport {
    /// Virtual now.
    pub now: DateTime<Utc>,
    /// Scenario start.
    pub start: DateTime<Utc>,
    /// Timeline steps applied by this change (empty for a read).
    pub applied: Vec<AppliedChange>,
}

impl Simulator {
    /// A builder with defaults.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder { journal_capacity: journal::DEFAULT_CAPACITY, admin: admin::AdminPolicy::default() }
    }

    pub(crate) fn journal_lock(&self) -> MutexGuard<'_, Journal> {
        self.shared.journal.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn admin_policy(&self) -> &admin::AdminPolicy {
        &self.shared.admin
    }

    fn registry(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Arc<TenantCell>>> {
        self.shared.tenants.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The tenant `id`, if loaded.
    pub(crate) fn tenant(&self, id: &str) -> Option<Arc<TenantCell>> {
        self.registry().get(id).cloned()
    }

    /// The first tenant (in id order) that `pin` allows and whose identity `matches`.
    pub(crate) fn find_tenant(
        &self,
        pin: Option<&str>,
        matches: impl Fn(&Identity) -> bool,
    ) -> Option<Arc<TenantCell>> {
        match pin {
            Some(id) => self.tenant(id).filter(|c| matches(&c.identity)),
            None => self.registry().values().find(|c| matches(&c.identity)).cloned(),
        }
    }

    /// Loads a scenario under its own name. Returns the tenant id.
    pub fn load(&self, scenario: Scenario) -> Result<String, SimError> {
        let id = scenario.name.clone();
        self.load_as(&id, scenario, false)
    }

    /// Loads a scenario under `id`, replacing an existing tenant only if `replace`.
    ///
    /// The tenant is built before the registry is locked for writing, so loading a large
    /// tenant never stalls requests to the others.
    pub fn load_as(&self, id: &str, scenario: Scenario, replace: bool) -> Result<String, SimError> {
        tenant::check_tenant_id(id).map_err(|message| SimError::BadTenantId { id: id.to_string(), message })?;
        if !replace && self.registry().contains_key(id) {
            return Err(SimError::TenantExists(id.to_string()));
        }
        let generation = {
            let mut generations = self.shared.generations.lock().unwrap_or_else(|p| p.into_inner());
            let n = generations.entry(id.to_string()).or_insert(0);
            *n += 1;
            *n - 1
        };
        let tenant = Tenant::from_scenario(id, scenario, generation);
        let cell = Arc::new(TenantCell { id: id.to_string(), identity: tenant.identity(), state: Mutex::new(tenant) });
        let mut tenants = self.shared.tenants.write().unwrap_or_else(|p| p.into_inner());
        if tenants.contains_key(id) && !replace {
            return Err(SimError::TenantExists(id.to_string()));
        }
        tenants.insert(id.to_string(), cell);
        Ok(id.to_string())
    }

    /// Puts a tenant back to its scenario's start (clock, directory, faults, tokens).
    pub fn reset(&self, id: &str) -> Result<(), SimError> {
        let (name, spec) = self.with_tenant(id, |t| Ok((t.scenario.name.clone(), t.scenario.spec.clone())))?;
        // The spec checked once; checking it again rebuilds the same scenario (seeded).
        let scenario = scenario::from_spec(&name, spec).map_err(|e| SimError::Action(e.to_string()))?;
        self.load_as(id, scenario, true).map(|_| ())
    }

    /// Removes a tenant and its tokens.
    pub fn unload(&self, id: &str) -> Result<(), SimError> {
        let mut tenants = self.shared.tenants.write().unwrap_or_else(|p| p.into_inner());
        tenants.remove(id).map(|_| ()).ok_or_else(|| SimError::UnknownTenant(id.into()))
    }

    /// Ids of the loaded tenants.
    pub fn tenant_ids(&self) -> Vec<String> {
        self.registry().keys().cloned().collect()
    }

    /// Every loaded tenant, in id order.
    pub(crate) fn tenants(&self) -> Vec<Arc<TenantCell>> {
        self.registry().values().cloned().collect()
    }

    pub(crate) fn with_tenant<T>(
        &self,
        id: &str,
        f: impl FnOnce(&mut Tenant) -> Result<T, SimError>,
    ) -> Result<T, SimError> {
        let cell = self.tenant(id).ok_or_else(|| SimError::UnknownTenant(id.into()))?;
        let mut tenant = cell.lock();
        f(&mut tenant)
    }

    /// The tenant's clock.
    pub fn clock(&self, id: &str) -> Result<ClockReport, SimError> {
        self.with_tenant(id, |t| Ok(ClockReport { now: t.clock.now(), start: t.clock.start(), applied: vec![] }))
    }

    /// Moves a tenant's clock forward, applying timeline steps on the way.
    pub fn advance(&self, id: &str, by: Duration) -> Result<ClockReport, SimError> {
        if by < Duration::zero() {
            return Err(ClockError::Backwards.into());
        }
        self.with_tenant(id, |t| {
            // Checked: an advance past the clock's range is refused, never overflows.
            let to = t.clock.target_after(by)?;
            let applied = t.advance_to(to)?;
            Ok(ClockReport { now: t.clock.now(), start: t.clock.start(), applied })
        })
    }

    /// Sets a tenant's clock (never backwards), applying timeline steps on the way.
    pub fn set_clock(&self, id: &str, to: DateTime<Utc>) -> Result<ClockReport, SimError> {
        self.with_tenant(id, |t| {
            let applied = t.advance_to(to)?;
            Ok(ClockReport { now: t.clock.now(), start: t.clock.start(), applied })
        })
    }

    /// Applies an action to a tenant now.
    pub fn apply(&self, id: &str, action: &Action) -> Result<AppliedChange, SimError> {
        self.with_tenant(id, |t| t.apply(action).map_err(SimError::Action))
    }

    /// Adds a fault rule to a tenant.
    pub fn add_fault(&self, id: &str, rule: FaultRule) -> Result<(), SimError> {
        rule.check().map_err(|p| SimError::BadFault(p.to_string()))?;
        self.with_tenant(id, |t| {
            t.faults.add(rule);
            Ok(())
        })
    }

    /// The tenant's fault rules still active or pending.
    pub fn faults(&self, id: &str) -> Result<Vec<FaultRule>, SimError> {
        self.with_tenant(id, |t| Ok(t.faults.rules().to_vec()))
    }

    /// Removes every fault rule of a tenant.
    pub fn clear_faults(&self, id: &str) -> Result<(), SimError> {
        self.with_tenant(id, |t| {
            t.faults.clear();
            Ok(())
        })
    }

    /// Changes applied since load.
    pub fn changes(&self, id: &str) -> Result<Vec<AppliedChange>, SimError> {
        self.with_tenant(id, |t| Ok(t.changes.clone()))
    }

    /// The recorder's service-account key file for a tenant's Google Workspace, with
    /// `token_uri` pointing at `base_url` (e.g. `http://127.0.0.1:7070/t/acme`).
    pub fn google_key_file(&self, id: &str, base_url: &str) -> Result<serde_json::Value, SimError> {
        self.with_tenant(id, |t| {
            let g = t.google.as_ref().ok_or_else(|| SimError::NoGoogle(id.into()))?;
            Ok(g.service_account.key_file(&format!("{}/token", base_url.trim_end_matches('/'))))
        })
    }

    /// Journal entries matching `filter`, oldest first.
    pub fn journal(&self, filter: &JournalFilter) -> Vec<JournalEntry> {
        self.journal_lock().query(filter)
    }

    /// Journal size figures: (entries held, capacity, evicted, approximate heap bytes).
    pub fn journal_stats(&self) -> (usize, usize, u64, usize) {
        let j = self.journal_lock();
        (j.len(), j.capacity(), j.evicted(), j.approximate_bytes())
    }

    /// What a client needs to reach every tenant when the server is at `base_url`.
    pub fn manifest(&self, base_url: &str) -> Manifest {
        manifest::build(self, base_url)
    }

    /// Serves HTTP on `listener` until `shutdown` completes.
    pub async fn serve(
        &self,
        listener: TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        server::run(self.clone(), listener, shutdown).await
    }

    /// Binds `addr` (use port 0 for an ephemeral port) and serves in a background task
    /// that stops when the returned [`RunningServer`] is dropped.
    pub async fn start(&self, addr: SocketAddr) -> std::io::Result<RunningServer> {
        server::start(self.clone(), addr, None).await
    }

    /// Serves HTTPS on `listener` with `tls` until `shutdown` completes (beside, or instead
    /// of, plain HTTP: both serve the same tenants).
    pub async fn serve_tls(
        &self,
        listener: TcpListener,
        tls: &tls::TlsIdentity,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        server::run_tls(self.clone(), listener, tls, shutdown).await
    }

    /// Like [`Simulator::start`], over TLS with `tls`'s certificate; the returned server's
    /// `base_url` is `https://localhost:{port}`.
    pub async fn start_tls(&self, addr: SocketAddr, tls: tls::TlsIdentity) -> std::io::Result<RunningServer> {
        server::start(self.clone(), addr, Some(tls)).await
    }
}
