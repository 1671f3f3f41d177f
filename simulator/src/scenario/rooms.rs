//! Meeting rooms as a scenario writes them: what a recording bot meets when it joins the
//! meeting behind a conference link (waiting room, lobby, CAPTCHA, the host's answer to
//! the recording-permission request, who shows up, who declines consent).
//!
//! A link with no room entry gets a room with the defaults: it exists, the host is there,
//! no waiting room, no CAPTCHA, anonymous joiners bypass the lobby, the host grants
//! recording.

use serde::{Deserialize, Serialize};

use super::spec::Sp;

fn yes() -> bool {
    true
}

/// One meeting room.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomSpec {
    /// The conference link (unwrapped) whose meeting this is.
    pub link: Sp<String>,
    /// The meeting exists (a deleted or mistyped meeting answers `meeting_not_found`).
    #[serde(default = "yes")]
    pub exists: bool,
    /// The host is in the meeting when the bot arrives.
    #[serde(default = "yes")]
    pub host_present: bool,
    /// Zoom: the bot lands in a waiting room first.
    #[serde(default)]
    pub waiting_room: bool,
    /// The host admits the bot from the waiting room or lobby.
    #[serde(default = "yes")]
    pub admit: bool,
    /// Zoom: the host's answer when the bot asks to record locally.
    #[serde(default)]
    pub recording_permission: PermissionAnswer,
    /// Teams/Webex: anonymous joiners must pass a CAPTCHA.
    #[serde(default)]
    pub captcha: bool,
    /// Teams/Webex/Meet: anonymous (unauthenticated) joiners are allowed at all.
    #[serde(default = "yes")]
    pub anonymous_join: bool,
    /// Teams: who bypasses the lobby.
    #[serde(default)]
    pub lobby_bypass: LobbyBypass,
    /// Who else is in the call, by display name (REC-16 matches them to members).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<RoomParticipantSpec>,
    /// Participants who clicked "join but don't record" on the consent page (REC-13).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consent_declined: Vec<Sp<String>>,
}

impl RoomSpec {
    /// The default room behind `link`: it exists, the host is there, no waiting room, no
    /// CAPTCHA, anonymous joiners allowed and let in, the host grants recording.
    pub fn for_link(link: &str) -> Self {
        RoomSpec {
            link: super::spec::sp(link.to_string()),
            exists: true,
            host_present: true,
            waiting_room: false,
            admit: true,
            recording_permission: PermissionAnswer::Grant,
            captcha: false,
            anonymous_join: true,
            lobby_bypass: LobbyBypass::Everyone,
            participants: vec![],
            consent_declined: vec![],
        }
    }
}

/// The host's answer to a recording-permission request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PermissionAnswer {
    /// Allow.
    #[default]
    Grant,
    /// Deny.
    Deny,
    /// Never answers.
    NoAnswer,
}

/// Teams `lobbyBypassSettings.scope`, reduced to what matters to a bot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LobbyBypass {
    /// Everyone, anonymous included.
    #[default]
    Everyone,
    /// People in the organization (and trusted/authenticated joiners).
    Organization,
    /// Invited people only.
    Invited,
    /// Only the organizer; everyone else waits.
    Organizer,
}

/// A participant as the meeting shows them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomParticipantSpec {
    /// The display name shown in the call.
    pub display_name: String,
    /// Their address, when the provider knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}
