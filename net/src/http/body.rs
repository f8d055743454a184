//! Response body framing and an incremental, I/O-free body decoder.
//!
//! [`response_framing`] decides how the body ends (RFC 9112 §6.3): no body for `HEAD`,
//! 1xx, 204 and 304; chunked when `Transfer-Encoding` ends in `chunked`; a `Content-Length`;
//! otherwise the close of the connection. [`BodyDecoder`] turns buffered wire bytes into body
//! data: it never yields more than the caller asked for, tells how many body bytes are already
//! decodable without I/O ([`BodyDecoder::available`], for `QueryDataAvailable`), and knows
//! when the body is complete. Chunk sizes are hex with overflow checks; chunk-size lines and
//! trailers are bounded ([`MAX_CHUNK_LINE`], [`MAX_TRAILER_BYTES`]).

use std::ops::Range;

use crate::error::{NetError, NetResult};
use crate::http::response::ResponseHead;

/// The longest chunk-size line (size, extensions) accepted.
pub const MAX_CHUNK_LINE: usize = 4096;
/// The most trailer bytes accepted after the last chunk.
pub const MAX_TRAILER_BYTES: usize = 64 * 1024;

/// How a response body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFraming {
    /// No body at all (HEAD, 1xx, 204, 304).
    Empty,
    /// Exactly this many bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Everything until the server closes the connection.
    CloseDelimited,
}

/// Decides the body framing of `head`, the response to a request with verb `method`.
/// Conflicting or malformed `Content-Length` values are an invalid server response.
pub fn response_framing(method: &str, head: &ResponseHead) -> NetResult<BodyFraming> {
    if method.eq_ignore_ascii_case("HEAD")
        || (100..200).contains(&head.status)
        || head.status == 204
        || head.status == 304
    {
        return Ok(BodyFraming::Empty);
    }
    let mut codings = head
        .headers_named("transfer-encoding")
        .flat_map(|v| v.split(','));
    if let Some(first) = codings.next() {
        let last = codings.last().unwrap_or(first);
        return Ok(if last.trim().eq_ignore_ascii_case("chunked") {
            BodyFraming::Chunked
        } else {
            BodyFraming::CloseDelimited
        });
    }
    let mut length: Option<u64> = None;
    for value in head
        .headers_named("content-length")
        .flat_map(|v| v.split(','))
    {
        let n = parse_decimal(value.trim())
            .ok_or(NetError::InvalidServerResponse("invalid Content-Length"))?;
        match length {
            Some(previous) if previous != n => {
                return Err(NetError::InvalidServerResponse(
                    "conflicting Content-Length",
                ))
            }
            _ => length = Some(n),
        }
    }
    Ok(length.map_or(BodyFraming::CloseDelimited, BodyFraming::Length))
}

fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.bytes().try_fold(0u64, |acc, b| {
        acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// Parses a chunk-size line (without its line ending): hex digits, optional blanks, optional
/// `;extensions`. Overflow and a missing size are invalid.
fn parse_chunk_size(line: &[u8]) -> NetResult<u64> {
    let digits_end = line
        .iter()
        .position(|b| !b.is_ascii_hexdigit())
        .unwrap_or(line.len());
    if digits_end == 0 {
        return Err(NetError::InvalidServerResponse("missing chunk size"));
    }
    let rest = &line[digits_end..];
    let rest = &rest[rest
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(rest.len())..];
    if !rest.is_empty() && rest[0] != b';' {
        return Err(NetError::InvalidServerResponse("invalid chunk size"));
    }
    line[..digits_end].iter().try_fold(0u64, |acc, &b| {
        let digit = char::from(b).to_digit(16).map(u64::from);
        digit
            .and_then(|d| acc.checked_mul(16)?.checked_add(d))
            .ok_or(NetError::InvalidServerResponse("chunk size overflows"))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DecodeState {
    Length { remaining: u64 },
    ChunkSize,
    ChunkData { remaining: u64 },
    ChunkDataEnd,
    Trailers { seen: usize },
    CloseDelimited,
    Done,
}

/// What one [`BodyDecoder::decode`] call did with the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Bytes of the input used (framing and data); the caller drops them from its buffer.
    pub consumed: usize,
    /// Where the body data lies in the input (within `..consumed`); empty when none.
    pub data: Range<usize>,
}

/// Incremental body decoder over a read-ahead buffer; see the module docs.
#[derive(Debug, Clone)]
pub struct BodyDecoder {
    framing: BodyFraming,
    state: DecodeState,
}

impl BodyDecoder {
    /// A decoder for a body with the given framing.
    pub fn new(framing: BodyFraming) -> Self {
        let state = match framing {
            BodyFraming::Empty | BodyFraming::Length(0) => DecodeState::Done,
            BodyFraming::Length(n) => DecodeState::Length { remaining: n },
            BodyFraming::Chunked => DecodeState::ChunkSize,
            BodyFraming::CloseDelimited => DecodeState::CloseDelimited,
        };
        BodyDecoder { framing, state }
    }

    /// The framing this decoder follows.
    pub fn framing(&self) -> BodyFraming {
        self.framing
    }

    /// Whether the whole body has been decoded.
    pub fn is_done(&self) -> bool {
        self.state == DecodeState::Done
    }

    /// Decodes from `input` until it yields body data (at most `max_data` bytes), needs more
    /// input, or the body ends. `consumed == 0` with no data and not [`is_done`](Self::is_done)
    /// means more input is needed. With `max_data == 0` nothing is consumed.
    pub fn decode(&mut self, input: &[u8], max_data: usize) -> NetResult<Decoded> {
        let mut pos = 0usize;
        if max_data == 0 {
            return Ok(Decoded {
                consumed: 0,
                data: 0..0,
            });
        }
        // Each pass either consumes input, changes state towards Done, or returns, so the
        // loop ends within input.len() + a few passes.
        loop {
            let rest = &input[pos..];
            match self.state {
                DecodeState::Done => {
                    return Ok(Decoded {
                        consumed: pos,
                        data: pos..pos,
                    })
                }
                DecodeState::Length { remaining } => {
                    let take = remaining.min(rest.len() as u64).min(max_data as u64) as usize;
                    let left = remaining - take as u64;
                    self.state = if left == 0 {
                        DecodeState::Done
                    } else {
                        DecodeState::Length { remaining: left }
                    };
                    return Ok(Decoded {
                        consumed: pos + take,
                        data: pos..pos + take,
                    });
                }
                DecodeState::CloseDelimited => {
                    let take = rest.len().min(max_data);
                    return Ok(Decoded {
                        consumed: pos + take,
                        data: pos..pos + take,
                    });
                }
                DecodeState::ChunkSize => {
                    let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
                        if rest.len() > MAX_CHUNK_LINE {
                            return Err(NetError::InvalidServerResponse(
                                "chunk size line too long",
                            ));
                        }
                        return Ok(Decoded {
                            consumed: pos,
                            data: pos..pos,
                        });
                    };
                    if nl > MAX_CHUNK_LINE {
                        return Err(NetError::InvalidServerResponse("chunk size line too long"));
                    }
                    let line = rest[..nl].strip_suffix(b"\r").unwrap_or(&rest[..nl]);
                    let size = parse_chunk_size(line)?;
                    pos += nl + 1;
                    self.state = if size == 0 {
                        DecodeState::Trailers { seen: 0 }
                    } else {
                        DecodeState::ChunkData { remaining: size }
                    };
                }
                DecodeState::ChunkData { remaining } => {
                    let take = remaining.min(rest.len() as u64).min(max_data as u64) as usize;
                    if take == 0 {
                        return Ok(Decoded {
                            consumed: pos,
                            data: pos..pos,
                        });
                    }
                    let left = remaining - take as u64;
                    self.state = if left == 0 {
                        DecodeState::ChunkDataEnd
                    } else {
                        DecodeState::ChunkData { remaining: left }
                    };
                    return Ok(Decoded {
                        consumed: pos + take,
                        data: pos..pos + take,
                    });
                }
                DecodeState::ChunkDataEnd => match rest {
                    [] | [b'\r'] => {
                        return Ok(Decoded {
                            consumed: pos,
                            data: pos..pos,
                        })
                    }
                    [b'\r', b'\n', ..] => {
                        pos += 2;
                        self.state = DecodeState::ChunkSize;
                    }
                    [b'\n', ..] => {
                        pos += 1;
                        self.state = DecodeState::ChunkSize;
                    }
                    _ => return Err(NetError::InvalidServerResponse("no CRLF after chunk data")),
                },
                DecodeState::Trailers { seen } => {
                    let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
                        if seen + rest.len() > MAX_TRAILER_BYTES {
                            return Err(NetError::InvalidServerResponse("trailers too large"));
                        }
                        return Ok(Decoded {
                            consumed: pos,
                            data: pos..pos,
                        });
                    };
                    let line = rest[..nl].strip_suffix(b"\r").unwrap_or(&rest[..nl]);
                    pos += nl + 1;
                    if line.is_empty() {
                        self.state = DecodeState::Done;
                    } else {
                        let seen = seen + nl + 1;
                        if seen > MAX_TRAILER_BYTES {
                            return Err(NetError::InvalidServerResponse("trailers too large"));
                        }
                        self.state = DecodeState::Trailers { seen };
                    }
                }
            }
        }
    }

    /// Body bytes decodable from `input` without more I/O (what `QueryDataAvailable` reports
    /// when the data is already buffered). Does not change the decoder. Framing errors met
    /// before any data are returned; after some data they wait for the read that reaches them.
    pub fn available(&self, input: &[u8]) -> NetResult<u64> {
        let mut probe = self.clone();
        let mut pos = 0usize;
        let mut total = 0u64;
        // Every productive pass consumes at least one byte.
        for _ in 0..=input.len() {
            match probe.decode(&input[pos..], usize::MAX) {
                Ok(step) if step.consumed > 0 => {
                    total += step.data.len() as u64;
                    pos += step.consumed;
                }
                Ok(_) => break,
                Err(err) if total == 0 => return Err(err),
                Err(_) => break,
            }
        }
        Ok(total)
    }

    /// Consumes framing that comes before any further body data in `input` (the CRLF after
    /// a chunk, the last chunk and its trailers) so a body whose end is already buffered is
    /// seen as done without another read. Stops before anything that would yield data.
    /// Returns the bytes consumed.
    pub fn skip_framing(&mut self, input: &[u8]) -> NetResult<usize> {
        let mut pos = 0usize;
        // Every committed pass consumes at least one byte.
        for _ in 0..=input.len() {
            if self.is_done() {
                break;
            }
            let mut probe = self.clone();
            let step = probe.decode(&input[pos..], usize::MAX)?;
            if step.consumed == 0 || !step.data.is_empty() {
                break;
            }
            *self = probe;
            pos += step.consumed;
        }
        Ok(pos)
    }

    /// The peer closed the connection: fine for a close-delimited body (which ends here) or a
    /// finished one; anything else is a body cut short, `ERROR_WINHTTP_CONNECTION_ERROR`.
    pub fn on_eof(&mut self) -> NetResult<()> {
        match self.state {
            DecodeState::Done => Ok(()),
            DecodeState::CloseDelimited => {
                self.state = DecodeState::Done;
                Ok(())
            }
            _ => Err(NetError::ConnectionError(
                "connection closed before the end of the body".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::response::parse_head;

    fn head(wire: &[u8]) -> ResponseHead {
        parse_head(wire).expect("valid").expect("complete").0
    }

    /// Decodes everything in `input`, `max` bytes at a time, asserting the per-call bound.
    fn decode_all(dec: &mut BodyDecoder, input: &[u8], max: usize) -> NetResult<Vec<u8>> {
        let mut out = Vec::new();
        let mut pos = 0;
        for _ in 0..=input.len() * 2 + 2 {
            let step = dec.decode(&input[pos..], max)?;
            assert!(step.data.len() <= max);
            out.extend_from_slice(&input[pos..][step.data.clone()]);
            pos += step.consumed;
            if step.consumed == 0 {
                break;
            }
        }
        Ok(out)
    }

    #[test]
    fn framing_rules() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
        assert_eq!(
            response_framing("GET", &head(ok)).expect("ok"),
            BodyFraming::Length(5)
        );
        assert_eq!(
            response_framing("HEAD", &head(ok)).expect("ok"),
            BodyFraming::Empty
        );
        for status in [
            "204 No Content",
            "304 Not Modified",
            "101 Switching",
            "100 Continue",
        ] {
            let wire = format!("HTTP/1.1 {status}\r\nContent-Length: 5\r\n\r\n");
            let h = head(wire.as_bytes());
            assert_eq!(
                response_framing("GET", &h).expect("ok"),
                BodyFraming::Empty,
                "{status}"
            );
        }
        let chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\nContent-Length: 3\r\n\r\n";
        assert_eq!(
            response_framing("GET", &head(chunked)).expect("ok"),
            BodyFraming::Chunked
        );
        let gzip = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n";
        assert_eq!(
            response_framing("GET", &head(gzip)).expect("ok"),
            BodyFraming::CloseDelimited
        );
        let none = b"HTTP/1.1 200 OK\r\n\r\n";
        assert_eq!(
            response_framing("GET", &head(none)).expect("ok"),
            BodyFraming::CloseDelimited
        );
        let same = b"HTTP/1.1 200 OK\r\nContent-Length: 4, 4\r\nContent-Length: 4\r\n\r\n";
        assert_eq!(
            response_framing("GET", &head(same)).expect("ok"),
            BodyFraming::Length(4)
        );
        for bad in [
            &b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
        ] {
            let err = response_framing("GET", &head(bad)).expect_err("invalid");
            assert_eq!(err.code(), 12152);
        }
    }

    #[test]
    fn chunked_with_extensions_and_trailers_in_any_split() {
        let wire = b"5;ext=1\r\nhello\r\n7 \r\n, world\r\n0\r\nX-Trailer: t\r\n\r\nNEXT";
        for max in [1usize, 2, 3, 7, 100] {
            let mut dec = BodyDecoder::new(BodyFraming::Chunked);
            let body = decode_all(&mut dec, wire, max).expect("valid");
            assert_eq!(body, b"hello, world");
            assert!(dec.is_done());
        }
        // Byte-by-byte arrival: feed growing prefixes as a buffer would.
        let mut dec = BodyDecoder::new(BodyFraming::Chunked);
        let mut buffered = Vec::new();
        let mut body = Vec::new();
        for &b in wire.iter() {
            buffered.push(b);
            let step = dec.decode(&buffered, 64).expect("valid");
            body.extend_from_slice(&buffered[step.data.clone()]);
            buffered.drain(..step.consumed);
        }
        assert_eq!(body, b"hello, world");
        assert!(dec.is_done());
        assert_eq!(buffered, b"NEXT");
    }

    #[test]
    fn available_counts_decodable_bytes_only() {
        let dec = BodyDecoder::new(BodyFraming::Chunked);
        assert_eq!(dec.available(b"5\r\nhel").expect("ok"), 3);
        assert_eq!(
            dec.available(b"5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n")
                .expect("ok"),
            8
        );
        assert_eq!(dec.available(b"zz\r\n").expect_err("bad").code(), 12152);
        assert_eq!(dec.available(b"1\r\nazz").expect("data first"), 1);
        assert_eq!(dec.available(b"5").expect("ok"), 0);
        let dec = BodyDecoder::new(BodyFraming::Length(4));
        assert_eq!(dec.available(b"abcdef").expect("ok"), 4);
        let dec = BodyDecoder::new(BodyFraming::CloseDelimited);
        assert_eq!(dec.available(b"abcdef").expect("ok"), 6);
    }

    #[test]
    fn hostile_chunk_sizes_are_invalid() {
        for bad in [
            &b"zz\r\n"[..],
            b"\r\n",
            b"5 x\r\n",
            b"FFFFFFFFFFFFFFFFF\r\nx",
            b"10000000000000000\r\n",
            b"3\r\nabcXY",
        ] {
            let mut dec = BodyDecoder::new(BodyFraming::Chunked);
            let err = decode_all(&mut dec, bad, 16).expect_err("invalid");
            assert_eq!(err.code(), 12152, "{:?}", String::from_utf8_lossy(bad));
        }
        let long_line = vec![b'1'; MAX_CHUNK_LINE + 10];
        let mut dec = BodyDecoder::new(BodyFraming::Chunked);
        assert_eq!(dec.decode(&long_line, 16).expect_err("long").code(), 12152);
        let mut trailers = b"0\r\n".to_vec();
        trailers.extend(std::iter::repeat_n(b'a', MAX_TRAILER_BYTES + 1));
        let mut dec = BodyDecoder::new(BodyFraming::Chunked);
        assert_eq!(
            decode_all(&mut dec, &trailers, 16).expect_err("big").code(),
            12152
        );
    }

    #[test]
    fn eof_ends_only_close_delimited_bodies() {
        let mut dec = BodyDecoder::new(BodyFraming::CloseDelimited);
        assert!(dec.on_eof().is_ok());
        assert!(dec.is_done());
        let mut dec = BodyDecoder::new(BodyFraming::Length(3));
        assert_eq!(dec.on_eof().expect_err("short").code(), 12030);
        let mut dec = BodyDecoder::new(BodyFraming::Chunked);
        assert_eq!(dec.on_eof().expect_err("short").code(), 12030);
        let mut dec = BodyDecoder::new(BodyFraming::Empty);
        assert!(dec.is_done() && dec.on_eof().is_ok());
    }

    #[test]
    fn skip_framing_consumes_a_buffered_end_of_body_but_never_data() {
        let framing = response_framing(
            "GET",
            &head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
        )
        .expect("framing");
        let mut decoder = BodyDecoder::new(framing);
        let wire = b"3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n";
        // Before the data: nothing to skip (the size line comes with data).
        assert_eq!(decoder.skip_framing(wire).expect("skip"), 0);
        let step = decoder.decode(wire, 100).expect("data");
        assert_eq!(&wire[step.data], b"abc");
        assert!(!decoder.is_done());
        let rest = &wire[step.consumed..];
        assert_eq!(decoder.skip_framing(rest).expect("skip"), rest.len());
        assert!(decoder.is_done());
        // A partial end waits for more bytes.
        let mut decoder = BodyDecoder::new(framing);
        let step = decoder.decode(b"1\r\nz\r\n0\r", 100).expect("data");
        assert_eq!(step.consumed, 4);
        assert_eq!(decoder.skip_framing(b"\r\n0\r").expect("skip"), 2);
        assert!(!decoder.is_done());
    }
}
