//! Bearer-token checks shared by every Google API route: who is calling, for which
//! tenant, with which scopes, and whether a scripted fault answers instead.

use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::errors;
use super::state::GoogleState;
use crate::Simulator;
use crate::reply::Reply;
use crate::server::PinnedTenant;
use crate::tokens::Provider;

/// An authenticated caller.
pub struct Caller {
    /// Impersonated user, if any.
    pub subject: Option<String>,
    /// Tenant's virtual now.
    pub now: DateTime<Utc>,
}

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

/// Authenticates the request, then runs `f` on the tenant's Google state under the lock.
pub fn with_caller(
    sim: &Simulator,
    pin: Option<&PinnedTenant>,
    headers: &HeaderMap,
    path: &str,
    need: &Requirement,
    f: impl FnOnce(&mut GoogleState, &Caller) -> Response,
) -> Reply {
    let Some(token) = bearer(headers) else {
        return Reply::new(errors::login_required());
    };
    let mut guard = sim.state();
    let state = &mut *guard;
    // Refusals on a pinned path still belong to that tenant in the journal.
    let pinned_reply = |state: &crate::State, r: Response| match pin.and_then(|p| state.tenants.get(&p.0)) {
        Some(t) => Reply::new(r).tenant(&t.id, t.clock.now()),
        None => Reply::new(r),
    };
    let Some(grant) = state.tokens.get(&token).cloned() else {
        return pinned_reply(state, errors::invalid_credentials());
    };
    if grant.provider != Provider::Google || pin.is_some_and(|p| p.0 != grant.tenant) {
        return pinned_reply(state, errors::invalid_credentials());
    }
    let Some(tenant) = state.tenants.get_mut(&grant.tenant) else {
        return Reply::new(errors::invalid_credentials());
    };
    let now = tenant.clock.now();
    let reply = |r: Response| Reply::new(r).tenant(&grant.tenant, now).subject(grant.subject.as_deref());
    if grant.expires_at <= now {
        return reply(errors::invalid_credentials());
    }
    let accepted = need.scopes.iter().any(|s| grant.scopes.contains(&format!("https://www.googleapis.com/auth/{s}")));
    if !accepted {
        return reply(errors::insufficient_scopes(need.service, need.method));
    }
    let mut delay = None;
    if let Some(fault) = tenant.faults.take(need.api, path, grant.subject.as_deref(), now) {
        delay = fault.latency_ms;
        if fault.drop_connection {
            return reply(crate::faults::dropped_connection()).delayed(delay);
        }
        if fault.status >= 400 {
            return reply(errors::injected(fault.status, fault.reason.as_deref(), fault.retry_after, need.api))
                .delayed(delay);
        }
    }
    let Some(google) = tenant.google.as_mut() else {
        return reply(errors::invalid_credentials());
    };
    let caller = Caller { subject: grant.subject.clone(), now };
    reply(f(google, &caller)).delayed(delay)
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string()).filter(|t| !t.is_empty())
}
