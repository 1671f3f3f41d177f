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
    std::fs::write(path, junit_xml(results, parsing_errors)?)
}

/// The JUnit report: one `<testsuite>` per feature, one `<testcase>` per scenario, a
/// `<failure>` with the message for each failed one. Written by quick-xml, which escapes
/// markup; text goes through [`xml_text`] first so that terminal colours and control
/// characters, which XML 1.0 cannot carry at all, never reach the file.
fn junit_xml(results: &[ScenarioResult], parsing_errors: usize) -> io::Result<Vec<u8>> {
    use quick_xml::Writer;
    use quick_xml::events::{BytesDecl, BytesText, Event};

    let mut by_feature: std::collections::BTreeMap<&str, Vec<&ScenarioResult>> = Default::default();
    for r in results {
        by_feature.entry(r.feature.as_str()).or_default().push(r);
    }
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("testsuites").write_inner_content(|w| {
        for (feature, cases) in &by_feature {
            let feature = xml_text(feature);
            let failures = cases.iter().filter(|c| c.failure.is_some()).count().to_string();
            let tests = cases.len().to_string();
            w.create_element("testsuite")
                .with_attributes([("name", feature.as_str()), ("tests", &tests), ("failures", &failures)])
                .write_inner_content(|w| {
                    for c in cases {
                        let tags = c.tags.iter().map(|t| format!("@{t}")).collect::<Vec<_>>().join(" ");
                        let name =
                            if tags.is_empty() { c.scenario.clone() } else { format!("{} [{tags}]", c.scenario) };
                        let name = xml_text(&name);
                        let case =
                            w.create_element("testcase").with_attributes([("classname", &*feature), ("name", &name)]);
                        match &c.failure {
                            None => {
                                case.write_empty()?;
                            }
                            Some(f) => {
                                let text = xml_text(f);
                                let message = text.lines().next().unwrap_or_default();
                                case.write_inner_content(|w| {
                                    w.create_element("failure")
                                        .with_attribute(("message", message))
                                        .write_text_content(BytesText::new(&text))?;
                                    Ok(())
                                })?;
                            }
                        }
                    }
                    Ok(())
                })?;
        }
        if parsing_errors > 0 {
            let count = parsing_errors.to_string();
            w.create_element("testsuite")
                .with_attributes([("name", "parsing"), ("tests", count.as_str()), ("failures", count.as_str())])
                .write_empty()?;
        }
        Ok(())
    })?;
    let mut xml = w.into_inner();
    xml.push(b'\n');
    Ok(xml)
}

/// `s` without ANSI escape sequences (step failures may carry colours) and without the
/// characters XML 1.0 does not allow anywhere, not even as `&#…;` references.
fn xml_text(s: &str) -> String {
    console::strip_ansi_codes(s).chars().filter(|&c| is_xml_char(c)).collect()
}

/// XML 1.0's `Char` production: tab, newline, carriage return, and everything from U+0020
/// except surrogates (which a `char` cannot hold) and U+FFFE / U+FFFF.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::Reader;
    use quick_xml::events::Event;

    fn case(scenario: &str, failure: Option<&str>) -> ScenarioResult {
        ScenarioResult {
            feature: "Connections <&>".into(),
            scenario: scenario.into(),
            tags: vec!["DC-01".into()],
            failure: failure.map(str::to_string),
        }
    }

    /// What a real XML reader sees: each `<testcase>`'s name with its failure's
    /// `message` attribute and text.
    fn read_back(xml: &str) -> Vec<(String, Option<(String, String)>)> {
        let mut reader = Reader::from_str(xml);
        let mut cases: Vec<(String, Option<(String, String)>)> = Vec::new();
        let mut in_failure = false;
        loop {
            match reader.read_event().expect("the report parses as XML") {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testcase" => {
                    let name = e.try_get_attribute("name").expect("attribute").expect("a name");
                    cases.push((name.unescape_value().expect("escaped name").into_owned(), None));
                }
                Event::Start(e) if e.name().as_ref() == b"failure" => {
                    let m = e.try_get_attribute("message").expect("attribute").expect("a message");
                    let message = m.unescape_value().expect("escaped message").into_owned();
                    cases.last_mut().expect("failure inside a testcase").1 = Some((message, String::new()));
                    in_failure = true;
                }
                Event::End(e) if e.name().as_ref() == b"failure" => in_failure = false,
                Event::Text(t) if in_failure => {
                    let text = t.decode().expect("UTF-8");
                    failure_text(&mut cases).push_str(&text);
                }
                Event::GeneralRef(r) if in_failure => {
                    let c = match r.resolve_char_ref().expect("a valid character reference") {
                        Some(c) => c.to_string(),
                        None => {
                            let name = r.decode().expect("UTF-8");
                            quick_xml::escape::resolve_predefined_entity(&name).expect("a predefined entity").into()
                        }
                    };
                    failure_text(&mut cases).push_str(&c);
                }
                _ => {}
            }
        }
        cases
    }

    fn failure_text(cases: &mut [(String, Option<(String, String)>)]) -> &mut String {
        &mut cases.last_mut().and_then(|c| c.1.as_mut()).expect("text inside a failure").1
    }

    #[test]
    fn junit_carries_markup_and_drops_control_characters() {
        let failure = "\u{1b}[31mStep failed:\u{1b}[0m expected <b> & \"c\" 'd'\u{0}\u{7}\nsecond\tline\u{FFFF}";
        let results = [case("Refused \"admin\" <x> & 'y'", Some(failure)), case("Passes", None)];
        let xml = String::from_utf8(junit_xml(&results, 1).expect("written")).expect("UTF-8");
        // XML 1.0 cannot carry these characters, escaped or not; a parser that checks
        // (xmllint, JUnit viewers) rejects the whole report.
        let bad: Vec<char> = xml.chars().filter(|&c| !is_xml_char(c)).collect();
        assert!(bad.is_empty(), "characters XML 1.0 forbids: {bad:?} in\n{xml}");
        let cases = read_back(&xml);
        assert_eq!(
            cases,
            vec![
                (
                    "Refused \"admin\" <x> & 'y' [@DC-01]".to_string(),
                    Some((
                        "Step failed: expected <b> & \"c\" 'd'".to_string(),
                        "Step failed: expected <b> & \"c\" 'd'\nsecond\tline".to_string()
                    ))
                ),
                ("Passes [@DC-01]".to_string(), None),
            ],
            "{xml}"
        );
        assert!(xml.contains(r#"<testsuite name="Connections &lt;&amp;&gt;" tests="2" failures="1">"#), "{xml}");
        assert!(xml.contains(r#"<testsuite name="parsing" tests="1" failures="1"/>"#), "{xml}");
    }
}
