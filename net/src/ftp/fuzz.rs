//! Fuzz bodies for FTP: arbitrary server bytes through the control-reply path and the
//! listing parsers.
//!
//! [`fuzz_ftp_reply`] serves the input as the whole control-connection stream of a loopback
//! server (on 127.0.0.1) and runs connect, login and the control-only operations against it
//! with short timeouts, so suppaftp's reply parser and this crate's reply handling both see
//! it. No data connection is ever opened (a fuzzed `PASV` could name any address).
//! [`fuzz_ftp_listing`] feeds the input to the `MLSD` and `LIST` parsers. Both assert that
//! nothing panics and that every failure carries a Windows code. Always compiled so unit
//! tests and the fuzz crate call the same functions.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::inet::InetError;
use crate::ftp::listing::{parse_list_line, parse_listing, parse_mlsd_line, ListingFormat};
use crate::ftp::reply::{parse_epsv, parse_pasv, parse_pwd, parse_size, reply_code};
use crate::ftp::session::{FtpConfig, FtpSession};

/// Asserts that a failure carries a Windows code this layer can report.
pub(crate) fn assert_windows_code(err: &InetError) {
    let code = err.code();
    assert!(
        matches!(code, 2 | 5 | 18 | 80 | 87) || (12000..=12200).contains(&code),
        "{err:?} has no Windows code ({code})"
    );
}

/// Serves `bytes` as an FTP server's control stream and runs the control operations against
/// it; see the module docs.
pub fn fuzz_ftp_reply(bytes: &[u8]) {
    let _ = run_reply_session(bytes);
}

/// The body of [`fuzz_ftp_reply`]; returns how many control operations succeeded when the
/// login did (so tests can see the session path is really taken), `None` otherwise.
fn run_reply_session(bytes: &[u8]) -> Option<usize> {
    // The pure reply parsers first, on the whole input as one reply.
    let text = String::from_utf8_lossy(bytes);
    let _ = reply_code(bytes);
    let _ = parse_pasv(&text);
    let _ = parse_epsv(&text);
    let _ = parse_pwd(&text);
    let _ = parse_size(&text);
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return None;
    };
    let server_bytes = bytes.to_vec();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.ok()?;
        let addr = listener.local_addr().ok()?;
        let server = tokio::spawn(async move {
            if let Ok((mut stream, _)) = listener.accept().await {
                let _ = stream.write_all(&server_bytes).await;
                let _ = stream.shutdown().await;
                let mut sink = [0u8; 1024];
                // Read what the client sends until it closes, so the writes are not reset.
                for _ in 0..10_000 {
                    match tokio::time::timeout(Duration::from_secs(2), stream.read(&mut sink)).await
                    {
                        Ok(Ok(n)) if n > 0 => {}
                        _ => break,
                    }
                }
            }
        });
        let limit = Some(Duration::from_millis(300));
        let config = FtpConfig {
            connect_timeout: limit,
            receive_timeout: limit,
            send_timeout: limit,
        };
        let outcome =
            match FtpSession::connect("127.0.0.1", addr.port(), Some("user"), Some("pw"), config)
                .await
            {
                Ok(mut session) => {
                    let outcomes = [
                        session.current_directory().await.map(|_| ()),
                        session.file_size("f").await.map(|_| ()),
                        session.set_current_directory("d").await,
                        session.rename("a", "b").await,
                        session.command("NOOP").await.map(|_| ()),
                    ];
                    let mut succeeded = 0;
                    for outcome in outcomes {
                        match outcome {
                            Ok(()) => succeeded += 1,
                            Err(err) => assert_windows_code(&err),
                        }
                    }
                    assert!(session.last_response().len() <= bytes.len() * 4 + 16);
                    Some(succeeded)
                }
                Err(err) => {
                    assert_windows_code(&err.error);
                    None
                }
            };
        server.abort();
        outcome
    })
}

/// Feeds `bytes` to the listing parsers (whole listing in both formats, with and without a
/// pattern, and line by line); see the module docs.
pub fn fuzz_ftp_listing(bytes: &[u8]) {
    for format in [ListingFormat::Mlsd, ListingFormat::List] {
        for pattern in [None, Some("*"), Some("*.t?t")] {
            for entry in parse_listing(bytes, format, pattern) {
                assert!(!entry.file_name.is_empty());
                if entry.is_directory() {
                    assert_eq!(entry.size, 0);
                }
                assert_eq!(
                    u64::from(entry.size_high()) << 32 | u64::from(entry.size_low()),
                    entry.size
                );
            }
        }
    }
    for line in String::from_utf8_lossy(bytes).lines().take(1000) {
        let _ = parse_mlsd_line(line);
        let _ = parse_list_line(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_made_replies_replay_without_panics() {
        let inputs: [&[u8]; 9] = [
            b"",
            b"220 ready\r\n331 pw\r\n230 in\r\n257 \"/\"\r\n213 5\r\n250 ok\r\n350 rn\r\n250 ok\r\n200 ok\r\n",
            b"220-multi\r\n220 end\r\n230 in\r\n",
            b"220-cut short\r\n more",
            b"421 busy\r\n",
            b"220 ready\r\n530 no\r\n",
            b"garbage\r\n",
            b"220 ready\r\n331 pw\r\n230 in\r\n257 unquoted\r\n213 -5\r\n999 x\r\n",
            b"\xff\xfe\xfd\r\n",
        ];
        for input in inputs {
            fuzz_ftp_reply(input);
        }
        // The well-formed script logs in and every operation succeeds; a 530 does not.
        assert_eq!(run_reply_session(inputs[1]), Some(5));
        assert_eq!(run_reply_session(inputs[5]), None);
    }

    #[test]
    fn hand_made_listings_replay_without_panics() {
        let inputs: [&[u8]; 6] = [
            b"",
            b"type=file;size=3;modify=20240101000000; a.txt\r\ntype=dir; d\r\n",
            b"-rw-r--r-- 1 u g 3 Jan 01 2024 a.txt\r\ndrwxr-xr-x 2 u g 0 Feb 29 10:00 d\r\n",
            b"01-01-24 01:00PM <DIR> d\r\n99-99-99 99:99PM 1 x\r\n",
            b"type=file;size=99999999999999999999999; x\r\n;;;; \r\n=\r\n",
            b"\x00\xff-rwxrwxrwx Jan Jan Jan 1 1 1\n",
        ];
        for input in inputs {
            fuzz_ftp_listing(input);
        }
    }
}
