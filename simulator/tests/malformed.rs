//! The malformed-input corpus (`tests/malformed/*.yaml`): every file is rejected, with a
//! located diagnostic (file:line:column: field: what to fix) and no panic, both by the
//! scenario parser and by the admin API (`POST /_sim/tenants` answers 400 with
//! diagnostics carrying line and column). Also: admin clock moves past the clock's range
//! answer 400 with a message instead of dropping the connection.
//!
//! Each corpus file starts with `# expect: <fragment>`: text the diagnostic must contain,
//! usually `:LINE:COLUMN: field: message`.

use std::path::{Path, PathBuf};

use serde_json::Value;
use simulator::Simulator;
use simulator::scenario;

struct Case {
    path: PathBuf,
    expect: String,
    bytes: Vec<u8>,
}

fn corpus() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/malformed");
    let mut cases: Vec<Case> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|path| {
            let bytes = std::fs::read(&path).expect("readable");
            let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
            let first = String::from_utf8_lossy(first);
            let expect = first
                .strip_prefix("# expect: ")
                .unwrap_or_else(|| panic!("{}: the first line must be `# expect: <fragment>`", path.display()))
                .trim()
                .to_string();
            assert!(!expect.is_empty() && expect != "TODO", "{}: no expected fragment", path.display());
            Case { path, expect, bytes }
        })
        .collect();
    cases.sort_by(|a, b| a.path.cmp(&b.path));
    assert!(cases.len() >= 25, "the corpus has only {} files", cases.len());
    cases
}

#[test]
fn the_parser_rejects_every_corpus_file_with_a_located_error() {
    let mut failures = Vec::new();
    for case in corpus() {
        let result = std::panic::catch_unwind(|| scenario::load_file(&case.path));
        let name = case.path.display().to_string();
        match result {
            Err(_) => failures.push(format!("{name}: PANICKED")),
            Ok(Ok(_)) => failures.push(format!("{name}: accepted")),
            Ok(Err(e)) => {
                let text = e.to_string();
                if !text.contains(&case.expect) {
                    failures.push(format!("{name}: expected `{}` in:\n{text}", case.expect));
                }
                if e.diagnostics.is_empty() || e.diagnostics.iter().any(|d| d.line.is_none() || d.column.is_none()) {
                    failures.push(format!("{name}: a diagnostic has no line/column:\n{text}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[tokio::test]
async fn the_admin_api_answers_400_with_located_diagnostics() {
    let sim = Simulator::default();
    let server = sim.start("127.0.0.1:0".parse().expect("address")).await.expect("binds");
    let http = reqwest::Client::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in corpus() {
        let name = case.path.display().to_string();
        let sent = http
            .post(format!("{}/_sim/tenants", server.base_url()))
            .header("content-type", "application/yaml")
            .body(case.bytes.clone())
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: no answer ({e})"));
                continue;
            }
        };
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status != 400 {
            failures.push(format!("{name}: status {status}, body {body}"));
            continue;
        }
        let message = body["error"]["message"].as_str().unwrap_or_default();
        if !message.contains(&case.expect) {
            failures.push(format!("{name}: expected `{}` in:\n{message}", case.expect));
        }
        let diagnostics = body["error"]["diagnostics"].as_array().cloned().unwrap_or_default();
        if diagnostics.is_empty() || diagnostics.iter().any(|d| !d["line"].is_u64() || !d["column"].is_u64()) {
            failures.push(format!("{name}: diagnostics without line/column: {body}"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(checked >= 25, "only {checked} files went through the API");
    // The server is still up and nothing was loaded.
    let health: Value = http
        .get(format!("{}/_sim/health", server.base_url()))
        .send()
        .await
        .expect("server still answers")
        .json()
        .await
        .expect("json");
    assert_eq!(health["tenants"], serde_json::json!([]), "{health}");
}

const VALID: &str = "name: acme\nclock: 2025-03-10T09:00:00Z\n";

#[tokio::test]
async fn admin_clock_moves_out_of_range_answer_400_with_a_message() {
    let sim = Simulator::default();
    sim.load(scenario::parse("valid", VALID).expect("valid")).expect("loads");
    let server = sim.start("127.0.0.1:0".parse().expect("address")).await.expect("binds");
    let http = reqwest::Client::new();
    let url = format!("{}/_sim/tenants/acme/clock", server.base_url());
    for (body, expect) in [
        (r#"{"advance":"96000000d"}"#, "longer than the maximum of 36525d"),
        (r#"{"set":"-99999999d"}"#, "longer than the maximum of 36525d"),
        (r#"{"set":"+99999y"}"#, "is not a duration like `45m`"),
        (r#"{"advance":"36525d1s"}"#, "longer than the maximum"),
        (r#"{"set":"+36525d1s"}"#, "longer than the maximum"),
        (r#"{"set":"10000-01-01T00:00:00Z"}"#, "RFC 3339"),
        (r#"{"set":"2200-01-01T00:00:00Z"}"#, "100 years"),
    ] {
        let response = http
            .post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{body}: no answer ({e})"));
        assert_eq!(response.status().as_u16(), 400, "{body}");
        let answer: Value = response.json().await.expect("json");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(expect), "{body}: expected `{expect}` in {answer}");
    }
    assert_eq!(sim.clock("acme").expect("tenant").now.to_rfc3339(), "2025-03-10T09:00:00+00:00");
    // Up to the limit the clock moves; one more step past it is refused by the clock.
    let ok = http
        .post(&url)
        .header("content-type", "application/json")
        .body(r#"{"advance":"36525d"}"#)
        .send()
        .await
        .expect("answer");
    assert_eq!(ok.status().as_u16(), 200);
    let past = http
        .post(&url)
        .header("content-type", "application/json")
        .body(r#"{"advance":"1s"}"#)
        .send()
        .await
        .expect("answer");
    assert_eq!(past.status().as_u16(), 400);
    let answer: Value = past.json().await.expect("json");
    assert!(answer["error"]["message"].as_str().unwrap_or_default().contains("100 years"), "{answer}");
}
