//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) through the fuzz bodies,
//! so every crash or law violation the fuzzers ever found, once minimised into the corpus
//! or saved as a regression input, is re-checked by `cargo test`.

use std::path::Path;

use hinternet_proofs::fuzz_bodies::TARGETS;

#[test]
fn committed_corpora_replay_without_violations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    for &(name, body) in TARGETS {
        let mut replayed = 0;
        for dir in ["corpus", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
                continue;
            };
            for entry in entries {
                let path = entry.expect("corpus entry").path();
                let data = std::fs::read(&path).expect("corpus file is readable");
                body(&data);
                replayed += 1;
            }
        }
        assert!(replayed > 0, "no corpus for fuzz target {name}");
    }
}
