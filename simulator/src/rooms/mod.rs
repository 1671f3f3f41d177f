//! Meeting rooms: what a recording bot meets when it joins the meeting behind a
//! conference link — waiting rooms, lobbies, CAPTCHAs, login requirements, the host's
//! answer to a local-recording request — as a state trail modelled on open-source bot
//! state machines (joining → waiting_room → in_call_not_recording → in_call_recording,
//! or fatal with a sub-code such as `blocked_by_captcha`).
//!
//! There is no real API for this; ours is `POST /t/{tenant}/rooms/join` and
//! `GET /t/{tenant}/rooms/sessions/{id}`. Rooms come from the scenario's `rooms:`; a link
//! without an entry gets a default room (exists, host present, no waiting room, no
//! CAPTCHA, anonymous joiners allowed and let in, the host grants recording).
//!
//! # Layout
//! - this file: routes and session storage;
//! - `trail`: the per-provider join logic (pure).

mod trail;

use std::collections::VecDeque;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub use trail::{BotJoin, JoinContext, RoomProvider, Step, join};

use crate::Simulator;
use crate::reply::Reply;
use crate::server::PinnedTenant;

/// Sessions kept per tenant.
pub const MAX_SESSIONS: usize = 1000;

/// A bot's session in a room.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    /// Session id.
    pub session_id: String,
    /// Provider of the link.
    pub provider: RoomProvider,
    /// Meeting number/code, when the link has one.
    pub meeting_id: Option<String>,
    /// The name the bot joined under.
    pub bot_name: String,
    /// Whether it joined authenticated.
    pub authenticated: bool,
    /// Final state.
    pub state: String,
    /// Final sub-code.
    pub sub_code: Option<String>,
    /// Every state.
    pub trail: Vec<Step>,
    /// Who else is in the call.
    pub participants: Vec<crate::scenario::rooms::RoomParticipantSpec>,
    /// Addresses that chose "join but don't record".
    pub consent_declined: Vec<String>,
    /// `local` (Zoom local recording), `bot`, or `none`.
    pub recording_mode: String,
}

/// A tenant's sessions, newest last.
#[derive(Debug, Default)]
pub struct Sessions {
    list: VecDeque<Session>,
    next: u64,
}

impl Sessions {
    fn add(&mut self, mut s: Session) -> Session {
        self.next += 1;
        s.session_id = format!("bot-session-{}", self.next);
        if self.list.len() == MAX_SESSIONS {
            self.list.pop_front();
        }
        self.list.push_back(s.clone());
        s
    }

    fn get(&self, id: &str) -> Option<&Session> {
        self.list.iter().find(|s| s.session_id == id)
    }
}

/// The meeting-room service, as the server registers it.
pub(crate) const MODULE: crate::providers::ProviderModule = crate::providers::ProviderModule {
    name: "rooms",
    routes,
    paths: &["/rooms/"],
    fault_apis: &[("rooms", &["/rooms/"])],
};

fn routes() -> Router<Simulator> {
    Router::new().route("/rooms/join", post(join_room)).route("/rooms/sessions/{id}", get(get_session))
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": { "code": status.as_u16(), "message": message } }))).into_response()
}

const PIN_REQUIRED: &str = "rooms are per tenant: call /t/{tenant}/rooms/…";

#[derive(Deserialize)]
struct JoinRequest {
    link: String,
    #[serde(default = "default_bot_name")]
    bot_name: String,
    #[serde(default)]
    authenticated: bool,
}

fn default_bot_name() -> String {
    "Recorder".into()
}

async fn join_room(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    body: axum::body::Bytes,
) -> Reply {
    let Some(pin) = pin else { return Reply::new(error(StatusCode::BAD_REQUEST, PIN_REQUIRED)) };
    let request: JoinRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return Reply::new(error(
                StatusCode::BAD_REQUEST,
                &format!("expected {{\"link\", \"bot_name\", \"authenticated\"}}: {e}"),
            ));
        }
    };
    let tenant_id = pin.0.0.clone();
    let result = sim.with_tenant(&tenant_id, |t| {
        let now = t.clock.now();
        let call = crate::faults::FaultCall { api: "rooms", path: "/rooms/join", user: None };
        let intercept = t.faults.intercept(&call, now, &RoomErrors);
        if let Some(answer) = intercept.answer {
            return Ok((now, Err(answer), intercept.delay));
        }
        let ctx = JoinContext::for_tenant(t, &request.link);
        let outcome = join(&ctx, &request.bot_name, request.authenticated, now);
        let session = t.rooms.add(Session {
            session_id: String::new(),
            provider: outcome.provider,
            meeting_id: outcome.meeting_id,
            bot_name: request.bot_name.clone(),
            authenticated: request.authenticated,
            state: outcome.trail.last().map(|s| s.state.clone()).unwrap_or_default(),
            sub_code: outcome.trail.last().and_then(|s| s.sub_code.clone()),
            trail: outcome.trail,
            participants: ctx.room.participants.clone(),
            consent_declined: ctx.room.consent_declined.iter().map(|e| e.value.to_ascii_lowercase()).collect(),
            recording_mode: outcome.recording_mode.into(),
        });
        Ok((now, Ok(session), intercept.delay))
    });
    match result {
        Ok((now, Ok(session), delay)) => Reply::new(Json(session)).tenant(&tenant_id, now).delayed(delay),
        Ok((now, Err(answer), delay)) => Reply::new(answer).tenant(&tenant_id, now).delayed(delay),
        Err(e) => Reply::new(error(StatusCode::NOT_FOUND, &e.to_string())),
    }
}

/// How the room service words an injected fault.
struct RoomErrors;

impl crate::faults::ErrorFormat for RoomErrors {
    fn fault(&self, fault: &crate::faults::InjectedFault, _api: &str) -> Response {
        error(StatusCode::from_u16(fault.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE), "injected fault")
    }
}

async fn get_session(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    Path(id): Path<String>,
) -> Reply {
    let Some(pin) = pin else { return Reply::new(error(StatusCode::BAD_REQUEST, PIN_REQUIRED)) };
    let tenant_id = pin.0.0.clone();
    match sim.with_tenant(&tenant_id, |t| Ok((t.clock.now(), t.rooms.get(&id).cloned()))) {
        Ok((now, Some(s))) => Reply::new(Json(s)).tenant(&tenant_id, now),
        Ok((now, None)) => {
            Reply::new(error(StatusCode::NOT_FOUND, &format!("no session {id}"))).tenant(&tenant_id, now)
        }
        Err(e) => Reply::new(error(StatusCode::NOT_FOUND, &e.to_string())),
    }
}
