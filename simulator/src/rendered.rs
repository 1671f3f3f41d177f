//! Rendered answers, cached per tenant revision.
//!
//! Most reads repeat: an engine pages the same directory, a load test asks for the same
//! page thousands of times. A handler that renders a JSON body with [`json`] marks the
//! response cacheable; the provider's pipeline stores those bytes under (caller and the
//! token's scopes, path and query) for the tenant's current revision, and answers the next identical request with
//! them without reading or rendering anything. Any change to the tenant (an action, a
//! clock move) bumps the revision, which empties the cache on the next store. Rendering
//! itself always happens outside the tenant lock; only the store and the lookup take it.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// How many answers one tenant keeps per revision.
pub const MAX_CACHED: usize = 512;

/// Marks a 200 response whose body may be reused: the body's bytes.
#[derive(Clone)]
pub(crate) struct Cacheable(pub Bytes);

/// One tenant's cached answers.
#[derive(Debug, Default)]
pub struct RenderCache {
    revision: u64,
    entries: HashMap<CacheKey, Bytes>,
}

/// Who asked (subject and the exact scope set of the token: an answer can depend on
/// either, as Gmail's does on `gmail.metadata`) and what (path and query).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    subject: Option<String>,
    scopes: Vec<String>,
    target: String,
}

impl CacheKey {
    /// The key for a caller acting as `subject` with `scopes`, asking for `target`.
    pub fn new<'a>(subject: Option<&str>, scopes: impl IntoIterator<Item = &'a String>, target: &str) -> Self {
        Self {
            subject: subject.map(str::to_string),
            scopes: scopes.into_iter().cloned().collect(),
            target: target.into(),
        }
    }
}

impl RenderCache {
    /// The answer cached under `key` at `revision`.
    pub fn get(&self, revision: u64, key: &CacheKey) -> Option<Bytes> {
        if revision != self.revision {
            return None;
        }
        self.entries.get(key).cloned()
    }

    /// Stores an answer rendered at `revision`; a newer revision empties the cache first.
    pub fn insert(&mut self, revision: u64, key: CacheKey, body: Bytes) {
        if revision != self.revision || self.entries.len() >= MAX_CACHED {
            self.entries.clear();
            self.revision = revision;
        }
        self.entries.insert(key, body);
    }
}

/// A 200 JSON answer from bytes already rendered.
pub(crate) fn json_bytes(body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body.clone()));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=UTF-8"));
    response.extensions_mut().insert(Cacheable(body));
    response
}

/// Renders `body` as a 200 JSON answer that the pipeline may cache.
pub(crate) fn json(body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => json_bytes(Bytes::from(bytes)),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("could not render the answer: {e}")).into_response(),
    }
}
