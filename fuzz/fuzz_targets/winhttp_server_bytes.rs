//! Fuzz target `winhttp_server_bytes`: arbitrary server bytes, served on 127.0.0.1, to a real request through the typed WinHTTP API (send, receive, query, read, close). The body is `hinternet_net::winhttp_api::fuzz::fuzz_server_bytes`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hinternet_net::winhttp_api::fuzz::fuzz_server_bytes(data);
});
