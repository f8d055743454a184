//! Pure Gopher parsers: menus into [`GopherFindData`], dot-terminated text bodies
//! ([`DotDecoder`]) and Gopher+ attribute replies ([`parse_attributes`]).
//!
//! Menu rules (RFC 1436): one item per line, `<type><display>TAB<selector>TAB<host>TAB<port>`
//! with an optional Gopher+ fifth field, ended by a line holding a single `.`. A line that does
//! not have the four fields or whose port is not a number in 0..=65535 is skipped (and
//! counted), never fatal. A menu that ends without the `.` line is accepted with the items
//! read so far: servers that simply close the connection are common, and nothing is lost that
//! a terminator would have added ([`Menu::terminated`] tells the two apart).

use windows_sys::Win32::Networking::WinInet::MAX_GOPHER_DISPLAY_TEXT;

use crate::error::inet::{InetError, InetResult};
use crate::gopher::locator::GopherLocator;

/// One menu item, as `GopherFindFirstFile`/`InternetFindNextFile` fill `GOPHER_FIND_DATA`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GopherFindData {
    /// The display string, cut to `MAX_GOPHER_DISPLAY_TEXT` bytes (at a character boundary).
    pub display_string: String,
    /// `GOPHER_TYPE_*` flags of the item.
    pub gopher_type: u32,
    /// Size in bytes; RFC 1436 menus carry none, so 0.
    pub size: u64,
    /// Last modification as a `FILETIME` value; 0 (menus carry none).
    pub last_modification: u64,
    /// The item's locator string (see [`crate::gopher::locator`]).
    pub locator: String,
}

/// A parsed menu.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Menu {
    /// The items, in menu order.
    pub items: Vec<GopherFindData>,
    /// How many non-empty lines were skipped as malformed.
    pub skipped: usize,
    /// Whether the `.` line was seen.
    pub terminated: bool,
}

fn truncate_display(display: &str) -> String {
    let limit = MAX_GOPHER_DISPLAY_TEXT as usize;
    if display.len() <= limit {
        return display.to_owned();
    }
    let mut end = limit;
    while !display.is_char_boundary(end) {
        end -= 1;
    }
    display[..end].to_owned()
}

/// Parses one menu line (without its line end); `None` for a malformed line.
pub fn parse_menu_line(line: &str) -> Option<GopherFindData> {
    let locator = GopherLocator::parse(line).ok()?;
    Some(GopherFindData {
        display_string: truncate_display(&locator.display),
        gopher_type: locator.gopher_type(),
        size: 0,
        last_modification: 0,
        locator: locator.to_string(),
    })
}

/// Parses a whole menu (see the module docs).
pub fn parse_menu(bytes: &[u8]) -> Menu {
    let mut menu = Menu::default();
    for raw in bytes.split(|&b| b == b'\n') {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw == b"." {
            menu.terminated = true;
            break;
        }
        if raw.is_empty() {
            continue;
        }
        match parse_menu_line(&String::from_utf8_lossy(raw)) {
            Some(item) => menu.items.push(item),
            None => menu.skipped += 1,
        }
    }
    menu
}

/// Where the decoder is relative to a line start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DotState {
    LineStart,
    Mid,
    /// A `.` opened the line.
    Dot,
    /// `.` then CR opened the line.
    DotCr,
}

/// Streaming decoder of a dot-terminated text body: removes the doubled `.` that opens a
/// stuffed line and stops at the terminating `.` line. Bytes after the terminator are ignored.
/// A body that ends without the terminator is accepted as it is.
#[derive(Debug, Clone)]
pub struct DotDecoder {
    state: DotState,
    done: bool,
}

impl Default for DotDecoder {
    fn default() -> Self {
        DotDecoder {
            state: DotState::LineStart,
            done: false,
        }
    }
}

impl DotDecoder {
    /// Whether the terminating line has been seen.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Decodes `input`, appending the text to `out`; appends at most `input.len() + 1` bytes.
    pub fn decode(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &b in input {
            if self.done {
                return;
            }
            self.state = match (self.state, b) {
                (DotState::LineStart, b'.') => DotState::Dot,
                (DotState::Dot, b'\r') => DotState::DotCr,
                (DotState::Dot | DotState::DotCr, b'\n') => {
                    self.done = true;
                    DotState::LineStart
                }
                (DotState::Dot, b'.') => {
                    out.push(b'.');
                    DotState::Mid
                }
                (DotState::Dot, other) => {
                    out.extend_from_slice(&[b'.', other]);
                    DotState::Mid
                }
                (DotState::DotCr, other) => {
                    out.extend_from_slice(&[b'.', b'\r', other]);
                    DotState::Mid
                }
                (_, b'\n') => {
                    out.push(b'\n');
                    DotState::LineStart
                }
                (_, other) => {
                    out.push(other);
                    DotState::Mid
                }
            };
        }
    }

    /// Ends the body at the end of the input: a dangling `.` line counts as the terminator.
    pub fn finish(&mut self) {
        self.done = true;
    }
}

/// Decodes a whole dot-terminated body.
pub fn decode_dot_text(bytes: &[u8]) -> Vec<u8> {
    let mut decoder = DotDecoder::default();
    let mut out = Vec::with_capacity(bytes.len());
    decoder.decode(bytes, &mut out);
    out
}

/// One Gopher+ attribute block (`+NAME:` and the lines that follow it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GopherAttribute {
    /// The block name without `+` and `:` (e.g. `ADMIN`).
    pub name: String,
    /// The block's text: the rest of its first line and every following line, with line ends.
    pub text: String,
}

/// Parses a Gopher+ attribute reply (`+-1`, `+-2` or `+N` header, then `+NAME:` blocks).
/// A `-` header (the server's error reply) is `ERROR_GOPHER_ATTRIBUTE_NOT_FOUND`; a reply
/// without a Gopher+ header is `ERROR_GOPHER_NOT_GOPHER_PLUS`.
pub fn parse_attributes(bytes: &[u8]) -> InetResult<Vec<GopherAttribute>> {
    let header_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let header = String::from_utf8_lossy(&bytes[..header_end]);
    let header = header.trim_end_matches('\r');
    let rest = bytes.get(header_end + 1..).unwrap_or(&[]);
    if header.starts_with('-') {
        return Err(InetError::GopherAttributeNotFound);
    }
    let Some(length) = header.strip_prefix('+') else {
        return Err(InetError::GopherNotGopherPlus);
    };
    let body: Vec<u8> = match length.trim() {
        "-1" => decode_dot_text(rest),
        "-2" => rest.to_vec(),
        n => match n.parse::<usize>() {
            Ok(n) => rest[..n.min(rest.len())].to_vec(),
            Err(_) => return Err(InetError::GopherProtocolError("a bad gopher+ header")),
        },
    };
    let text = String::from_utf8_lossy(&body);
    let mut blocks: Vec<GopherAttribute> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(block) = line.strip_prefix('+') {
            let (name, value) = block.split_once(':').unwrap_or((block.trim_end(), ""));
            blocks.push(GopherAttribute {
                name: name.trim().to_ascii_uppercase(),
                text: value.trim_start_matches(' ').to_owned(),
            });
        } else if let Some(current) = blocks.last_mut() {
            current.text.push_str(line);
        }
    }
    Ok(blocks)
}

/// Keeps the blocks whose names are in the space-separated `names` (case-insensitive, with or
/// without `+` and `:`); all blocks when `names` is `None`. None left is
/// `ERROR_GOPHER_ATTRIBUTE_NOT_FOUND`.
pub fn select_attributes(
    blocks: Vec<GopherAttribute>,
    names: Option<&str>,
) -> InetResult<Vec<GopherAttribute>> {
    let selected: Vec<GopherAttribute> = match names {
        None => blocks,
        Some(names) => {
            let wanted: Vec<String> = names
                .split_whitespace()
                .map(|n| {
                    n.trim_start_matches('+')
                        .trim_end_matches(':')
                        .to_ascii_uppercase()
                })
                .collect();
            blocks
                .into_iter()
                .filter(|b| wanted.contains(&b.name))
                .collect()
        }
    };
    if selected.is_empty() {
        Err(InetError::GopherAttributeNotFound)
    } else {
        Ok(selected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use windows_sys::Win32::Networking::WinInet::{
        GOPHER_TYPE_BINARY, GOPHER_TYPE_DIRECTORY, GOPHER_TYPE_GOPHER_PLUS, GOPHER_TYPE_TEXT_FILE,
    };

    #[test]
    fn menus_with_bad_lines() {
        let menu = parse_menu(
            b"0About\t/about\thost\t70\r\nno tabs\r\n0a\tb\r\n0x\t/x\th\tseventy\r\n\r\n\
              1Dir\t/d\thost\t7070\t+\r\n9Bin\t/b\thost\t70\r\n.\r\n0After\t/a\th\t70\r\n",
        );
        assert!(menu.terminated);
        assert_eq!(menu.skipped, 3);
        let types: Vec<u32> = menu.items.iter().map(|i| i.gopher_type).collect();
        assert_eq!(
            types,
            [
                GOPHER_TYPE_TEXT_FILE,
                GOPHER_TYPE_DIRECTORY | GOPHER_TYPE_GOPHER_PLUS,
                GOPHER_TYPE_BINARY
            ]
        );
        assert_eq!(menu.items[0].display_string, "About");
        assert_eq!(menu.items[1].locator, "1Dir\t/d\thost\t7070\t+");
        let open = parse_menu(b"0A\t/a\th\t70\r\n");
        assert!(!open.terminated);
        assert_eq!(open.items.len(), 1);
        let long = format!("0{}\t/a\th\t70", "é".repeat(100));
        let item = parse_menu_line(&long).expect("long display");
        assert!(item.display_string.len() <= 128);
        assert_eq!(item.display_string.len(), 128);
    }

    #[test]
    fn dot_text_split_anywhere() {
        let wire: &[u8] = b"line\r\n..dotted\r\n.x\r\n.\r\nafter";
        let expected: &[u8] = b"line\r\n.dotted\r\n.x\r\n";
        assert_eq!(decode_dot_text(wire), expected);
        for split in 0..wire.len() {
            let mut decoder = DotDecoder::default();
            let mut out = Vec::new();
            decoder.decode(&wire[..split], &mut out);
            decoder.decode(&wire[split..], &mut out);
            assert_eq!(out, expected, "split at {split}");
            assert!(decoder.is_done());
        }
        assert_eq!(decode_dot_text(b"no terminator\n"), b"no terminator\n");
        assert_eq!(decode_dot_text(b".\n"), b"");
        assert_eq!(decode_dot_text(b".\rz\n"), b".\rz\n");
    }

    #[test]
    fn attributes() {
        let reply = b"+-1\r\n+INFO: 0P\t/p\th\t70\t+\r\n+ADMIN:\r\n Admin: A <a@b>\r\n+ABSTRACT:\r\n text\r\n.\r\n";
        let blocks = parse_attributes(reply).expect("gopher+");
        let names: Vec<&str> = blocks.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["INFO", "ADMIN", "ABSTRACT"]);
        assert_eq!(blocks[1].text, "\r\n Admin: A <a@b>\r\n");
        let admin = select_attributes(blocks.clone(), Some("+admin:")).expect("admin");
        assert_eq!(admin.len(), 1);
        assert_eq!(
            select_attributes(blocks, Some("VIEWS")).map_err(|e| e.code()),
            Err(12137)
        );
        assert_eq!(
            parse_attributes(b"--1\r\nnope\r\n.\r\n").map_err(|e| e.code()),
            Err(12137)
        );
        assert_eq!(
            parse_attributes(b"3error\t\th\t1\r\n").map_err(|e| e.code()),
            Err(12136)
        );
        assert_eq!(
            parse_attributes(b"+abc\r\n").map_err(|e| e.code()),
            Err(12130)
        );
        let counted = parse_attributes(b"+10\r\n+A: 123456789").expect("counted");
        assert_eq!(counted[0].text, "123456");
    }
}
