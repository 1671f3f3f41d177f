//! Scripted faults: "the Calendar API answers 503 for the next 2 calls", "429 for alice
//! between +10m and +20m".
//!
//! A fault rule matches requests by provider API, subject and a virtual-time window, and
//! answers with a status (or a connection dropped mid-body) instead of the real response. The provider module that owns the
//! route renders the status in its own error format (Google's nested error, with the
//! reason given here), so this module knows nothing about bodies. Rules are deterministic:
//! counts, not probabilities.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One fault rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Which API it hits: `token`, `directory`, `calendar`, `gmail`.
    pub api: String,
    /// Only requests acting as this user (by email), if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The HTTP status to answer.
    pub status: u16,
    /// The provider-specific reason (Google: `rateLimitExceeded`, `backendError`, …);
    /// the provider picks the usual one for the status when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `Retry-After` seconds to send, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// How many matching calls fail; unlimited (within the window) when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Active from this virtual time (inclusive), if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime<Utc>>,
    /// Active until this virtual time (exclusive), if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
    /// Instead of an error status, start a 200 answer and drop the connection mid-body.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop_connection: bool,
}

/// What a matched rule tells the provider to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedFault {
    /// HTTP status.
    pub status: u16,
    /// Provider-specific reason, if the rule named one.
    pub reason: Option<String>,
    /// `Retry-After` seconds, if any.
    pub retry_after: Option<u64>,
    /// Drop the connection mid-body instead of answering.
    pub drop_connection: bool,
}

/// A 200 whose body stops half-way and whose connection is then dropped: what a client
/// sees when a provider's connection breaks while it streams an answer.
pub fn dropped_connection() -> axum::response::Response {
    let mut response = axum::response::Response::new(axum::body::Body::from_stream(BrokenBody::default()));
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    response
}

/// A body that sends a first chunk, pauses once (so the server flushes the headers and
/// that chunk), then fails, which makes the server drop the connection.
#[derive(Default)]
struct BrokenBody {
    step: u8,
}

impl futures_core::Stream for BrokenBody {
    type Item = Result<&'static [u8], std::io::Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        self.step += 1;
        match self.step {
            1 => Poll::Ready(Some(Ok(b"{\"kind\":\"partial\",\"items\":[".as_slice()))),
            2 => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            _ => Poll::Ready(Some(Err(std::io::Error::other("connection dropped by a scripted fault")))),
        }
    }
}

/// A tenant's fault rules, in the order they were added; the first match wins.
#[derive(Debug, Default, Clone)]
pub struct FaultPlan {
    rules: Vec<FaultRule>,
}

impl FaultPlan {
    /// Adds a rule after the existing ones.
    pub fn add(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    /// The rules still active or pending.
    pub fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    /// Removes every rule.
    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Finds the first rule matching a call to `api` acting as `user` at `now`, uses up
    /// one of its counted failures, and says what to answer.
    pub fn take(&mut self, api: &str, user: Option<&str>, now: DateTime<Utc>) -> Option<InjectedFault> {
        let index = self.rules.iter().position(|r| {
            r.api == api
                && r.user.as_deref().is_none_or(|u| Some(u) == user)
                && r.from.is_none_or(|f| now >= f)
                && r.until.is_none_or(|u| now < u)
                && r.count != Some(0)
        })?;
        let rule = &mut self.rules[index];
        let fault = InjectedFault {
            status: rule.status,
            reason: rule.reason.clone(),
            retry_after: rule.retry_after,
            drop_connection: rule.drop_connection,
        };
        if let Some(n) = rule.count.as_mut() {
            *n -= 1;
            if *n == 0 {
                self.rules.remove(index);
            }
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(count: Option<u32>) -> FaultRule {
        FaultRule {
            api: "calendar".into(),
            user: None,
            status: 503,
            reason: None,
            retry_after: None,
            count,
            from: None,
            until: None,
            drop_connection: false,
        }
    }

    #[test]
    fn counted_rules_run_out() {
        let now = Utc::now();
        let mut plan = FaultPlan::default();
        plan.add(rule(Some(2)));
        assert!(plan.take("calendar", None, now).is_some());
        assert!(plan.take("directory", None, now).is_none());
        assert!(plan.take("calendar", Some("a@x"), now).is_some());
        assert!(plan.take("calendar", None, now).is_none());
        assert!(plan.rules().is_empty());
    }

    #[test]
    fn windows_and_users_limit_matches() {
        let now = Utc::now();
        let mut plan = FaultPlan::default();
        plan.add(FaultRule { user: Some("a@x".into()), until: Some(now), ..rule(None) });
        assert!(plan.take("calendar", Some("a@x"), now).is_none(), "until is exclusive");
        plan.add(FaultRule { user: Some("a@x".into()), from: Some(now), ..rule(None) });
        assert!(plan.take("calendar", Some("b@x"), now).is_none());
        assert!(plan.take("calendar", Some("a@x"), now).is_some());
        assert!(plan.take("calendar", Some("a@x"), now).is_some(), "uncounted rules persist");
    }
}
