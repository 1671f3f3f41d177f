//! Time as the engine sees it. The engine never reads the wall clock or sleeps for real
//! when it is driven by a test: the harness gives it a clock bound to the simulator's
//! virtual time, so a `Retry-After: 30` costs 30 virtual seconds and no real ones.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Duration, Utc};

/// A boxed future, for the object-safe [`Clock`] trait.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The engine's source of "now" and of waiting.
pub trait Clock: Send + Sync {
    /// Current time.
    fn now(&self) -> DateTime<Utc>;
    /// Waits `by` (on a virtual clock: moves it forward by `by`).
    fn sleep(&self, by: Duration) -> BoxFuture<'_, ()>;
}

/// The real clock, for running against real providers.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep(&self, by: Duration) -> BoxFuture<'_, ()> {
        Box::pin(tokio::time::sleep(by.to_std().unwrap_or_default()))
    }
}
