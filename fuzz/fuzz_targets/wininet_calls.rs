//! Fuzz target `wininet_calls`: the body is `hinternet_proofs::fuzz_bodies::wininet_calls`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hinternet_proofs::fuzz_bodies::wininet_calls(data);
});
