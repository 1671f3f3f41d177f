//! The load generator: N keep-alive HTTP/1.1 connections to one address, one request in
//! flight on each, every answer checked (status, length, and the body byte for byte where
//! asked), with per-connection latency reports. Written by hand on tokio so the same
//! client measures the simulator and its peers identically.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hyper::body::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Barrier;
use tokio::task::JoinHandle;

/// The body every response of a phase must carry.
/// How one load phase runs.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub connections: usize,
    pub warmup: usize,
    pub requests: usize,
    pub limit: Duration,
}

impl Plan {
    pub fn planned(&self) -> u64 {
        (self.connections * self.requests) as u64
    }
}

pub struct Expected {
    pub body: Bytes,
}

/// One request a load phase sends and the answer it expects.
#[derive(Clone)]
pub struct Target {
    pub request: Arc<[u8]>,
    pub expected: Arc<Expected>,
}

impl Target {
    pub fn one(request: Arc<[u8]>, expected: Arc<Expected>) -> Arc<[Target]> {
        Arc::new([Target { request, expected }])
    }
}

/// One connection's results.
#[derive(Default)]
pub struct ConnReport {
    /// Timed requests answered as expected.
    pub ok: u64,
    /// Timed requests sent (answered or not).
    pub attempted: u64,
    /// Failures by kind, warm-up ones included (and labelled).
    pub errors: BTreeMap<String, u64>,
    pub latencies_us: Vec<u32>,
}

impl ConnReport {
    pub fn error(&mut self, kind: String) {
        *self.errors.entry(kind).or_default() += 1;
    }
}

/// One load phase against one server.
pub struct LoadReport {
    pub plan: Plan,
    pub ok: u64,
    pub attempted: u64,
    pub errors: BTreeMap<String, u64>,
    pub elapsed: Duration,
    pub latencies_us: Vec<u32>,
}

impl LoadReport {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    pub fn failures(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies_us.len() - 1) as f64 * p).round() as usize;
        f64::from(self.latencies_us[i]) / 1000.0
    }

    pub fn line(&self, label: &str) -> String {
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

pub fn request_bytes(addr: SocketAddr, path: &str, token: &str) -> Arc<[u8]> {
    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\n\r\n")
        .into_bytes()
        .into()
}

/// One request on a fresh connection; the answer's content type and body, if a 200.
pub async fn first_response(addr: SocketAddr, request: &[u8]) -> anyhow::Result<(String, Bytes)> {
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

pub async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
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
pub async fn run_load<M: Send + 'static>(
    addr: SocketAddr,
    targets: Arc<[Target]>,
    plan: Plan,
    mid: impl FnOnce() -> M + Send + 'static,
) -> anyhow::Result<(LoadReport, M, Vec<TcpStream>)> {
    let start = Arc::new(Barrier::new(plan.connections + 1));
    let done = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::with_capacity(plan.connections);
    for index in 0..plan.connections {
        let (targets, start, done) = (targets.clone(), start.clone(), done.clone());
        tasks.push(tokio::spawn(async move { connection(addr, index, &targets, plan, &start, &done).await }));
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
/// Connection `index` sends its k-th request to target `(index + k * connections) % len`,
/// so with several targets (tenants) every one of them gets an even share.
pub async fn connection(
    addr: SocketAddr,
    index: usize,
    targets: &[Target],
    plan: Plan,
    start: &Barrier,
    done: &AtomicU64,
) -> (ConnReport, Option<TcpStream>) {
    let mut report = ConnReport { latencies_us: Vec::with_capacity(plan.requests), ..Default::default() };
    let longest = targets.iter().map(|t| t.expected.body.len()).max().unwrap_or(0);
    let mut buf = Vec::with_capacity(longest + 4096);
    let mut stream = None;
    let target = |k: usize| &targets[(index + k * plan.connections) % targets.len()];

    let deadline = Instant::now() + plan.limit;
    for k in 0..plan.warmup {
        let Target { request, expected } = target(k);
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
    for k in 0..plan.requests {
        let Target { request, expected } = target(k);
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

pub enum Failure {
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
pub async fn exchange(
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

pub struct RawResponse {
    pub status: u16,
    pub head_len: usize,
    pub body_len: usize,
}

/// Reads one complete response (head and `Content-Length` body) into `buf`, which may
/// already hold its first bytes; the response is `buf[..head_len + body_len]`.
pub async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<RawResponse> {
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

pub async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.reserve(16 * 1024);
    if stream.read_buf(buf).await? == 0 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed by the server"));
    }
    Ok(())
}

/// A header's value from a response head (first match, name case-insensitive).
pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.split("\r\n").skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}
