//! Gopher locators: `GopherCreateLocator` and `GopherGetLocatorType` on Rust types.
//!
//! A locator string is the item's RFC 1436 menu line without its line end:
//! `<type char><display>TAB<selector>TAB<host>TAB<port>`, followed by `TAB+` for a Gopher+
//! item (`TAB?` for a Gopher+ item with an ASK form). Windows documents the string as opaque;
//! this form is what a Gopher menu already hands out, so a [`crate::gopher::GopherFindData`]
//! locator can be passed straight back. Type characters map to the `GOPHER_TYPE_*` flags of
//! `windows-sys` ([`type_flags`]); an unknown character is `GOPHER_TYPE_UNKNOWN`.

use windows_sys::Win32::Networking::WinInet::{
    GOPHER_TYPE_ASK, GOPHER_TYPE_BINARY, GOPHER_TYPE_BITMAP, GOPHER_TYPE_CALENDAR, GOPHER_TYPE_CSO,
    GOPHER_TYPE_DIRECTORY, GOPHER_TYPE_DOS_ARCHIVE, GOPHER_TYPE_ERROR, GOPHER_TYPE_GIF,
    GOPHER_TYPE_GOPHER_PLUS, GOPHER_TYPE_HTML, GOPHER_TYPE_IMAGE, GOPHER_TYPE_INDEX_SERVER,
    GOPHER_TYPE_INLINE, GOPHER_TYPE_MAC_BINHEX, GOPHER_TYPE_MOVIE, GOPHER_TYPE_PDF,
    GOPHER_TYPE_REDUNDANT, GOPHER_TYPE_SOUND, GOPHER_TYPE_TELNET, GOPHER_TYPE_TEXT_FILE,
    GOPHER_TYPE_TN3270, GOPHER_TYPE_UNIX_UUENCODED, GOPHER_TYPE_UNKNOWN,
    INTERNET_DEFAULT_GOPHER_PORT,
};

use crate::error::inet::{InetError, InetResult};

/// Type characters and their flags; the first entry for a flag is the one
/// [`GopherLocator::create`] writes.
const TYPE_TABLE: [(u8, u32); 22] = [
    (b'0', GOPHER_TYPE_TEXT_FILE),
    (b'1', GOPHER_TYPE_DIRECTORY),
    (b'2', GOPHER_TYPE_CSO),
    (b'3', GOPHER_TYPE_ERROR),
    (b'4', GOPHER_TYPE_MAC_BINHEX),
    (b'5', GOPHER_TYPE_DOS_ARCHIVE),
    (b'6', GOPHER_TYPE_UNIX_UUENCODED),
    (b'7', GOPHER_TYPE_INDEX_SERVER),
    (b'8', GOPHER_TYPE_TELNET),
    (b'9', GOPHER_TYPE_BINARY),
    (b'+', GOPHER_TYPE_REDUNDANT),
    (b'T', GOPHER_TYPE_TN3270),
    (b'g', GOPHER_TYPE_GIF),
    (b'I', GOPHER_TYPE_IMAGE),
    (b':', GOPHER_TYPE_BITMAP),
    (b';', GOPHER_TYPE_MOVIE),
    (b'<', GOPHER_TYPE_SOUND),
    (b's', GOPHER_TYPE_SOUND),
    (b'h', GOPHER_TYPE_HTML),
    (b'P', GOPHER_TYPE_PDF),
    (b'c', GOPHER_TYPE_CALENDAR),
    (b'i', GOPHER_TYPE_INLINE),
];

/// The `GOPHER_TYPE_*` flag of a type character (`GOPHER_TYPE_UNKNOWN` if none).
pub fn type_flags(type_char: u8) -> u32 {
    TYPE_TABLE
        .iter()
        .find(|(c, _)| *c == type_char)
        .map_or(GOPHER_TYPE_UNKNOWN, |&(_, flag)| flag)
}

/// The type character for a `GOPHER_TYPE_*` value (the Gopher+ and ASK bits ignored); 0 is
/// `GOPHER_TYPE_DIRECTORY`, as `GopherCreateLocator` documents.
pub fn type_char(gopher_type: u32) -> Option<u8> {
    let base = gopher_type & !(GOPHER_TYPE_GOPHER_PLUS | GOPHER_TYPE_ASK);
    if base == 0 {
        return Some(b'1');
    }
    TYPE_TABLE
        .iter()
        .find(|(_, flag)| *flag == base)
        .map(|&(c, _)| c)
}

/// A parsed locator: one Gopher item's address and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GopherLocator {
    /// The RFC 1436 type character (`0` text, `1` directory, `9` binary, ...).
    pub type_char: u8,
    /// The user-visible name.
    pub display: String,
    /// The selector sent to the server.
    pub selector: String,
    /// The server's host name or address.
    pub host: String,
    /// The server's port.
    pub port: u16,
    /// Whether the item is served by a Gopher+ server (`+` or `?` in the fifth field).
    pub gopher_plus: bool,
    /// Whether the item has a Gopher+ ASK form (`?` in the fifth field).
    pub ask: bool,
}

fn has_line_break(s: &str) -> bool {
    s.contains(['\r', '\n', '\0'])
}

impl GopherLocator {
    /// `GopherCreateLocator`: `port` 0 (`INTERNET_INVALID_PORT_NUMBER`) means 70, a missing
    /// display or selector is empty, `gopher_type` 0 means a directory, and the Gopher+ bit
    /// marks a Gopher+ item. A field with a TAB, CR, LF or NUL, an empty host, or a type
    /// with no type character is `ERROR_INVALID_PARAMETER`.
    pub fn create(
        host: &str,
        port: u16,
        display: Option<&str>,
        selector: Option<&str>,
        gopher_type: u32,
    ) -> InetResult<GopherLocator> {
        let display = display.unwrap_or("");
        let selector = selector.unwrap_or("");
        if host.is_empty() {
            return Err(InetError::InvalidParameter("an empty gopher host"));
        }
        for field in [host, display, selector] {
            if field.contains('\t') || has_line_break(field) {
                return Err(InetError::InvalidParameter(
                    "a gopher field contains TAB, CR, LF or NUL",
                ));
            }
        }
        let type_char =
            type_char(gopher_type).ok_or(InetError::InvalidParameter("an unknown gopher type"))?;
        Ok(GopherLocator {
            type_char,
            display: display.to_owned(),
            selector: selector.to_owned(),
            host: host.to_owned(),
            port: if port == 0 {
                INTERNET_DEFAULT_GOPHER_PORT
            } else {
                port
            },
            gopher_plus: gopher_type & (GOPHER_TYPE_GOPHER_PLUS | GOPHER_TYPE_ASK) != 0,
            ask: gopher_type & GOPHER_TYPE_ASK != 0,
        })
    }

    /// Parses a locator string (a menu line; a trailing CR/LF is allowed). Fewer than four
    /// fields, an empty type, a bad port or a line break inside is
    /// `ERROR_GOPHER_INVALID_LOCATOR`.
    pub fn parse(locator: &str) -> InetResult<GopherLocator> {
        let line = locator.strip_suffix('\n').unwrap_or(locator);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if has_line_break(line) {
            return Err(InetError::GopherInvalidLocator);
        }
        let (&type_char, _) = line
            .as_bytes()
            .split_first()
            .ok_or(InetError::GopherInvalidLocator)?;
        if !type_char.is_ascii_graphic() {
            return Err(InetError::GopherInvalidLocator);
        }
        let rest = &line[1..];
        let mut fields = rest.split('\t');
        let (Some(display), Some(selector), Some(host), Some(port)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(InetError::GopherInvalidLocator);
        };
        let port = port
            .trim()
            .parse::<u16>()
            .map_err(|_| InetError::GopherInvalidLocator)?;
        let extra = fields.next().map(str::trim);
        Ok(GopherLocator {
            type_char,
            display: display.to_owned(),
            selector: selector.to_owned(),
            host: host.to_owned(),
            port,
            gopher_plus: matches!(extra, Some(e) if e.starts_with('+') || e.starts_with('?')),
            ask: matches!(extra, Some(e) if e.starts_with('?')),
        })
    }

    /// `GopherGetLocatorType`: the type flag, plus `GOPHER_TYPE_GOPHER_PLUS` (and
    /// `GOPHER_TYPE_ASK`) when set.
    pub fn gopher_type(&self) -> u32 {
        let mut flags = type_flags(self.type_char);
        if self.gopher_plus {
            flags |= GOPHER_TYPE_GOPHER_PLUS;
        }
        if self.ask {
            flags |= GOPHER_TYPE_ASK;
        }
        flags
    }

    /// Whether the item is a menu (`1`) or a full-text index (`7`): what a find may list.
    pub fn is_directory(&self) -> bool {
        matches!(self.type_char, b'1' | b'7')
    }

    /// Whether the item can be opened as a file: anything but menus, indexes, telnet and
    /// TN3270 sessions, CSO phone books, errors and info lines.
    pub fn is_file(&self) -> bool {
        !matches!(
            self.type_char,
            b'1' | b'7' | b'8' | b'T' | b'2' | b'3' | b'i'
        )
    }

    /// Whether the item's body is dot-terminated text (RFC 1436 types `0`, `4` and `6`).
    pub fn is_text(&self) -> bool {
        matches!(self.type_char, b'0' | b'4' | b'6')
    }
}

impl std::fmt::Display for GopherLocator {
    /// The locator string (see the module docs).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}\t{}\t{}\t{}",
            char::from(self.type_char),
            self.display,
            self.selector,
            self.host,
            self.port
        )?;
        if self.ask {
            write!(f, "\t?")
        } else if self.gopher_plus {
            write!(f, "\t+")
        } else {
            Ok(())
        }
    }
}

/// `GopherGetLocatorType` on a locator string.
pub fn locator_type(locator: &str) -> InetResult<u32> {
    GopherLocator::parse(locator).map(|l| l.gopher_type())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_and_parse_round_trip() {
        let loc = GopherLocator::create(
            "gopher.example",
            0,
            Some("About"),
            Some("/about.txt"),
            GOPHER_TYPE_TEXT_FILE | GOPHER_TYPE_GOPHER_PLUS,
        )
        .expect("valid");
        assert_eq!(loc.port, 70);
        let text = loc.to_string();
        assert_eq!(text, "0About\t/about.txt\tgopher.example\t70\t+");
        let back = GopherLocator::parse(&text).expect("parses");
        assert_eq!(back, loc);
        assert_eq!(
            back.gopher_type(),
            GOPHER_TYPE_TEXT_FILE | GOPHER_TYPE_GOPHER_PLUS
        );
        let dir = GopherLocator::create("h", 7070, None, None, 0).expect("dir");
        assert_eq!(dir.to_string(), "1\t\th\t7070");
        assert_eq!(locator_type(&dir.to_string()), Ok(GOPHER_TYPE_DIRECTORY));
    }

    #[test]
    fn bad_arguments_and_locators() {
        let bad = |r: InetResult<GopherLocator>| r.map_err(|e| e.code());
        assert_eq!(bad(GopherLocator::create("", 70, None, None, 0)), Err(87));
        assert_eq!(
            bad(GopherLocator::create("h", 70, Some("a\tb"), None, 0)),
            Err(87)
        );
        assert_eq!(
            bad(GopherLocator::create("h", 70, None, Some("x\r\n"), 0)),
            Err(87)
        );
        assert_eq!(
            bad(GopherLocator::create(
                "h",
                70,
                None,
                None,
                GOPHER_TYPE_TEXT_FILE | GOPHER_TYPE_BINARY
            )),
            Err(87)
        );
        for text in [
            "",
            "0only display",
            "0a\tb\tc",
            "0a\tb\tc\tport",
            "0a\tb\tc\t99999",
            "\u{1}a\tb\tc\t1",
        ] {
            assert_eq!(bad(GopherLocator::parse(text)), Err(12134), "{text:?}");
        }
    }

    #[test]
    fn type_characters() {
        assert_eq!(type_flags(b'9'), GOPHER_TYPE_BINARY);
        assert_eq!(type_flags(b's'), GOPHER_TYPE_SOUND);
        assert_eq!(type_flags(b'Z'), GOPHER_TYPE_UNKNOWN);
        assert_eq!(type_char(GOPHER_TYPE_SOUND), Some(b'<'));
        assert_eq!(type_char(GOPHER_TYPE_UNKNOWN), None);
        let ask = GopherLocator::parse("0Form\t/f\th\t70\t?").expect("ask");
        assert_eq!(
            ask.gopher_type(),
            GOPHER_TYPE_TEXT_FILE | GOPHER_TYPE_GOPHER_PLUS | GOPHER_TYPE_ASK
        );
    }
}
