//! The RSS phase: this binary again, as a child serving one bench tenant; the parent drives
//! the load and asks the child for its `/proc/self/status` figures over stdin/stdout.
use std::io::{BufRead, Write};
use std::process::Stdio;
use std::sync::Arc;

use anyhow::{Context, bail};

use super::*;

/// Child side: serve until stdin closes; answer `rss` with `RSS <VmRSS kB> <VmHWM kB>`.
pub fn serve() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let sim = Simulator::builder().journal_capacity(JOURNAL_CAPACITY).build();
        let scenario = simulator::scenario::parse("bench", &scenario_yaml(300, 20250310))
            .map_err(|e| anyhow::anyhow!("bench scenario: {e}"))?;
        let tenant = sim.load(scenario)?;
        let server = sim.start("127.0.0.1:0".parse()?).await?;
        let token = access_token(&sim, &tenant, &server.base_url(), ADMIN).await?;
        println!("READY {} {tenant} {token}", server.addr());
        std::io::stdout().flush()?;
        let lines = tokio::task::spawn_blocking(|| {
            let stdin = std::io::stdin();
            for line in stdin.lock().lines() {
                let Ok(line) = line else { break };
                if line.trim() == "rss" {
                    let answer = match (proc_status_kib("VmRSS"), proc_status_kib("VmHWM")) {
                        (Ok(rss), Ok(hwm)) => format!("RSS {rss} {hwm}"),
                        _ => "RSS 0 0".to_string(),
                    };
                    println!("{answer}");
                    let _ = std::io::stdout().flush();
                }
            }
        });
        lines.await?;
        drop(server);
        Ok(())
    })
}

/// Parent side: the load report and the child's (VmRSS, VmHWM) in KiB before and after.
/// The child's pipes are read with blocking calls, only while no load runs.
pub async fn measure(plan: Plan) -> anyhow::Result<(LoadReport, (u64, u64), (u64, u64))> {
    let mut child = std::process::Command::new(std::env::current_exe()?)
        .env(CHILD_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting the simulator child")?;
    let outcome = drive(&mut child, plan).await;
    drop(child.stdin.take());
    if outcome.is_err() {
        let _ = child.kill();
    }
    let _ = child.wait();
    outcome
}

async fn drive(child: &mut std::process::Child, plan: Plan) -> anyhow::Result<(LoadReport, (u64, u64), (u64, u64))> {
    let mut stdin = child.stdin.take().context("child stdin")?;
    let mut lines = std::io::BufReader::new(child.stdout.take().context("child stdout")?).lines();
    let ready = lines.next().context("the child ended before it was ready")??;
    let mut parts = ready.split_whitespace();
    let (Some("READY"), Some(addr), Some(tenant), Some(token)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        bail!("unexpected first line from the child: {ready}");
    };
    let addr: SocketAddr = addr.parse()?;
    let one_user = format!("/t/{tenant}/admin/directory/v1/users/{ADMIN}");
    let request = request_bytes(addr, &one_user, token);
    let (_, body) = first_response(addr, &request).await?;
    let target = Target::one(request, Arc::new(Expected { body }));
    let mut ask = || -> anyhow::Result<(u64, u64)> {
        stdin.write_all(b"rss\n")?;
        stdin.flush()?;
        let line = lines.next().context("the child ended")??;
        let mut p = line.split_whitespace().skip(1).map(str::parse::<u64>);
        match (p.next(), p.next()) {
            (Some(Ok(rss)), Some(Ok(hwm))) if rss > 0 => Ok((rss, hwm)),
            _ => bail!("unexpected answer from the child: {line}"),
        }
    };
    let before = ask()?;
    let (report, (), streams) = run_load(addr, target, plan, || ()).await?;
    drop(streams);
    let after = ask()?;
    Ok((report, before, after))
}
