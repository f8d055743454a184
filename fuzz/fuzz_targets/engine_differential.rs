//! Fuzz target `engine_differential`: the body is `hinternet_proofs::fuzz_bodies::engine_differential`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hinternet_proofs::fuzz_bodies::engine_differential(data);
});
