//! Fuzz target `capi_exports`: the body is `hinternet::fuzz_exports` (hinternet-capi): every
//! handle-free WinHTTP/WinINet export driven with hostile, contract-abiding arguments.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hinternet::fuzz_exports(data);
});
