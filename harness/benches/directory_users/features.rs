//! The feature suite's rate next to a no-op cucumber World's, same process, same writer.
use std::io;
use std::time::Instant;

use anyhow::ensure;
use cucumber::{World as _, WriterExt as _, given, then, when, writer};
use harness::world::TenantWorld;

/// Scenarios at once, as `tenantsim run` and the feature test run them.
const CONCURRENCY: usize = 4;

/// A World whose every step matches and does nothing: the same features, scenarios,
/// outlines, tables and backgrounds as the real suite, with none of its work.
#[derive(Debug, Default, cucumber::World)]
pub struct Noop;

/// Any Given.
#[given(regex = "^.*$")]
fn any_given(_: &mut Noop) {}

/// Any When.
#[when(regex = "^.*$")]
fn any_when(_: &mut Noop) {}

/// Any Then.
#[then(regex = "^.*$")]
fn any_then(_: &mut Noop) {}

/// (feature suite scenarios/s, no-op scenarios/s).
pub async fn rates() -> anyhow::Result<(f64, f64)> {
    let features = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../features");
    let began = Instant::now();
    let finished = TenantWorld::cucumber()
        .max_concurrent_scenarios(CONCURRENCY)
        .with_writer(writer::Basic::new(io::sink(), writer::Coloring::Never, 0).summarized())
        .fail_on_skipped()
        .with_default_cli()
        .run(features.clone())
        .await;
    let suite_time = began.elapsed();
    let stats = finished.inner_writer().scenarios_stats();
    let ran = stats.passed + stats.failed + stats.skipped;
    ensure!(ran > 0, "the feature suite ran no scenarios");
    println!(
        "features    {ran} scenarios ({} passed, {} failed, {} skipped) in {:.2} s, {CONCURRENCY} at a time",
        stats.passed,
        stats.failed,
        stats.skipped,
        suite_time.as_secs_f64()
    );

    let began = Instant::now();
    let finished = Noop::cucumber()
        .max_concurrent_scenarios(CONCURRENCY)
        .with_writer(writer::Basic::new(io::sink(), writer::Coloring::Never, 0).summarized())
        .fail_on_skipped()
        .with_default_cli()
        .run(features)
        .await;
    let noop_time = began.elapsed();
    let noop = finished.inner_writer().scenarios_stats();
    ensure!(noop.passed == ran, "the no-op run passed {} of {ran} scenarios", noop.passed);
    println!(
        "no-op       the same {ran} scenarios, every step a no-op, in {:.4} s, {CONCURRENCY} at a time",
        noop_time.as_secs_f64()
    );
    if stats.failed + stats.skipped > 0 {
        println!("note        the feature suite has failing scenarios; its rate counts them too");
    }
    Ok((ran as f64 / suite_time.as_secs_f64(), ran as f64 / noop_time.as_secs_f64()))
}
