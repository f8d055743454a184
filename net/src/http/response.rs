//! Response heads: parsing with `httparse`, limits, and the facts the executor needs.
//!
//! [`parse_head`] is pure: it looks at the bytes read so far and either needs more, fails
//! with `ERROR_WINHTTP_INVALID_SERVER_RESPONSE`, or returns a [`ResponseHead`] and how many
//! bytes it used. Header names keep their wire case and order, the raw status line and the
//! raw head bytes are kept for `WINHTTP_QUERY_RAW_HEADERS(_CRLF)`. Limits: a head longer
//! than [`MAX_HEAD_BYTES`] or with more than [`MAX_HEADERS`] header lines is invalid.

use bytes::Bytes;

use crate::error::{NetError, NetResult};

/// The longest response head accepted, status line and blank line included.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The most header lines accepted in one head.
pub const MAX_HEADERS: usize = 256;
/// The most interim (1xx other than 101) responses skipped before a final one.
pub const MAX_INTERIM_RESPONSES: usize = 16;

/// The HTTP version of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpVersion {
    /// `HTTP/1.0`
    Http10,
    /// `HTTP/1.1`
    Http11,
}

/// A parsed response head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    /// The protocol version of the status line.
    pub version: HttpVersion,
    /// The status code (100..=999).
    pub status: u16,
    /// The reason phrase as sent (may be empty).
    pub reason: String,
    /// The status line as sent, without its line ending.
    pub status_line: String,
    /// Header (name, value) pairs in wire order, names in wire case. Bytes that are not UTF-8
    /// are taken as Latin-1, so no byte is lost.
    pub headers: Vec<(String, String)>,
    /// The raw bytes of the head, status line through the blank line.
    pub raw: Bytes,
}

/// Text of wire bytes: UTF-8 when valid, otherwise Latin-1 (one char per byte).
pub(crate) fn wire_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

impl ResponseHead {
    /// The first value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of the header `name` (case-insensitive), in wire order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether any comma-separated element of any `name` header equals `token`
    /// (case-insensitive), e.g. `Connection: keep-alive, Upgrade`.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.headers_named(name)
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    /// An interim response (1xx other than `101 Switching Protocols`), to be skipped.
    pub fn is_interim(&self) -> bool {
        (100..200).contains(&self.status) && self.status != 101
    }

    /// Whether the server lets the connection stay open after this response:
    /// HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    pub fn keep_alive(&self) -> bool {
        if self.has_token("connection", "close") {
            return false;
        }
        match self.version {
            HttpVersion::Http11 => true,
            HttpVersion::Http10 => self.has_token("connection", "keep-alive"),
        }
    }
}

/// Whether `buf` holds the blank line that ends a head (`\n\n` or `\n\r\n`).
pub(crate) fn contains_head_end(buf: &[u8]) -> bool {
    buf.windows(2).any(|w| w == b"\n\n") || buf.windows(3).any(|w| w == b"\n\r\n")
}

/// Parses a response head from the start of `buf`.
///
/// Returns `Ok(None)` while the head is incomplete and within limits, `Ok(Some((head,
/// used)))` once complete, or [`NetError::InvalidServerResponse`].
pub fn parse_head(buf: &[u8]) -> NetResult<Option<(ResponseHead, usize)>> {
    // A head must start like a status line; refuse early rather than wait for 64 KiB.
    let probe = &buf[..buf.len().min(5)];
    if !b"HTTP/".starts_with(probe) {
        return Err(NetError::InvalidServerResponse("no HTTP status line"));
    }
    if !contains_head_end(&buf[..buf.len().min(MAX_HEAD_BYTES)]) {
        if buf.len() >= MAX_HEAD_BYTES {
            return Err(NetError::InvalidServerResponse("response head too large"));
        }
        return Ok(None);
    }
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut slots);
    let used = match response.parse(buf) {
        Ok(httparse::Status::Complete(used)) => used,
        Ok(httparse::Status::Partial) => {
            if buf.len() >= MAX_HEAD_BYTES {
                return Err(NetError::InvalidServerResponse("response head too large"));
            }
            return Ok(None);
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(NetError::InvalidServerResponse("too many headers"))
        }
        Err(httparse::Error::Status) => {
            return Err(NetError::InvalidServerResponse("invalid status code"))
        }
        Err(httparse::Error::Version) => {
            return Err(NetError::InvalidServerResponse("invalid HTTP version"))
        }
        Err(_) => return Err(NetError::InvalidServerResponse("malformed response head")),
    };
    if used > MAX_HEAD_BYTES {
        return Err(NetError::InvalidServerResponse("response head too large"));
    }
    let version = match response.version {
        Some(0) => HttpVersion::Http10,
        Some(1) => HttpVersion::Http11,
        _ => return Err(NetError::InvalidServerResponse("invalid HTTP version")),
    };
    let status = match response.code {
        Some(code) if (100..=999).contains(&code) => code,
        _ => return Err(NetError::InvalidServerResponse("invalid status code")),
    };
    let line_end = buf.iter().position(|&b| b == b'\n').unwrap_or(0);
    let status_line_bytes = buf[..line_end]
        .strip_suffix(b"\r")
        .unwrap_or(&buf[..line_end]);
    let status_line = wire_text(status_line_bytes);
    // "HTTP/1.1 200 OK": the reason is whatever follows the second space.
    let reason = status_line.splitn(3, ' ').nth(2).unwrap_or("").to_owned();
    let headers = response
        .headers
        .iter()
        .map(|h| (h.name.to_owned(), wire_text(h.value)))
        .collect();
    let head = ResponseHead {
        version,
        status,
        reason,
        status_line,
        headers,
        raw: Bytes::copy_from_slice(&buf[..used]),
    };
    Ok(Some((head, used)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_complete(bytes: &[u8]) -> (ResponseHead, usize) {
        parse_head(bytes).expect("valid").expect("complete")
    }

    #[test]
    fn keeps_wire_case_order_and_raw_bytes() {
        let wire = b"HTTP/1.1 200 Fine Thanks\r\nX-B: 2\r\nx-a: 1\r\nSet-Cookie: a\r\n\
                     set-cookie: b\r\n\r\nBODY";
        let (head, used) = parse_complete(wire);
        assert_eq!(used, wire.len() - 4);
        assert_eq!(head.version, HttpVersion::Http11);
        assert_eq!(head.status, 200);
        assert_eq!(head.reason, "Fine Thanks");
        assert_eq!(head.status_line, "HTTP/1.1 200 Fine Thanks");
        let names: Vec<&str> = head.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["X-B", "x-a", "Set-Cookie", "set-cookie"]);
        assert_eq!(
            head.headers_named("SET-COOKIE").collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(&head.raw[..], &wire[..used]);
    }

    #[test]
    fn partial_heads_wait_and_limits_fail() {
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nA: b\r\n")
            .expect("ok")
            .is_none());
        assert!(parse_head(b"HT").expect("ok").is_none());
        let mut huge = b"HTTP/1.1 200 OK\r\n".to_vec();
        while huge.len() < MAX_HEAD_BYTES {
            huge.extend_from_slice(b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
        }
        assert_eq!(parse_head(&huge).expect_err("too big").code(), 12152);
        let mut many = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..=MAX_HEADERS {
            many.extend_from_slice(format!("H{i}: v\r\n").as_bytes());
        }
        many.extend_from_slice(b"\r\n");
        assert_eq!(parse_head(&many).expect_err("too many").code(), 12152);
    }

    #[test]
    fn malformed_heads_are_invalid_server_responses() {
        for bad in [
            &b"hello\r\n\r\n"[..],
            b"HTTP/1.1 abc OK\r\n\r\n",
            b"HTTP/2.0 200 OK\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
            b"HTTP/1.1 099 Low\r\n\r\n",
        ] {
            let err = parse_head(bad).expect_err("must fail");
            assert_eq!(err.code(), 12152, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn keep_alive_rules() {
        let cases: [(&[u8], bool); 5] = [
            (b"HTTP/1.1 200 OK\r\n\r\n", true),
            (b"HTTP/1.1 200 OK\r\nConnection: Close\r\n\r\n", false),
            (b"HTTP/1.0 200 OK\r\n\r\n", false),
            (b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n", true),
            (
                b"HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\n\r\n",
                false,
            ),
        ];
        for (wire, keep) in cases {
            assert_eq!(parse_complete(wire).0.keep_alive(), keep);
        }
        assert!(parse_complete(b"HTTP/1.1 100 Continue\r\n\r\n")
            .0
            .is_interim());
        assert!(!parse_complete(b"HTTP/1.1 101 Switching\r\n\r\n")
            .0
            .is_interim());
    }

    #[test]
    fn non_utf8_values_are_kept_as_latin1() {
        let (head, _) = parse_complete(b"HTTP/1.1 200 OK\r\nX: caf\xe9\r\n\r\n");
        assert_eq!(head.header("x"), Some("caf\u{e9}"));
    }
}
