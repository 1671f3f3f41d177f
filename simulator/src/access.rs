//! The one request pipeline every provider route goes through before it answers.
//!
//! In order: read the credential from the `Authorization` header (one parser, the
//! `headers` crate's typed `Bearer`/`Basic`), find the tenant the token names (a token
//! ends in `~{tenant}`, see [`crate::tokens`]), refuse a token presented under another
//! tenant's `/t/{tenant}` pin, look the grant up in that tenant's own store, check the
//! issuing provider and expiry on the tenant's virtual clock, let the provider check what
//! the route needs (scopes), run the tenant's fault plan, and take a snapshot of the data
//! the handler reads. The tenant lock is held only for those lookups; the handler filters,
//! pages and renders after it is released. Each provider supplies its own wording of every
//! refusal through [`ProviderErrors`], so a Zoom client sees Zoom's errors and a Google
//! client Google's, while the steps themselves exist once.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use headers::authorization::{Basic, Bearer};
use headers::{Authorization, HeaderMapExt};

use crate::faults::{ErrorFormat, FaultCall};
use crate::reply::Reply;
use crate::server::PinnedTenant;
use crate::tenant::Tenant;
use crate::tokens::{self, Provider};
use crate::{Simulator, TenantCell};

/// How a provider words the refusals the pipeline gives on its behalf.
pub(crate) trait ProviderErrors: ErrorFormat {
    /// No bearer token at all.
    fn missing_token(&self) -> Response {
        self.invalid_token()
    }
    /// A bearer token this provider never issued (or issued for another tenant).
    fn invalid_token(&self) -> Response;
    /// A token this provider issued, past its expiry.
    fn expired_token(&self) -> Response {
        self.invalid_token()
    }
}

/// The bearer token of a request, if it sent one.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    let auth = headers.typed_get::<Authorization<Bearer>>()?;
    let token = auth.token().trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// HTTP Basic client credentials (`id`, `secret`), if the request sent them.
pub(crate) fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let auth = headers.typed_get::<Authorization<Basic>>()?;
    Some((auth.username().to_string(), auth.password().to_string()))
}

/// What a route needs, for the pipeline.
pub(crate) struct Gate<'a> {
    /// The provider whose tokens the route accepts.
    pub provider: Provider,
    /// Fault API name.
    pub api: &'a str,
    /// The request path without the tenant pin (fault rules match on it).
    pub path: &'a str,
    /// The provider's wording.
    pub errors: &'a dyn ProviderErrors,
}

/// Who is calling, once admitted.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The user the token acts as, if any.
    pub subject: Option<String>,
    /// Scopes the token carries.
    pub scopes: Arc<BTreeSet<String>>,
    /// The tenant's virtual now.
    pub now: DateTime<Utc>,
}

/// A request that passed the pipeline, with the snapshot its handler reads.
pub(crate) struct Admitted<S> {
    /// What the handler reads, taken under the lock.
    pub snapshot: S,
    /// Who is calling.
    pub caller: Caller,
    /// The tenant, for a second short visit (caching a rendered answer).
    pub cell: Arc<TenantCell>,
    delay: Option<std::time::Duration>,
}

impl<S> Admitted<S> {
    /// The handler's answer, attributed to the tenant and caller, with any fault delay.
    pub fn reply(&self, response: Response) -> Reply {
        Reply::new(response)
            .tenant(&self.cell.id, self.caller.now)
            .subject(self.caller.subject.as_deref())
            .delayed(self.delay)
    }
}

/// A refusal, attributed to the pinned tenant when the path had one.
fn refuse(sim: &Simulator, pin: Option<&PinnedTenant>, response: Response) -> Reply {
    match pin.and_then(|p| sim.tenant(&p.0)) {
        Some(cell) => {
            let now = cell.lock().clock.now();
            Reply::new(response).tenant(&cell.id, now)
        }
        None => Reply::new(response),
    }
}

/// Runs the pipeline. `check` says whether the caller may use the route (scopes), and
/// `snapshot` takes what the handler needs from the tenant, both under the tenant lock.
pub(crate) fn admit<S>(
    sim: &Simulator,
    pin: Option<&PinnedTenant>,
    headers: &HeaderMap,
    gate: &Gate<'_>,
    check: impl FnOnce(&Tenant, &Caller) -> Result<(), Response>,
    snapshot: impl FnOnce(&mut Tenant, &Caller) -> S,
) -> Result<Admitted<S>, Reply> {
    let errors = gate.errors;
    let Some(token) = bearer(headers) else {
        return Err(refuse(sim, pin, errors.missing_token()));
    };
    let Some(tenant_id) = tokens::tenant_of(&token) else {
        return Err(refuse(sim, pin, errors.invalid_token()));
    };
    if pin.is_some_and(|p| p.0 != tenant_id) {
        return Err(refuse(sim, pin, errors.invalid_token()));
    }
    let Some(cell) = sim.tenant(tenant_id) else {
        return Err(Reply::new(errors.invalid_token()));
    };
    let mut tenant = cell.lock();
    let now = tenant.clock.now();
    let attributed = |r: Response, subject: Option<&str>| Reply::new(r).tenant(&cell.id, now).subject(subject);
    let Some(grant) = tenant.tokens.get(&token).filter(|g| g.provider == gate.provider) else {
        return Err(attributed(errors.invalid_token(), None));
    };
    let caller = Caller { subject: grant.subject.clone(), scopes: grant.scopes.clone(), now };
    let subject = caller.subject.as_deref();
    if grant.expires_at <= now {
        return Err(attributed(errors.expired_token(), subject));
    }
    if let Err(refusal) = check(&tenant, &caller) {
        return Err(attributed(refusal, subject));
    }
    let call = FaultCall { api: gate.api, path: gate.path, user: subject };
    let intercept = tenant.faults.intercept(&call, now, errors);
    if let Some(answer) = intercept.answer {
        return Err(attributed(answer, subject).delayed(intercept.delay));
    }
    let snapshot = snapshot(&mut tenant, &caller);
    drop(tenant);
    Ok(Admitted { snapshot, caller, cell, delay: intercept.delay })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_auth(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(axum::http::header::AUTHORIZATION, value.parse().expect("header value"));
        h
    }

    #[test]
    fn one_parser_for_bearer_and_basic() {
        assert_eq!(bearer(&with_auth("Bearer ya29.abc~t")), Some("ya29.abc~t".into()));
        assert_eq!(bearer(&with_auth("bearer ya29.abc~t")), Some("ya29.abc~t".into()), "scheme is case-insensitive");
        assert_eq!(bearer(&with_auth("Basic dXNlcjpwYXNz")), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
        assert_eq!(basic(&with_auth("Basic dXNlcjpwYXNz")), Some(("user".into(), "pass".into())));
        assert_eq!(basic(&with_auth("Bearer x")), None);
        assert_eq!(basic(&with_auth("Basic !!!")), None, "undecodable credentials are no credentials");
    }
}
