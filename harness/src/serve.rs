//! `tenantsim serve`: loads scenarios into one simulator, writes credentials and the
//! manifest, prints where everything is, and serves until Ctrl-C.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use simulator::Simulator;

/// Loads `scenarios` into `sim` and serves it on `listen` until Ctrl-C.
pub async fn serve(
    sim: Simulator,
    scenarios: &[PathBuf],
    listen: SocketAddr,
    manifest_path: Option<&Path>,
    credentials_dir: &Path,
) -> Result<()> {
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
    println!("tenantsim serving on {base}  (admin API: {}/_sim)", base);
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
    sim.serve(listener, stop).await?;
    Ok(())
}
