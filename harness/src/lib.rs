//! The harness: drives an engine against the simulator from Gherkin features, and the
//! pieces of the `tenantsim` CLI.
//!
//! This crate is where the simulator and the engine meet; neither knows the other.
//!
//! # Layout
//! - [`world`]: the cucumber World (one simulator + tenant + engine per scenario).
//! - [`steps`]: the step vocabulary, one file per concept; [`params`]: its parameter types.
//! - [`adapter`]: the trait an engine is driven through, and the reference engine adapter.
//! - [`clock`]: the engine's view of the tenant's virtual clock.
//! - [`runner`]: runs the suite (report, JUnit, `N passed, N failed`).
//! - [`catalog`], [`serve`]: CLI pieces.

pub mod adapter;
pub mod catalog;
pub mod clock;
pub mod params;
pub mod runner;
pub mod serve;
pub mod steps;
pub mod world;
