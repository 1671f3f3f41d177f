//! Load benchmark for issue #7: the Google Directory users page from the simulator, next
//! to a bare hyper 1 server and a wiremock-rs 0.6 mock returning the very same bytes; the
//! simulator with many tenants; its memory after a million requests; how fast a generated
//! 10,000-user tenant is ready; and the feature suite's rate next to a no-op cucumber run.
//! Every figure ends in a `results` table with its target and PASS or MISS; nothing here
//! asserts on timing, but a wrong answer (status, body length, bytes) fails the run.
//!
//! It loads an inline scenario (by default 300 users in one org unit, one of them a
//! super admin), gets the admin's access token from the simulator's JWT-bearer token
//! endpoint, then drives
//! `GET /t/{tenant}/admin/directory/v1/users?customer=my_customer&maxResults=100`
//! with a small load generator written here: N keep-alive HTTP/1.1 connections to
//! 127.0.0.1, one request in flight on each, a warm-up, then a fixed number of timed
//! requests per connection, each phase stopped at a time limit if not done by then.
//! Every response must be a 200 with the expected body length (warm-up responses are
//! compared byte for byte); failures are counted, printed, and fail the run. The same load
//! then hits a bare hyper server and a wiremock-rs `MockServer` (a `Mock` for the same
//! path answering the simulator's body and content type) on other loopback ports. The
//! servers and the load generator share the machine's cores: ratios are the figures to
//! compare across machines. wiremock-rs serves from one current-thread runtime.
//!
//! Before the load, the journal is filled to capacity with cheap requests (`GET
//! …/users/{admin}`, one user, 200), so every timed request runs with the journal full
//! and evicting. After the load it prints `Simulator::journal_stats` against the bound the
//! journal documents, and the process heap at mid-run against the end (counted by a thin
//! wrapper around the system allocator installed here).
//!
//! Then: `BENCH_TENANTS` tenants (default 64, four per seed) are loaded into the same
//! simulator, each with its own token, and connection `c` sends its k-th request to tenant
//! `(c + 32k) % 64`, so all are used; throughput is compared with the one-tenant run.
//! Tenants that share a seed must still each get a token of their own: a first token
//! refused on its own tenant is counted and reported (it was the isolation bug), and
//! refused tenants ask again until each holds its own.
//! The RSS phase runs this binary again as a child that only serves the simulator (one
//! tenant), drives `BENCH_RSS_REQUESTS` cheap requests at it and reads the child's
//! `VmRSS`/`VmHWM` from its `/proc/self/status`. The generated tenant is
//! `scenarios/generated-10k.yaml`, served by the real `tenantsim serve` binary in a child
//! process, timed from starting it to its first Directory page (token exchange included).
//! It is started three times; the median is compared with the target. The feature suite
//! runs in-process through `harness::world::TenantWorld` (4 at a time, output discarded),
//! then the very same feature files through a World whose every step matches and does
//! nothing, same settings: the ratio is what the suite's real work costs over cucumber's.
//!
//! Run it with:
//!
//! ```text
//! cargo bench -p harness --bench directory_users
//! ```
//!
//! Settings, from environment variables: `BENCH_CONNECTIONS` (default 32),
//! `BENCH_REQUESTS` (timed requests per connection, default 750), `BENCH_WARMUP`
//! (untimed requests per connection first, default 50), `BENCH_PREFILL` (cheap requests
//! filling the journal first, default its capacity, 10 000; 0 to skip), `BENCH_SECONDS`
//! (time limit of each phase, default 30), `BENCH_USERS` (directory size, default 300),
//! `BENCH_TENANTS` (default 64), `BENCH_RSS_REQUESTS` (default 1 000 000),
//! `BENCH_RSS_SECONDS` (its time limit, default 60) and `BENCH_FEATURES` (0 skips the
//! feature-suite comparison). The whole run takes about two minutes on two cores.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use simulator::Simulator;
use simulator::journal::{JournalEntry, MAX_FIELD_BYTES};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

const JOURNAL_CAPACITY: usize = 10_000;
const PAGE_SIZE: usize = 100;
const ADMIN: &str = "admin@bench.example";
const SCOPE: &str = "https://www.googleapis.com/auth/admin.directory.user.readonly";
const AUDIENCE: &str = "https://oauth2.googleapis.com/token";
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const MIB: f64 = 1024.0 * 1024.0;

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;

mod features;
mod heap;
mod load;
mod rss_child;

use load::*;

/// What the run is configured to do.
struct Settings {
    load: Plan,
    prefill: usize,
    users: usize,
    tenants: usize,
    rss: Plan,
    features: bool,
}

impl Settings {
    fn from_env() -> anyhow::Result<Self> {
        fn var(name: &str, default: usize) -> anyhow::Result<usize> {
            match std::env::var(name) {
                Ok(v) => v.trim().parse().with_context(|| format!("{name}={v:?} is not a whole number")),
                Err(_) => Ok(default),
            }
        }
        let s = Settings {
            load: Plan {
                connections: var("BENCH_CONNECTIONS", 32)?,
                warmup: var("BENCH_WARMUP", 50)?,
                requests: var("BENCH_REQUESTS", 750)?,
                limit: Duration::from_secs(var("BENCH_SECONDS", 30)? as u64),
            },
            prefill: var("BENCH_PREFILL", JOURNAL_CAPACITY)?,
            users: var("BENCH_USERS", 300)?,
            tenants: var("BENCH_TENANTS", 64)?,
            rss: Plan {
                connections: var("BENCH_CONNECTIONS", 32)?,
                warmup: 0,
                requests: var("BENCH_RSS_REQUESTS", 1_000_000)?,
                limit: Duration::from_secs(var("BENCH_RSS_SECONDS", 60)? as u64),
            },
            features: var("BENCH_FEATURES", 1)? != 0,
        };
        let s = Settings { rss: Plan { requests: s.rss.requests.div_ceil(s.rss.connections.max(1)), ..s.rss }, ..s };
        ensure!((1..=256).contains(&s.load.connections), "BENCH_CONNECTIONS must be 1 to 256");
        ensure!(s.load.requests >= 1, "BENCH_REQUESTS must be at least 1");
        ensure!((1..=120).contains(&s.load.limit.as_secs()), "BENCH_SECONDS must be 1 to 120");
        ensure!(s.users >= 1, "BENCH_USERS must be at least 1");
        ensure!((1..=1024).contains(&s.tenants), "BENCH_TENANTS must be 1 to 1024");
        ensure!((1..=600).contains(&s.rss.limit.as_secs()), "BENCH_RSS_SECONDS must be 1 to 600");
        Ok(s)
    }
}

/// Heap figures sampled mid-run and at the end.
#[derive(Debug, Clone, Copy)]
struct Snapshot {
    process_heap: usize,
    /// `Simulator::journal_stats`: held, capacity, evicted, approximate bytes.
    journal: (usize, usize, u64, usize),
}

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        if let Err(e) = rss_child::serve() {
            eprintln!("rss child failed: {e:#}");
            std::process::exit(1);
        }
        return;
    }
    let outcome = Settings::from_env().and_then(|settings| {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        runtime.block_on(run(settings))
    });
    if let Err(e) = outcome {
        eprintln!("directory_users bench failed: {e:#}");
        std::process::exit(1);
    }
}

async fn run(settings: Settings) -> anyhow::Result<()> {
    let load = settings.load;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "settings    BENCH_CONNECTIONS={} BENCH_REQUESTS={} BENCH_WARMUP={} BENCH_PREFILL={} \
         BENCH_SECONDS={} BENCH_USERS={} BENCH_TENANTS={} BENCH_RSS_REQUESTS={} BENCH_RSS_SECONDS={} \
         ({workers} tokio workers, journal capacity {JOURNAL_CAPACITY})",
        load.connections,
        load.requests,
        load.warmup,
        settings.prefill,
        load.limit.as_secs(),
        settings.users,
        settings.tenants,
        settings.rss.planned(),
        settings.rss.limit.as_secs(),
    );
    let mut verdicts = Vec::new();

    // The simulator, its tenant and a token for the admin.
    let sim = Simulator::builder().journal_capacity(JOURNAL_CAPACITY).build();
    let scenario = simulator::scenario::parse("bench", &scenario_yaml(settings.users, 20250310))
        .map_err(|e| anyhow::anyhow!("bench scenario: {e}"))?;
    let tenant = sim.load(scenario)?;
    let server = sim.start("127.0.0.1:0".parse()?).await?;
    let sim_addr = server.addr();
    let token = access_token(&sim, &tenant, &server.base_url(), ADMIN).await?;
    let path = format!("/t/{tenant}/admin/directory/v1/users?customer=my_customer&maxResults={PAGE_SIZE}");

    // One request by hand gives the bytes the bare server will answer with.
    let (content_type, body) = first_response(sim_addr, &request_bytes(sim_addr, &path, &token)).await?;
    let listed = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["users"].as_array().map(Vec::len))
        .unwrap_or(0);
    ensure!(listed == settings.users.min(PAGE_SIZE), "the page lists {listed} users");
    println!(
        "directory users page: {} users, {PAGE_SIZE} per page, {} bytes per response ({content_type}), \
         {} connections x {} requests (+{} warm-up each)",
        settings.users,
        body.len(),
        load.connections,
        load.requests,
        load.warmup,
    );

    // Fill the journal with cheap requests so the load runs with it full and evicting.
    let one_user = format!("/t/{tenant}/admin/directory/v1/users/{ADMIN}");
    let (_, user_body) = first_response(sim_addr, &request_bytes(sim_addr, &one_user, &token)).await?;
    let cheap = Target::one(request_bytes(sim_addr, &one_user, &token), Arc::new(Expected { body: user_body }));
    if settings.prefill > 0 {
        let prefill = Plan { warmup: 0, requests: settings.prefill.div_ceil(load.connections), ..load };
        let (filled, (), _) = run_load(sim_addr, cheap.clone(), prefill, || ()).await?;
        let (held, capacity, evicted, _) = sim.journal_stats();
        println!(
            "prefill     {} cheap requests (GET …/users/{ADMIN}) in {:.2} s, {} errors: journal holds {held} of \
             {capacity}, {evicted} evicted",
            filled.ok,
            filled.elapsed.as_secs_f64(),
            filled.failures(),
        );
        ensure!(filled.failures() == 0, "prefill: {}", filled.line("prefill"));
    }

    // The simulator under load, with the heap sampled mid-run and at the end.
    let expected = Arc::new(Expected { body: body.clone() });
    let sim_for_mid = sim.clone();
    let page = Target::one(request_bytes(sim_addr, &path, &token), expected.clone());
    let (simulated, mid, streams) = run_load(sim_addr, page, load, move || Snapshot {
        process_heap: heap::live_bytes(),
        journal: sim_for_mid.journal_stats(),
    })
    .await?;
    let end = Snapshot { process_heap: heap::live_bytes(), journal: sim.journal_stats() };
    drop(streams);
    println!("{}", simulated.line("simulator"));

    // The bare server, same bytes, same load.
    let (bare_addr, bare_task) = start_bare(body.clone(), HeaderValue::from_str(&content_type)?).await?;
    let bare_page = Target::one(request_bytes(bare_addr, &path, &token), expected.clone());
    let (bare, (), streams) = run_load(bare_addr, bare_page, load, || ()).await?;
    drop(streams);
    bare_task.abort();
    println!("{}", bare.line("bare hyper"));

    // wiremock-rs, a mock answering the same path with the same bytes and content type.
    let mock = wiremock::MockServer::start().await;
    let page_path = format!("/t/{tenant}/admin/directory/v1/users");
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path(page_path.as_str()))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_raw(body.to_vec(), &content_type))
        .mount(&mock)
        .await;
    let mock_addr = *mock.address();
    let (mock_type, mock_body) = first_response(mock_addr, &request_bytes(mock_addr, &path, &token)).await?;
    ensure!(mock_body == body && mock_type == content_type, "wiremock does not answer the simulator's bytes");
    let mock_page = Target::one(request_bytes(mock_addr, &path, &token), expected.clone());
    let (mocked, (), streams) = run_load(mock_addr, mock_page, load, || ()).await?;
    drop(streams);
    drop(mock);
    println!("{}", mocked.line("wiremock"));

    let to_hyper = simulated.per_second() / bare.per_second();
    let to_mock = simulated.per_second() / mocked.per_second();
    println!(
        "ratio       {to_hyper:.3} simulator / bare hyper, {to_mock:.3} simulator / wiremock-rs \
         (wiremock serves from one current-thread runtime on its own thread)"
    );
    verdicts.push(Verdict::new(
        "simulator vs wiremock-rs",
        format!("{:.0} vs {:.0} req/s ({to_mock:.2}x)", simulated.per_second(), mocked.per_second()),
        "simulator ahead",
        to_mock > 1.0,
    ));
    verdicts.push(Verdict::new(
        "simulator / bare hyper",
        format!("{to_hyper:.3} ({:.0} vs {:.0} req/s)", simulated.per_second(), bare.per_second()),
        ">= 0.5",
        to_hyper >= 0.5,
    ));

    let (held, capacity, evicted, bytes) = end.journal;
    let (mid_held, _, mid_evicted, mid_bytes) = mid.journal;
    let fixed = std::mem::size_of::<JournalEntry>();
    let per_entry = 2 * MAX_FIELD_BYTES + fixed;
    println!(
        "journal     held {held} of {capacity} entries, {evicted} evicted, ~{:.2} MiB heap \
         (~{:.0} bytes per held entry); mid-run ~{:.2} MiB ({mid_held} held, {mid_evicted} evicted)",
        bytes as f64 / MIB,
        bytes as f64 / held.max(1) as f64,
        mid_bytes as f64 / MIB,
    );
    println!(
        "            bound: capacity x (2 x MAX_FIELD_BYTES + size_of JournalEntry) \
         = {capacity} x (2 x {MAX_FIELD_BYTES} + {fixed}) = {capacity} x {per_entry} bytes = {:.1} MiB",
        (per_entry * capacity) as f64 / MIB,
    );
    println!(
        "heap        process live heap mid-run {:.2} MiB, end {:.2} MiB (change {:+.3} MiB)",
        mid.process_heap as f64 / MIB,
        end.process_heap as f64 / MIB,
        (end.process_heap as f64 - mid.process_heap as f64) / MIB,
    );
    if held < capacity {
        println!("note        the journal never filled up; raise BENCH_PREFILL or BENCH_REQUESTS");
    } else if mid_held < capacity {
        println!("note        the journal filled up after mid-run, so mid-run to end includes filling it");
    }
    let failures = simulated.failures() + bare.failures() + mocked.failures();
    ensure!(failures == 0, "{failures} requests failed (see the error lines above)");

    // Many tenants in the same simulator, every connection spreading its requests over them.
    let (spread, refused) = many_tenants(&sim, &server, &settings).await?;
    verdicts.push(Verdict::new(
        "same-seed tenants keep own tokens",
        format!("{refused} of {} first tokens refused", settings.tenants),
        "0 refused",
        refused == 0,
    ));
    println!("{}", spread.line(&format!("{} tenants", settings.tenants)));
    ensure!(spread.failures() == 0, "{} requests failed with {} tenants", spread.failures(), settings.tenants);
    let spread_ratio = spread.per_second() / simulated.per_second();
    verdicts.push(Verdict::new(
        &format!("{} tenants spread / 1 tenant", settings.tenants),
        format!("{spread_ratio:.3} ({:.0} vs {:.0} req/s)", spread.per_second(), simulated.per_second()),
        ">= 0.8",
        spread_ratio >= 0.8,
    ));

    // Resident memory after many (cheap) requests: token check, tenant lookup, journal. The
    // simulator runs in a child process of its own (this binary again), so its VmRSS is not
    // the load generator's, wiremock's or the other phases' memory.
    let (rss_run, before, after) = rss_child::measure(settings.rss).await?;
    println!("{}", rss_run.line("rss load"));
    println!(
        "rss         simulator process (1 tenant, journal {JOURNAL_CAPACITY}): VmRSS {:.1} MiB before, {:.1} MiB \
         after {} requests (peak VmHWM {:.1} MiB)",
        before.0 as f64 / 1024.0,
        after.0 as f64 / 1024.0,
        rss_run.ok,
        after.1 as f64 / 1024.0,
    );
    let all_done = rss_run.ok == settings.rss.planned();
    verdicts.push(Verdict::new(
        &format!("VmRSS after {} requests", settings.rss.planned()),
        format!(
            "{:.1} MiB{}",
            after.0 as f64 / 1024.0,
            if all_done { String::new() } else { format!(" (only {} answered in time)", rss_run.ok) }
        ),
        "< 64 MiB",
        all_done && after.0 < 64 * 1024,
    ));
    ensure!(rss_run.failures() == 0, "{} requests failed in the RSS phase", rss_run.failures());
    drop(server);
    drop(sim);

    // A generated 10,000-user / 200,000-event tenant, from its compact file to a first answer.
    // Three starts: the first is cold (fresh binary and page cache), the median is typical.
    let mut starts = Vec::new();
    for _ in 0..3 {
        starts.push(generated_tenant_ready().await?);
    }
    println!(
        "generated   starts: {}",
        starts.iter().map(|d| format!("{:.3} s", d.as_secs_f64())).collect::<Vec<_>>().join(", ")
    );
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    let ready = sorted[1];
    verdicts.push(Verdict::new(
        "generated 10k tenant ready",
        format!("{:.3} s median of 3 (first {:.3} s)", ready.as_secs_f64(), starts[0].as_secs_f64()),
        "< 1 s",
        ready < Duration::from_secs(1),
    ));

    if settings.features {
        let (suite_rate, noop_rate) = features::rates().await?;
        let ratio = suite_rate / noop_rate;
        verdicts.push(Verdict::new(
            "feature suite / no-op cucumber",
            format!("{ratio:.4} ({suite_rate:.1} vs {noop_rate:.1} scenarios/s)"),
            ">= 0.1",
            ratio >= 0.1,
        ));
    }

    println!("\nresults");
    for v in &verdicts {
        println!("  {v}");
    }
    Ok(())
}

/// One figure against its target.
struct Verdict {
    label: String,
    value: String,
    target: &'static str,
    pass: bool,
}

impl Verdict {
    fn new(label: &str, value: String, target: &'static str, pass: bool) -> Self {
        Verdict { label: label.to_string(), value, target, pass }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verdict = if self.pass { "PASS" } else { "MISS" };
        write!(f, "{verdict}  {:<34} {:<48} target {}", self.label, self.value, self.target)
    }
}

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`).
fn proc_status_kib(field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix(field).and_then(|rest| rest.strip_prefix(':')))
        .with_context(|| format!("no {field} in /proc/self/status"))?;
    let kib = line.trim().trim_end_matches("kB").trim();
    kib.parse().with_context(|| format!("{field}: {kib:?} is not a number"))
}

/// Loads `settings.tenants - 1` more tenants into `sim` (four at a time share a seed), each
/// with its own token, and runs the page load spread over all of them. Also returns how
/// many tenants' first tokens were refused on their own tenant's path.
///
/// Tenants sharing a seed draw the same token strings, and the simulator's token store is
/// one map for all tenants, so the tenant that asks last takes a shared token over and the
/// others' copy answers 401. That is counted (and reported as a MISS by the caller); the
/// load then needs working tokens, so refused tenants ask again until each holds a token
/// of its own (their streams move on, so the strings eventually differ).
async fn many_tenants(
    sim: &Simulator,
    server: &simulator::RunningServer,
    settings: &Settings,
) -> anyhow::Result<(LoadReport, usize)> {
    let addr = server.addr();
    let began = Instant::now();
    let mut tenants = Vec::with_capacity(settings.tenants);
    for i in 0..settings.tenants {
        let tenant = if i == 0 {
            "bench-directory".to_string()
        } else {
            let seed = 20250310 + (i / 4) as u64;
            let scenario = simulator::scenario::parse("bench", &scenario_yaml(settings.users, seed))
                .map_err(|e| anyhow::anyhow!("bench scenario: {e}"))?;
            sim.load_as(&format!("bench-t{i:03}"), scenario, true)?
        };
        let token = access_token(sim, &tenant, &server.base_url(), ADMIN).await?;
        tenants.push((tenant, token));
    }
    let page = |tenant: &str, token: &str| {
        let path = format!("/t/{tenant}/admin/directory/v1/users?customer=my_customer&maxResults={PAGE_SIZE}");
        request_bytes(addr, &path, token)
    };
    let mut refused_first = None;
    let mut targets = Vec::new();
    for round in 0..=16 {
        targets.clear();
        let mut refused = Vec::new();
        for (i, (tenant, token)) in tenants.iter().enumerate() {
            let request = page(tenant, token);
            match first_response(addr, &request).await {
                Ok((_, body)) => targets.push(Target { request, expected: Arc::new(Expected { body }) }),
                Err(_) => refused.push(i),
            }
        }
        refused_first.get_or_insert(refused.len());
        if refused.is_empty() {
            break;
        }
        ensure!(round < 16, "{} tenants still have no working token after 16 rounds", refused.len());
        for i in refused {
            let tenant = tenants[i].0.clone();
            tenants[i].1 = access_token(sim, &tenant, &server.base_url(), ADMIN).await?;
        }
    }
    let refused_first = refused_first.unwrap_or(0);
    println!(
        "tenants     {} loaded in one simulator (4 per seed), each with its own token, in {:.2} s; \
         {refused_first} first tokens were refused on their own tenant (shared with a same-seed tenant)",
        sim.tenant_ids().len(),
        began.elapsed().as_secs_f64()
    );
    let (report, (), streams) = run_load(addr, targets.into(), settings.load, || ()).await?;
    drop(streams);
    Ok((report, refused_first))
}

/// Time from starting `tenantsim serve scenarios/generated-10k.yaml` (the real binary, as a
/// user runs it) to the first Directory page it serves: parse, expand the population,
/// build the tenant, write credentials and the manifest, bind, sign and exchange a token,
/// read one page.
async fn generated_tenant_ready() -> anyhow::Result<Duration> {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/generated-10k.yaml");
    let work = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("generated-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let manifest_path = work.join("manifest.json");
    let port = TcpListener::bind("127.0.0.1:0").await?.local_addr()?.port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let began = Instant::now();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_tenantsim"))
        .arg("serve")
        .arg(&file)
        .args(["--listen", &addr.to_string(), "--https-listen", "127.0.0.1:0", "--manifest"])
        .arg(&manifest_path)
        .arg("--credentials-dir")
        .arg(work.join("credentials"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting tenantsim serve")?;
    // serve binds, writes the manifest, then answers: wait for an answer, not a connect.
    let health = format!("http://{addr}/_sim/health");
    let probe = reqwest::Client::new();
    let listening = loop {
        if probe.get(&health).send().await.is_ok_and(|r| r.status().is_success()) {
            break began.elapsed();
        }
        if let Some(status) = child.try_wait()? {
            let mut err = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                stderr.read_to_string(&mut err).await?;
            }
            bail!("tenantsim serve exited with {status}: {err}");
        }
        ensure!(began.elapsed() < Duration::from_secs(60), "tenantsim serve did not answer within 60 s");
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest_path)?)?;
    let (tenant, entry) =
        manifest["tenants"].as_object().and_then(|t| t.iter().next()).context("the manifest lists no tenant")?;
    let google = &entry["google"];
    let key: serde_json::Value =
        serde_json::from_slice(&std::fs::read(google["key_file_path"].as_str().context("no key file path")?)?)?;
    let admin = google["admin_email"].as_str().context("no admin in the manifest")?;
    let clock = chrono::DateTime::parse_from_rfc3339(entry["clock"].as_str().context("no clock")?)?.timestamp();
    let claims = serde_json::json!({
        "iss": key["client_email"], "sub": admin, "scope": SCOPE, "aud": AUDIENCE, "iat": clock, "exp": clock + 3600,
    });
    let signing = EncodingKey::from_rsa_pem(key["private_key"].as_str().context("no private key")?.as_bytes())?;
    let assertion = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &signing)?;
    let answer = reqwest::Client::new()
        .post(google["token_uri"].as_str().context("no token URI")?)
        .form(&[("grant_type", JWT_BEARER), ("assertion", assertion.as_str())])
        .send()
        .await?;
    ensure!(answer.status().is_success(), "token endpoint answered {}", answer.status());
    let token = answer.json::<serde_json::Value>().await?["access_token"].as_str().context("no token")?.to_string();
    let path = format!("/t/{tenant}/admin/directory/v1/users?customer=my_customer&maxResults={PAGE_SIZE}");
    let (_, body) = first_response(addr, &request_bytes(addr, &path, &token)).await?;
    let ready = began.elapsed();
    let listed = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["users"].as_array().map(Vec::len))
        .unwrap_or(0);
    ensure!(listed == PAGE_SIZE, "the generated tenant's first page lists {listed} users");
    let rss = std::fs::read_to_string(format!("/proc/{}/status", child.id().unwrap_or_default())).unwrap_or_default();
    let peak = rss.lines().find(|l| l.starts_with("VmHWM")).unwrap_or("VmHWM ?").split_whitespace().nth(1);
    child.kill().await?;
    let _ = std::fs::remove_dir_all(&work);
    println!(
        "generated   tenantsim serve {}: answering at {:.3} s, token and first page ({listed} users) at {:.3} s, \
         peak RSS {} MiB",
        file.display(),
        listening.as_secs_f64(),
        ready.as_secs_f64(),
        peak.and_then(|k| k.parse::<f64>().ok()).map_or("?".into(), |k| format!("{:.0}", k / 1024.0)),
    );
    Ok(ready)
}

/// Set in the environment of the child process that only serves the simulator.
const CHILD_ENV: &str = "BENCH_RSS_CHILD";

/// The bench tenant: `users` users in /Staff, the first a super admin.
fn scenario_yaml(users: usize, seed: u64) -> String {
    let mut y = format!(
        "name: bench-directory\n\
         description: Directory users page under load.\n\
         seed: {seed}\n\
         clock: 2025-03-10T09:00:00Z\n\
         google:\n  \
           domain: bench.example\n  \
           org_units:\n    - /Staff\n  \
           users:\n",
    );
    let _ = write!(y, "    - email: {ADMIN}\n      name: Ada Admin\n      org_unit: /Staff\n      admin: true\n");
    for i in 1..users {
        let _ =
            write!(y, "    - email: user{i:04}@bench.example\n      name: User Number{i:04}\n      org_unit: /Staff\n");
    }
    let _ = write!(
        y,
        "  app_access:\n    scopes:\n      - admin.directory.user.readonly\n\
         company:\n  name: Bench\n  google:\n    connection: company_wide\n    admin: {ADMIN}\n"
    );
    y
}

/// Exchanges a signed assertion for `admin`'s access token.
async fn access_token(sim: &Simulator, tenant: &str, base_url: &str, admin: &str) -> anyhow::Result<String> {
    let tenant_url = format!("{base_url}/t/{tenant}");
    let key = sim.google_key_file(tenant, &tenant_url)?;
    let pem = key["private_key"].as_str().context("key file without private_key")?;
    let client_email = key["client_email"].as_str().context("key file without client_email")?;
    // Issued at the tenant's virtual now, which the token endpoint accepts.
    let iat = sim.clock(tenant)?.now.timestamp();
    let claims = serde_json::json!({
        "iss": client_email, "sub": admin, "scope": SCOPE, "aud": AUDIENCE, "iat": iat, "exp": iat + 3600,
    });
    let key = EncodingKey::from_rsa_pem(pem.as_bytes())?;
    let assertion = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key)?;
    let answer = reqwest::Client::new()
        .post(format!("{tenant_url}/token"))
        .form(&[("grant_type", JWT_BEARER), ("assertion", assertion.as_str())])
        .send()
        .await?;
    let status = answer.status();
    let text = answer.text().await?;
    ensure!(status.is_success(), "token endpoint answered {status}: {text}");
    let parsed: serde_json::Value = serde_json::from_str(&text)?;
    Ok(parsed["access_token"].as_str().context("no access_token in the token response")?.to_string())
}

/// A bare hyper 1 HTTP/1.1 server on a loopback port answering every request with
/// `body` and `content_type`. Abort the returned task to stop accepting.
async fn start_bare(body: Bytes, content_type: HeaderValue) -> io::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        loop {
            // Socket options as `axum::serve` leaves them (Nagle on), like the simulator.
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            };
            let (body, content_type) = (body.clone(), content_type.clone());
            tokio::spawn(async move {
                let service = service_fn(move |_: Request<Incoming>| {
                    let mut response = Response::new(Full::new(body.clone()));
                    response.headers_mut().insert(CONTENT_TYPE, content_type.clone());
                    async move { Ok::<_, Infallible>(response) }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    Ok((addr, task))
}
