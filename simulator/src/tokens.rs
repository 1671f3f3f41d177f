//! Access tokens the simulator has issued, for every provider and tenant.
//!
//! One store serves all providers so a token carries its tenant with it: a request may
//! arrive on an unpinned path (the client only swapped the base URL) and still be
//! attributed to the right tenant, and a token presented under another tenant's pinned
//! prefix (`/t/{tenant}/…`) is refused. Expiry is measured on the issuing tenant's
//! virtual clock.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use rand_chacha03::ChaCha8Rng;
use rand_chacha03::rand_core::RngCore;

/// Which fake provider issued a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Google Workspace (OAuth 2 token endpoint).
    Google,
    /// Zoom (server-to-server OAuth).
    Zoom,
}

/// What an access token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessGrant {
    /// The tenant whose credentials were exchanged.
    pub tenant: String,
    /// The issuing provider.
    pub provider: Provider,
    /// The user the token acts as (Google `sub`), if any.
    pub subject: Option<String>,
    /// Scopes granted, exactly as requested.
    pub scopes: BTreeSet<String>,
    /// Virtual time after which the token is refused.
    pub expires_at: DateTime<Utc>,
}

/// Every live token, by its opaque string.
#[derive(Debug, Default)]
pub struct TokenStore {
    grants: HashMap<String, AccessGrant>,
}

impl TokenStore {
    /// Issues a new opaque token with `prefix` (e.g. `ya29.`) from the tenant's seeded RNG.
    pub fn issue(&mut self, prefix: &str, rng: &mut ChaCha8Rng, grant: AccessGrant) -> String {
        let token = format!("{prefix}{}", random_token(rng, 48));
        self.grants.insert(token.clone(), grant);
        token
    }

    /// The grant behind `token`, whether or not it has expired.
    pub fn get(&self, token: &str) -> Option<&AccessGrant> {
        self.grants.get(token)
    }

    /// Forgets every token of `tenant` (on reset, replace or unload).
    pub fn forget_tenant(&mut self, tenant: &str) {
        self.grants.retain(|_, g| g.tenant != tenant);
    }

    /// Forgets the tokens of one subject in a tenant (revocation, suspension).
    pub fn revoke_subject(&mut self, tenant: &str, subject: &str) {
        self.grants.retain(|_, g| !(g.tenant == tenant && g.subject.as_deref() == Some(subject)));
    }

    /// Forgets every token one provider issued in a tenant (Zoom: a new S2S token
    /// invalidates the earlier ones).
    pub fn revoke_provider(&mut self, tenant: &str, provider: Provider) {
        self.grants.retain(|_, g| !(g.tenant == tenant && g.provider == provider));
    }

    /// Forgets one token.
    pub fn revoke_token(&mut self, token: &str) {
        self.grants.remove(token);
    }

    /// Drops `tenant`'s tokens that expired more than a day before `now`. Recently
    /// expired ones are kept so a provider can say "expired" rather than "invalid".
    pub fn purge_expired(&mut self, tenant: &str, now: DateTime<Utc>) {
        let horizon = now - chrono::Duration::days(1);
        self.grants.retain(|_, g| g.tenant != tenant || g.expires_at > horizon);
    }

    /// Number of live tokens (all tenants).
    pub fn len(&self) -> usize {
        self.grants.len()
    }

    /// True when no token is live.
    pub fn is_empty(&self) -> bool {
        self.grants.is_empty()
    }
}

/// A URL-safe random string of `len` characters drawn from `rng`.
pub fn random_token(rng: &mut ChaCha8Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..len).map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char).collect()
}
