//! `tenantsim`: the one CLI. `run` the feature suite, `serve` scenarios as a live fake
//! server, `check` scenario files, print the `steps` catalog.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "tenantsim", version, about = "Scripted fake Google Workspace tenants for testing sync and recording engines")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve scenarios as a live fake server until Ctrl-C.
    Serve {
        /// Scenario files (YAML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:7878")]
        listen: std::net::SocketAddr,
        /// Also write the manifest (base URLs, credentials) as JSON to this file.
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// Where to write each tenant's key files.
        #[arg(long, default_value = "target/tenantsim/credentials")]
        credentials_dir: PathBuf,
    },
    /// Check scenario files without serving them; exits non-zero on the first bad file.
    Check {
        /// Scenario files (YAML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
}

fn main() {
    if let Err(e) = real_main() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

#[tokio::main]
async fn real_main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve { scenarios, listen, manifest, credentials_dir } => {
            harness::serve::serve(&scenarios, listen, manifest.as_deref(), &credentials_dir).await
        }
        Command::Check { scenarios } => check(&scenarios),
    }
}

fn check(files: &[PathBuf]) -> Result<()> {
    let mut bad = 0;
    for file in files {
        match simulator::scenario::load_file(file) {
            Ok(s) => println!("ok   {} ({}: {} users, {} timeline steps)", file.display(), s.name, s.google.as_ref().map_or(0, |g| g.users.len()), s.timeline.len()),
            Err(e) => {
                bad += 1;
                eprintln!("{e}");
            }
        }
    }
    if bad > 0 {
        bail!("{bad} of {} scenario file(s) have problems", files.len());
    }
    Ok(())
}

