//! `tenantsim serve`: loads scenarios into one simulator, writes credentials and the
//! manifest, prints where everything is, and serves until Ctrl-C.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use simulator::Simulator;

/// Whether and where `serve` listens with TLS.
pub enum Https {
    /// Plain HTTP only.
    Off,
    /// Exactly this address (fail if it is taken).
    At(SocketAddr),
    /// This address if free, else any free port on its IP (the default: HTTP port + 1).
    Near(SocketAddr),
}

/// Where and how to serve.
pub struct ServeOptions<'a> {
    /// Plain HTTP address.
    pub listen: SocketAddr,
    /// Whether and where TLS is served too.
    pub https: Https,
    /// Extra names (hosts, IPs) the TLS certificate covers beyond loopback.
    pub tls_names: &'a [String],
    /// Where to write the manifest, if anywhere.
    pub manifest_path: Option<&'a Path>,
    /// Where key files and the CA certificate go.
    pub credentials_dir: &'a Path,
}

/// Loads `scenarios` into `sim` and serves it until Ctrl-C.
pub async fn serve(sim: Simulator, scenarios: &[PathBuf], options: ServeOptions<'_>) -> Result<()> {
    let ServeOptions { listen, https, tls_names, manifest_path, credentials_dir } = options;
    for file in scenarios {
        let scenario = simulator::scenario::load_file(file).map_err(|e| anyhow::anyhow!("{e}"))?;
        sim.load(scenario).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    }
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let base = format!("http://{}", listener.local_addr()?);
    let mut manifest = sim.manifest(&base);
    for (id, tenant) in manifest.tenants.iter_mut() {
        if let Some(g) = tenant.google.as_mut() {
            let key = sim.google_key_file(id, &g.base_url).map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::create_dir_all(credentials_dir)
                .with_context(|| format!("cannot create {}", credentials_dir.display()))?;
            let path = credentials_dir.join(format!("{id}-google-service-account.json"));
            std::fs::write(&path, serde_json::to_vec_pretty(&key)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
            g.key_file_path = Some(path.display().to_string());
        }
    }
    let https = match https {
        Https::Off => None,
        Https::At(addr) | Https::Near(addr) => {
            let tls = simulator::tls::TlsIdentity::generate(tls_names)?;
            let bound = match (tokio::net::TcpListener::bind(addr).await, &https) {
                (Ok(listener), _) => Ok(listener),
                // The default port is only a preference: take any free one instead.
                (Err(_), Https::Near(_)) => tokio::net::TcpListener::bind(SocketAddr::new(addr.ip(), 0)).await,
                (Err(e), _) => Err(e),
            };
            let listener = bound.with_context(|| format!("cannot listen on {addr} (HTTPS)"))?;
            let port = listener.local_addr()?.port();
            std::fs::create_dir_all(credentials_dir)
                .with_context(|| format!("cannot create {}", credentials_dir.display()))?;
            let ca_path = credentials_dir.join("tenantsim-ca.pem");
            std::fs::write(&ca_path, tls.ca_pem()).with_context(|| format!("cannot write {}", ca_path.display()))?;
            manifest.https = Some(simulator::manifest::HttpsManifest {
                base_url: format!("https://localhost:{port}"),
                ca_cert_path: ca_path.display().to_string(),
            });
            Some((listener, tls))
        }
    };
    println!("tenantsim serving on {base}  (admin API: {}/_sim)", base);
    if let Some(h) = &manifest.https {
        println!("          and on {}  (same tenants over TLS; trust {})", h.base_url, h.ca_cert_path);
        println!("          e.g. REQUESTS_CA_BUNDLE={0} SSL_CERT_FILE={0} NODE_EXTRA_CA_CERTS={0}", h.ca_cert_path);
    }
    for (id, tenant) in &manifest.tenants {
        println!("\ntenant {id}  (virtual clock {})", tenant.clock);
        if let Some(g) = &tenant.google {
            println!("  google  base URL     {}", g.base_url);
            println!("          token URI    {}", g.token_uri);
            println!("          directory    {}", g.directory_url);
            println!("          calendar     {}", g.calendar_url);
            println!("          key file     {} (also {})", g.key_file_path.as_deref().unwrap_or("-"), g.key_file_url);
            println!("          client       {} (client id {})", g.client_email, g.client_id);
            if let Some(admin) = &g.admin_email {
                println!("          admin        {admin}");
            }
        }
        if let Some(z) = &tenant.zoom {
            println!("  zoom    API          {}", z.api_url);
            println!("          token URL    {}", z.token_url);
            println!("          account      {} (client {} / secret {})", z.account_id, z.client_id, z.client_secret);
        }
        println!("  rooms   join         {}/join", tenant.rooms_url);
        {}
    }
    if let Some(path) = manifest_path {
        std::fs::write(path, serde_json::to_vec_pretty(&manifest)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("\nmanifest written to {}", path.display());
    }
    println!("\nCtrl-C to stop.");
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match https {
        Some((tls_listener, tls)) => {
            let (tx, rx) = tokio::sync::watch::channel(false);
            let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
                let _ = rx.wait_for(|stop| *stop).await;
            };
            let plain = sim.serve(listener, stopped(rx.clone()));
            let secure = sim.serve_tls(tls_listener, &tls, stopped(rx));
            let signal = async move {
                stop.await;
                let _ = tx.send(true);
            };
            let (plain, secure, ()) = tokio::join!(plain, secure, signal);
            plain?;
            secure?;
        }
        None => sim.serve(listener, stop).await?,
    }
    Ok(())
}
