//! The recorder's service account in a Google tenant: its RSA key, generated from the
//! scenario seed, and the JSON key file a real client loads.
//!
//! The identity (project, `client_email`, client id) comes from the seed *and* the tenant
//! id, so two tenants loaded from one scenario are two customers whose tokens never mix.
//! The RSA key comes from a pool of 32 pre-generated 2048-bit keys shipped in
//! `simulator/keys/pool.pem`, chosen by the seed: generating one costs 0.15 to 0.5 s of
//! prime search, which dominated loading a tenant and running the feature suite. Tenants
//! may therefore share key material (always those of one seed), but the token endpoint
//! finds a tenant by its own `client_email` before it checks the signature, and key files
//! stay byte-identical across runs.

use std::sync::{Arc, OnceLock};

use jsonwebtoken::DecodingKey;
use rand_chacha03::ChaCha8Rng;
use rand_chacha03::rand_core::RngCore;
use rsa::RsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

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

/// How many keys the shipped pool holds.
pub const KEY_POOL_SIZE: usize = 32;

/// The pool: 32 RSA-2048 keys (PKCS#8 PEM, concatenated), generated once by
/// `regenerate_key_pool` below from `ChaCha8Rng::seed_from_u64(KEY_POOL_SEED + i)`.
/// Generating a 2048-bit key takes 0.15 to 0.5 s; a pool read at start-up takes none, so
/// loading a tenant (and every scenario of the feature suite) costs no prime search.
const KEY_POOL: &str = include_str!("../../keys/pool.pem");
#[cfg(test)]
const KEY_POOL_SEED: u64 = 0x7e57_5eed_0000_0000;

/// The pool key a seed uses (a fixed, seed-derived choice: the same seed always gets the
/// same key file bytes).
fn key_for_seed(seed: u64) -> Arc<ServiceAccountKey> {
    static KEYS: OnceLock<Vec<OnceLock<Arc<ServiceAccountKey>>>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| (0..KEY_POOL_SIZE).map(|_| OnceLock::new()).collect());
    // SplitMix64's finaliser spreads neighbouring seeds over the pool.
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    let index = ((z ^ (z >> 31)) % KEY_POOL_SIZE as u64) as usize;
    keys[index].get_or_init(|| Arc::new(pool_key(index))).clone()
}

/// Parses pool key `index`. The pool is part of the binary and checked by a test, so a
/// failure here is a build defect, not an input error.
fn pool_key(index: usize) -> ServiceAccountKey {
    let pem = pool_pems().nth(index).expect("the key pool holds KEY_POOL_SIZE keys");
    let private = RsaPrivateKey::from_pkcs8_pem(&pem).expect("pool keys are PKCS#8");
    let public_key_pem = private.to_public_key().to_public_key_pem(LineEnding::LF).expect("SPKI encoding");
    let decoding_key = DecodingKey::from_rsa_pem(public_key_pem.as_bytes()).expect("own public key parses");
    let digest = Sha256::digest(public_key_pem.as_bytes());
    ServiceAccountKey {
        private_key_id: digest[..20].iter().map(|b| format!("{b:02x}")).collect(),
        private_key_pem: pem,
        public_key_pem,
        decoding_key,
    }
}

fn pool_pems() -> impl Iterator<Item = String> {
    const END: &str = "-----END PRIVATE KEY-----";
    KEY_POOL.split_inclusive(END).filter(|b| b.contains(END)).map(|b| format!("{}\n", b.trim_start()))
}

fn hex(rng: &mut ChaCha8Rng, bytes: usize) -> String {
    (0..bytes).map(|_| format!("{:02x}", rng.next_u32() as u8)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_holds_distinct_2048_bit_keys_and_seeds_spread_over_it() {
        use rsa::traits::PublicKeyParts;
        let pems: Vec<String> = pool_pems().collect();
        assert_eq!(pems.len(), KEY_POOL_SIZE);
        let mut moduli = std::collections::BTreeSet::new();
        for pem in &pems {
            let key = RsaPrivateKey::from_pkcs8_pem(pem).expect("PKCS#8");
            assert_eq!(key.size() * 8, 2048);
            key.validate().expect("a consistent RSA key");
            moduli.insert(key.n().to_bytes_be());
        }
        assert_eq!(moduli.len(), KEY_POOL_SIZE, "no key twice");
        let used: std::collections::BTreeSet<String> =
            (0..200u64).map(|seed| key_for_seed(seed).private_key_id.clone()).collect();
        assert!(used.len() > KEY_POOL_SIZE / 2, "200 seeds use most of the pool, not a few keys: {}", used.len());
        assert_eq!(key_for_seed(7).private_key_pem, key_for_seed(7).private_key_pem, "deterministic");
    }

    /// Rebuilds `keys/pool.pem` from its seeds and checks it matches the shipped file
    /// (slow: 32 key generations). `cargo test -p simulator regenerate_key_pool --
    /// --ignored`; set `WRITE_KEY_POOL=1` to write the file instead.
    #[test]
    #[ignore = "generates 32 RSA keys (about 10 s optimised)"]
    fn regenerate_key_pool() {
        use rand_chacha03::rand_core::SeedableRng;
        use rsa::pkcs8::EncodePrivateKey;
        let mut pool = String::new();
        for i in 0..KEY_POOL_SIZE as u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(KEY_POOL_SEED + i);
            let key = RsaPrivateKey::new(&mut rng, 2048).expect("key generation");
            pool.push_str(key.to_pkcs8_pem(LineEnding::LF).expect("PKCS#8").as_ref());
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/pool.pem");
        if std::env::var_os("WRITE_KEY_POOL").is_some() {
            std::fs::write(path, &pool).expect("write the pool");
        }
        assert_eq!(pool, KEY_POOL, "keys/pool.pem is what its seeds generate");
    }
}
