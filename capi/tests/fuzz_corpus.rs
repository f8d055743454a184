//! Replays the committed `capi_exports` corpus (`fuzz/corpus/capi_exports/`) through the
//! fuzz body with plain `cargo test`, so a change to the exports is checked against every
//! saved input without building the libFuzzer workspace. Each input makes at most 64 calls
//! and no network I/O; the body panics (failing this test) when a panic reaches the
//! boundary or a failing export leaves no Windows error.

use std::path::Path;

#[test]
fn every_committed_corpus_input_replays_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/capi_exports");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the capi_exports corpus is committed")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(files.len() > 100, "corpus too small: {}", files.len());
    for path in &files {
        let bytes = std::fs::read(path).expect("corpus files are readable");
        hinternet::fuzz_exports(&bytes);
    }
    println!("replayed {} inputs", files.len());
}
