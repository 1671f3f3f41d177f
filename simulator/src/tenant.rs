//! A loaded tenant: one scenario's live world (clock, providers, faults, pending timeline).
//!
//! Everything here is plain data mutated under the simulator's state lock; nothing awaits.

use chrono::{DateTime, Utc};
use rand_chacha03::ChaCha8Rng;
use rand_chacha03::rand_core::SeedableRng;
use serde::Serialize;

use crate::clock::{ClockError, VirtualClock};
use crate::faults::FaultPlan;
use crate::google::GoogleState;
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
    /// The scenario it was loaded from (kept for `reset`).
    pub scenario: Scenario,
    /// Its virtual clock.
    pub clock: VirtualClock,
    /// Its seeded random source (ids, tokens).
    pub rng: ChaCha8Rng,
    /// The fake Google Workspace, if the scenario has one.
    pub google: Option<GoogleState>,
    /// Active fault rules.
    pub faults: FaultPlan,
    /// Timeline steps not yet reached, in time order.
    pending: Vec<TimedAction>,
    /// What has changed since load.
    pub changes: Vec<AppliedChange>,
    /// Recording-bot sessions in meeting rooms.
    pub rooms: crate::rooms::Sessions,
    /// The fake Zoom account, if the scenario has one.
    pub zoom: Option<crate::zoom::ZoomState>,
}

impl Tenant {
    /// Builds a tenant at the scenario's start, applying steps due at the start.
    pub fn from_scenario(id: &str, scenario: Scenario, tokens: &mut TokenStore) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(scenario.seed);
        let google =
            scenario.google.as_ref().map(|g| GoogleState::build(g, scenario.seed, id, &mut rng, scenario.start));
        let zoom = scenario.zoom.as_ref().map(|z| crate::zoom::ZoomState::build(z, &mut rng, scenario.start));
        let mut faults = FaultPlan::default();
        for rule in &scenario.faults {
            faults.add(rule.clone());
        }
        let mut tenant = Tenant {
            id: id.to_string(),
            clock: VirtualClock::starting_at(scenario.start),
            rng,
            google,
            faults,
            pending: scenario.timeline.clone(),
            changes: Vec::new(),
            rooms: Default::default(),
            zoom,
            scenario,
        };
        let start = tenant.clock.now();
        tenant.run_due(start, tokens);
        tenant
    }

    /// Moves the clock to `to`, applying every timeline step due on the way, in order.
    pub fn advance_to(&mut self, to: DateTime<Utc>, tokens: &mut TokenStore) -> Result<Vec<AppliedChange>, ClockError> {
        self.clock.set(to)?;
        let applied = self.run_due(to, tokens);
        tokens.purge_expired(&self.id, to);
        Ok(applied)
    }

    fn run_due(&mut self, now: DateTime<Utc>, tokens: &mut TokenStore) -> Vec<AppliedChange> {
        let due = self.pending.iter().take_while(|t| t.at <= now).count();
        let steps: Vec<TimedAction> = self.pending.drain(..due).collect();
        let mut applied = Vec::new();
        for step in steps {
            let change = match self.apply_at(&step.action, step.at, tokens) {
                Ok(c) => c,
                Err(e) => AppliedChange { at: step.at, change: format!("skipped: {e}") },
            };
            applied.push(change);
        }
        applied
    }

    /// Applies an action now (admin API) and records it.
    pub fn apply(&mut self, action: &Action, tokens: &mut TokenStore) -> Result<AppliedChange, String> {
        let now = self.clock.now();
        self.apply_at(action, now, tokens)
    }

    fn apply_at(
        &mut self,
        action: &Action,
        at: DateTime<Utc>,
        tokens: &mut TokenStore,
    ) -> Result<AppliedChange, String> {
        let change = match action {
            Action::AddFault(rule) => {
                self.faults.add(rule.clone());
                format!("fault added: {} answers {}", rule.api, rule.status)
            }
            other => {
                let google = self.google.as_mut().ok_or("the tenant has no Google Workspace")?;
                let change = google.apply(other, at, &mut self.rng)?;
                if let Action::SuspendUser(email)
                | Action::RevokeUserGrants(email)
                | Action::DeleteUser(email)
                | Action::ExpireTokens(email) = other
                {
                    // Suspending, deleting, revoking or expiring stops the user's tokens at once.
                    tokens.revoke_subject(&self.id, email);
                }
                change
            }
        };
        let applied = AppliedChange { at, change };
        self.changes.push(applied.clone());
        Ok(applied)
    }

    /// Timeline steps still to come.
    pub fn pending(&self) -> &[TimedAction] {
        &self.pending
    }
}
