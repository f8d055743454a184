//! Fuzz target `ftp_reply`: arbitrary server bytes through the FTP reply parser. The body is `hinternet_net::ftp::fuzz::fuzz_ftp_reply`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hinternet_net::ftp::fuzz::fuzz_ftp_reply(data);
});
