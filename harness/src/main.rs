//! `tenantsim`: the one CLI. `run` the feature suite, `serve` scenarios as a live fake
//! server, `check` scenario files, print the `steps` catalog, `generate` a large scenario.

mod generate;

/// mimalloc: the simulator builds and drops large tenants (hundreds of thousands of small
/// strings) and serves many small answers; glibc malloc spent a third of a 10,000-user
/// tenant's start-up consolidating free chunks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "tenantsim",
    version,
    about = "Scripted fake Google Workspace tenants for testing sync and recording engines"
)]
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
        /// Require `Authorization: Bearer TOKEN` on every admin API call (for a shared machine).
        #[arg(long, env = "TENANTSIM_ADMIN_TOKEN")]
        admin_token: Option<String>,
        /// Also serve HTTPS here (same tenants), with a CA made for this run. Default: the
        /// HTTP port + 1 on the same address, or any free port if that one is taken (the
        /// manifest and the banner say which).
        #[arg(long, value_name = "ADDR")]
        https_listen: Option<std::net::SocketAddr>,
        /// Serve plain HTTP only.
        #[arg(long, conflicts_with = "https_listen")]
        no_https: bool,
        /// Another host name or IP address the TLS certificate must cover (repeatable).
        #[arg(long = "tls-name", value_name = "NAME")]
        tls_names: Vec<String>,
        /// Also accept admin API calls addressed to this Host (repeatable; `*` for any).
        /// Loopback names are always accepted.
        #[arg(long = "allow-host", value_name = "HOST")]
        allow_hosts: Vec<String>,
    },
    /// Run the feature suite against the simulator and the reference engine.
    Run {
        /// A feature file or directory.
        #[arg(default_value = "features")]
        features: PathBuf,
        /// Only scenarios with one of these tags (repeatable, e.g. --tag @DC-05).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Only scenarios whose name contains this text.
        #[arg(long)]
        name: Option<String>,
        /// Also write a JUnit XML report.
        #[arg(long)]
        junit: Option<PathBuf>,
        /// Scenarios run at once.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
    },
    /// Print the step catalog: every Gherkin step the runner understands.
    Steps,
    /// Write a generated scenario (every user, meeting and message explicit), byte-identical
    /// for the same settings and seed.
    Generate {
        /// Users.
        #[arg(long, default_value_t = 1000)]
        users: u32,
        /// Meetings each user organizes.
        #[arg(long, default_value_t = 20)]
        events_per_user: u32,
        /// Messages from outside contacts in each mailbox.
        #[arg(long, default_value_t = 2)]
        mail_per_user: u32,
        /// Scenario seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The tenant's domain.
        #[arg(long, default_value = "generated.example")]
        domain: String,
        /// Write here instead of to standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check scenario files without serving them; exits non-zero if any has a problem.
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
        Command::Serve {
            scenarios,
            listen,
            manifest,
            credentials_dir,
            admin_token,
            allow_hosts,
            https_listen,
            no_https,
            tls_names,
        } => {
            let mut sim = simulator::Simulator::builder();
            if let Some(token) = admin_token {
                sim = sim.admin_token(token);
            }
            for host in allow_hosts {
                sim = sim.allow_admin_host(host);
            }
            use harness::serve::Https;
            let https = match (no_https, https_listen, listen.port()) {
                (true, _, _) => Https::Off,
                (false, Some(addr), _) => Https::At(addr),
                (false, None, port) => Https::Near(std::net::SocketAddr::new(
                    listen.ip(),
                    if port == 0 { 0 } else { port.wrapping_add(1) },
                )),
            };
            let options = harness::serve::ServeOptions {
                listen,
                https,
                tls_names: &tls_names,
                manifest_path: manifest.as_deref(),
                credentials_dir: &credentials_dir,
            };
            harness::serve::serve(sim.build(), &scenarios, options).await
        }
        Command::Check { scenarios } => check(&scenarios),
        Command::Generate { users, events_per_user, mail_per_user, seed, domain, out } => {
            let options = generate::Options { users, events_per_user, mail_per_user, seed, domain };
            let yaml = generate::render(&options)?;
            match out {
                Some(path) => std::fs::write(&path, yaml).with_context(|| format!("cannot write {}", path.display())),
                None => {
                    use std::io::Write as _;
                    std::io::stdout().lock().write_all(yaml.as_bytes()).context("cannot write to standard output")
                }
            }
        }
        Command::Steps => {
            print!("{}", harness::catalog::render());
            Ok(())
        }
        Command::Run { features, tags, name, junit, concurrency } => {
            let options = harness::runner::SuiteOptions { features, tags, name, junit, concurrency };
            let summary = harness::runner::run(options).await?;
            if !summary.ok() {
                bail!(
                    "the feature suite failed ({} passed, {} failed)",
                    summary.passed,
                    summary.failed + summary.parsing_errors
                );
            }
            Ok(())
        }
    }
}

fn check(files: &[PathBuf]) -> Result<()> {
    let mut bad = 0;
    for file in files {
        match simulator::scenario::load_file(file) {
            Ok(s) => println!(
                "ok   {} ({}: {} users, {} timeline steps)",
                file.display(),
                s.name,
                s.google.as_ref().map_or(0, |g| g.users.len()),
                s.timeline.len()
            ),
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
