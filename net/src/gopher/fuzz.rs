//! Fuzz body for Gopher: arbitrary server bytes through the menu parser, the dot-terminated
//! text decoder (split at a point the input chooses) and the Gopher+ attribute parser. It
//! asserts that nothing panics, that every item's locator parses back to the same type, that
//! decoding in two pieces equals decoding at once, and that failures carry Windows codes.

use crate::ftp::fuzz::assert_windows_code;
use crate::gopher::locator::GopherLocator;
use crate::gopher::menu::{
    decode_dot_text, parse_attributes, parse_menu, select_attributes, DotDecoder,
};

/// Feeds `bytes` to the Gopher parsers; see the module docs.
pub fn fuzz_gopher_menu(bytes: &[u8]) {
    let menu = parse_menu(bytes);
    for item in &menu.items {
        let locator = GopherLocator::parse(&item.locator).expect("an item's locator parses");
        assert_eq!(locator.gopher_type(), item.gopher_type);
        assert!(item.display_string.len() <= 128);
    }
    let whole = decode_dot_text(bytes);
    assert!(whole.len() <= bytes.len() + 1);
    let split = bytes.first().map_or(0, |&b| usize::from(b)) % (bytes.len() + 1);
    let mut decoder = DotDecoder::default();
    let mut pieces = Vec::new();
    decoder.decode(&bytes[..split], &mut pieces);
    decoder.decode(&bytes[split..], &mut pieces);
    assert_eq!(pieces, whole);
    match parse_attributes(bytes) {
        Ok(blocks) => {
            if let Err(err) = select_attributes(blocks, Some("ADMIN INFO")) {
                assert_windows_code(&err);
            }
        }
        Err(err) => assert_windows_code(&err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_made_menus_replay_without_panics() {
        let inputs: [&[u8]; 8] = [
            b"",
            b".\r\n",
            b"0A\t/a\th\t70\r\n1B\t/b\th\t70\t+\r\n.\r\n",
            b"no tabs\r\n0\t\t\t\r\n0a\tb\tc\t65536\r\n",
            b"+-1\r\n+ADMIN:\r\n x\r\n.\r\n",
            b"--2\r\nerror",
            b"\xff\xfe\t\t\t1\r\n\xc3\r\n",
            b"..\r\n.\r\r\n.",
        ];
        for input in inputs {
            fuzz_gopher_menu(input);
        }
    }
}
