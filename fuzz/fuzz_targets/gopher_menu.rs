//! Fuzz target `gopher_menu`: arbitrary server bytes through the Gopher menu, text and Gopher+ parsers. The body is `hinternet_net::gopher::fuzz::fuzz_gopher_menu`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hinternet_net::gopher::fuzz::fuzz_gopher_menu(data);
});
