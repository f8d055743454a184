//! Fuzz target `http_response`: arbitrary server bytes through the HTTP/1.1 head parser and body decoder. The body is `hinternet_net::http::fuzz::fuzz_response`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hinternet_net::http::fuzz::fuzz_response(data);
});
