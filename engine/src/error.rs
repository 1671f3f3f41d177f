//! Errors from talking to providers. Callers branch on them: a refusal is the provider's
//! considered answer about this user (a configuration problem, red "technical problem"),
//! unreachable means the retry budget ran out (red "connectivity"), and a protocol error
//! means the provider said something the engine cannot read.

use thiserror::Error;

/// A failed provider call.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ProviderError {
    /// The provider answered with a non-retryable error (not recoverable by retrying).
    #[error("{provider} refused: HTTP {status} {code}: {message}")]
    Refused {
        /// Which provider.
        provider: String,
        /// HTTP status.
        status: u16,
        /// The provider's error code (`unauthorized_client`, `forbidden`, …).
        code: String,
        /// The provider's message.
        message: String,
    },
    /// Retryable failures outlasted the retry budget (recoverable later).
    #[error("unreachable after {attempts} attempts: {last}")]
    Unreachable {
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The answer could not be understood.
    #[error("unexpected response: {0}")]
    Protocol(String),
    /// The engine is misconfigured (bad key file, missing setting).
    #[error("configuration: {0}")]
    Config(String),
}
