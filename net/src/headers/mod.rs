//! The header store (this file) and the query engine of `WinHttpQueryHeaders` /
//! `HttpQueryInfo` (`query`), and the modifier semantics of `WinHttpAddRequestHeaders` / `HttpAddRequestHeaders`.
//!
//! A [`HeaderStore`] keeps one message head exactly as it is on the wire: the first line (the
//! request line or the raw status line) and the header lines in wire case and wire order.
//! Names compare case-insensitively; nothing is ever re-ordered except by an explicit
//! `REPLACE`/`COALESCE` (which edit the first occurrence in place, as Windows does — Wine's
//! tests call this the "reverse" order and accept it).
//!
//! Invariants: stored names are non-empty and contain no whitespace or `:`; stored values
//! contain no CR or LF; every error is a `windows-sys` constant; sizes are in bytes of UTF-16
//! as WinHTTP reports them (`lpdwBufferLength`), the required size including the NUL.
//!
//! Rules: WH-R25 (missing header → 12150, level > `WINHTTP_QUERY_MAX` → 87, response levels
//! need a received response → 12019; request headers and `REQUEST_METHOD` always allowed),
//! WI-R23 (WinINet before a response: `STATUS_CODE|NUMBER` is 0, `RAW_HEADERS` is empty,
//! other levels 12150).

use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;
use windows_sys::Win32::Networking::WinHttp as wh;

/// Which API family a query or add comes from (they share numbering; errors differ a little).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// WinHTTP (`WINHTTP_QUERY_*`, `ERROR_WINHTTP_*`).
    WinHttp,
    /// WinINet (`HTTP_QUERY_*`, `ERROR_HTTP_*`).
    WinInet,
}

/// One header line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderLine {
    /// Field name in wire case.
    pub name: String,
    /// Field value, surrounding blanks removed.
    pub value: String,
    /// The exact received line (response lines), or `None` once the line is built or edited
    /// locally (then it is rendered `Name: value`).
    raw: Option<String>,
}

impl HeaderLine {
    /// The line as WinHTTP renders it in `RAW_HEADERS(_CRLF)`.
    pub fn render(&self) -> String {
        match &self.raw {
            Some(raw) => raw.clone(),
            None => format!("{}: {}", self.name, self.value),
        }
    }
}

/// One message head: first line plus header lines in wire order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderStore {
    first_line: String,
    lines: Vec<HeaderLine>,
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Whether `c` may appear in a field name (an RFC 7230 token character: no controls, blanks
/// or separators).
fn is_token_char(c: char) -> bool {
    c.is_ascii()
        && !c.is_ascii_control()
        && !matches!(
            c,
            '(' | ')'
                | '<'
                | '>'
                | '@'
                | ','
                | ';'
                | ':'
                | '\\'
                | '"'
                | '/'
                | '['
                | ']'
                | '?'
                | '='
                | '{'
                | '}'
                | ' '
                | '\t'
        )
}

/// Splits `Name: value` (the `AddRequestHeaders` syntax). `None` for a line without a colon,
/// an empty name, or a name that is not a token (e.g. `:b`, `cd`, ` e :f`).
fn split_header_line(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    if name.is_empty() || !name.chars().all(is_token_char) {
        return None;
    }
    Some((name, value.trim_matches(is_blank)))
}

impl HeaderStore {
    /// A request head: `VERB path HTTP/1.1`.
    pub fn request(verb: &str, path: &str, version: &str) -> Self {
        Self {
            first_line: format!("{verb} {path} {version}"),
            lines: Vec::new(),
        }
    }

    /// A response head from its raw status line and raw header lines (as read off the wire,
    /// without CRLF). A line without a colon is `ERROR_WINHTTP_INVALID_SERVER_RESPONSE`.
    pub fn response<'a>(
        status_line: &str,
        lines: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, u32> {
        let mut store = Self {
            first_line: status_line.to_owned(),
            lines: Vec::new(),
        };
        for line in lines {
            let (name, value) = line
                .split_once(':')
                .ok_or(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)?;
            let name = name.trim_end_matches(is_blank);
            if name.is_empty() {
                return Err(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
            }
            store.lines.push(HeaderLine {
                name: name.to_owned(),
                value: value.trim_matches(is_blank).to_owned(),
                raw: Some(line.to_owned()),
            });
        }
        Ok(store)
    }

    /// Parses a whole response head (`status\r\nline\r\n...\r\n\r\n`; LF alone accepted).
    pub fn parse_response_head(head: &str) -> Result<Self, u32> {
        let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let status = lines
            .next()
            .filter(|s| !s.is_empty())
            .ok_or(wh::ERROR_WINHTTP_INVALID_SERVER_RESPONSE)?;
        Self::response(status, lines.take_while(|l| !l.is_empty()))
    }

    /// Replaces the first line (a redirect changes the request line; a new response its
    /// status line).
    pub fn set_first_line(&mut self, line: &str) {
        line.clone_into(&mut self.first_line);
    }

    /// The first line (request line or status line) as on the wire.
    pub fn first_line(&self) -> &str {
        &self.first_line
    }

    /// The header lines in wire order.
    pub fn lines(&self) -> &[HeaderLine] {
        &self.lines
    }

    /// Appends a header line (no checks beyond the store invariants: CR/LF in the value and
    /// an invalid name are `ERROR_INVALID_PARAMETER`).
    pub fn push(&mut self, name: &str, value: &str) -> Result<(), u32> {
        if split_header_line(&format!("{name}:")).is_none() || value.contains(['\r', '\n']) {
            return Err(ERROR_INVALID_PARAMETER);
        }
        self.lines.push(HeaderLine {
            name: name.to_owned(),
            value: value.trim_matches(is_blank).to_owned(),
            raw: None,
        });
        Ok(())
    }

    /// The values of `name` (case-insensitive) in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.lines
            .iter()
            .filter(move |l| l.name.eq_ignore_ascii_case(name))
            .map(|l| l.value.as_str())
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.lines
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(name))
            .map(|l| l.value.as_str())
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.lines
            .iter()
            .position(|l| l.name.eq_ignore_ascii_case(name))
    }

    /// Removes every line called `name`; returns how many went.
    pub fn remove_all(&mut self, name: &str) -> usize {
        let before = self.lines.len();
        self.lines.retain(|l| !l.name.eq_ignore_ascii_case(name));
        before - self.lines.len()
    }

    /// `RAW_HEADERS_CRLF`: first line, each line, each followed by CRLF, then a final CRLF.
    pub fn raw_crlf(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.first_line);
        out.push_str("\r\n");
        for line in &self.lines {
            out.push_str(&line.render());
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        out
    }

    /// `RAW_HEADERS`: each line followed by a NUL (the terminating second NUL is added by the
    /// output step, not counted in the returned length).
    pub fn raw_nul(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.first_line);
        out.push('\0');
        for line in &self.lines {
            out.push_str(&line.render());
            out.push('\0');
        }
        out
    }

    fn status_parts(&self) -> (Option<&str>, Option<&str>, Option<&str>) {
        let mut parts = self.first_line.splitn(3, ' ');
        (parts.next(), parts.next(), parts.next())
    }

    /// `WinHttpAddRequestHeaders` / `HttpAddRequestHeaders`: `headers` may hold several lines
    /// separated by any mix of CR and LF; empty lines are skipped. Empty input is
    /// `ERROR_INVALID_PARAMETER`; a malformed line `ERROR_WINHTTP_INVALID_HEADER`; lines before
    /// a failing one stay applied.
    ///
    /// `REPLACE` differs between the APIs (both observed on Windows by Wine's tests): WinHTTP
    /// replaces the first occurrence in place, WinINet removes it and appends the new line.
    pub fn add_request_headers(
        &mut self,
        api: Api,
        headers: &str,
        modifiers: u32,
    ) -> Result<(), u32> {
        if headers.is_empty() {
            return Err(ERROR_INVALID_PARAMETER);
        }
        for line in headers.split(['\r', '\n']).filter(|l| !l.is_empty()) {
            let (name, value) = split_header_line(line).ok_or(wh::ERROR_WINHTTP_INVALID_HEADER)?;
            self.apply_modifier(api, name, value, modifiers)?;
        }
        Ok(())
    }

    fn apply_modifier(
        &mut self,
        api: Api,
        name: &str,
        value: &str,
        modifiers: u32,
    ) -> Result<(), u32> {
        let existing = self.position(name);
        if modifiers & wh::WINHTTP_ADDREQ_FLAG_ADD_IF_NEW != 0 && existing.is_some() {
            return Err(wh::ERROR_WINHTTP_HEADER_ALREADY_EXISTS);
        }
        let new_line = || HeaderLine {
            name: name.to_owned(),
            value: value.to_owned(),
            raw: None,
        };
        if modifiers & wh::WINHTTP_ADDREQ_FLAG_REPLACE != 0 {
            return match existing {
                Some(i) if value.is_empty() => {
                    self.lines.remove(i);
                    Ok(())
                }
                Some(i) => {
                    match api {
                        Api::WinHttp => self.lines[i] = new_line(),
                        Api::WinInet => {
                            self.lines.remove(i);
                            self.lines.push(new_line());
                        }
                    }
                    Ok(())
                }
                None if modifiers & wh::WINHTTP_ADDREQ_FLAG_ADD != 0 => {
                    if !value.is_empty() {
                        self.lines.push(new_line());
                    }
                    Ok(())
                }
                None => Err(wh::ERROR_WINHTTP_HEADER_NOT_FOUND),
            };
        }
        let separator = if modifiers & wh::WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON != 0 {
            Some("; ")
        } else if modifiers & wh::WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA != 0 {
            Some(", ")
        } else {
            None
        };
        match (separator, existing) {
            (Some(sep), Some(i)) => {
                let line = &mut self.lines[i];
                line.value = format!("{}{sep}{value}", line.value);
                line.raw = None;
            }
            _ => self.lines.push(new_line()),
        }
        Ok(())
    }
}

mod query;

pub use query::{
    level_of, query_headers, query_headers_ex, ExAnswer, Level, OutBuffer, QueryAnswer, QueryError,
    QueryRequest, QueryValue,
};

#[cfg(test)]
mod tests;
