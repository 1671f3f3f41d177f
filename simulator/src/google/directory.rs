//! Admin SDK Directory API: users list/get and org units, as an admin sees them.
//!
//! Calls must act as a (non-suspended) super admin of the tenant; others get Google's
//! 403 "Not Authorized to access this resource/api".

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use serde::Serialize;
use serde_json::{Value, json};

use super::auth::{Caller, Requirement, with_caller};
use super::errors::{self, ApiError};
use super::state::{DirectoryUser, GoogleState};
use crate::Simulator;
use crate::paging;
use crate::reply::Reply;
use crate::server::PinnedTenant;

const USERS: Requirement = Requirement {
    api: "directory",
    scopes: &["admin.directory.user.readonly", "admin.directory.user"],
    service: "admin.googleapis.com",
    method: "ccc.hosted.frontend.directory.v1.DirectoryUsers.List",
};

const ORG_UNITS: Requirement = Requirement {
    api: "directory",
    scopes: &["admin.directory.orgunit.readonly", "admin.directory.orgunit"],
    service: "admin.googleapis.com",
    method: "ccc.hosted.frontend.directory.v1.DirectoryOrgunits.List",
};

type Params = Query<HashMap<String, String>>;

fn is_admin(g: &GoogleState, caller: &Caller) -> bool {
    caller.subject.as_deref().and_then(|s| g.user(s)).is_some_and(|u| u.admin && !u.suspended)
}

pub(super) async fn list_users(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(q): Params,
) -> Reply {
    with_caller(&sim, pin.as_deref(), &headers, &uri, &USERS, |g, caller| {
        if !is_admin(g, caller) {
            return errors::not_authorized();
        }
        let customer = q.get("customer").map(String::as_str);
        let domain = q.get("domain").map(String::as_str);
        match (customer, domain) {
            (None, None) => return ApiError::new(400, "badRequest", "Bad Request").into_response(),
            (Some(c), _) if c != "my_customer" && c != g.customer_id => {
                return errors::not_authorized();
            }
            (_, Some(d)) if !d.eq_ignore_ascii_case(&g.domain) => return errors::not_authorized(),
            _ => {}
        }
        let max = match q.get("maxResults").map(|m| m.parse::<usize>()) {
            None => 100,
            Some(Ok(n)) if (1..=500).contains(&n) => n,
            Some(_) => {
                let v = q.get("maxResults").cloned().unwrap_or_default();
                return errors::invalid_parameter(
                    "maxResults",
                    &format!("Invalid value '{v}'. Values must be within the range: [1, 500]"),
                );
            }
        };
        // `showDeleted=true` lists the deleted users instead of the active ones.
        let show_deleted = q.get("showDeleted").is_some_and(|v| v == "true");
        let pool: Vec<&DirectoryUser> =
            if show_deleted { g.deleted_users.iter().map(|(u, _)| u).collect() } else { g.users.iter().collect() };
        let mut users: Vec<&DirectoryUser> = match q.get("query") {
            Some(text) => match UserQuery::parse(text) {
                Ok(query) => pool.into_iter().filter(|u| query.matches(u)).collect(),
                Err(message) => return errors::invalid_parameter("query", &message),
            },
            None => pool,
        };
        let order = q.get("orderBy").map(String::as_str).unwrap_or("email");
        match order {
            "email" => users.sort_by(|a, b| a.email.cmp(&b.email)),
            "familyName" => users.sort_by(|a, b| (&a.family_name, &a.email).cmp(&(&b.family_name, &b.email))),
            "givenName" => users.sort_by(|a, b| (&a.given_name, &a.email).cmp(&(&b.given_name, &b.email))),
            other => {
                return errors::invalid_parameter("orderBy", &format!("Invalid value '{other}'"));
            }
        }
        if q.get("sortOrder").is_some_and(|s| s.eq_ignore_ascii_case("DESCENDING")) {
            users.reverse();
        }
        let fingerprint = format!(
            "users|{show_deleted}|{}|{}|{}|{}",
            customer.or(domain).unwrap_or_default(),
            q.get("query").map(String::as_str).unwrap_or_default(),
            order,
            q.get("sortOrder").map(String::as_str).unwrap_or_default()
        );
        let offset = match q.get("pageToken") {
            None => 0,
            Some(t) => match paging::decode(t, &fingerprint) {
                Some(o) => o,
                None => return errors::invalid_parameter("pageToken", "Invalid page token"),
            },
        };
        // Only the requested page is rendered; the rest of the directory is never copied.
        let (page, next) = paging::page(&users, offset, max, &fingerprint);
        let body = UsersPage {
            kind: "admin#directory#users",
            etag: etag(&fingerprint),
            users: page
                .iter()
                .map(|u| {
                    let mut r = UserResource::of(g, u);
                    r.deletion_time = g
                        .deleted_users
                        .iter()
                        .find(|(d, _)| d.id == u.id)
                        .map(|(_, t)| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
                    r
                })
                .collect(),
            next_page_token: next,
        };
        crate::rendered::json(&body)
    })
}

pub(super) async fn get_user(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(user_key): Path<String>,
) -> Reply {
    with_caller(&sim, pin.as_deref(), &headers, &uri, &USERS, |g, caller| {
        if !is_admin(g, caller) {
            return errors::not_authorized();
        }
        match g.users.iter().find(|u| u.email.eq_ignore_ascii_case(&user_key) || u.id == user_key) {
            Some(u) => crate::rendered::json(&UserResource::of(g, u)),
            None => errors::not_found("Resource Not Found: userKey"),
        }
    })
}

pub(super) async fn list_org_units(
    State(sim): State<Simulator>,
    pin: Option<axum::Extension<PinnedTenant>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(customer): Path<String>,
    Query(q): Params,
) -> Reply {
    with_caller(&sim, pin.as_deref(), &headers, &uri, &ORG_UNITS, |g, caller| {
        if !is_admin(g, caller) || (customer != "my_customer" && customer != g.customer_id) {
            return errors::not_authorized();
        }
        let root = q.get("orgUnitPath").map(|p| format!("/{}", p.trim_matches('/'))).unwrap_or_else(|| "/".into());
        let kind = q.get("type").map(String::as_str).unwrap_or("children");
        let under = |path: &str| {
            if root == "/" { path != "/" } else { path.starts_with(&format!("{root}/")) }
        };
        let units: Vec<Value> = g
            .org_units
            .iter()
            .filter(|o| match kind {
                "all" => under(&o.path),
                "allIncludingParent" => under(&o.path) || o.path == root,
                _ => under(&o.path) && parent_of(&o.path) == root,
            })
            .map(|o| {
                let parent = parent_of(&o.path);
                let parent_id = g.org_units.iter().find(|p| p.path == parent).map(|p| p.id.clone());
                json!({
                    "kind": "admin#directory#orgUnit",
                    "etag": etag(&o.path),
                    "name": o.path.rsplit('/').next().unwrap_or_default(),
                    "description": "",
                    "orgUnitPath": o.path,
                    "orgUnitId": o.id,
                    "parentOrgUnitPath": parent,
                    "parentOrgUnitId": parent_id,
                    "blockInheritance": false,
                })
            })
            .collect();
        crate::rendered::json(
            &json!({ "kind": "admin#directory#orgUnits", "etag": etag(&root), "organizationUnits": units }),
        )
    })
}

fn parent_of(path: &str) -> String {
    match path.rsplit_once('/') {
        Some(("", _)) | None => "/".into(),
        Some((parent, _)) => parent.into(),
    }
}

/// A page of `users.list`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UsersPage<'a> {
    kind: &'static str,
    etag: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    users: Vec<UserResource<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_page_token: Option<String>,
}

/// The Directory `User` resource, with the fields Google returns for `projection=basic`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserResource<'a> {
    kind: &'static str,
    id: &'a str,
    etag: String,
    primary_email: &'a str,
    name: UserName<'a>,
    is_admin: bool,
    is_delegated_admin: bool,
    last_login_time: &'static str,
    creation_time: &'static str,
    agreed_to_terms: bool,
    suspended: bool,
    archived: bool,
    change_password_at_next_login: bool,
    ip_whitelisted: bool,
    emails: [UserEmail<'a>; 1],
    customer_id: &'a str,
    org_unit_path: &'a str,
    is_mailbox_setup: bool,
    is_enrolled_in2_sv: bool,
    is_enforced_in2_sv: bool,
    include_in_global_address_list: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    deletion_time: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserName<'a> {
    given_name: &'a str,
    family_name: &'a str,
    full_name: String,
}

#[derive(Serialize)]
struct UserEmail<'a> {
    address: &'a str,
    primary: bool,
}

impl<'a> UserResource<'a> {
    fn of(g: &'a GoogleState, u: &'a DirectoryUser) -> Self {
        UserResource {
            kind: "admin#directory#user",
            id: &u.id,
            etag: etag(&format!("{}{}{}", u.id, u.org_unit, u.suspended)),
            primary_email: &u.email,
            name: UserName {
                given_name: &u.given_name,
                family_name: &u.family_name,
                full_name: format!("{} {}", u.given_name, u.family_name).trim().to_string(),
            },
            is_admin: u.admin,
            is_delegated_admin: false,
            last_login_time: "1970-01-01T00:00:00.000Z",
            creation_time: "2020-01-01T00:00:00.000Z",
            agreed_to_terms: true,
            suspended: u.suspended,
            archived: false,
            change_password_at_next_login: false,
            ip_whitelisted: false,
            emails: [UserEmail { address: &u.email, primary: true }],
            customer_id: &g.customer_id,
            org_unit_path: &u.org_unit,
            is_mailbox_setup: true,
            is_enrolled_in2_sv: false,
            is_enforced_in2_sv: false,
            include_in_global_address_list: true,
            deletion_time: None,
        }
    }
}

/// A weak etag derived from content, stable across runs.
pub(super) fn etag(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    format!("\"{h:016x}\"")
}

/// The subset of the Directory `query` language the simulator understands:
/// `email:x` (prefix), `email=x`, `orgUnitPath=/x` (and below), `isAdmin=true|false`,
/// `isSuspended=true|false`, `givenName:x`, `familyName:x`, combined with spaces (AND).
struct UserQuery {
    terms: Vec<(String, char, String)>,
}

impl UserQuery {
    fn parse(text: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        for raw in text.split_whitespace() {
            let idx = raw.find([':', '=']).ok_or_else(|| format!("Invalid query: `{raw}`"))?;
            let (field, rest) = raw.split_at(idx);
            let op = rest.chars().next().expect("found above");
            let value = rest[1..].trim_matches(|c| c == '\'' || c == '"').to_string();
            if !["email", "orgUnitPath", "isAdmin", "isSuspended", "givenName", "familyName"].contains(&field) {
                return Err(format!("Invalid query: unsupported field `{field}`"));
            }
            terms.push((field.to_string(), op, value));
        }
        Ok(Self { terms })
    }

    fn matches(&self, u: &DirectoryUser) -> bool {
        self.terms.iter().all(|(field, op, value)| {
            let text = |s: &str| {
                let (s, v) = (s.to_ascii_lowercase(), value.to_ascii_lowercase());
                if *op == ':' { s.starts_with(&v) } else { s == v }
            };
            match field.as_str() {
                "email" => text(&u.email),
                "givenName" => text(&u.given_name),
                "familyName" => text(&u.family_name),
                "orgUnitPath" => {
                    u.org_unit == *value || u.org_unit.starts_with(&format!("{}/", value.trim_end_matches('/')))
                }
                "isAdmin" => u.admin.to_string() == value.to_ascii_lowercase(),
                "isSuspended" => u.suspended.to_string() == value.to_ascii_lowercase(),
                _ => false,
            }
        })
    }
}
