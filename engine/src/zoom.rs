//! Zoom client: server-to-server OAuth (`account_credentials`) and the user, settings and
//! meeting lookups the recording decision needs (REC-14, REC-15). Base URLs are
//! configuration: `https://zoom.us/oauth/token` and `https://api.zoom.us/v2` for real.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::error::ProviderError;
use crate::http::HttpClient;

/// Where Zoom is and the S2S app's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoomConfig {
    /// Token endpoint.
    pub token_url: String,
    /// API root (`…/v2`).
    pub api_url: String,
    /// Account id.
    pub account_id: String,
    /// S2S client id.
    pub client_id: String,
    /// S2S client secret.
    pub client_secret: String,
}

/// A Zoom user as the decision needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoomUser {
    /// Zoom user id.
    pub id: String,
    /// Address.
    pub email: String,
    /// 1 Basic, 2 Licensed.
    #[serde(rename = "type")]
    pub license_type: u8,
    /// `active`, `inactive`, `pending`.
    #[serde(default)]
    pub status: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
}

/// A user's recording settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoomRecordingSettings {
    /// "Record to computer files".
    #[serde(default)]
    pub local_recording: bool,
    /// Cloud recording allowed.
    #[serde(default)]
    pub cloud_recording: bool,
    /// `local`, `cloud` or `none`.
    #[serde(default)]
    pub auto_recording: String,
}

/// A scheduled meeting's owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoomMeeting {
    /// Meeting number.
    pub id: u64,
    /// Owner's Zoom user id.
    #[serde(default)]
    pub host_id: String,
    /// Owner's address.
    #[serde(default)]
    pub host_email: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: i64,
}

#[derive(Deserialize)]
struct SettingsAnswer {
    #[serde(default)]
    recording: ZoomRecordingSettings,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    error: String,
    #[serde(default)]
    reason: String,
}

/// A Zoom client for one account.
pub struct ZoomClient {
    http: HttpClient,
    clock: std::sync::Arc<dyn Clock>,
    config: ZoomConfig,
    token: Mutex<Option<(String, DateTime<Utc>)>>,
}

fn refusal(status: u16, body: &str) -> ProviderError {
    let e: ErrorAnswer = serde_json::from_str(body).unwrap_or(ErrorAnswer {
        code: 0,
        message: body.chars().take(200).collect(),
        error: String::new(),
        reason: String::new(),
    });
    let (code, message) = if e.error.is_empty() { (e.code.to_string(), e.message) } else { (e.error, e.reason) };
    ProviderError::Refused { provider: "Zoom".into(), status, code, message }
}

impl ZoomClient {
    /// A client for the account in `config`.
    pub fn new(http: HttpClient, clock: std::sync::Arc<dyn Clock>, config: ZoomConfig) -> Self {
        Self { http, clock, config, token: Mutex::new(None) }
    }

    async fn token(&self) -> Result<String, ProviderError> {
        let now = self.clock.now();
        if let Some((t, exp)) = self.token.lock().expect("zoom token").as_ref()
            && *exp > now + Duration::minutes(1)
        {
            return Ok(t.clone());
        }
        let query = [("grant_type", "account_credentials"), ("account_id", self.config.account_id.as_str())];
        let answer = self
            .http
            .send(|c| {
                c.post(&self.config.token_url)
                    .basic_auth(&self.config.client_id, Some(&self.config.client_secret))
                    .query(&query)
            })
            .await?;
        if !answer.status.is_success() {
            return Err(refusal(answer.status.as_u16(), &answer.body));
        }
        let t: TokenAnswer =
            serde_json::from_str(&answer.body).map_err(|e| ProviderError::Protocol(format!("zoom token: {e}")))?;
        *self.token.lock().expect("zoom token") =
            Some((t.access_token.clone(), self.clock.now() + Duration::seconds(t.expires_in)));
        Ok(t.access_token)
    }

    async fn get(&self, path: &str) -> Result<Option<String>, ProviderError> {
        let token = self.token().await?;
        let url = format!("{}{path}", self.config.api_url.trim_end_matches('/'));
        let answer = self.http.send(|c| c.get(&url).bearer_auth(&token)).await?;
        match answer.status.as_u16() {
            200 => Ok(Some(answer.body)),
            404 => Ok(None),
            s => Err(refusal(s, &answer.body)),
        }
    }

    /// The Zoom user with this address, if there is one.
    pub async fn user(&self, email: &str) -> Result<Option<ZoomUser>, ProviderError> {
        match self.get(&format!("/users/{email}")).await? {
            Some(body) => {
                serde_json::from_str(&body).map(Some).map_err(|e| ProviderError::Protocol(format!("zoom user: {e}")))
            }
            None => Ok(None),
        }
    }

    /// A user's recording settings.
    pub async fn recording_settings(&self, user_id: &str) -> Result<Option<ZoomRecordingSettings>, ProviderError> {
        match self.get(&format!("/users/{user_id}/settings")).await? {
            Some(body) => serde_json::from_str::<SettingsAnswer>(&body)
                .map(|s| Some(s.recording))
                .map_err(|e| ProviderError::Protocol(format!("zoom settings: {e}"))),
            None => Ok(None),
        }
    }

    /// A scheduled meeting, if it exists.
    pub async fn meeting(&self, meeting_id: &str) -> Result<Option<ZoomMeeting>, ProviderError> {
        match self.get(&format!("/meetings/{meeting_id}")).await? {
            Some(body) => {
                serde_json::from_str(&body).map(Some).map_err(|e| ProviderError::Protocol(format!("zoom meeting: {e}")))
            }
            None => Ok(None),
        }
    }
}
