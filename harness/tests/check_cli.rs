//! `tenantsim check` on the malformed-input corpus (`tests/malformed/*.yaml`): every file
//! makes it exit 1 (never 101, a panic) and print its located diagnostic on stderr; the
//! shipped scenarios pass with exit 0.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn check(files: &[PathBuf]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tenantsim"))
        .arg("check")
        .args(files)
        .current_dir(root())
        .output()
        .expect("tenantsim runs")
}

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .expect("directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

/// The `# expect: …` fragment on a corpus file's first line.
fn expected(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("readable");
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first).to_string();
    first.strip_prefix("# expect: ").map(|f| f.trim().to_string()).unwrap_or_else(|| panic!("{}", path.display()))
}

#[test]
fn every_corpus_file_exits_1_with_its_located_error() {
    let files = yaml_files("tests/malformed");
    assert!(files.len() >= 25, "the corpus has only {} files", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let out = check(std::slice::from_ref(file));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let expect = expected(file);
        let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if out.status.code() != Some(1) {
            failures.push(format!("{name}: exit {:?}\n{stderr}", out.status.code()));
        } else if !stderr.contains(&format!("{name}{expect}")) {
            failures.push(format!("{name}: expected `{name}{expect}` in:\n{stderr}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn all_corpus_files_at_once_are_all_reported() {
    let files = yaml_files("tests/malformed");
    let out = check(&files);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let n = files.len();
    assert!(stderr.contains(&format!("{n} of {n} scenario file(s) have problems")), "{stderr}");
}

#[test]
fn the_shipped_scenarios_pass() {
    let files = yaml_files("scenarios");
    assert!(!files.is_empty());
    let out = check(&files);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}{stdout}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok ")).count(), files.len(), "{stdout}");
}
