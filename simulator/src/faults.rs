//! Scripted faults: "the Calendar API answers 503 for the next 2 calls", "429 for alice
//! between +10m and +20m".
//!
//! This is the one fault pipeline of the simulator. A fault rule matches requests by
//! provider API, path prefix, subject, a virtual-time window, a count or a quota, and
//! answers with a status (or a connection dropped mid-body, or only a delay) instead of
//! the real response. Every provider route calls [`FaultPlan::intercept`] with its own
//! [`ErrorFormat`], so the status is rendered in that provider's error shape (Google's
//! nested error with the rule's reason, Zoom's `{code, message}`) while matching,
//! counting and quotas live here once. Rules are deterministic: counts, not
//! probabilities.

use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The longest injected latency a rule may ask for (one minute): longer would hang a
/// client rather than slow it.
pub const MAX_LATENCY_MS: u64 = 60_000;

/// The longest `Retry-After` a rule may send (one day of virtual time).
pub const MAX_RETRY_AFTER_SECS: u64 = 86_400;

/// The names of the fault APIs every provider answers (see [`crate::providers`]).
pub fn fault_api_names() -> Vec<&'static str> {
    crate::providers::fault_apis().map(|(name, _)| *name).collect()
}

/// How a provider words the answers the shared pipeline gives on its behalf.
pub trait ErrorFormat: Sync {
    /// The answer to an injected fault with an error status, for fault API `api`.
    fn fault(&self, fault: &InjectedFault, api: &str) -> Response;
}

/// One fault rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Which API it hits: `token`, `directory`, `calendar`, `gmail`.
    pub api: String,
    /// Only requests acting as this user (by email), if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The HTTP status to answer; 0 answers normally (a latency-only or quota rule).
    #[serde(default)]
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
    /// Let this many matching calls through before failing ("the Nth call fails").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u32>,
    /// Delay matching answers by this many (real) milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// A token-bucket quota instead of a fixed failure: calls beyond it are refused with
    /// the provider's rate-limit answer until the bucket refills on virtual time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<Quota>,
    /// Answer with exactly this JSON body (and `status`) instead of the provider's own
    /// error shape: a malformed or unusual error a client must survive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// Only calls whose path (without the `/t/{tenant}` pin) starts with this, e.g.
    /// `/calendar/v3/users/me/calendarList`: one endpoint rather than the whole API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// A token bucket: `capacity` calls, refilled at `per_minute` calls a minute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    /// Bucket size.
    pub capacity: u32,
    /// Refill rate (calls per minute of virtual time).
    pub per_minute: u32,
    /// One bucket per user (Google answers 403 userRateLimitExceeded) or one for the
    /// whole project (429 rateLimitExceeded).
    #[serde(default)]
    pub per: QuotaScope,
}

/// What is wrong with a fault rule, and which of its fields says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRuleProblem {
    /// The field to change (`api`, `status`, `latency_ms`, `retry_after`, `path`).
    pub field: &'static str,
    /// What to change.
    pub message: String,
}

impl std::fmt::Display for FaultRuleProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl FaultRule {
    /// Checks the rule on its own — the one place fault rules are checked, for scenario
    /// files, timeline steps and the admin API alike: a known API, an error status (or 0
    /// with a latency, quota or dropped connection), a latency within [`MAX_LATENCY_MS`],
    /// a `Retry-After` within [`MAX_RETRY_AFTER_SECS`], a path its API serves.
    pub fn check(&self) -> Result<(), FaultRuleProblem> {
        let problem = |field, message: String| Err(FaultRuleProblem { field, message });
        let Some((_, prefixes)) = crate::providers::fault_apis().find(|(name, _)| *name == self.api) else {
            return problem(
                "api",
                format!("api `{}` is unknown; use one of {}", self.api, fault_api_names().join(", ")),
            );
        };
        let quiet = self.status == 0 && (self.latency_ms.is_some() || self.quota.is_some() || self.drop_connection);
        if !quiet && !(400..=599).contains(&self.status) {
            return problem(
                "status",
                format!(
                    "status {} is not an error status (400–599); use 0 only with latency_ms, quota or drop_connection",
                    self.status
                ),
            );
        }
        if self.body.is_some() && !(400..=599).contains(&self.status) {
            return problem("status", "a `body` is sent with an error status (400–599); give one".to_string());
        }
        if let Some(ms) = self.latency_ms
            && ms > MAX_LATENCY_MS
        {
            return problem(
                "latency_ms",
                format!("{ms} ms is above the limit of {MAX_LATENCY_MS} ms (60 s); use a shorter delay"),
            );
        }
        if let Some(s) = self.retry_after
            && s > MAX_RETRY_AFTER_SECS
        {
            return problem("retry_after", format!("{s} s is above the limit of {MAX_RETRY_AFTER_SECS} s (one day)"));
        }
        if let Some(path) = &self.path
            && !prefixes.iter().any(|p| path.starts_with(p) || p.starts_with(path.as_str()))
        {
            return problem(
                "path",
                format!(
                    "path `{path}` is never served by api `{}`, whose paths start with {}",
                    self.api,
                    prefixes.join(" or ")
                ),
            );
        }
        Ok(())
    }
}

/// Who shares a bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaScope {
    /// Each user has a bucket.
    #[default]
    User,
    /// The whole project shares one.
    Project,
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
    /// Delay the answer by this many milliseconds.
    pub latency_ms: Option<u64>,
    /// A body to send verbatim instead of the provider's error shape.
    pub body: Option<serde_json::Value>,
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

/// A scripted body sent as it is, with the rule's status and `Retry-After`.
fn verbatim(status: u16, body: &serde_json::Value, retry_after: Option<u64>) -> Response {
    use axum::response::IntoResponse;
    let status = axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, axum::Json(body.clone())).into_response();
    if let Some(seconds) = retry_after {
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
    }
    response
}

/// One request as the fault rules see it.
#[derive(Debug, Clone, Copy)]
pub struct FaultCall<'a> {
    /// Fault API name (`calendar`, `zoom`, `token`, …).
    pub api: &'a str,
    /// Request path without the tenant pin.
    pub path: &'a str,
    /// The user the call acts as, if known.
    pub user: Option<&'a str>,
}

/// What the fault rules decided for one call.
#[derive(Default)]
pub struct Intercept {
    /// Answer this instead of the real response.
    pub answer: Option<Response>,
    /// Delay the answer (real time, awaited outside every lock).
    pub delay: Option<std::time::Duration>,
}

/// A tenant's fault rules, in the order they were added; the first rule that fires wins.
#[derive(Debug, Default, Clone)]
pub struct FaultPlan {
    rules: Vec<Entry>,
    next_id: u64,
    buckets: std::collections::HashMap<(u64, String), Bucket>,
}

#[derive(Debug, Clone)]
struct Entry {
    id: u64,
    rule: FaultRule,
    seen: u32,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: DateTime<Utc>,
}

impl FaultPlan {
    /// Adds a rule after the existing ones.
    pub fn add(&mut self, rule: FaultRule) {
        self.next_id += 1;
        self.rules.push(Entry { id: self.next_id, rule, seen: 0 });
    }

    /// The rules still active or pending.
    pub fn rules(&self) -> Vec<FaultRule> {
        self.rules.iter().map(|e| e.rule.clone()).collect()
    }

    /// Removes every rule.
    pub fn clear(&mut self) {
        self.rules.clear();
        self.buckets.clear();
    }

    /// Runs a call through the rules and says what to do: answer with the fault (in the
    /// provider's format), or go on after an optional delay.
    pub fn intercept(&mut self, call: &FaultCall<'_>, now: DateTime<Utc>, format: &dyn ErrorFormat) -> Intercept {
        let Some(fault) = self.take(call.api, call.path, call.user, now) else {
            return Intercept::default();
        };
        let delay = fault.latency_ms.map(std::time::Duration::from_millis);
        let answer = if fault.drop_connection {
            Some(dropped_connection())
        } else if let (Some(body), true) = (&fault.body, fault.status >= 400) {
            Some(verbatim(fault.status, body, fault.retry_after))
        } else if fault.status >= 400 {
            Some(format.fault(&fault, call.api))
        } else {
            None
        };
        Intercept { answer, delay }
    }

    /// Runs a call to `api` acting as `user` at `now` through the rules: the first rule
    /// that fires says what to answer; counted rules use up one failure.
    pub fn take(&mut self, api: &str, path: &str, user: Option<&str>, now: DateTime<Utc>) -> Option<InjectedFault> {
        let mut fired = None;
        for (index, entry) in self.rules.iter_mut().enumerate() {
            let r = &entry.rule;
            let matches = r.api == api
                && r.path.as_deref().is_none_or(|p| path.starts_with(p))
                && r.user.as_deref().is_none_or(|u| Some(u) == user)
                && r.from.is_none_or(|f| now >= f)
                && r.until.is_none_or(|u| now < u)
                && r.count != Some(0);
            if !matches {
                continue;
            }
            if let Some(q) = &r.quota {
                let key = match q.per {
                    QuotaScope::User => user.unwrap_or("-").to_string(),
                    QuotaScope::Project => "project".to_string(),
                };
                let bucket =
                    self.buckets.entry((entry.id, key)).or_insert(Bucket { tokens: f64::from(q.capacity), last: now });
                let rate = f64::from(q.per_minute) / 60.0;
                let elapsed = (now - bucket.last).num_milliseconds().max(0) as f64 / 1000.0;
                bucket.tokens = (bucket.tokens + elapsed * rate).min(f64::from(q.capacity));
                bucket.last = now;
                if bucket.tokens >= 1.0 {
                    bucket.tokens -= 1.0;
                    continue;
                }
                let wait = if rate > 0.0 { ((1.0 - bucket.tokens) / rate).ceil() as u64 } else { 60 };
                let (status, reason) = match q.per {
                    QuotaScope::User => (403, "userRateLimitExceeded"),
                    QuotaScope::Project => (429, "rateLimitExceeded"),
                };
                fired = Some((
                    index,
                    InjectedFault {
                        status,
                        reason: Some(reason.into()),
                        retry_after: Some(wait),
                        drop_connection: false,
                        latency_ms: r.latency_ms,
                        body: None,
                    },
                ));
                break;
            }
            entry.seen += 1;
            if r.after.is_some_and(|n| entry.seen <= n) {
                continue;
            }
            fired = Some((
                index,
                InjectedFault {
                    status: r.status,
                    reason: r.reason.clone(),
                    retry_after: r.retry_after,
                    drop_connection: r.drop_connection,
                    latency_ms: r.latency_ms,
                    body: r.body.clone(),
                },
            ));
            break;
        }
        let (index, fault) = fired?;
        let entry = &mut self.rules[index];
        if entry.rule.quota.is_none()
            && let Some(n) = entry.rule.count.as_mut()
        {
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
        FaultRule { api: "calendar".into(), status: 503, count, ..Default::default() }
    }

    #[test]
    fn counted_rules_run_out() {
        let now = Utc::now();
        let mut plan = FaultPlan::default();
        plan.add(rule(Some(2)));
        assert!(plan.take("calendar", "/x", None, now).is_some());
        assert!(plan.take("directory", "/x", None, now).is_none());
        assert!(plan.take("calendar", "/x", Some("a@x"), now).is_some());
        assert!(plan.take("calendar", "/x", None, now).is_none());
        assert!(plan.rules().is_empty());
    }

    #[test]
    fn the_nth_call_fails_and_quotas_refill_on_virtual_time() {
        let now = Utc::now();
        let mut plan = FaultPlan::default();
        plan.add(FaultRule { after: Some(2), ..rule(Some(1)) });
        assert!(plan.take("calendar", "/x", None, now).is_none());
        assert!(plan.take("calendar", "/x", None, now).is_none());
        assert_eq!(plan.take("calendar", "/x", None, now).map(|f| f.status), Some(503), "the third call fails");
        assert!(plan.take("calendar", "/x", None, now).is_none());

        let mut plan = FaultPlan::default();
        let quota = Quota { capacity: 2, per_minute: 60, per: QuotaScope::User };
        plan.add(FaultRule { api: "calendar".into(), quota: Some(quota), ..Default::default() });
        assert!(plan.take("calendar", "/x", Some("a"), now).is_none());
        assert!(plan.take("calendar", "/x", Some("a"), now).is_none());
        let refused = plan.take("calendar", "/x", Some("a"), now).expect("the bucket is empty");
        assert_eq!(
            (refused.status, refused.reason.as_deref(), refused.retry_after),
            (403, Some("userRateLimitExceeded"), Some(1))
        );
        assert!(plan.take("calendar", "/x", Some("b"), now).is_none(), "another user has their own bucket");
        assert!(
            plan.take("calendar", "/x", Some("a"), now + chrono::Duration::seconds(1)).is_none(),
            "refilled after a second"
        );
    }

    #[test]
    fn checks_name_what_to_fix() {
        let ok = FaultRule { api: "zoom".into(), status: 429, path: Some("/v2/users".into()), ..Default::default() };
        assert_eq!(ok.check(), Ok(()));
        let wrong_path = FaultRule { api: "calendar".into(), ..ok.clone() };
        assert!(wrong_path.check().unwrap_err().message.contains("never served by api `calendar`"));
        let slow = FaultRule { latency_ms: Some(1_000_000_000_000), ..ok.clone() };
        assert_eq!(slow.check().unwrap_err().field, "latency_ms");
        let unknown = FaultRule { api: "teams".into(), ..ok };
        assert_eq!(unknown.check().unwrap_err().field, "api");
    }

    #[test]
    fn a_scripted_body_is_sent_as_it_is() {
        struct Never;
        impl ErrorFormat for Never {
            fn fault(&self, _: &InjectedFault, _: &str) -> Response {
                panic!("the provider's shape is not used when a body is scripted")
            }
        }
        let now = Utc::now();
        let mut plan = FaultPlan::default();
        let body = serde_json::json!({ "error": "not json you expected" });
        plan.add(FaultRule { body: Some(body), retry_after: Some(3), ..rule(Some(1)) });
        let call = FaultCall { api: "calendar", path: "/calendar/v3/x", user: None };
        let answer = plan.intercept(&call, now, &Never).answer.expect("the rule fires");
        assert_eq!(answer.status(), 503);
        assert_eq!(answer.headers()[axum::http::header::RETRY_AFTER], "3");
        let no_status = FaultRule { body: Some(serde_json::json!({})), status: 0, latency_ms: Some(5), ..rule(None) };
        assert_eq!(no_status.check().unwrap_err().field, "status");
    }

    #[test]
    fn windows_and_users_limit_matches() {
        let now = Utc::now();
        let mut plan = FaultPlan::default();
        plan.add(FaultRule { user: Some("a@x".into()), until: Some(now), ..rule(None) });
        assert!(plan.take("calendar", "/x", Some("a@x"), now).is_none(), "until is exclusive");
        plan.add(FaultRule { user: Some("a@x".into()), from: Some(now), ..rule(None) });
        assert!(plan.take("calendar", "/x", Some("b@x"), now).is_none());
        assert!(plan.take("calendar", "/x", Some("a@x"), now).is_some());
        assert!(plan.take("calendar", "/x", Some("a@x"), now).is_some(), "uncounted rules persist");
    }
}
