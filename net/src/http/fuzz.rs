//! The fuzz body: arbitrary server bytes through the head parser and body decoder.
//!
//! [`fuzz_response`] runs a whole exchange (request head written, response head read, body
//! queried and read in varying buffer sizes) over an in-memory connection that serves the
//! input in small reads, on the same code path as a socket. It asserts that nothing panics,
//! that no read returns more than its buffer, that data never exceeds what
//! `QueryDataAvailable` promised, and that every failure carries a WinHTTP error code. Always
//! compiled so tests and the fuzz crate call the same function.

use crate::error::NetError;
use crate::http::conn::{Connection, MemoryStream};
use crate::http::exchange::Exchange;
use crate::http::request::{RequestHead, UploadFraming};

fn assert_windows_code(err: &NetError) {
    let code = err.code();
    assert!(
        (12000..=12200).contains(&code),
        "{err:?} has no WinHTTP code ({code})"
    );
}

/// Feeds `bytes` to the response path; see the module docs. The first byte (when present)
/// selects the verb (`GET`/`HEAD`), the socket read size and the read buffer size, so a
/// fuzzer explores splits and short buffers; the rest is what the server sends.
pub fn fuzz_response(bytes: &[u8]) {
    let (control, server_bytes) = match bytes.split_first() {
        Some((&c, rest)) => (c, rest),
        None => (0, bytes),
    };
    let method = if control & 1 == 0 { "GET" } else { "HEAD" };
    let read_chunk = [1usize, 3, 7, 64, 1024, 65536][usize::from((control >> 1) & 0x7) % 6];
    let out_len = [1usize, 2, 5, 16, 100, 4096, 65536, 17][usize::from(control >> 5)];
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(rt) => rt,
        Err(_) => return,
    };
    runtime.block_on(async move {
        let stream = MemoryStream::new(server_bytes.to_vec(), read_chunk);
        let mut exchange = Exchange::new(Connection::from_memory(stream), method);
        let headers = [("Accept".to_string(), "*/*".to_string())];
        let request = RequestHead {
            method,
            target: "/",
            host: "fuzz",
            headers: &headers,
            framing: UploadFraming::None,
        };
        if let Err(err) = exchange.send_head(&request).await {
            assert_windows_code(&err);
            return;
        }
        if let Err(err) = exchange.read_head().await {
            assert_windows_code(&err);
            return;
        }
        let mut out = vec![0u8; out_len];
        let mut total = 0usize;
        // Each round consumes input or ends the body; the input bounds the rounds.
        for _ in 0..=server_bytes.len() + 2 {
            let promised = match exchange.query_data_available().await {
                Ok(n) => n,
                Err(err) => {
                    assert_windows_code(&err);
                    return;
                }
            };
            match exchange.read_body(&mut out).await {
                Ok(0) => {
                    assert_eq!(promised, 0, "data was promised but the body ended");
                    break;
                }
                Ok(n) => {
                    assert!(n <= out.len(), "read more than the buffer");
                    assert!(
                        n as u64 <= promised,
                        "read more than QueryDataAvailable said"
                    );
                    total += n;
                    assert!(total <= server_bytes.len(), "more body than input");
                }
                Err(err) => {
                    assert_windows_code(&err);
                    return;
                }
            }
        }
        let _ = exchange.is_reusable();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_made_inputs_replay_without_panics() {
        let inputs: [&[u8]; 14] = [
            b"",
            b"\x00",
            b"\x00HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            b"\x01HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
            b"\x20HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            b"\x40HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n",
            b"\x60HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
            b"\x80HTTP/1.0 200 OK\r\n\r\nclose delimited body",
            b"\xa0HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
            b"\xc0garbage",
            b"\xe0HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
            b"\x0eHTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            b"\x02HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x00",
            b"\x04HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
        ];
        for input in inputs {
            fuzz_response(input);
        }
        let mut interim = b"\x00".to_vec();
        for _ in 0..40 {
            interim.extend_from_slice(b"HTTP/1.1 102 Processing\r\n\r\n");
        }
        fuzz_response(&interim);
        let mut big = b"\x06HTTP/1.1 200 OK\r\n".to_vec();
        big.extend(std::iter::repeat_n(b'a', 70_000));
        fuzz_response(&big);
    }
}
