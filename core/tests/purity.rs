//! DESIGN.md §1: the pure part of the core never reaches for threads, sockets, clocks,
//! `std::sync` or unordered hash maps. This test scans its sources and fails the build's
//! tests when one appears. The engine (`src/engine/`) and `src/sync.rs` are outside the
//! pure part and are not scanned.

use std::path::{Path, PathBuf};

/// Forbidden in the pure machine, with why.
const FORBIDDEN: &[(&str, &str)] = &[
    ("std::sync", "synchronisation belongs to the engine"),
    ("std::thread", "no threads in the machine"),
    ("std::net", "no sockets in the machine"),
    ("tokio", "no runtime in the machine"),
    ("Instant", "time is an input, never read"),
    ("SystemTime", "time is an input, never read"),
    ("HashMap", "unordered maps break determinism and Hash"),
    ("HashSet", "unordered sets break determinism and Hash"),
    ("rand::", "no randomness in the machine"),
    ("crate::sync", "synchronisation belongs to the engine"),
];

fn pure_sources() -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<PathBuf> = ["laws.rs", "trace.rs", "driver.rs"]
        .iter()
        .map(|f| src.join(f))
        .collect();
    let mut dirs = vec![src.join("machine")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("machine sources are readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// Lines of `text` that use a forbidden name outside comments.
fn offences(text: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for &(name, _) in FORBIDDEN {
            if code.contains(name) {
                found.push((n + 1, name));
            }
        }
    }
    found
}

#[test]
fn the_pure_machine_uses_no_threads_sockets_clocks_sync_or_hash_maps() {
    let files = pure_sources();
    assert!(files.len() >= 10, "scanned too few files: {files:?}");
    let mut bad = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source is readable");
        for (line, name) in offences(&text) {
            let why = FORBIDDEN.iter().find(|f| f.0 == name).map_or("", |f| f.1);
            bad.push(format!("{}:{line}: {name} ({why})", file.display()));
        }
    }
    assert!(
        bad.is_empty(),
        "impure code in the machine:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_scanner_finds_what_it_looks_for() {
    let sample = "use std::collections::HashMap;\n// std::thread in a comment is fine\nlet t = std::time::Instant::now();";
    let found: Vec<&str> = offences(sample).into_iter().map(|(_, n)| n).collect();
    assert_eq!(found, ["HashMap", "Instant"]);
}
