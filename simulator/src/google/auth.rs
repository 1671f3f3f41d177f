//! How every Google API route admits a request: the shared pipeline ([`crate::access`])
//! with Google's wording of refusals, Google's scope check, and the rendered-answer cache.

use axum::http::{HeaderMap, Uri};
use axum::response::Response;

use super::errors;
use super::state::GoogleState;
use crate::Simulator;
use crate::access::{self, Gate, ProviderErrors};
use crate::faults::{ErrorFormat, InjectedFault};
use crate::rendered::CacheKey;
use crate::reply::Reply;
use crate::server::PinnedTenant;
use crate::tokens::Provider;

pub(crate) use crate::access::Caller;

/// What an API route requires of the token.
pub struct Requirement {
    /// Fault-plan API name (`directory`, `calendar`).
    pub api: &'static str,
    /// Scopes (short names) of which the token needs at least one.
    pub scopes: &'static [&'static str],
    /// Service and method names for the insufficient-scope ErrorInfo.
    pub service: &'static str,
    /// RPC method name.
    pub method: &'static str,
}

/// Google's wording of the pipeline's refusals.
pub(super) struct GoogleErrors;

impl ErrorFormat for GoogleErrors {
    fn fault(&self, fault: &InjectedFault, api: &str) -> Response {
        errors::injected(fault.status, fault.reason.as_deref(), fault.retry_after, api)
    }
}

impl ProviderErrors for GoogleErrors {
    fn missing_token(&self) -> Response {
        errors::login_required()
    }
    fn invalid_token(&self) -> Response {
        errors::invalid_credentials()
    }
}

/// Admits the request, then runs `f` on a snapshot of the tenant's Google data with no
/// lock held. A cacheable answer (see [`crate::rendered`]) is stored for the tenant's
/// revision and served from there next time.
pub(crate) fn with_caller(
    sim: &Simulator,
    pin: Option<&PinnedTenant>,
    headers: &HeaderMap,
    uri: &Uri,
    need: &Requirement,
    f: impl FnOnce(&GoogleState, &Caller) -> Response,
) -> Reply {
    let gate = Gate { provider: Provider::Google, api: need.api, path: uri.path(), errors: &GoogleErrors };
    let target = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or_else(|| uri.path());
    let check = |_: &crate::tenant::Tenant, caller: &Caller| {
        let accepted =
            need.scopes.iter().any(|s| caller.scopes.contains(&format!("https://www.googleapis.com/auth/{s}")));
        if accepted { Ok(()) } else { Err(errors::insufficient_scopes(need.service, need.method)) }
    };
    let snapshot = |t: &mut crate::tenant::Tenant, caller: &Caller| {
        let key = CacheKey::new(caller.subject.as_deref(), caller.scopes.iter(), target);
        let cached = t.rendered.get(t.revision, &key);
        (t.google.clone(), cached, t.revision, key)
    };
    let admitted = match access::admit(sim, pin, headers, &gate, check, snapshot) {
        Ok(a) => a,
        Err(refusal) => return refusal,
    };
    let (google, cached, revision, key) = &admitted.snapshot;
    if let Some(body) = cached {
        return admitted.reply(crate::rendered::json_bytes(body.clone()));
    }
    let Some(google) = google else {
        return admitted.reply(errors::invalid_credentials());
    };
    let response = f(google, &admitted.caller);
    if let Some(crate::rendered::Cacheable(body)) = response.extensions().get::<crate::rendered::Cacheable>() {
        admitted.cell.lock().rendered.insert(*revision, key.clone(), body.clone());
    }
    admitted.reply(response)
}
