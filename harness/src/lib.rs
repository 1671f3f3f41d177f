//! The harness: drives an engine against the simulator from Gherkin features, and the
//! pieces of the `tenantsim` CLI.

pub mod serve;
