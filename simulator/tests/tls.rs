//! HTTPS beside plain HTTP: a client that trusts the run's CA gets the same simulator over
//! TLS (admin API and providers); one that does not is refused at the handshake; a
//! standard client (curl) trusts it through its ordinary CA-file setting.

use simulator::Simulator;
use simulator::tls::TlsIdentity;

const SCENARIO: &str = r#"
name: acme
seed: 42
clock: 2025-03-10T09:00:00Z
google:
  domain: acme.example
  users:
    - email: ada@acme.example
      admin: true
  app_access:
    scopes: [admin.directory.user.readonly]
"#;

/// One HTTPS request through rustls (ring), trusting only `ca` (or nothing): the status
/// and body, or the handshake error. Written on tokio-rustls so the workspace's reqwest
/// keeps no TLS feature (a provider-less rustls in reqwest would leak into every crate's
/// tests through feature unification).
async fn https_get(
    addr: std::net::SocketAddr,
    path: &str,
    ca: Option<&str>,
    bearer: Option<&str>,
) -> Result<(u16, String), String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut roots = rustls::RootCertStore::empty();
    if let Some(pem) = ca {
        roots
            .add(CertificateDer::from_pem_slice(pem.as_bytes()).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    }
    let config =
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let name = ServerName::try_from("localhost").map_err(|e| e.to_string())?;
    let mut tls = connector.connect(name, tcp).await.map_err(|e| format!("handshake: {e}"))?;
    let auth = bearer.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    // A peer may close without close_notify once the answer is complete.
    let _ = tls.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or(format!("no status in {text:?}"))?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((status, body))
}

#[tokio::test]
async fn a_client_that_trusts_the_ca_reaches_the_same_simulator_over_https() {
    let sim = Simulator::default();
    sim.load(simulator::scenario::parse("t", SCENARIO).unwrap()).unwrap();
    let tls = TlsIdentity::generate(&[]).expect("certificates");
    assert!(tls.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    let server = sim.start_tls("127.0.0.1:0".parse().unwrap(), tls.clone()).await.unwrap();
    assert!(server.base_url().starts_with("https://localhost:"), "{}", server.base_url());

    let addr = server.addr();
    let (status, body) = https_get(addr, "/_sim/health", Some(tls.ca_pem()), None).await.expect("TLS handshake");
    assert_eq!(status, 200, "{body}");
    // A provider route answers in the provider's own shape, over TLS too.
    let users = "/t/acme/admin/directory/v1/users?customer=my_customer";
    let (status, body) = https_get(addr, users, Some(tls.ca_pem()), Some("ya29.unknown~acme")).await.unwrap();
    assert_eq!(status, 401);
    let body: serde_json::Value = serde_json::from_str(&body).expect("JSON error body");
    assert_eq!(body["error"]["errors"][0]["reason"], "authError");
    // … and is journalled like plain HTTP.
    assert!(sim.journal(&Default::default()).iter().any(|e| e.path.starts_with("/admin/directory") && e.status == 401));

    let stranger = https_get(addr, "/_sim/health", None, None).await;
    assert!(stranger.as_ref().is_err_and(|e| e.starts_with("handshake")), "{stranger:?}");
}

#[tokio::test]
async fn curl_trusts_the_ca_file_with_its_usual_option() {
    let sim = Simulator::default();
    let tls = TlsIdentity::generate(&[]).expect("certificates");
    let server = sim.start_tls("127.0.0.1:0".parse().unwrap(), tls.clone()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("tenantsim-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, tls.ca_pem()).unwrap();
    let url = format!("{}/_sim/health", server.base_url());
    let curl = |extra: &[&str]| {
        let url = url.clone();
        let args: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new("curl")
                .args(["-s", "-o", "/dev/null", "-w", "%{http_code}"])
                .args(&args)
                .arg(&url)
                .output()
                .expect("curl is installed")
        })
    };
    let trusted = curl(&["--cacert", ca.to_str().unwrap()]).await.unwrap();
    assert_eq!(String::from_utf8_lossy(&trusted.stdout), "200", "{}", String::from_utf8_lossy(&trusted.stderr));
    let untrusted = curl(&[]).await.unwrap();
    assert!(!untrusted.status.success(), "curl without the CA file must refuse the certificate");
    let _ = std::fs::remove_dir_all(&dir);
}
