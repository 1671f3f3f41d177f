//! The engine's clock under test: the tenant's virtual clock. Reading it asks the
//! simulator; waiting moves it forward, so retries and backoff cost no real time and a
//! run is repeatable.

use chrono::{DateTime, Duration, Utc};
use engine::{BoxFuture, Clock};
use simulator::Simulator;

/// A tenant's virtual clock, seen from the engine.
pub struct TenantClock {
    sim: Simulator,
    tenant: String,
}

impl TenantClock {
    /// The clock of `tenant` in `sim`.
    pub fn new(sim: Simulator, tenant: &str) -> Self {
        Self { sim, tenant: tenant.to_string() }
    }
}

impl Clock for TenantClock {
    fn now(&self) -> DateTime<Utc> {
        // The tenant exists for the life of the scenario that owns this clock.
        self.sim.clock(&self.tenant).map(|c| c.now).unwrap_or_default()
    }

    fn sleep(&self, by: Duration) -> BoxFuture<'_, ()> {
        if let Err(e) = self.sim.advance(&self.tenant, by) {
            tracing::warn!("virtual clock did not move: {e}");
        }
        Box::pin(async {})
    }
}
