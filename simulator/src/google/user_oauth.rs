//! The 3-legged OAuth flow of a user connecting their own account (user-by-user
//! connections): `GET /o/oauth2/v2/auth` with consent scripted by the scenario, the
//! code exchange and refresh at `POST /token`, and `POST /revoke`.
//!
//! The simulator plays the user's browser session: `login_hint` names who is signed in
//! and consents. Outcomes redirect like Google does: `?code=…&scope=…&state=…`, or
//! `?error=access_denied` (the user cancels or is unknown/suspended) and
//! `?error=admin_policy_enforced` (the app is not trusted for the user's org unit).
//! A revoked or unknown refresh token answers 400 `invalid_grant` "Token has been
//! expired or revoked.".

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::errors::oauth;
use super::grants::{AuthCode, RefreshGrant};
use crate::Simulator;
use crate::reply::Reply;
use crate::scenario::expand_scope;
use crate::scenario::spec::ConsentAnswer;
use crate::server::PinnedTenant;
use crate::tokens;

fn page(status: StatusCode, title: &str, detail: &str) -> Response {
    let html = format!("<!doctype html><title>{title}</title><h1>{title}</h1><p>{detail}</p>");
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

fn redirect(uri: &str, params: &[(&str, &str)]) -> Response {
    let query = serde_urlencoded::to_string(params).unwrap_or_default();
    let sep = if uri.contains('?') { '&' } else { '?' };
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{uri}{sep}{query}")) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// `GET /o/oauth2/v2/auth`.
pub(super) async fn authorize(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    let Some(pin) = pin else {
        return Reply::new(page(
            StatusCode::BAD_REQUEST,
            "Error 400: invalid_request",
            "Pin the tenant: /t/{tenant}/o/oauth2/v2/auth",
        ));
    };
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let (client_id, redirect_uri, state_param) = (get("client_id"), get("redirect_uri"), get("state"));
    let Some(cell) = sim.tenant(&pin.0.0) else {
        return Reply::new(page(StatusCode::NOT_FOUND, "Error 404", "no such tenant"));
    };
    let mut tenant = cell.lock();
    let now = tenant.clock.now();
    let reply = |r: Response, sub: Option<&str>| Reply::new(r).tenant(&cell.id, now).subject(sub);
    let Some(g) = tenant.google.clone() else {
        return reply(page(StatusCode::NOT_FOUND, "Error 404", "the tenant has no Google Workspace"), None);
    };
    if client_id != g.oauth_client.client_id {
        return reply(
            page(StatusCode::UNAUTHORIZED, "Error 401: invalid_client", "The OAuth client was not found."),
            None,
        );
    }
    if redirect_uri.is_empty()
        || (!g.oauth_client.redirect_uris.is_empty() && !g.oauth_client.redirect_uris.contains(&redirect_uri))
    {
        return reply(
            page(
                StatusCode::BAD_REQUEST,
                "Error 400: redirect_uri_mismatch",
                "The redirect URI in the request does not match the ones authorized for the OAuth client.",
            ),
            None,
        );
    }
    if get("response_type") != "code" {
        return reply(
            redirect(&redirect_uri, &[("error", "unsupported_response_type"), ("state", &state_param)]),
            None,
        );
    }
    let requested: Vec<String> = get("scope").split_whitespace().map(expand_scope).collect();
    if requested.is_empty() {
        return reply(redirect(&redirect_uri, &[("error", "invalid_scope"), ("state", &state_param)]), None);
    }
    let user = get("login_hint").to_ascii_lowercase();
    let outside = !user.ends_with(&format!("@{}", g.domain));
    let refusal = match g.user(&user) {
        // An internal app refuses accounts of other organizations.
        None if outside => Some("org_internal"),
        None => Some("access_denied"),
        Some(u) if u.suspended => Some("access_denied"),
        Some(u) if !g.is_trusted(u) => Some("admin_policy_enforced"),
        Some(_) => None,
    };
    let (answer, partial) = g.consent.get(&user).cloned().unwrap_or((ConsentAnswer::Grant, None));
    let refusal = refusal.or((answer == ConsentAnswer::Deny).then_some("access_denied"));
    if let Some(error) = refusal {
        return reply(redirect(&redirect_uri, &[("error", error), ("state", &state_param)]), Some(&user));
    }
    let granted: Vec<String> = match partial {
        Some(ticked) => requested
            .iter()
            .filter(|s| ticked.contains(s) || matches!(s.as_str(), "openid" | "email" | "profile"))
            .cloned()
            .collect(),
        None => requested,
    };
    let code = tenant.tokens.mint("4/0A", 60);
    let challenge = q
        .get("code_challenge")
        .map(|c| (c.clone(), q.get("code_challenge_method").cloned().unwrap_or_else(|| "plain".into())));
    tenant.google_grants.codes.insert(
        code.clone(),
        AuthCode {
            subject: user.clone(),
            scopes: granted.clone(),
            redirect_uri: redirect_uri.clone(),
            offline: get("access_type") == "offline",
            challenge,
            expires_at: now + Duration::minutes(10),
        },
    );
    drop(tenant);
    let scope = granted.join(" ");
    reply(
        redirect(
            &redirect_uri,
            &[("code", &code), ("scope", &scope), ("state", &state_param), ("authuser", "0"), ("prompt", "consent")],
        ),
        Some(&user),
    )
}

/// The `authorization_code` and `refresh_token` grants of `POST /token`.
pub(super) fn exchange(
    sim: &Simulator,
    pin: Option<&PinnedTenant>,
    form: &HashMap<String, String>,
    basic: Option<(String, String)>,
) -> Reply {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (client_id, client_secret) = basic.unwrap_or_else(|| (get("client_id"), get("client_secret")));
    let grant_type = get("grant_type");
    let presented = if grant_type == "authorization_code" { get("code") } else { get("refresh_token") };
    // The PKCE hash depends on the request only: computed before any lock is taken.
    let verifier = get("code_verifier");
    let verifier_s256 = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    // The code or refresh token names its tenant; otherwise the client id finds it.
    let pin_id = pin.map(|p| p.0.as_str());
    let cell = match tokens::tenant_of(&presented).filter(|t| pin_id.is_none_or(|p| p == *t)) {
        Some(id) => sim.tenant(id).filter(|c| c.identity.google_oauth_client.as_deref() == Some(client_id.as_str())),
        None => sim.find_tenant(pin_id, |id| id.google_oauth_client.as_deref() == Some(client_id.as_str())),
    };
    let Some(cell) = cell else {
        return Reply::new(oauth(401, "invalid_client", "The OAuth client was not found."));
    };
    let mut tenant = cell.lock();
    let now = tenant.clock.now();
    let refused = |r: Response, sub: Option<&str>| Reply::new(r).tenant(&cell.id, now).subject(sub);
    let Some(g) = tenant.google.clone() else {
        return refused(oauth(401, "invalid_client", "The OAuth client was not found."), None);
    };
    if client_secret != g.oauth_client.client_secret {
        return refused(oauth(401, "invalid_client", "Unauthorized"), None);
    }
    let (subject, scopes, refresh) = match grant_type.as_str() {
        "authorization_code" => {
            let Some(code) = tenant.google_grants.codes.remove(&presented) else {
                return refused(oauth(400, "invalid_grant", "Malformed auth code."), None);
            };
            if code.expires_at <= now {
                return refused(oauth(400, "invalid_grant", "Bad Request"), None);
            }
            if code.redirect_uri != get("redirect_uri") {
                return refused(oauth(400, "redirect_uri_mismatch", "Bad Request"), None);
            }
            if let Some((challenge, method)) = &code.challenge {
                let computed = if method == "S256" { &verifier_s256 } else { &verifier };
                if computed != challenge {
                    return refused(oauth(400, "invalid_grant", "Invalid code verifier."), None);
                }
            }
            let refresh = code.offline.then(|| {
                let token = tenant.tokens.mint("1//0g", 80);
                tenant.google_grants.refresh_tokens.insert(
                    token.clone(),
                    RefreshGrant { subject: code.subject.clone(), scopes: code.scopes.clone(), revoked: false },
                );
                token
            });
            (code.subject, code.scopes, refresh)
        }
        "refresh_token" => {
            let grant = tenant.google_grants.refresh_tokens.get(&presented).cloned();
            let owner = grant.as_ref().map(|r| r.subject.clone());
            // A revoked token, a suspended user, or a user moved outside the trusted org
            // units is refused at refresh.
            let usable =
                grant.filter(|r| !r.revoked && g.user(&r.subject).is_some_and(|u| !u.suspended && g.is_trusted(u)));
            let Some(grant) = usable else {
                return refused(oauth(400, "invalid_grant", "Token has been expired or revoked."), owner.as_deref());
            };
            (grant.subject, grant.scopes, None)
        }
        other => {
            return refused(oauth(400, "unsupported_grant_type", &format!("Invalid grant_type: {other}")), None);
        }
    };
    drop(tenant);
    let scope = scopes.join(" ");
    super::oauth::issue(&cell, Some(subject), scopes, |mut body| {
        body["scope"] = json!(scope);
        if let Some(r) = refresh {
            body["refresh_token"] = json!(r);
        }
        body
    })
}

/// `POST /revoke?token=…` (or a form body): revokes a refresh token or an access token.
pub(super) async fn revoke(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    Query(q): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Reply {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let token = q.get("token").or_else(|| form.get("token")).cloned().unwrap_or_default();
    let invalid = || Reply::new(oauth(400, "invalid_token", "Token expired or revoked"));
    let Some(tenant_id) = tokens::tenant_of(&token) else { return invalid() };
    if pin.as_ref().is_some_and(|p| p.0.0 != tenant_id) {
        return invalid();
    }
    let Some(cell) = sim.tenant(tenant_id) else { return invalid() };
    let mut tenant = cell.lock();
    let now = tenant.clock.now();
    if let Some(grant) = tenant.google_grants.refresh_tokens.get_mut(&token) {
        grant.revoked = true;
        let subject = grant.subject.clone();
        tenant.tokens.revoke_subject(&subject);
        return Reply::new(StatusCode::OK.into_response()).tenant(&cell.id, now).subject(Some(&subject));
    }
    if tenant.tokens.revoke_token(&token) {
        return Reply::new(StatusCode::OK.into_response()).tenant(&cell.id, now);
    }
    invalid()
}
