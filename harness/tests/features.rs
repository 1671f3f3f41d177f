//! The feature suite as a test: `cargo test` runs every scenario in `features/` against
//! the simulator and the reference engine, and fails if any scenario fails.

fn main() {
    let features = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../features");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let summary = runtime.block_on(harness::runner::run(harness::runner::SuiteOptions::new(features)));
    match summary {
        Ok(s) if s.ok() => {}
        Ok(_) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
