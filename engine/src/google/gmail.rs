//! Gmail reads: messages after a time (`q=after:`), and each message's addressing
//! headers (`format=metadata`), with the read-only scope (DC-14).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{GoogleClient, refusal, scopes};
use crate::error::ProviderError;
use crate::provider::MailMessage;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListPage {
    #[serde(default)]
    messages: Vec<IdRef>,
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct IdRef {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMessage {
    id: String,
    internal_date: String,
    #[serde(default)]
    payload: Option<RawPayload>,
}

#[derive(Deserialize)]
struct RawPayload {
    #[serde(default)]
    headers: Vec<RawHeader>,
}

#[derive(Deserialize)]
struct RawHeader {
    name: String,
    value: String,
}

/// The address inside `Name <addr@x>` or a bare address.
fn address(text: &str) -> String {
    let t = text.trim();
    match (t.rfind('<'), t.rfind('>')) {
        (Some(a), Some(b)) if a < b => t[a + 1..b].trim().to_ascii_lowercase(),
        _ => t.to_ascii_lowercase(),
    }
}

impl GoogleClient {
    /// Ids of `user`'s messages that arrived after `after`, newest first.
    pub async fn list_message_ids(&self, user: &str, after: DateTime<Utc>) -> Result<Vec<String>, ProviderError> {
        let url = format!("{}/users/me/messages", self.endpoints().gmail);
        let mut ids = Vec::new();
        let mut page_token: Option<String> = None;
        loop {
            let mut query = vec![("q", format!("after:{}", after.timestamp())), ("maxResults", "500".into())];
            if let Some(t) = &page_token {
                query.push(("pageToken", t.clone()));
            }
            let answer = self.send_as(user, scopes::GMAIL, |c, t| c.get(&url).bearer_auth(t).query(&query)).await?;
            if !answer.status.is_success() {
                return Err(refusal(answer.status.as_u16(), &answer.body));
            }
            let page: ListPage = serde_json::from_str(&answer.body)
                .map_err(|e| ProviderError::Protocol(format!("messages page: {e}")))?;
            ids.extend(page.messages.into_iter().map(|m| m.id));
            match page.next_page_token {
                Some(next) => page_token = Some(next),
                None => return Ok(ids),
            }
        }
    }

    /// One message's addressing, read with `format=metadata`.
    pub async fn get_message(&self, user: &str, id: &str) -> Result<MailMessage, ProviderError> {
        let url = format!("{}/users/me/messages/{id}", self.endpoints().gmail);
        let query = [
            ("format", "metadata"),
            ("metadataHeaders", "From"),
            ("metadataHeaders", "To"),
            ("metadataHeaders", "Cc"),
            ("metadataHeaders", "Subject"),
        ];
        let answer = self.send_as(user, scopes::GMAIL, |c, t| c.get(&url).bearer_auth(t).query(&query)).await?;
        if !answer.status.is_success() {
            return Err(refusal(answer.status.as_u16(), &answer.body));
        }
        let raw: RawMessage =
            serde_json::from_str(&answer.body).map_err(|e| ProviderError::Protocol(format!("message: {e}")))?;
        let headers = raw.payload.map(|p| p.headers).unwrap_or_default();
        let header = |name: &str| {
            headers.iter().filter(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.clone()).collect::<Vec<_>>()
        };
        let millis: i64 =
            raw.internal_date.parse().map_err(|_| ProviderError::Protocol("internalDate is not a number".into()))?;
        Ok(MailMessage {
            id: raw.id,
            from: header("From").first().map(|f| address(f)).unwrap_or_default(),
            to: header("To")
                .iter()
                .chain(header("Cc").iter())
                .flat_map(|v| v.split(',').map(address).collect::<Vec<_>>())
                .filter(|a| !a.is_empty())
                .collect(),
            subject: header("Subject").first().cloned().unwrap_or_default(),
            at: DateTime::from_timestamp_millis(millis).unwrap_or_default(),
        })
    }
}
