//! Pure parsers for the parts of FTP replies the session uses: the reply code, the `PASV`
//! and `EPSV` addresses, the `PWD` path and the `SIZE` value. None of them panics on any
//! input; a reply they cannot read yields `None` and the session reports
//! `ERROR_INTERNET_EXTENDED_ERROR` with the reply kept as the last response.

use std::net::{Ipv4Addr, SocketAddrV4};

/// One complete server reply: its code and its full text (every line, with line ends), as
/// `InternetGetLastResponseInfo` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtpReply {
    /// The three-digit code, 0 if the reply does not start with three digits.
    pub code: u16,
    /// The reply text, lossily decoded as UTF-8.
    pub text: String,
}

impl FtpReply {
    /// Builds a reply from its raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> FtpReply {
        FtpReply {
            code: reply_code(bytes),
            text: String::from_utf8_lossy(bytes).into_owned(),
        }
    }

    /// Whether the code is a positive preliminary reply (1xx).
    pub fn is_preliminary(&self) -> bool {
        (100..200).contains(&self.code)
    }

    /// Whether the code is a positive completion reply (2xx).
    pub fn is_completion(&self) -> bool {
        (200..300).contains(&self.code)
    }
}

/// The code of a reply: its first three bytes as a number in 100..=599, else 0.
pub fn reply_code(bytes: &[u8]) -> u16 {
    match bytes.get(..3) {
        Some(digits) if digits.iter().all(u8::is_ascii_digit) => {
            let code = digits
                .iter()
                .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
            if (100..600).contains(&code) {
                code
            } else {
                0
            }
        }
        _ => 0,
    }
}

/// The address of a `227` reply: the first run of six comma-separated numbers (each 0..=255)
/// after the code, e.g. `227 Entering Passive Mode (127,0,0,1,4,1)`.
pub fn parse_pasv(text: &str) -> Option<SocketAddrV4> {
    let rest = text.get(3..)?;
    let start = rest.find(|c: char| c.is_ascii_digit())?;
    let numbers: Vec<&str> = rest[start..]
        .split(|c: char| !c.is_ascii_digit() && c != ',')
        .next()?
        .split(',')
        .collect();
    if numbers.len() < 6 {
        return None;
    }
    let mut octets = [0u8; 6];
    for (slot, text) in octets.iter_mut().zip(&numbers) {
        if text.is_empty() || text.len() > 3 {
            return None;
        }
        *slot = text.parse::<u8>().ok()?;
    }
    let ip = Ipv4Addr::new(octets[0], octets[1], octets[2], octets[3]);
    let port = u16::from(octets[4]) << 8 | u16::from(octets[5]);
    if port == 0 {
        return None;
    }
    Some(SocketAddrV4::new(ip, port))
}

/// The port of a `229` reply: `(|||port|)` (any delimiter character, RFC 2428).
pub fn parse_epsv(text: &str) -> Option<u16> {
    let open = text.find('(')?;
    let inner = &text[open + 1..];
    let close = inner.find(')')?;
    let inner = &inner[..close];
    let delim = inner.chars().next()?;
    let parts: Vec<&str> = inner.split(delim).collect();
    if parts.len() != 5 {
        return None;
    }
    let port: u16 = parts[3].parse().ok()?;
    (port != 0).then_some(port)
}

/// The directory of a `257` reply: the text between the first `"` and its closing `"`, with
/// doubled quotes (`""`) meaning one quote (RFC 959 appendix II).
pub fn parse_pwd(text: &str) -> Option<String> {
    let first_line = text.lines().next()?;
    let start = first_line.find('"')? + 1;
    let mut out = String::new();
    let mut chars = first_line[start..].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
                out.push('"');
            } else {
                return Some(out);
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// The size of a `213` reply: the number after the code.
pub fn parse_size(text: &str) -> Option<u64> {
    let first_line = text.lines().next()?;
    let value = first_line.get(4..)?.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(reply_code(b"226 done\r\n"), 226);
        assert_eq!(reply_code(b"22"), 0);
        assert_eq!(reply_code(b"abc"), 0);
        assert_eq!(reply_code(b"999 x"), 0);
        assert_eq!(reply_code(b"099 x"), 0);
    }

    #[test]
    fn pasv_addresses() {
        assert_eq!(
            parse_pasv("227 Entering Passive Mode (127,0,0,1,4,1).\r\n"),
            Some(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 1025))
        );
        assert_eq!(
            parse_pasv("227 =10,0,0,2,0,21"),
            Some(SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 2), 21))
        );
        assert_eq!(parse_pasv("227 Entering Passive Mode (1,2,3)"), None);
        assert_eq!(
            parse_pasv("227 Entering Passive Mode (256,0,0,1,4,1)"),
            None
        );
        assert_eq!(parse_pasv("227 nothing"), None);
        assert_eq!(parse_pasv("227 (127,0,0,1,0,0)"), None);
        assert_eq!(parse_pasv("2"), None);
    }

    #[test]
    fn epsv_pwd_size() {
        assert_eq!(
            parse_epsv("229 Entering Extended Passive Mode (|||6446|)"),
            Some(6446)
        );
        assert_eq!(parse_epsv("229 (|||x|)"), None);
        assert_eq!(
            parse_pwd("257 \"/pub/a \"\"q\"\"\" is current\r\n"),
            Some("/pub/a \"q\"".to_owned())
        );
        assert_eq!(parse_pwd("257 no quotes"), None);
        assert_eq!(parse_pwd("257 \"unterminated"), None);
        assert_eq!(parse_size("213 1234\r\n"), Some(1234));
        assert_eq!(parse_size("213 -1"), None);
        assert_eq!(parse_size("213"), None);
    }
}
