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
pub mod tokens;
pub mod zoom;

mod admin;
mod reply;
mod server;
mod tenant;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

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
use tokens::TokenStore;

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
}

/// The state every request handler shares. Plain data behind std mutexes: no handler
/// holds a guard across an `.await`, so a blocking lock is cheaper than an async one.
pub(crate) struct Shared {
    state: Mutex<State>,
    journal: Mutex<Journal>,
}

pub(crate) struct State {
    pub tenants: BTreeMap<String, Tenant>,
    pub tokens: TokenStore,
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
}

impl SimulatorBuilder {
    /// Keeps at most `n` journal entries (default [`journal::DEFAULT_CAPACITY`]).
    pub fn journal_capacity(mut self, n: usize) -> Self {
        self.journal_capacity = n;
        self
    }

    /// Builds an empty simulator.
    pub fn build(self) -> Simulator {
        Simulator {
            shared: Arc::new(Shared {
                state: Mutex::new(State { tenants: BTreeMap::new(), tokens: TokenStore::default() }),
                journal: Mutex::new(Journal::with_capacity(self.journal_capacity)),
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
        SimulatorBuilder { journal_capacity: journal::DEFAULT_CAPACITY }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock would be a simulator bug; keep serving what is
        // there rather than failing every later request.
        self.shared.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn journal_lock(&self) -> MutexGuard<'_, Journal> {
        self.shared.journal.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Loads a scenario under its own name. Returns the tenant id.
    pub fn load(&self, scenario: Scenario) -> Result<String, SimError> {
        let id = scenario.name.clone();
        self.load_as(&id, scenario, false)
    }

    /// Loads a scenario under `id`, replacing an existing tenant only if `replace`.
    pub fn load_as(&self, id: &str, scenario: Scenario, replace: bool) -> Result<String, SimError> {
        let mut state = self.state();
        if state.tenants.contains_key(id) && !replace {
            return Err(SimError::TenantExists(id.to_string()));
        }
        state.tokens.forget_tenant(id);
        let tenant = Tenant::from_scenario(id, scenario, &mut state.tokens);
        state.tenants.insert(id.to_string(), tenant);
        Ok(id.to_string())
    }

    /// Puts a tenant back to its scenario's start (clock, directory, faults, tokens).
    pub fn reset(&self, id: &str) -> Result<(), SimError> {
        let scenario = self.with_tenant(id, |t, _| Ok(t.scenario.clone()))?;
        self.load_as(id, scenario, true).map(|_| ())
    }

    /// Removes a tenant and its tokens.
    pub fn unload(&self, id: &str) -> Result<(), SimError> {
        let mut state = self.state();
        state.tenants.remove(id).ok_or_else(|| SimError::UnknownTenant(id.into()))?;
        state.tokens.forget_tenant(id);
        Ok(())
    }

    /// Ids of the loaded tenants.
    pub fn tenant_ids(&self) -> Vec<String> {
        self.state().tenants.keys().cloned().collect()
    }

    pub(crate) fn with_tenant<T>(
        &self,
        id: &str,
        f: impl FnOnce(&mut Tenant, &mut TokenStore) -> Result<T, SimError>,
    ) -> Result<T, SimError> {
        let mut guard = self.state();
        let State { tenants, tokens } = &mut *guard;
        let tenant = tenants.get_mut(id).ok_or_else(|| SimError::UnknownTenant(id.into()))?;
        f(tenant, tokens)
    }

    /// The tenant's clock.
    pub fn clock(&self, id: &str) -> Result<ClockReport, SimError> {
        self.with_tenant(id, |t, _| Ok(ClockReport { now: t.clock.now(), start: t.clock.start(), applied: vec![] }))
    }

    /// Moves a tenant's clock forward, applying timeline steps on the way.
    pub fn advance(&self, id: &str, by: Duration) -> Result<ClockReport, SimError> {
        if by < Duration::zero() {
            return Err(ClockError::Backwards.into());
        }
        self.with_tenant(id, |t, tokens| {
            // Checked: an advance past the clock's range is refused, never overflows.
            let to = t.clock.target_after(by)?;
            let applied = t.advance_to(to, tokens)?;
            Ok(ClockReport { now: t.clock.now(), start: t.clock.start(), applied })
        })
    }

    /// Sets a tenant's clock (never backwards), applying timeline steps on the way.
    pub fn set_clock(&self, id: &str, to: DateTime<Utc>) -> Result<ClockReport, SimError> {
        self.with_tenant(id, |t, tokens| {
            let applied = t.advance_to(to, tokens)?;
            Ok(ClockReport { now: t.clock.now(), start: t.clock.start(), applied })
        })
    }

    /// Applies an action to a tenant now.
    pub fn apply(&self, id: &str, action: &Action) -> Result<AppliedChange, SimError> {
        self.with_tenant(id, |t, tokens| t.apply(action, tokens).map_err(SimError::Action))
    }

    /// Adds a fault rule to a tenant.
    pub fn add_fault(&self, id: &str, rule: FaultRule) -> Result<(), SimError> {
        self.with_tenant(id, |t, _| {
            t.faults.add(rule);
            Ok(())
        })
    }

    /// The tenant's fault rules still active or pending.
    pub fn faults(&self, id: &str) -> Result<Vec<FaultRule>, SimError> {
        self.with_tenant(id, |t, _| Ok(t.faults.rules().to_vec()))
    }

    /// Removes every fault rule of a tenant.
    pub fn clear_faults(&self, id: &str) -> Result<(), SimError> {
        self.with_tenant(id, |t, _| {
            t.faults.clear();
            Ok(())
        })
    }

    /// Changes applied since load.
    pub fn changes(&self, id: &str) -> Result<Vec<AppliedChange>, SimError> {
        self.with_tenant(id, |t, _| Ok(t.changes.clone()))
    }

    /// The recorder's service-account key file for a tenant's Google Workspace, with
    /// `token_uri` pointing at `base_url` (e.g. `http://127.0.0.1:7070/t/acme`).
    pub fn google_key_file(&self, id: &str, base_url: &str) -> Result<serde_json::Value, SimError> {
        self.with_tenant(id, |t, _| {
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
        server::start(self.clone(), addr).await
    }
}
