//! Load benchmark: requests per second the simulator serves for the Google Directory
//! users page, next to a bare hyper 1 server returning the very same bytes, and whether
//! the request journal stays inside its memory bound under that load.
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
//! then hits a bare hyper server on another loopback port that answers every request
//! with the simulator's body and content type. Both servers and the load generator share
//! one multi-thread tokio runtime in this process, so on a small machine they compete
//! for the same cores: the ratio is the figure to compare across machines.
//!
//! Before the load, the journal is filled to capacity with cheap requests (`GET
//! …/users/{admin}`, one user, 200), so every timed request runs with the journal full
//! and evicting. After the load it prints `Simulator::journal_stats` (entries held,
//! capacity, evicted, approximate heap bytes) against the bound the journal documents,
//! and the journal's and the whole process's heap at mid-run against the end (the process
//! heap is counted by a thin wrapper around the system allocator installed here).
//!
//! Run it with:
//!
//! ```text
//! cargo bench -p harness --bench directory_users
//! ```
//!
//! Settings, from environment variables: `BENCH_CONNECTIONS` (default 8),
//! `BENCH_REQUESTS` (timed requests per connection, default 750), `BENCH_WARMUP`
//! (untimed requests per connection first, default 50), `BENCH_PREFILL` (cheap requests
//! filling the journal first, default its capacity, 10 000; 0 to skip), `BENCH_SECONDS`
//! (time limit of each phase, default 30) and `BENCH_USERS` (directory size, default 300).
//! The simulator takes 2 to 3 ms of CPU per page here, so the defaults run for about 25 s.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Barrier;
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

/// Live heap bytes of the process, counted around the system allocator.
mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;
    use std::sync::atomic::Ordering::Relaxed;
    use std::sync::atomic::{AtomicIsize, AtomicUsize};

    /// Each thread counts into its own cache line, so counting adds no contention to the
    /// servers being measured; threads past the last slot share it (with atomic adds).
    const SLOTS: usize = 64;
    const SHARED: usize = SLOTS - 1;

    #[repr(align(128))]
    struct Slot(AtomicIsize);

    static LIVE: [Slot; SLOTS] = [const { Slot(AtomicIsize::new(0)) }; SLOTS];
    static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

    thread_local! {
        static MY_SLOT: Cell<usize> = const { Cell::new(usize::MAX) };
    }

    fn add(delta: isize) {
        let slot = MY_SLOT
            .try_with(|s| {
                if s.get() == usize::MAX {
                    s.set(NEXT_SLOT.fetch_add(1, Relaxed).min(SHARED));
                }
                s.get()
            })
            .unwrap_or(SHARED);
        let counter = &LIVE[slot].0;
        if slot == SHARED {
            counter.fetch_add(delta, Relaxed);
        } else {
            // Only this thread writes this slot; readers just sum.
            counter.store(counter.load(Relaxed) + delta, Relaxed);
        }
    }

    /// Bytes allocated and not yet freed, over all threads.
    pub fn live_bytes() -> usize {
        LIVE.iter().map(|s| s.0.load(Relaxed)).sum::<isize>().max(0) as usize
    }

    /// The counting allocator.
    pub struct Counting;

    // SAFETY: every call is forwarded unchanged to the system allocator; only the byte
    // counts are recorded on the side, without allocating.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                add(layout.size() as isize);
            }
            p
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            // SAFETY: as for `alloc`.
            let p = unsafe { System.alloc_zeroed(layout) };
            if !p.is_null() {
                add(layout.size() as isize);
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: `ptr` came from `System` through this wrapper, with this layout.
            unsafe { System.dealloc(ptr, layout) };
            add(-(layout.size() as isize));
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s contract.
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                add(new_size as isize - layout.size() as isize);
            }
            p
        }
    }
}

/// How one load phase runs.
#[derive(Debug, Clone, Copy)]
struct Plan {
    connections: usize,
    warmup: usize,
    requests: usize,
    limit: Duration,
}

impl Plan {
    fn planned(&self) -> u64 {
        (self.connections * self.requests) as u64
    }
}

/// What the run is configured to do.
struct Settings {
    load: Plan,
    prefill: usize,
    users: usize,
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
                connections: var("BENCH_CONNECTIONS", 8)?,
                warmup: var("BENCH_WARMUP", 50)?,
                requests: var("BENCH_REQUESTS", 750)?,
                limit: Duration::from_secs(var("BENCH_SECONDS", 30)? as u64),
            },
            prefill: var("BENCH_PREFILL", JOURNAL_CAPACITY)?,
            users: var("BENCH_USERS", 300)?,
        };
        ensure!((1..=256).contains(&s.load.connections), "BENCH_CONNECTIONS must be 1 to 256");
        ensure!(s.load.requests >= 1, "BENCH_REQUESTS must be at least 1");
        ensure!((1..=120).contains(&s.load.limit.as_secs()), "BENCH_SECONDS must be 1 to 120");
        ensure!(s.users >= 1, "BENCH_USERS must be at least 1");
        Ok(s)
    }
}

/// The body every response of a phase must carry.
struct Expected {
    body: Bytes,
}

/// One connection's results.
#[derive(Default)]
struct ConnReport {
    /// Timed requests answered as expected.
    ok: u64,
    /// Timed requests sent (answered or not).
    attempted: u64,
    /// Failures by kind, warm-up ones included (and labelled).
    errors: BTreeMap<String, u64>,
    latencies_us: Vec<u32>,
}

impl ConnReport {
    fn error(&mut self, kind: String) {
        *self.errors.entry(kind).or_default() += 1;
    }
}

/// One load phase against one server.
struct LoadReport {
    plan: Plan,
    ok: u64,
    attempted: u64,
    errors: BTreeMap<String, u64>,
    elapsed: Duration,
    latencies_us: Vec<u32>,
}

impl LoadReport {
    fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    fn failures(&self) -> u64 {
        self.errors.values().sum()
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies_us.len() - 1) as f64 * p).round() as usize;
        f64::from(self.latencies_us[i]) / 1000.0
    }

    fn line(&self, label: &str) -> String {
        let mut s = format!(
            "{label:<11} {:>6.0} req/s  ({} ok of {} in {:.2} s, p50 {:.2} ms, p99 {:.2} ms, {} errors{})",
            self.per_second(),
            self.ok,
            self.plan.planned(),
            self.elapsed.as_secs_f64(),
            self.percentile_ms(0.50),
            self.percentile_ms(0.99),
            self.failures(),
            if self.attempted < self.plan.planned() { ", stopped at the time limit" } else { "" },
        );
        for (kind, n) in &self.errors {
            let _ = write!(s, "\n            error: {kind} x {n}");
        }
        s
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
         BENCH_SECONDS={} BENCH_USERS={} ({workers} tokio workers, journal capacity {JOURNAL_CAPACITY})",
        load.connections,
        load.requests,
        load.warmup,
        settings.prefill,
        load.limit.as_secs(),
        settings.users,
    );

    // The simulator, its tenant and a token for the admin.
    let sim = Simulator::builder().journal_capacity(JOURNAL_CAPACITY).build();
    let scenario = simulator::scenario::parse("bench", &scenario_yaml(settings.users))
        .map_err(|e| anyhow::anyhow!("bench scenario: {e}"))?;
    let tenant = sim.load(scenario)?;
    let server = sim.start("127.0.0.1:0".parse()?).await?;
    let sim_addr = server.addr();
    let token = access_token(&sim, &tenant, &server.base_url()).await?;
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
    if settings.prefill > 0 {
        let prefill = Plan { warmup: 0, requests: settings.prefill.div_ceil(load.connections), ..load };
        let one_user = format!("/t/{tenant}/admin/directory/v1/users/{ADMIN}");
        let (_, user_body) = first_response(sim_addr, &request_bytes(sim_addr, &one_user, &token)).await?;
        let (filled, (), _) = run_load(
            sim_addr,
            request_bytes(sim_addr, &one_user, &token),
            Arc::new(Expected { body: user_body }),
            prefill,
            || (),
        )
        .await?;
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
    let (simulated, mid, streams) =
        run_load(sim_addr, request_bytes(sim_addr, &path, &token), expected.clone(), load, move || Snapshot {
            process_heap: heap::live_bytes(),
            journal: sim_for_mid.journal_stats(),
        })
        .await?;
    let end = Snapshot { process_heap: heap::live_bytes(), journal: sim.journal_stats() };
    drop(streams);
    drop(server);

    // The bare server, same bytes, same load.
    let (bare_addr, bare_task) = start_bare(body, HeaderValue::from_str(&content_type)?).await?;
    let (bare, (), streams) =
        run_load(bare_addr, request_bytes(bare_addr, &path, &token), expected, load, || ()).await?;
    drop(streams);
    bare_task.abort();

    println!("{}", simulated.line("simulator"));
    println!("{}", bare.line("bare hyper"));
    let ratio = simulated.per_second() / bare.per_second();
    println!("ratio       {ratio:.4} (simulator / bare hyper; bare hyper is {:.0}x faster)", 1.0 / ratio);

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
    let failures = simulated.failures() + bare.failures();
    ensure!(failures == 0, "{failures} requests failed (see the error lines above)");
    Ok(())
}

/// The bench tenant: `users` users in /Staff, the first a super admin.
fn scenario_yaml(users: usize) -> String {
    let mut y = String::from(
        "name: bench-directory\n\
         description: Directory users page under load.\n\
         seed: 20250310\n\
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

/// Exchanges a signed assertion for the admin's access token.
async fn access_token(sim: &Simulator, tenant: &str, base_url: &str) -> anyhow::Result<String> {
    let tenant_url = format!("{base_url}/t/{tenant}");
    let key = sim.google_key_file(tenant, &tenant_url)?;
    let pem = key["private_key"].as_str().context("key file without private_key")?;
    let client_email = key["client_email"].as_str().context("key file without client_email")?;
    // Issued at the tenant's virtual now, which the token endpoint accepts.
    let iat = sim.clock(tenant)?.now.timestamp();
    let claims = serde_json::json!({
        "iss": client_email, "sub": ADMIN, "scope": SCOPE, "aud": AUDIENCE, "iat": iat, "exp": iat + 3600,
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

fn request_bytes(addr: SocketAddr, path: &str, token: &str) -> Arc<[u8]> {
    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\n\r\n")
        .into_bytes()
        .into()
}

/// One request on a fresh connection; the answer's content type and body, if a 200.
async fn first_response(addr: SocketAddr, request: &[u8]) -> anyhow::Result<(String, Bytes)> {
    let mut stream = connect(addr).await?;
    let mut buf = Vec::with_capacity(64 * 1024);
    stream.write_all(request).await?;
    let response = tokio::time::timeout(Duration::from_secs(10), read_response(&mut stream, &mut buf))
        .await
        .context("no answer within 10 s")??;
    let head = String::from_utf8_lossy(&buf[..response.head_len]).into_owned();
    let body = Bytes::copy_from_slice(&buf[response.head_len..response.head_len + response.body_len]);
    if response.status != 200 {
        bail!("the simulator answered {}: {}", response.status, String::from_utf8_lossy(&body));
    }
    let content_type = header(&head, "content-type").context("no content-type")?.to_string();
    Ok((content_type, body))
}

async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    // The load generator only ever talks to this machine.
    if !addr.ip().is_loopback() {
        return Err(io::Error::other(format!("{addr} is not a loopback address")));
    }
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Runs one load phase against `addr`: every connection connects and warms up, then
/// all send their timed requests together. Calls `mid` once, when half the timed
/// requests are done (or half the time limit has passed). Returns the connections still
/// open, so the caller can sample the heap before they close.
async fn run_load<M: Send + 'static>(
    addr: SocketAddr,
    request: Arc<[u8]>,
    expected: Arc<Expected>,
    plan: Plan,
    mid: impl FnOnce() -> M + Send + 'static,
) -> anyhow::Result<(LoadReport, M, Vec<TcpStream>)> {
    let start = Arc::new(Barrier::new(plan.connections + 1));
    let done = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::with_capacity(plan.connections);
    for _ in 0..plan.connections {
        let (request, expected, start, done) = (request.clone(), expected.clone(), start.clone(), done.clone());
        tasks.push(tokio::spawn(async move { connection(addr, &request, &expected, plan, &start, &done).await }));
    }
    start.wait().await;
    let began = Instant::now();

    let finished = Arc::new(AtomicBool::new(false));
    let monitor: JoinHandle<M> = {
        let (done, finished) = (done.clone(), finished.clone());
        let (half_count, half_time) = (plan.planned().div_ceil(2), plan.limit / 2);
        tokio::spawn(async move {
            while done.load(Ordering::Relaxed) < half_count
                && began.elapsed() < half_time
                && !finished.load(Ordering::Relaxed)
            {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            mid()
        })
    };

    let mut report = LoadReport {
        plan,
        ok: 0,
        attempted: 0,
        errors: BTreeMap::new(),
        elapsed: Duration::ZERO,
        latencies_us: Vec::with_capacity(plan.planned() as usize),
    };
    let mut streams = Vec::new();
    for task in tasks {
        let (conn, stream) = task.await?;
        report.ok += conn.ok;
        report.attempted += conn.attempted;
        for (kind, n) in conn.errors {
            *report.errors.entry(kind).or_default() += n;
        }
        report.latencies_us.extend_from_slice(&conn.latencies_us);
        streams.extend(stream);
    }
    report.elapsed = began.elapsed();
    report.latencies_us.sort_unstable();
    finished.store(true, Ordering::Relaxed);
    let mid = monitor.await?;
    Ok((report, mid, streams))
}

/// One keep-alive connection: warm-up, wait for the others, then the timed requests.
async fn connection(
    addr: SocketAddr,
    request: &[u8],
    expected: &Expected,
    plan: Plan,
    start: &Barrier,
    done: &AtomicU64,
) -> (ConnReport, Option<TcpStream>) {
    let mut report = ConnReport { latencies_us: Vec::with_capacity(plan.requests), ..Default::default() };
    let mut buf = Vec::with_capacity(expected.body.len() + 4096);
    let mut stream = None;

    let deadline = Instant::now() + plan.limit;
    for _ in 0..plan.warmup {
        match exchange(addr, &mut stream, &mut buf, request, expected, true, deadline).await {
            Ok(()) => {}
            Err(Failure::Deadline) => break,
            Err(Failure::Connect(kind)) => {
                report.error(format!("warm-up: {kind}"));
                break;
            }
            Err(Failure::Closed(kind) | Failure::Answered(kind)) => report.error(format!("warm-up: {kind}")),
        }
    }

    start.wait().await;
    let deadline = Instant::now() + plan.limit;
    for _ in 0..plan.requests {
        let sent = Instant::now();
        let outcome = exchange(addr, &mut stream, &mut buf, request, expected, false, deadline).await;
        if matches!(outcome, Err(Failure::Deadline)) {
            // Cut by the time limit: neither an answer nor a failure.
            break;
        }
        report.attempted += 1;
        done.fetch_add(1, Ordering::Relaxed);
        match outcome {
            Ok(()) => {
                report.ok += 1;
                report.latencies_us.push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
            }
            Err(Failure::Connect(kind)) => {
                report.error(kind);
                break;
            }
            Err(Failure::Closed(kind) | Failure::Answered(kind)) => report.error(kind),
            Err(Failure::Deadline) => unreachable!("handled above"),
        }
    }
    (report, stream)
}

enum Failure {
    /// The time limit passed before the answer came; the connection is dropped.
    Deadline,
    /// The connection could not be opened; this connection stops.
    Connect(String),
    /// The connection broke mid-answer; it is reopened for the next request.
    Closed(String),
    /// A complete but wrong answer; the connection stays in use.
    Answered(String),
}

/// Sends one request on the connection (opening it first if needed) and checks the answer.
async fn exchange(
    addr: SocketAddr,
    slot: &mut Option<TcpStream>,
    buf: &mut Vec<u8>,
    request: &[u8],
    expected: &Expected,
    compare_body: bool,
    deadline: Instant,
) -> Result<(), Failure> {
    let deadline = tokio::time::Instant::from_std(deadline);
    let stream = match slot {
        Some(s) => s,
        None => {
            let opened = tokio::time::timeout_at(deadline, connect(addr))
                .await
                .map_err(|_| Failure::Deadline)?
                .map_err(|e| Failure::Connect(format!("connect: {e}")))?;
            buf.clear();
            slot.insert(opened)
        }
    };
    let answer = tokio::time::timeout_at(deadline, async {
        stream.write_all(request).await?;
        read_response(stream, buf).await
    })
    .await;
    let response = match answer {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            *slot = None;
            return Err(Failure::Closed(format!("i/o: {e}")));
        }
        Err(_) => {
            *slot = None;
            return Err(Failure::Deadline);
        }
    };
    let total = response.head_len + response.body_len;
    let verdict = if response.status != 200 {
        Err(Failure::Answered(format!("status {}", response.status)))
    } else if response.body_len != expected.body.len() {
        Err(Failure::Answered(format!("body of {} bytes, expected {}", response.body_len, expected.body.len())))
    } else if compare_body && buf[response.head_len..total] != expected.body[..] {
        Err(Failure::Answered("body differs from the first response".into()))
    } else {
        Ok(())
    };
    buf.drain(..total);
    verdict
}

struct RawResponse {
    status: u16,
    head_len: usize,
    body_len: usize,
}

/// Reads one complete response (head and `Content-Length` body) into `buf`, which may
/// already hold its first bytes; the response is `buf[..head_len + body_len]`.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<RawResponse> {
    let mut scanned = 0;
    let head_len = loop {
        if let Some(i) = buf[scanned..].windows(4).position(|w| w == b"\r\n\r\n") {
            break scanned + i + 4;
        }
        scanned = buf.len().saturating_sub(3);
        if buf.len() > 64 * 1024 {
            return Err(io::Error::other("response head over 64 KiB"));
        }
        read_more(stream, buf).await?;
    };
    let head = std::str::from_utf8(&buf[..head_len]).map_err(|_| io::Error::other("response head is not UTF-8"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| io::Error::other("malformed status line"))?;
    let body_len = header(head, "content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .ok_or_else(|| io::Error::other("response without Content-Length"))?;
    while buf.len() < head_len + body_len {
        read_more(stream, buf).await?;
    }
    Ok(RawResponse { status, head_len, body_len })
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.reserve(16 * 1024);
    if stream.read_buf(buf).await? == 0 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed by the server"));
    }
    Ok(())
}

/// A header's value from a response head (first match, name case-insensitive).
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.split("\r\n").skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
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
