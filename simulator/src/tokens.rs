//! Access tokens, authorization codes and refresh tokens one tenant has issued.
//!
//! Every tenant owns its store, so nothing a tenant issues can be confused with another
//! tenant's: each string ends in `~{tenant id}` (tenant ids never contain `~`), which is
//! how a request on an unpinned path (the client only swapped the base URL) finds its
//! tenant without any shared table, and how a token presented under another tenant's
//! `/t/{tenant}` pin is refused before any lookup. The random part comes from a stream
//! seeded by the scenario seed, the tenant id and the tenant's *generation* (how many
//! times that id was loaded or reset), so a reset never hands out a string an old client
//! still holds, and the same run gives the same tokens.
//!
//! The store is bounded: at most [`MAX_LIVE_TOKENS`] access tokens are kept; beyond that
//! the oldest are forgotten first, and tokens expired for more than a day of virtual time
//! are purged whenever the clock moves or a token is issued into a full store.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand_chacha03::ChaCha8Rng;
use rand_chacha03::rand_core::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};

/// At most this many access tokens are live in one tenant; the oldest go first.
pub const MAX_LIVE_TOKENS: usize = 10_000;

/// Separates a token's random part from its tenant id.
const TENANT_MARK: char = '~';

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
    /// The issuing provider.
    pub provider: Provider,
    /// The user the token acts as (Google `sub`), if any.
    pub subject: Option<String>,
    /// Scopes granted, exactly as requested (shared: many tokens carry the same set).
    pub scopes: Arc<BTreeSet<String>>,
    /// Virtual time after which the token is refused.
    pub expires_at: DateTime<Utc>,
}

/// The tenant id a token, code or refresh token was issued for, if it is one of ours.
pub fn tenant_of(token: &str) -> Option<&str> {
    token.rsplit_once(TENANT_MARK).map(|(_, tenant)| tenant).filter(|t| !t.is_empty())
}

/// One tenant's live access tokens and the random stream their strings come from.
#[derive(Debug)]
pub struct TokenStore {
    tenant: String,
    rng: ChaCha8Rng,
    grants: HashMap<String, AccessGrant>,
    /// Issue order, oldest first (may hold strings already revoked).
    order: VecDeque<String>,
}

impl TokenStore {
    /// An empty store for `tenant`, its strings drawn from (seed, tenant, generation).
    pub fn new(seed: u64, tenant: &str, generation: u64) -> Self {
        let mut h = Sha256::new();
        h.update(b"tenantsim tokens\0");
        h.update(seed.to_le_bytes());
        h.update(tenant.as_bytes());
        h.update([0]);
        h.update(generation.to_le_bytes());
        let rng = ChaCha8Rng::from_seed(h.finalize().into());
        Self { tenant: tenant.to_string(), rng, grants: HashMap::new(), order: VecDeque::new() }
    }

    /// A fresh opaque string `{prefix}{len random chars}~{tenant}`: an access token, an
    /// authorization code or a refresh token.
    pub fn mint(&mut self, prefix: &str, len: usize) -> String {
        format!("{prefix}{}{TENANT_MARK}{}", random_token(&mut self.rng, len), self.tenant)
    }

    /// Issues a new access token for `grant` at virtual time `now`.
    pub fn issue(&mut self, prefix: &str, grant: AccessGrant, now: DateTime<Utc>) -> String {
        if self.grants.len() >= MAX_LIVE_TOKENS {
            self.purge_expired(now);
            while self.grants.len() >= MAX_LIVE_TOKENS {
                let Some(oldest) = self.order.pop_front() else { break };
                self.grants.remove(&oldest);
            }
        }
        let token = self.mint(prefix, 48);
        self.grants.insert(token.clone(), grant);
        self.order.push_back(token.clone());
        if self.order.len() > 2 * MAX_LIVE_TOKENS {
            let grants = &self.grants;
            self.order.retain(|t| grants.contains_key(t));
        }
        token
    }

    /// The grant behind `token`, whether or not it has expired.
    pub fn get(&self, token: &str) -> Option<&AccessGrant> {
        self.grants.get(token)
    }

    /// Forgets the tokens of one subject (revocation, suspension).
    pub fn revoke_subject(&mut self, subject: &str) {
        self.grants.retain(|_, g| g.subject.as_deref() != Some(subject));
    }

    /// Forgets every token one provider issued (Zoom: a new S2S token invalidates the
    /// earlier ones).
    pub fn revoke_provider(&mut self, provider: Provider) {
        self.grants.retain(|_, g| g.provider != provider);
    }

    /// Forgets one token; true if it was live.
    pub fn revoke_token(&mut self, token: &str) -> bool {
        self.grants.remove(token).is_some()
    }

    /// Drops tokens that expired more than a day before `now`. Recently expired ones are
    /// kept so a provider can say "expired" rather than "invalid".
    pub fn purge_expired(&mut self, now: DateTime<Utc>) {
        let horizon = now - chrono::Duration::days(1);
        self.grants.retain(|_, g| g.expires_at > horizon);
    }

    /// Number of live tokens.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(now: DateTime<Utc>) -> AccessGrant {
        AccessGrant { provider: Provider::Google, subject: None, scopes: Arc::default(), expires_at: now }
    }

    #[test]
    fn tokens_name_their_tenant_and_differ_per_tenant_and_generation() {
        let now = Utc::now();
        let a = TokenStore::new(7, "a", 0).issue("ya29.", grant(now), now);
        let b = TokenStore::new(7, "b", 0).issue("ya29.", grant(now), now);
        let a_again = TokenStore::new(7, "a", 1).issue("ya29.", grant(now), now);
        assert_eq!(tenant_of(&a), Some("a"));
        assert_eq!(tenant_of(&b), Some("b"));
        assert_ne!(a.split('~').next(), b.split('~').next(), "same seed, other tenant: other token");
        assert_ne!(a, a_again, "a reset starts a new generation");
        assert_eq!(a, TokenStore::new(7, "a", 0).issue("ya29.", grant(now), now), "deterministic");
        assert_eq!(tenant_of("ya29.nothing"), None);
    }

    #[test]
    fn the_store_stays_bounded() {
        let now = Utc::now();
        let mut store = TokenStore::new(1, "t", 0);
        let first = store.issue("x.", grant(now + chrono::Duration::hours(1)), now);
        for _ in 0..MAX_LIVE_TOKENS + 50 {
            store.issue("x.", grant(now + chrono::Duration::hours(1)), now);
        }
        assert_eq!(store.len(), MAX_LIVE_TOKENS);
        assert!(store.get(&first).is_none(), "the oldest token went first");
        store.purge_expired(now + chrono::Duration::days(2));
        assert!(store.is_empty(), "expired for a day: purged");
    }
}
