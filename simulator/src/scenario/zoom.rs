//! A Zoom account as a scenario writes it: users with licence and recording settings,
//! and scheduled meetings with their host.

use serde::{Deserialize, Serialize};

use super::spec::Sp;

fn yes() -> bool {
    true
}

/// A Zoom account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoomSpec {
    /// Account id (S2S OAuth `account_id`); generated from the seed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Users.
    #[serde(default)]
    pub users: Vec<ZoomUserSpec>,
    /// Scheduled meetings.
    #[serde(default)]
    pub meetings: Vec<ZoomMeetingSpec>,
    /// The recorder's Zoom app is installed on the account: local-recording permission
    /// requests from the bot are granted automatically (REC-15).
    #[serde(default)]
    pub recorder_app_installed: bool,
    /// Scopes the S2S app was granted; every read scope the recorder uses when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// S2S OAuth client id; generated from the seed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// S2S OAuth client secret; generated from the seed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

/// Licence type (`type` in the API: 1 Basic, 2 Licensed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoomLicense {
    /// Basic (free).
    Basic,
    /// Licensed.
    #[default]
    Licensed,
}

/// User status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoomUserStatus {
    /// Active.
    #[default]
    Active,
    /// Deactivated.
    Inactive,
    /// Invited, not yet accepted.
    Pending,
}

/// `recording.auto_recording`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoRecording {
    /// Record to the computer.
    Local,
    /// Record to the cloud.
    Cloud,
    /// No automatic recording.
    #[default]
    None,
}

/// A Zoom user and their settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoomUserSpec {
    /// Address.
    pub email: Sp<String>,
    /// Display name ("First Last"); derived from the address when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Licence.
    #[serde(default)]
    pub license: ZoomLicense,
    /// Status.
    #[serde(default)]
    pub status: ZoomUserStatus,
    /// `recording.local_recording` ("record to computer files").
    #[serde(default = "yes")]
    pub local_recording: bool,
    /// `recording.cloud_recording`.
    #[serde(default = "yes")]
    pub cloud_recording: bool,
    /// `recording.auto_recording`.
    #[serde(default)]
    pub auto_recording: AutoRecording,
    /// `in_meeting.waiting_room`.
    #[serde(default)]
    pub waiting_room: bool,
    /// `schedule_meeting.join_before_host`.
    #[serde(default)]
    pub join_before_host: bool,
}

/// A scheduled Zoom meeting.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoomMeetingSpec {
    /// Meeting number (9–11+ digits).
    pub id: Sp<String>,
    /// The Zoom user who owns it (its `host_email`).
    pub host: Sp<String>,
    /// Topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Start (offset or RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Sp<String>>,
    /// Length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Sp<String>>,
    /// Meeting password (the `pwd` of the join link is derived from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Overrides the host's waiting-room setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_room: Option<bool>,
    /// Overrides the host's join-before-host setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_before_host: Option<bool>,
    /// Overrides the host's auto-recording setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_recording: Option<AutoRecording>,
}
