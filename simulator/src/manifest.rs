//! The manifest: where each provider of each tenant is, and where its credentials are,
//! as `serve` prints it and `--manifest FILE` writes it, so any script or engine can be
//! wired to a running simulator.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Simulator;

/// Everything a client needs to reach a running simulator.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Server root, e.g. `http://127.0.0.1:7070`.
    pub base_url: String,
    /// Admin API root (`{base_url}/_sim`).
    pub admin_url: String,
    /// Per tenant.
    pub tenants: BTreeMap<String, TenantManifest>,
    /// The HTTPS listener, when the simulator also serves TLS (same tenants and paths).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https: Option<HttpsManifest>,
}

/// Where the HTTPS listener is and which CA a client must trust for it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HttpsManifest {
    /// Server root over TLS, e.g. `https://localhost:7879`; replace a tenant's
    /// `http://…` base with it to reach the same tenant over HTTPS.
    pub base_url: String,
    /// The run's CA certificate (PEM): `REQUESTS_CA_BUNDLE`, `SSL_CERT_FILE`,
    /// `NODE_EXTRA_CA_CERTS` or `curl --cacert`.
    pub ca_cert_path: String,
}

/// One tenant's entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TenantManifest {
    /// Virtual now.
    pub clock: String,
    /// The Google Workspace, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google: Option<GoogleManifest>,
    /// The Zoom account, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoom: Option<ZoomManifest>,
    /// Where the recording bot joins meetings (`POST …/join`).
    pub rooms_url: String,
}

/// Where a tenant's Zoom account is, and its server-to-server app's credentials.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ZoomManifest {
    /// API root (`…/v2`).
    pub api_url: String,
    /// Token endpoint.
    pub token_url: String,
    /// Account id.
    pub account_id: String,
    /// S2S client id.
    pub client_id: String,
    /// S2S client secret.
    pub client_secret: String,
}

/// Where a tenant's Google Workspace lives.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GoogleManifest {
    /// Root to use as every Google API endpoint (pinned to the tenant).
    pub base_url: String,
    /// OAuth token endpoint.
    pub token_uri: String,
    /// Directory API root.
    pub directory_url: String,
    /// Calendar API root.
    pub calendar_url: String,
    /// Where to download the service-account key file.
    pub key_file_url: String,
    /// Where `serve` wrote the key file, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_file_path: Option<String>,
    /// The service account.
    pub client_email: String,
    /// Its OAuth client id.
    pub client_id: String,
    /// Primary domain.
    pub domain: String,
    /// Customer id.
    pub customer_id: String,
    /// A super admin to impersonate for Directory calls, if the tenant has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_email: Option<String>,
    /// Scopes granted to the service account.
    pub scopes: Vec<String>,
    /// Where users consent (user-by-user connections).
    pub authorize_url: String,
    /// The recorder's web OAuth client id.
    pub oauth_client_id: String,
    /// Its secret.
    pub oauth_client_secret: String,
}

pub(crate) fn build(sim: &Simulator, base_url: &str) -> Manifest {
    let base = base_url.trim_end_matches('/').to_string();
    let tenants = sim
        .tenants()
        .into_iter()
        .map(|cell| {
            let id = &cell.id;
            let (now, google, zoom) = {
                let t = cell.lock();
                (t.clock.now(), t.google.clone(), t.zoom.clone())
            };
            let google = google.map(|g| {
                let root = format!("{base}/t/{id}");
                GoogleManifest {
                    token_uri: format!("{root}/token"),
                    directory_url: format!("{root}/admin/directory/v1"),
                    calendar_url: format!("{root}/calendar/v3"),
                    key_file_url: format!("{base}/_sim/tenants/{id}/google/service-account.json"),
                    key_file_path: None,
                    client_email: g.service_account.client_email.clone(),
                    client_id: g.service_account.client_id.clone(),
                    domain: g.domain.clone(),
                    customer_id: g.customer_id.clone(),
                    admin_email: g.users.iter().find(|u| u.admin && !u.suspended).map(|u| u.email.clone()),
                    scopes: g.access.scopes.iter().cloned().collect(),
                    authorize_url: format!("{root}/o/oauth2/v2/auth"),
                    oauth_client_id: g.oauth_client.client_id.clone(),
                    oauth_client_secret: g.oauth_client.client_secret.clone(),
                    base_url: root,
                }
            });
            let zoom = zoom.map(|z| ZoomManifest {
                api_url: format!("{base}/t/{id}/v2"),
                token_url: format!("{base}/t/{id}/oauth/token"),
                account_id: z.account_id.clone(),
                client_id: z.client_id.clone(),
                client_secret: z.client_secret.clone(),
            });
            let rooms_url = format!("{base}/t/{id}/rooms");
            (id.clone(), TenantManifest { clock: now.to_rfc3339(), google, zoom, rooms_url })
        })
        .collect();
    Manifest { admin_url: format!("{base}/_sim"), base_url: base, tenants, https: None }
}
