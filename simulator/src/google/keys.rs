//! The recorder's service account in a Google tenant: its RSA key, generated from the
//! scenario seed, and the JSON key file a real client loads.
//!
//! The identity (project, `client_email`, client id) comes from the seed *and* the tenant
//! id, so two tenants loaded from one scenario are two customers whose tokens never mix.
//! Key generation is the slowest thing a tenant does (~0.15 s optimised), so the RSA key
//! itself is cached per seed for the life of the process: tenants of one seed share a
//! key, but the token endpoint finds a tenant by its own `client_email` before it checks
//! the signature. Key files stay byte-identical across runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonwebtoken::DecodingKey;
use rand_chacha03::ChaCha8Rng;
use rand_chacha03::rand_core::{RngCore, SeedableRng};
use rsa::RsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::{Value, json};

/// Key material of one service account.
pub struct ServiceAccountKey {
    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), as Google key files carry it.
    pub private_key_pem: String,
    /// SubjectPublicKeyInfo PEM.
    pub public_key_pem: String,
    /// Verifies assertions signed with the private key.
    pub decoding_key: DecodingKey,
    /// 40 hex digits, like Google's `private_key_id`.
    pub private_key_id: String,
}

impl std::fmt::Debug for ServiceAccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccountKey").field("private_key_id", &self.private_key_id).finish_non_exhaustive()
    }
}

/// The identity of the recorder's service account in one tenant.
#[derive(Debug, Clone)]
pub struct ServiceAccount {
    /// `recorder@<project>.iam.gserviceaccount.com`.
    pub client_email: String,
    /// Numeric OAuth client id (what the admin enters for domain-wide delegation).
    pub client_id: String,
    /// Cloud project id.
    pub project_id: String,
    /// Key material.
    pub key: Arc<ServiceAccountKey>,
}

impl ServiceAccount {
    /// Creates the service account for a tenant; ids and key come from `seed`.
    pub fn generate(seed: u64, tenant: &str, client_id: Option<&str>) -> Self {
        let mut rng = crate::tenant::identity_rng(seed, tenant, "google service account");
        let project_id = format!("recorder-sim-{}", &hex(&mut rng, 3));
        let client_id = client_id.map(str::to_string).unwrap_or_else(|| {
            let mut id = String::from("1");
            for _ in 0..20 {
                id.push(char::from(b'0' + (rng.next_u32() % 10) as u8));
            }
            id
        });
        ServiceAccount {
            client_email: format!("recorder@{project_id}.iam.gserviceaccount.com"),
            client_id,
            project_id,
            key: key_for_seed(seed),
        }
    }

    /// The key file JSON a client loads (`google.oauth2.service_account.Credentials
    /// .from_service_account_info`), with `token_uri` pointing at `token_uri`.
    pub fn key_file(&self, token_uri: &str) -> Value {
        json!({
            "type": "service_account",
            "project_id": self.project_id,
            "private_key_id": self.key.private_key_id,
            "private_key": self.key.private_key_pem,
            "client_email": self.client_email,
            "client_id": self.client_id,
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": format!(
                "https://www.googleapis.com/robot/v1/metadata/x509/{}",
                self.client_email.replace('@', "%40")
            ),
            "universe_domain": "googleapis.com"
        })
    }
}

fn key_for_seed(seed: u64) -> Arc<ServiceAccountKey> {
    static CACHE: OnceLock<Mutex<HashMap<u64, Arc<ServiceAccountKey>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(key) = cache.lock().expect("key cache poisoned").get(&seed) {
        return key.clone();
    }
    // Generated outside the lock: two tenants racing on one seed both compute the same
    // key (deterministic), and neither blocks other seeds meanwhile.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let private = RsaPrivateKey::new(&mut rng, 2048).expect("2048-bit RSA key generation");
    let private_key_pem = private.to_pkcs8_pem(LineEnding::LF).expect("PKCS#8 encoding").to_string();
    let public_key_pem = private.to_public_key().to_public_key_pem(LineEnding::LF).expect("SPKI encoding");
    let decoding_key = DecodingKey::from_rsa_pem(public_key_pem.as_bytes()).expect("own public key parses");
    let key = Arc::new(ServiceAccountKey {
        private_key_pem,
        public_key_pem,
        decoding_key,
        private_key_id: hex(&mut rng, 20),
    });
    cache.lock().expect("key cache poisoned").entry(seed).or_insert(key).clone()
}

fn hex(rng: &mut ChaCha8Rng, bytes: usize) -> String {
    (0..bytes).map(|_| format!("{:02x}", rng.next_u32() as u8)).collect()
}
