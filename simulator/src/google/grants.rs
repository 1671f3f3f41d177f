//! Users' own grants to the recorder's web OAuth client (user-by-user connections):
//! authorization codes waiting to be exchanged and refresh tokens. They change on every
//! consent, exchange and revocation, so they live apart from the Workspace data that API
//! reads snapshot.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone)]
pub struct AuthCode {
    /// The consenting user.
    pub subject: String,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// Redirect URI it was issued for.
    pub redirect_uri: String,
    /// A refresh token is issued with it (`access_type=offline`).
    pub offline: bool,
    /// PKCE challenge (S256) or plain verifier, if any.
    pub challenge: Option<(String, String)>,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

/// A refresh token.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    /// The user.
    pub subject: String,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// Revoked (by the user, an admin, or `/revoke`).
    pub revoked: bool,
}

/// A tenant's outstanding codes and refresh tokens.
#[derive(Debug, Default)]
pub struct UserGrants {
    /// Authorization codes by their string.
    pub codes: HashMap<String, AuthCode>,
    /// Refresh tokens by their string.
    pub refresh_tokens: HashMap<String, RefreshGrant>,
}

impl UserGrants {
    /// Revokes every refresh token of `subject`; returns how many were live.
    pub fn revoke_subject(&mut self, subject: &str) -> usize {
        let mut n = 0;
        for grant in self.refresh_tokens.values_mut().filter(|g| g.subject == subject && !g.revoked) {
            grant.revoked = true;
            n += 1;
        }
        n
    }
}
