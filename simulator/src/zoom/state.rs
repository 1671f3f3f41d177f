//! A Zoom account's live state, built from the scenario's `zoom:` section.

use chrono::{DateTime, Duration, Utc};
use rand_chacha03::ChaCha8Rng;
use rand_chacha03::rand_core::RngCore;

use crate::clock::{parse_duration, parse_instant};
use crate::scenario::split_name;
use crate::scenario::zoom::{AutoRecording, ZoomLicense, ZoomSpec, ZoomUserStatus};
use crate::tokens::random_token;

/// A Zoom user.
#[derive(Debug, Clone)]
pub struct ZoomUser {
    /// Zoom user id.
    pub id: String,
    /// Address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// 1 Basic, 2 Licensed.
    pub license_type: u8,
    /// `active`, `inactive`, `pending`.
    pub status: &'static str,
    /// Personal meeting id.
    pub pmi: u64,
    /// "Record to computer files".
    pub local_recording: bool,
    /// Cloud recording.
    pub cloud_recording: bool,
    /// Auto-recording.
    pub auto_recording: AutoRecording,
    /// Waiting room.
    pub waiting_room: bool,
    /// Join before host.
    pub join_before_host: bool,
}

/// A scheduled meeting.
#[derive(Debug, Clone)]
pub struct ZoomMeeting {
    /// Meeting number.
    pub id: u64,
    /// Meeting instance uuid.
    pub uuid: String,
    /// Owner's address.
    pub host_email: String,
    /// Topic.
    pub topic: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// Length in minutes.
    pub duration_minutes: i64,
    /// Password.
    pub password: String,
    /// Overrides of the host's settings.
    pub waiting_room: Option<bool>,
    /// Override.
    pub join_before_host: Option<bool>,
    /// Override.
    pub auto_recording: Option<AutoRecording>,
}

/// The account.
#[derive(Debug, Clone)]
pub struct ZoomState {
    /// Account id.
    pub account_id: String,
    /// S2S client id.
    pub client_id: String,
    /// S2S client secret.
    pub client_secret: String,
    /// Users.
    pub users: Vec<ZoomUser>,
    /// Meetings.
    pub meetings: Vec<ZoomMeeting>,
    /// Scopes granted to the S2S app.
    pub scopes: Vec<String>,
}

impl ZoomState {
    /// Builds the account; ids and credentials not in the scenario come from `rng`.
    /// Generated credentials come from the seed and the tenant id, so each tenant is an
    /// account of its own.
    pub fn build(spec: &ZoomSpec, rng: &mut ChaCha8Rng, start: DateTime<Utc>, seed: u64, tenant: &str) -> Self {
        let mut credentials = crate::tenant::identity_rng(seed, tenant, "zoom app");
        let users = spec
            .users
            .iter()
            .map(|u| {
                let email = u.email.value.trim().to_ascii_lowercase();
                let (first_name, last_name) = split_name(u.name.as_deref(), &email);
                ZoomUser {
                    id: random_token(rng, 22).replace(['-', '_'], "x"),
                    first_name,
                    last_name,
                    license_type: match u.license {
                        ZoomLicense::Basic => 1,
                        ZoomLicense::Licensed => 2,
                    },
                    status: match u.status {
                        ZoomUserStatus::Active => "active",
                        ZoomUserStatus::Inactive => "inactive",
                        ZoomUserStatus::Pending => "pending",
                    },
                    pmi: 1_000_000_000 + u64::from(rng.next_u32() % 999_999_999),
                    local_recording: u.local_recording,
                    cloud_recording: u.cloud_recording,
                    auto_recording: u.auto_recording,
                    waiting_room: u.waiting_room,
                    join_before_host: u.join_before_host,
                    email,
                }
            })
            .collect();
        let meetings = spec
            .meetings
            .iter()
            .filter_map(|m| {
                Some(ZoomMeeting {
                    id: m.id.value.trim().parse().ok()?,
                    uuid: format!("{}==", random_token(rng, 22)),
                    host_email: m.host.value.trim().to_ascii_lowercase(),
                    topic: m.topic.clone().unwrap_or_else(|| "Zoom meeting".into()),
                    start: m.start.as_ref().and_then(|s| parse_instant(&s.value, start).ok()).unwrap_or(start),
                    duration_minutes: m
                        .duration
                        .as_ref()
                        .and_then(|d| parse_duration(&d.value).ok())
                        .unwrap_or(Duration::minutes(30))
                        .num_minutes(),
                    password: m.password.clone().unwrap_or_else(|| random_token(rng, 6)),
                    waiting_room: m.waiting_room,
                    join_before_host: m.join_before_host,
                    auto_recording: m.auto_recording,
                })
            })
            .collect();
        ZoomState {
            account_id: spec
                .account_id
                .clone()
                .unwrap_or_else(|| random_token(&mut credentials, 22).replace(['-', '_'], "A")),
            client_id: spec
                .client_id
                .clone()
                .unwrap_or_else(|| random_token(&mut credentials, 22).replace(['-', '_'], "z")),
            client_secret: spec
                .client_secret
                .clone()
                .unwrap_or_else(|| random_token(&mut credentials, 32).replace(['-', '_'], "s")),
            users,
            meetings,
            scopes: spec
                .scopes
                .clone()
                .unwrap_or_else(|| super::oauth::SCOPES.split(' ').map(str::to_string).collect()),
        }
    }

    /// A user by id, address, or `me` (the account owner: the first user).
    pub fn user(&self, key: &str) -> Option<&ZoomUser> {
        if key == "me" {
            return self.users.first();
        }
        self.users.iter().find(|u| u.id == key || u.email.eq_ignore_ascii_case(key))
    }
}
