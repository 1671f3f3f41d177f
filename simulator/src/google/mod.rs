//! The fake Google Workspace: OAuth token endpoint, Admin SDK Directory, Calendar v3 and
//! Gmail v1,
//! under their real paths so a client only swaps the base URL.
//!
//! This module owns its routes, its error format ([`errors`]) and its state
//! ([`GoogleState`]); the clock, faults, journal and token store are shared concerns of
//! the crate. [`GoogleState`] is the facade other modules use.

mod auth;
mod calendar;
mod directory;
pub mod errors;
mod gmail;
mod grants;
mod keys;
mod oauth;
mod state;
mod user_oauth;

use axum::Router;
use axum::routing::{get, post};

use crate::Simulator;
pub use grants::{AuthCode, RefreshGrant, UserGrants};
pub use keys::{ServiceAccount, ServiceAccountKey};
pub use state::{CalendarRecord, DirectoryUser, EventRecord, GoogleState, ImpersonationRefusal, OrgUnit};

/// Token endpoint paths Google clients use (current and legacy).
pub const TOKEN_PATHS: &[&str] = &["/token", "/oauth2/v4/token", "/o/oauth2/token"];

/// The Google provider, as the server registers it.
pub(crate) const MODULE: crate::providers::ProviderModule = crate::providers::ProviderModule {
    name: "google",
    routes,
    paths: &["/token", "/oauth2/v4/token", "/o/oauth2/", "/revoke", "/admin/directory/", "/calendar/v3/", "/gmail/v1/"],
    fault_apis: &[
        ("token", TOKEN_PATHS),
        ("directory", &["/admin/directory/"]),
        ("calendar", &["/calendar/v3/"]),
        ("gmail", &["/gmail/v1/"]),
    ],
};

/// Every Google route.
fn routes() -> Router<Simulator> {
    let mut router = Router::new();
    for path in TOKEN_PATHS {
        router = router.route(path, post(oauth::token));
    }
    router
        .route("/admin/directory/v1/users", get(directory::list_users))
        .route("/admin/directory/v1/users/{user_key}", get(directory::get_user))
        .route("/admin/directory/v1/customer/{customer}/orgunits", get(directory::list_org_units))
        .route("/calendar/v3/users/me/calendarList", get(calendar::calendar_list))
        .route("/calendar/v3/calendars/{calendar_id}/events", get(calendar::list_events))
        .route("/calendar/v3/calendars/{calendar_id}/events/{event_id}", get(calendar::get_event))
        .route("/o/oauth2/v2/auth", get(user_oauth::authorize))
        .route("/o/oauth2/auth", get(user_oauth::authorize))
        .route("/revoke", post(user_oauth::revoke))
        .route("/o/oauth2/revoke", post(user_oauth::revoke))
        .route("/gmail/v1/users/{user_id}/profile", get(gmail::profile))
        .route("/gmail/v1/users/{user_id}/messages", get(gmail::list_messages))
        .route("/gmail/v1/users/{user_id}/messages/{id}", get(gmail::get_message))
        .route("/gmail/v1/users/{user_id}/history", get(gmail::list_history))
}
