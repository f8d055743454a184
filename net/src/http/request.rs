//! Request heads and upload framing.
//!
//! [`RequestHead::serialize`] writes `METHOD path HTTP/1.1`, then the caller's headers in the
//! order given (names in the caller's case), then `Host` and the body framing header unless
//! the caller already supplied them. Nothing that could split a line (CR, LF, NUL) reaches
//! the wire: such input is refused with `ERROR_WINHTTP_INVALID_HEADER`.
//! [`ChunkedEncoder`] frames upload data of unknown length as `Transfer-Encoding: chunked`.

use crate::error::{NetError, NetResult};

/// How the request body is framed on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadFraming {
    /// No body and no framing header (a GET without data).
    None,
    /// `Content-Length: n` and exactly `n` bytes follow.
    ContentLength(u64),
    /// `Transfer-Encoding: chunked`: length unknown; chunks then a terminating `0` chunk.
    Chunked,
}

/// The head of a request, borrowed from the caller.
#[derive(Debug, Clone)]
pub struct RequestHead<'a> {
    /// The verb, e.g. `GET`; must be a non-empty HTTP token.
    pub method: &'a str,
    /// The request target, e.g. `/path?query` (or an absolute URL for a proxy).
    pub target: &'a str,
    /// The value of the `Host` header (`host` or `host:port`).
    pub host: &'a str,
    /// Header name/value pairs in wire order.
    pub headers: &'a [(String, String)],
    /// The body framing.
    pub framing: UploadFraming,
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn check_token(what: &str, s: &str) -> NetResult<()> {
    if s.is_empty() || !s.bytes().all(is_token_byte) {
        return Err(NetError::InvalidHeader(format!(
            "{what} {s:?} is not an HTTP token"
        )));
    }
    Ok(())
}

fn check_line_safe(what: &str, s: &str) -> NetResult<()> {
    if s.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(NetError::InvalidHeader(format!(
            "{what} contains CR, LF or NUL"
        )));
    }
    Ok(())
}

impl RequestHead<'_> {
    /// Serializes the head, ending with the blank line. Fails with
    /// [`NetError::InvalidHeader`] for a bad method, target, name or value.
    pub fn serialize(&self) -> NetResult<Vec<u8>> {
        check_token("method", self.method)?;
        check_line_safe("target", self.target)?;
        if self.target.is_empty() || self.target.contains(' ') {
            return Err(NetError::InvalidHeader(
                "request target is empty or has a space".into(),
            ));
        }
        check_line_safe("host", self.host)?;
        let mut out = Vec::with_capacity(128 + self.headers.len() * 32);
        out.extend_from_slice(self.method.as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.target.as_bytes());
        out.extend_from_slice(b" HTTP/1.1\r\n");
        let mut has_host = false;
        let mut has_framing = false;
        for (name, value) in self.headers {
            check_token("header name", name)?;
            check_line_safe("header value", value)?;
            has_host |= name.eq_ignore_ascii_case("host");
            has_framing |= name.eq_ignore_ascii_case("content-length")
                || name.eq_ignore_ascii_case("transfer-encoding");
            push_header(&mut out, name, value);
        }
        if !has_host {
            push_header(&mut out, "Host", self.host);
        }
        if !has_framing {
            match self.framing {
                UploadFraming::None => {}
                UploadFraming::ContentLength(n) => {
                    push_header(&mut out, "Content-Length", &n.to_string())
                }
                UploadFraming::Chunked => push_header(&mut out, "Transfer-Encoding", "chunked"),
            }
        }
        out.extend_from_slice(b"\r\n");
        Ok(out)
    }
}

fn push_header(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Frames upload data as HTTP/1.1 chunks. An empty write produces no bytes (a zero-size
/// chunk would end the body); [`ChunkedEncoder::finish`] produces the last chunk.
#[derive(Debug, Default, Clone, Copy)]
pub struct ChunkedEncoder {
    finished: bool,
}

impl ChunkedEncoder {
    /// A new encoder.
    pub fn new() -> Self {
        Self::default()
    }

    /// The wire bytes for one chunk carrying `data` (`size-in-hex CRLF data CRLF`); empty for
    /// empty `data` or after [`finish`](Self::finish).
    pub fn encode(&self, data: &[u8]) -> Vec<u8> {
        if data.is_empty() || self.finished {
            return Vec::new();
        }
        let size = format!("{:X}\r\n", data.len());
        let mut out = Vec::with_capacity(size.len() + data.len() + 2);
        out.extend_from_slice(size.as_bytes());
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
        out
    }

    /// The terminating chunk (`0 CRLF CRLF`, no trailers); empty if already finished.
    pub fn finish(&mut self) -> &'static [u8] {
        if self.finished {
            return b"";
        }
        self.finished = true;
        b"0\r\n\r\n"
    }

    /// Whether the terminating chunk was produced.
    pub fn is_finished(&self) -> bool {
        self.finished
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_keeps_caller_order_and_adds_host_and_length() {
        let headers = vec![
            ("X-First".to_string(), "1".to_string()),
            ("accept".to_string(), "*/*".to_string()),
        ];
        let head = RequestHead {
            method: "POST",
            target: "/up?x=1",
            host: "127.0.0.1:8080",
            headers: &headers,
            framing: UploadFraming::ContentLength(5),
        };
        let wire = head.serialize().expect("valid head");
        assert_eq!(
            wire,
            b"POST /up?x=1 HTTP/1.1\r\nX-First: 1\r\naccept: */*\r\nHost: 127.0.0.1:8080\r\n\
              Content-Length: 5\r\n\r\n"
                .to_vec()
        );
    }

    #[test]
    fn caller_host_and_framing_are_not_duplicated() {
        let headers = vec![
            ("host".to_string(), "example".to_string()),
            ("Transfer-Encoding".to_string(), "chunked".to_string()),
        ];
        let head = RequestHead {
            method: "PUT",
            target: "/",
            host: "ignored",
            headers: &headers,
            framing: UploadFraming::Chunked,
        };
        let wire = String::from_utf8(head.serialize().expect("valid")).expect("ascii");
        assert_eq!(wire.matches("ost:").count(), 1);
        assert_eq!(wire.matches("chunked").count(), 1);
    }

    #[test]
    fn line_breaking_input_is_refused() {
        let bad_value = vec![("X".to_string(), "a\r\nInjected: 1".to_string())];
        let bad_name = vec![("Bad Name".to_string(), "v".to_string())];
        for (method, target, headers) in [
            ("GET", "/", &bad_value),
            ("GET", "/", &bad_name),
            ("G ET", "/", &Vec::new()),
            ("GET", "/a b", &Vec::new()),
            ("GET", "", &Vec::new()),
        ] {
            let head = RequestHead {
                method,
                target,
                host: "h",
                headers,
                framing: UploadFraming::None,
            };
            let err = head.serialize().expect_err("must be refused");
            assert_eq!(err.code(), 12153, "{method} {target} {headers:?}");
        }
    }

    #[test]
    fn chunked_encoder_frames_and_finishes_once() {
        let mut enc = ChunkedEncoder::new();
        assert_eq!(
            enc.encode(b"hello, world!!!!!"),
            b"11\r\nhello, world!!!!!\r\n".to_vec()
        );
        assert!(enc.encode(b"").is_empty());
        assert_eq!(enc.finish(), b"0\r\n\r\n");
        assert!(enc.is_finished());
        assert_eq!(enc.finish(), b"");
        assert!(enc.encode(b"late").is_empty());
    }
}
