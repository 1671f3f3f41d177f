//! The provider registry: every fake provider the server mounts, in one list.
//!
//! A provider module (`google/`, `zoom/`, `rooms/`) describes itself once as a
//! [`ProviderModule`]: its routes, which request paths are its own (for the journal), and
//! the fault APIs it answers with the paths each covers (for [`crate::faults`]). Adding a
//! provider is a new module plus one line in [`PROVIDERS`]; its data goes in `tenant.rs`,
//! its scenario section in `scenario/`, its entry in `manifest.rs`.

use axum::Router;

use crate::Simulator;

/// What the server needs to know about one provider.
pub(crate) struct ProviderModule {
    /// Name in the journal (`google`, `zoom`, `rooms`).
    pub name: &'static str,
    /// Its routes, under their real paths.
    pub routes: fn() -> Router<Simulator>,
    /// Path prefixes it owns (without the tenant pin), for the journal.
    pub paths: &'static [&'static str],
    /// Fault API names it answers, each with the path prefixes it covers.
    pub fault_apis: &'static [(&'static str, &'static [&'static str])],
}

/// Every provider the simulator serves.
pub(crate) const PROVIDERS: &[ProviderModule] = &[crate::google::MODULE, crate::zoom::MODULE, crate::rooms::MODULE];

/// The provider that answers `path` (without the tenant pin), for the journal.
pub(crate) fn provider_of(path: &str) -> &'static str {
    PROVIDERS.iter().find(|p| p.paths.iter().any(|prefix| path.starts_with(prefix))).map_or("unknown", |p| p.name)
}

/// Every fault API with its path prefixes, across providers.
pub(crate) fn fault_apis() -> impl Iterator<Item = &'static (&'static str, &'static [&'static str])> {
    PROVIDERS.iter().flat_map(|p| p.fault_apis.iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_belong_to_their_provider() {
        assert_eq!(provider_of("/calendar/v3/users/me/calendarList"), "google");
        assert_eq!(provider_of("/o/oauth2/v2/auth"), "google");
        assert_eq!(provider_of("/token"), "google");
        assert_eq!(provider_of("/v2/users"), "zoom");
        assert_eq!(provider_of("/oauth/token"), "zoom");
        assert_eq!(provider_of("/rooms/join"), "rooms");
        assert_eq!(provider_of("/nothing"), "unknown");
    }
}
