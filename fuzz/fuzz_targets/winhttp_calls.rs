//! Fuzz target `winhttp_calls`: the body is `hinternet_proofs::fuzz_bodies::winhttp_calls`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hinternet_proofs::fuzz_bodies::winhttp_calls(data);
});
