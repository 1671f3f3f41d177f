//! A loaded tenant: one scenario's live world (clock, providers, faults, pending timeline).
//!
//! Everything here is plain data mutated under the tenant's own lock (see `TenantCell` in
//! the crate root); nothing awaits, and nothing here is shared with another tenant.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand_chacha03::ChaCha8Rng;
use rand_chacha03::rand_core::SeedableRng;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::clock::{ClockError, VirtualClock};
use crate::faults::FaultPlan;
use crate::google::{GoogleState, UserGrants};
use crate::scenario::{Action, Scenario, TimedAction};
use crate::tokens::TokenStore;

/// A timeline step or admin action that took effect.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AppliedChange {
    /// Virtual time it took effect.
    pub at: DateTime<Utc>,
    /// What changed, in words.
    pub change: String,
}

/// One scenario loaded into the simulator.
#[derive(Debug)]
pub struct Tenant {
    /// Tenant id (the scenario name unless loaded under another id).
    pub id: String,
    /// The scenario it was loaded from, without its Google data (moved into `google`);
    /// `reset` rebuilds the whole scenario from its `spec`.
    pub scenario: Scenario,
    /// Its virtual clock.
    pub clock: VirtualClock,
    /// Its seeded random source (ids of things the timeline adds).
    pub rng: ChaCha8Rng,
    /// The fake Google Workspace's data, if the scenario has one. Shared as a snapshot:
    /// a request clones the `Arc` under the tenant lock and reads, filters and renders
    /// after releasing it; a change copies the data only while a reader still holds it.
    pub google: Option<Arc<GoogleState>>,
    /// Users' own OAuth grants to the recorder's web client (codes, refresh tokens).
    pub google_grants: UserGrants,
    /// Active fault rules.
    pub faults: FaultPlan,
    /// Access tokens this tenant issued.
    pub tokens: TokenStore,
    /// Bumped by every change to what the APIs serve; rendered answers are cached per
    /// revision.
    pub revision: u64,
    /// Answers rendered at the current revision.
    pub rendered: crate::rendered::RenderCache,
    /// Timeline steps not yet reached, in time order.
    pending: Vec<TimedAction>,
    /// What has changed since load.
    pub changes: Vec<AppliedChange>,
    /// Recording-bot sessions in meeting rooms.
    pub rooms: crate::rooms::Sessions,
    /// The fake Zoom account, if the scenario has one.
    pub zoom: Option<Arc<crate::zoom::ZoomState>>,
}

/// Checks a tenant id: 1 to 64 ASCII letters, digits, `-`, `_` or `.`, not starting with
/// a dot. Ids become URL path segments (`/t/{id}/…`) and file names in manifests.
pub fn check_tenant_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > 64 {
        return Err("use 1 to 64 characters".into());
    }
    if id.starts_with('.') {
        return Err("it must not start with `.`".into());
    }
    match id.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        Some(c) => Err(format!("{c:?} is not allowed; use only letters, digits, `-`, `_` and `.`")),
        None => Ok(()),
    }
}

/// A random stream for one tenant's generated credentials (service-account identity,
/// OAuth client, Zoom app), from the scenario seed *and* the tenant id: two tenants loaded
/// from one scenario are two customers, with credentials of their own.
pub fn identity_rng(seed: u64, tenant: &str, purpose: &str) -> ChaCha8Rng {
    let mut h = Sha256::new();
    h.update(b"tenantsim identity\0");
    h.update(seed.to_le_bytes());
    h.update(tenant.as_bytes());
    h.update([0]);
    h.update(purpose.as_bytes());
    ChaCha8Rng::from_seed(h.finalize().into())
}

impl Tenant {
    /// Builds a tenant at the scenario's start, applying steps due at the start.
    /// `generation` counts earlier loads of the same id (tokens never repeat across them).
    ///
    /// The scenario's Google data moves into the live state (it is not kept twice); `reset`
    /// rebuilds it from the scenario's spec.
    pub fn from_scenario(id: &str, mut scenario: Scenario, generation: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(scenario.seed);
        let google = scenario
            .google
            .take()
            .map(|g| Arc::new(GoogleState::build(g, scenario.seed, id, &mut rng, scenario.start)));
        let zoom = scenario
            .zoom
            .as_ref()
            .map(|z| Arc::new(crate::zoom::ZoomState::build(z, &mut rng, scenario.start, scenario.seed, id)));
        let mut faults = FaultPlan::default();
        for rule in &scenario.faults {
            faults.add(rule.clone());
        }
        let mut tenant = Tenant {
            id: id.to_string(),
            clock: VirtualClock::starting_at(scenario.start),
            rng,
            google,
            google_grants: UserGrants::default(),
            faults,
            tokens: TokenStore::new(scenario.seed, id, generation),
            revision: 0,
            rendered: Default::default(),
            pending: scenario.timeline.clone(),
            changes: Vec::new(),
            rooms: Default::default(),
            zoom,
            scenario,
        };
        let start = tenant.clock.now();
        tenant.run_due(start);
        tenant
    }

    /// The identity token endpoints find this tenant by.
    pub(crate) fn identity(&self) -> crate::Identity {
        crate::Identity {
            google_service_account: self.google.as_ref().map(|g| g.service_account.client_email.clone()),
            google_oauth_client: self.google.as_ref().map(|g| g.oauth_client.client_id.clone()),
            zoom_account: self.zoom.as_ref().map(|z| z.account_id.clone()),
        }
    }

    /// Moves the clock to `to`, applying every timeline step due on the way, in order.
    pub fn advance_to(&mut self, to: DateTime<Utc>) -> Result<Vec<AppliedChange>, ClockError> {
        self.clock.set(to)?;
        let applied = self.run_due(to);
        self.tokens.purge_expired(to);
        self.revision += 1;
        Ok(applied)
    }

    fn run_due(&mut self, now: DateTime<Utc>) -> Vec<AppliedChange> {
        let due = self.pending.iter().take_while(|t| t.at <= now).count();
        let steps: Vec<TimedAction> = self.pending.drain(..due).collect();
        let mut applied = Vec::new();
        for step in steps {
            let change = match self.apply_at(&step.action, step.at) {
                Ok(c) => c,
                Err(e) => AppliedChange { at: step.at, change: format!("skipped: {e}") },
            };
            applied.push(change);
        }
        applied
    }

    /// Applies an action now (admin API) and records it.
    pub fn apply(&mut self, action: &Action) -> Result<AppliedChange, String> {
        let now = self.clock.now();
        self.apply_at(action, now)
    }

    fn apply_at(&mut self, action: &Action, at: DateTime<Utc>) -> Result<AppliedChange, String> {
        let change = match action {
            Action::AddFault(rule) => {
                self.faults.add(rule.clone());
                format!("fault added: {} answers {}", rule.api, rule.status)
            }
            Action::RevokeUserGrants(email) => {
                let n = self.google_grants.revoke_subject(email);
                self.tokens.revoke_subject(email);
                format!("{email} removed the app's access ({n} refresh tokens revoked)")
            }
            other => {
                let google = self.google.as_mut().ok_or("the tenant has no Google Workspace")?;
                let change = Arc::make_mut(google).apply(other, at, &mut self.rng)?;
                if let Action::SuspendUser(email) | Action::DeleteUser(email) | Action::ExpireTokens(email) = other {
                    // Suspending, deleting or expiring stops the user's tokens at once.
                    self.tokens.revoke_subject(email);
                }
                change
            }
        };
        self.revision += 1;
        let applied = AppliedChange { at, change };
        self.changes.push(applied.clone());
        Ok(applied)
    }

    /// Timeline steps still to come.
    pub fn pending(&self) -> &[TimedAction] {
        &self.pending
    }
}
