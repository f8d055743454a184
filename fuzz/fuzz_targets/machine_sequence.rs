//! Fuzz target `machine_sequence`: the body is `hinternet_proofs::fuzz_bodies::machine_sequence`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hinternet_proofs::fuzz_bodies::machine_sequence(data);
});
