//! HTTPS beside plain HTTP.
//!
//! Microsoft's MSAL refuses an authority that is not `https://…`, so the simulator can
//! also listen with TLS. Each run makes its own certificate authority ([`TlsIdentity`]):
//! a CA certificate, and a server certificate it signs for `localhost`, `127.0.0.1`, `::1`
//! and any names the operator adds. A client trusts the CA's PEM file with its usual
//! setting (`REQUESTS_CA_BUNDLE`, `SSL_CERT_FILE`, `NODE_EXTRA_CA_CERTS`, `curl --cacert`),
//! so nothing is disabled and no system store is touched. rustls serves it, on the `ring`
//! provider, the same router and journal as plain HTTP.
//!
//! The keys are transport only: they never change what a provider answers, so they are
//! not drawn from the scenario seed (every run has a fresh CA, as a CA should).

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use thiserror::Error;

/// Why a TLS identity could not be made.
#[derive(Debug, Error)]
pub enum TlsError {
    /// Generating or signing a certificate failed.
    #[error("cannot make the simulator's TLS certificates: {0}")]
    Certificate(#[from] rcgen::Error),
    /// rustls refused the configuration.
    #[error("cannot configure TLS: {0}")]
    Config(#[from] rustls::Error),
}

/// A per-run certificate authority and the server certificate it signed.
#[derive(Clone)]
pub struct TlsIdentity {
    ca_pem: String,
    config: Arc<rustls::ServerConfig>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsIdentity").finish_non_exhaustive()
    }
}

impl TlsIdentity {
    /// A fresh CA and a server certificate for `localhost`, `127.0.0.1`, `::1` and
    /// `extra_names` (host names or IP addresses clients will use).
    pub fn generate(extra_names: &[String]) -> Result<Self, TlsError> {
        let ca_key = KeyPair::generate()?;
        let mut ca = CertificateParams::new(Vec::<String>::new())?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, "tenantsim local CA");
        ca.distinguished_name.push(DnType::OrganizationName, "tenantsim");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let ca_cert = ca.self_signed(&ca_key)?;

        let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
        names.extend(extra_names.iter().cloned());
        let mut server = CertificateParams::new(names)?;
        server.distinguished_name.push(DnType::CommonName, "tenantsim");
        server.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_key = KeyPair::generate()?;
        let issuer = Issuer::new(ca, ca_key);
        let server_cert = server.signed_by(&server_key, &issuer)?;

        let chain = vec![server_cert.der().clone(), CertificateDer::from(ca_cert.der().to_vec())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let mut config =
            rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()?
                .with_no_client_auth()
                .with_single_cert(chain, key)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self { ca_pem: ca_cert.pem(), config: Arc::new(config) })
    }

    /// The CA certificate (PEM) a client must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub(crate) fn server_config(&self) -> Arc<rustls::ServerConfig> {
        self.config.clone()
    }
}
