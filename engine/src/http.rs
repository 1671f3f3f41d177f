//! The engine's HTTP client: one place that retries 429, 5xx and dropped connections
//! with exponential backoff, honours `Retry-After`, and waits on the engine's [`Clock`]
//! (virtual time under test), so every provider client gets the same resilience.

use std::sync::Arc;

use chrono::Duration;
use reqwest::{RequestBuilder, Response, StatusCode};

use crate::clock::Clock;
use crate::error::ProviderError;

/// How hard to try before giving up on a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all (first try included).
    pub max_attempts: u32,
    /// Wait before the second attempt; doubles each time.
    pub initial_backoff: Duration,
    /// Longest single wait (also caps a server's `Retry-After`).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_attempts: 4, initial_backoff: Duration::seconds(1), max_backoff: Duration::minutes(2) }
    }
}

/// A response that was not retried away: its status, headers and body.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// Body text.
    pub body: String,
}

/// Retrying HTTP client.
#[derive(Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    clock: Arc<dyn Clock>,
    policy: RetryPolicy,
}

impl HttpClient {
    /// A client waiting on `clock` with `policy`.
    pub fn new(clock: Arc<dyn Clock>, policy: RetryPolicy) -> Self {
        let inner = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("a plain HTTP client builds");
        Self { inner, clock, policy }
    }

    /// The underlying client, to build requests with.
    pub fn raw(&self) -> &reqwest::Client {
        &self.inner
    }

    /// Sends the request built by `build` (called again for each attempt), retrying what
    /// is retryable. Returns the final answer, retryable or not, unless the budget ran out
    /// on a retryable failure, which is [`ProviderError::Unreachable`].
    pub async fn send(&self, build: impl Fn(&reqwest::Client) -> RequestBuilder) -> Result<Answer, ProviderError> {
        let mut backoff = self.policy.initial_backoff;
        let mut last = String::new();
        for attempt in 1..=self.policy.max_attempts {
            let wait = match build(&self.inner).send().await {
                Ok(response) => {
                    let status = response.status();
                    let retry_after = retry_after(&response);
                    match response.text().await {
                        // A body cut off mid-way is a dropped connection, not an answer.
                        Err(e) => {
                            last = format!("connection dropped while reading the body: {e}");
                            backoff
                        }
                        Ok(body) if !is_retryable(status, &body) => return Ok(Answer { status, body }),
                        Ok(body) => {
                            last = format!("HTTP {} {}", status.as_u16(), first_line(&body));
                            retry_after.map_or(backoff, |ra| ra.max(backoff))
                        }
                    }
                }
                Err(e) => {
                    last = format!("connection failed: {e}");
                    backoff
                }
            };
            if attempt < self.policy.max_attempts {
                self.clock.sleep(wait.min(self.policy.max_backoff)).await;
                backoff = (backoff * 2).min(self.policy.max_backoff);
            }
        }
        Err(ProviderError::Unreachable { attempts: self.policy.max_attempts, last })
    }
}

fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<i64>().ok().map(Duration::seconds)
}

/// 429 and 5xx are retryable; so are Google's 403 rate-limit reasons.
fn is_retryable(status: StatusCode, body: &str) -> bool {
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        return true;
    }
    status == StatusCode::FORBIDDEN
        && (body.contains("\"rateLimitExceeded\"") || body.contains("\"userRateLimitExceeded\""))
}

fn first_line(body: &str) -> String {
    body.chars().take(200).collect::<String>().replace('\n', " ")
}
