//! The recording product's company configuration: how it connects to providers, what it
//! imports, and its team members with their seats and capture toggles. The engine reads
//! these on every call, so a changed setting takes effect on the next sync or page.
//!
//! The model itself lives in the `company-settings` crate, shared with the simulator's
//! scenario format and the harness, so there is one definition; this module re-exports it
//! under its historical path.

pub use company_settings::*;
