//! The fake Zoom: server-to-server OAuth (`account_credentials`) and the API v2 calls a
//! recorder makes — users (licence, status), user settings (recording, waiting room) and
//! meetings (owner, settings) — under Zoom's real paths, with Zoom's error bodies
//! (`{"code","message"}`, token errors `{"reason","error"}`).
//!
//! # Layout
//! - `state`: the account built from the scenario;
//! - `oauth`: the token endpoint (a new token invalidates the account's earlier ones);
//! - `api`: users, settings, meetings, and the shared bearer check.

mod api;
mod oauth;
mod state;

use axum::Router;
use axum::routing::{get, post};

pub use state::{ZoomMeeting, ZoomState, ZoomUser};

use crate::Simulator;

/// The Zoom provider, as the server registers it.
pub(crate) const MODULE: crate::providers::ProviderModule = crate::providers::ProviderModule {
    name: "zoom",
    routes,
    paths: &["/v2/", "/oauth/token"],
    fault_apis: &[("zoom", &["/v2/"]), ("zoom_token", &["/oauth/token"])],
};

fn routes() -> Router<Simulator> {
    Router::new()
        .route("/oauth/token", post(oauth::token))
        .route("/v2/users", get(api::list_users))
        .route("/v2/users/{user_id}", get(api::get_user))
        .route("/v2/users/{user_id}/settings", get(api::user_settings))
        .route("/v2/meetings/{meeting_id}", get(api::get_meeting))
}
