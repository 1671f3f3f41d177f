//! The recording bot's side of a meeting: join the meeting behind a conference link and
//! report the state trail (joining → waiting_room → in_call_not_recording →
//! in_call_recording, or fatal with a sub-code such as `blocked_by_captcha`).
//!
//! The bot talks to a meeting-room service at a configurable URL (the simulator's
//! `/rooms` API in tests).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::ProviderError;
use crate::http::HttpClient;

/// One step of a bot's state trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotState {
    /// `joining`, `waiting_room`, `in_call_not_recording`, `in_call_recording`,
    /// `recording_permission_allowed`, `recording_permission_denied`, `fatal`, …
    pub state: String,
    /// Sub-code of a fatal state (`blocked_by_captcha`, `login_required`, …).
    #[serde(default)]
    pub sub_code: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

impl BotState {
    /// `fatal(blocked_by_captcha)` or `waiting_room`.
    pub fn label(&self) -> String {
        match &self.sub_code {
            Some(code) => format!("{}({code})", self.state),
            None => self.state.clone(),
        }
    }
}

/// A participant the meeting shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomParticipant {
    /// Display name.
    pub display_name: String,
    /// Address, if known.
    #[serde(default)]
    pub email: Option<String>,
}

/// What happened when the bot joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotSession {
    /// Session id.
    pub session_id: String,
    /// Final state.
    pub state: String,
    /// Final sub-code.
    #[serde(default)]
    pub sub_code: Option<String>,
    /// Every state, in order.
    pub trail: Vec<BotState>,
    /// Who else is in the call.
    #[serde(default)]
    pub participants: Vec<RoomParticipant>,
    /// Addresses that declined recording on the consent page.
    #[serde(default)]
    pub consent_declined: Vec<String>,
}

/// Client of the meeting-room service.
pub struct BotClient {
    http: HttpClient,
    rooms_url: String,
}

impl BotClient {
    /// A bot joining through the room service at `rooms_url` (…/rooms).
    pub fn new(http: HttpClient, rooms_url: &str) -> Self {
        Self { http, rooms_url: rooms_url.trim_end_matches('/').to_string() }
    }

    /// Joins the meeting behind `link` as `bot_name`.
    pub async fn join(&self, link: &str, bot_name: &str, authenticated: bool) -> Result<BotSession, ProviderError> {
        let url = format!("{}/join", self.rooms_url);
        let body = json!({ "link": link, "bot_name": bot_name, "authenticated": authenticated });
        let answer = self.http.send(|c| c.post(&url).json(&body)).await?;
        if !answer.status.is_success() {
            return Err(ProviderError::Refused {
                provider: "meeting room".into(),
                status: answer.status.as_u16(),
                code: String::new(),
                message: answer.body.chars().take(300).collect(),
            });
        }
        serde_json::from_str(&answer.body).map_err(|e| ProviderError::Protocol(format!("room session: {e}")))
    }
}
