//! Replays the committed corpus of the `winhttp_server_bytes` fuzz target
//! (`fuzz/corpus/winhttp_server_bytes/`, and `fuzz/regressions/` when present) through its
//! body, so `cargo test` re-checks every input the fuzzer kept: no panic, only allowed
//! Windows errors, an empty engine after close.

use std::path::Path;

use hinternet_net::winhttp::api::fuzz::fuzz_server_bytes;

#[test]
fn winhttp_server_bytes_corpus_replays_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut replayed = 0;
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join("winhttp_server_bytes")) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("corpus entry").path();
            let data = std::fs::read(&path).expect("corpus file is readable");
            fuzz_server_bytes(&data);
            replayed += 1;
        }
    }
    assert!(replayed >= 10, "the committed corpus has {replayed} inputs");
}
