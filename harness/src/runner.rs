//! Runs the feature suite: every scenario against its own simulator, concurrently,
//! with a readable report on stdout, an optional JUnit XML file, and a final plain
//! `N passed, N failed` line that CI can count.

use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use cucumber::event::ScenarioFinished;
use cucumber::{World as _, WriterExt as _, writer};

use crate::world::TenantWorld;

/// What to run and how to report it.
#[derive(Debug, Clone)]
pub struct SuiteOptions {
    /// A feature file or a directory of them.
    pub features: PathBuf,
    /// Run only scenarios carrying one of these tags (with or without `@`).
    pub tags: Vec<String>,
    /// Run only scenarios whose name contains this text.
    pub name: Option<String>,
    /// Also write a JUnit XML report here.
    pub junit: Option<PathBuf>,
    /// Scenarios run at once.
    pub concurrency: usize,
}

impl SuiteOptions {
    /// Every scenario under `features`, 4 at a time.
    pub fn new(features: impl Into<PathBuf>) -> Self {
        Self { features: features.into(), tags: vec![], name: None, junit: None, concurrency: 4 }
    }
}

/// How the run went, in scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuiteSummary {
    /// Scenarios that passed.
    pub passed: usize,
    /// Scenarios that failed (undefined or skipped steps count as failures).
    pub failed: usize,
    /// Feature files that could not be parsed.
    pub parsing_errors: usize,
}

impl SuiteSummary {
    /// True when nothing failed and something ran.
    pub fn ok(&self) -> bool {
        self.failed == 0 && self.parsing_errors == 0 && self.passed > 0
    }
}

/// One scenario's result, for the JUnit report.
#[derive(Debug, Clone)]
struct ScenarioResult {
    feature: String,
    scenario: String,
    tags: Vec<String>,
    failure: Option<String>,
}

/// Runs the suite.
pub async fn run(opts: SuiteOptions) -> io::Result<SuiteSummary> {
    if !opts.features.exists() {
        return Err(io::Error::new(io::ErrorKind::NotFound, format!("no features at {}", opts.features.display())));
    }
    let coloring = if std::env::var_os("CI").is_some() || std::env::var_os("NO_COLOR").is_some() {
        writer::Coloring::Never
    } else {
        writer::Coloring::Auto
    };
    let tags: Vec<String> = opts.tags.iter().map(|t| t.trim_start_matches('@').to_string()).collect();
    let name = opts.name.clone();
    let results: Arc<Mutex<Vec<ScenarioResult>>> = Arc::default();
    let sink = results.clone();
    let finished = TenantWorld::cucumber()
        .max_concurrent_scenarios(opts.concurrency.max(1))
        .with_writer(writer::Basic::new(io::stdout(), coloring, 0).summarized())
        .fail_on_skipped()
        .after(move |feature, _rule, scenario, event, _world| {
            let failure = match event {
                ScenarioFinished::StepPassed => None,
                ScenarioFinished::StepSkipped => Some("a step was skipped (undefined step?)".to_string()),
                ScenarioFinished::StepFailed(_, _, err) => Some(err.to_string()),
                ScenarioFinished::BeforeHookFailed(info) => Some(format!("before hook failed: {info:?}")),
            };
            sink.lock().expect("results").push(ScenarioResult {
                feature: feature.name.clone(),
                scenario: scenario.name.clone(),
                tags: scenario.tags.clone(),
                failure,
            });
            Box::pin(async {})
        })
        // Options come from SuiteOptions, never from this process's argv (which belongs
        // to `tenantsim run` or to cargo's test runner). Set last: the writer and
        // runner builders above reset it.
        .with_default_cli()
        .filter_run(opts.features.clone(), move |feature, rule, scenario| {
            let tagged = tags.is_empty()
                || tags.iter().any(|t| {
                    scenario.tags.contains(t) || feature.tags.contains(t) || rule.is_some_and(|r| r.tags.contains(t))
                });
            tagged && name.as_ref().is_none_or(|n| scenario.name.contains(n.as_str()))
        })
        .await;
    let summarize = finished.inner_writer();
    let stats = summarize.scenarios_stats();
    let summary = SuiteSummary {
        passed: stats.passed,
        failed: stats.failed + stats.skipped,
        parsing_errors: cucumber::writer::Stats::<TenantWorld>::parsing_errors(summarize),
    };
    if let Some(path) = &opts.junit {
        let results = results.lock().expect("results").clone();
        write_junit(path, &results, summary.parsing_errors)?;
    }
    println!("\n{} passed, {} failed", summary.passed, summary.failed + summary.parsing_errors);
    Ok(summary)
}

fn write_junit(path: &PathBuf, results: &[ScenarioResult], parsing_errors: usize) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut by_feature: std::collections::BTreeMap<&str, Vec<&ScenarioResult>> = Default::default();
    for r in results {
        by_feature.entry(r.feature.as_str()).or_default().push(r);
    }
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for (feature, cases) in by_feature {
        let failures = cases.iter().filter(|c| c.failure.is_some()).count();
        xml.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">\n",
            esc(feature),
            cases.len()
        ));
        for c in cases {
            let tags = c.tags.iter().map(|t| format!("@{t}")).collect::<Vec<_>>().join(" ");
            let name = if tags.is_empty() { c.scenario.clone() } else { format!("{} [{tags}]", c.scenario) };
            xml.push_str(&format!("    <testcase classname=\"{}\" name=\"{}\"", esc(feature), esc(&name)));
            match &c.failure {
                None => xml.push_str("/>\n"),
                Some(f) => xml.push_str(&format!(
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    esc(f.lines().next().unwrap_or_default()),
                    esc(f)
                )),
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    if parsing_errors > 0 {
        xml.push_str(&format!(
            "  <testsuite name=\"parsing\" tests=\"{parsing_errors}\" failures=\"{parsing_errors}\"/>\n"
        ));
    }
    xml.push_str("</testsuites>\n");
    std::fs::write(path, xml)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
