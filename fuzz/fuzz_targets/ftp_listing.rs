//! Fuzz target `ftp_listing`: arbitrary LIST/MLSD output through the FTP listing parser. The body is `hinternet_net::ftp::fuzz::fuzz_ftp_listing`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hinternet_net::ftp::fuzz::fuzz_ftp_listing(data);
});
