//! Strings across the boundary: wide (`LPCWSTR`) and ANSI (`LPCSTR`) text in, Windows'
//! out-buffer conventions out.
//!
//! Owns the safe half: the ANSI code page and the size arithmetic of out-buffers. Reading
//! and writing caller memory is in [`crate::ffi::raw`].
//!
//! **The ANSI code page is UTF-8** (what Windows uses with the `UTF-8` active code page, and
//! what Linux hosts pass). It is made lossless for arbitrary bytes: a byte that is not part
//! of valid UTF-8 becomes the lone surrogate `U+DC00 + byte` and turns back into the same
//! byte on output (Python's "surrogateescape"), so an `…A` call that hands text back (or a
//! pointer into the caller's string) never changes bytes it did not interpret.
//!
//! Invariants:
//! * [`AnsiText::byte_at`] has one entry per UTF-16 unit plus one, so a position in the wide
//!   text always maps back to a byte offset in the caller's ANSI string;
//! * sizes never overflow: lengths saturate at `u32::MAX`;
//! * out-buffer rules (Windows): a size that cannot hold the text and its NUL fails with
//!   `ERROR_INSUFFICIENT_BUFFER` and the required size (NUL included) written back; on
//!   success the size written back excludes the NUL; a NULL size pointer is
//!   `ERROR_INVALID_PARAMETER`. Whether sizes count bytes or characters is each function's.

use windows_sys::Win32::Foundation::ERROR_INSUFFICIENT_BUFFER;

/// Lone surrogate range standing for undecodable ANSI bytes (`U+DC80..=U+DCFF`).
const ESCAPE_BASE: u16 = 0xDC00;

/// ANSI text decoded to UTF-16, with the byte offset of every unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnsiText {
    /// The UTF-16 text.
    pub wide: Vec<u16>,
    /// `byte_at[i]` = offset in the ANSI bytes where unit `i` starts; `byte_at[wide.len()]`
    /// is the byte length.
    pub byte_at: Vec<usize>,
}

impl AnsiText {
    /// Byte offset of the wide position `unit` (clamped to the end).
    pub fn byte_offset(&self, unit: usize) -> usize {
        self.byte_at
            .get(unit)
            .or(self.byte_at.last())
            .copied()
            .unwrap_or(0)
    }
}

/// Decodes ANSI bytes (UTF-8, undecodable bytes escaped as `U+DC00 + byte`).
pub fn decode_ansi(bytes: &[u8]) -> AnsiText {
    let mut wide = Vec::with_capacity(bytes.len());
    let mut byte_at = Vec::with_capacity(bytes.len() + 1);
    let mut rest = bytes;
    let mut offset = 0;
    while !rest.is_empty() {
        let (valid, bad) = match std::str::from_utf8(rest) {
            Ok(text) => (text, 0),
            Err(e) => {
                // valid_up_to is a char boundary of valid UTF-8 by definition.
                let text = std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or("");
                (text, e.error_len().unwrap_or(rest.len() - e.valid_up_to()))
            }
        };
        for c in valid.chars() {
            let mut units = [0u16; 2];
            for &u in c.encode_utf16(&mut units).iter() {
                wide.push(u);
                byte_at.push(offset);
            }
            offset += c.len_utf8();
        }
        for &b in &rest[valid.len()..valid.len() + bad] {
            wide.push(ESCAPE_BASE + u16::from(b));
            byte_at.push(offset);
            offset += 1;
        }
        rest = &rest[valid.len() + bad..];
    }
    byte_at.push(offset);
    AnsiText { wide, byte_at }
}

/// Encodes UTF-16 as ANSI bytes (UTF-8; escaped bytes come back as themselves; any other
/// lone surrogate becomes `?`, as `WideCharToMultiByte`'s default character).
pub fn encode_ansi(wide: &[u16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(wide.len());
    for unit in char::decode_utf16(wide.iter().copied()) {
        match unit {
            Ok(c) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            Err(e) => {
                let u = e.unpaired_surrogate();
                match u.checked_sub(ESCAPE_BASE) {
                    Some(b @ 0x80..=0xFF) => out.push(b as u8),
                    _ => out.push(b'?'),
                }
            }
        }
    }
    out
}

/// UTF-16 to a Rust string, unpaired surrogates as U+FFFD (for the functions whose
/// logic works on `&str`: canonicalisation, dates).
pub fn wide_to_string(wide: &[u16]) -> String {
    String::from_utf16_lossy(wide)
}

/// Length as a `DWORD`, saturating.
pub fn dword_len(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// The outcome of fitting `text_units` units (NUL not included) into a caller's buffer of
/// `capacity` units: `Ok(len)` to copy the text and write back `len`, or
/// `Err((ERROR_INSUFFICIENT_BUFFER, required))` to write back `required` (NUL included).
pub fn fit(text_units: usize, capacity: u32, has_buffer: bool) -> Result<u32, (u32, u32)> {
    let len = dword_len(text_units);
    if !has_buffer || capacity <= len {
        return Err((ERROR_INSUFFICIENT_BUFFER, len.saturating_add(1)));
    }
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_round_trips_any_bytes_and_maps_offsets() {
        let bytes = b"h\xC3\xA9\xFFx\xF0\x9F\x98\x80!";
        let text = decode_ansi(bytes);
        assert_eq!(encode_ansi(&text.wide), bytes.to_vec());
        assert_eq!(text.wide.len(), 7); // h é <FF> x <surrogate pair> !
        assert_eq!(text.byte_offset(0), 0);
        assert_eq!(text.byte_offset(1), 1);
        assert_eq!(text.byte_offset(2), 3);
        assert_eq!(text.byte_offset(3), 4);
        assert_eq!(text.byte_offset(4), 5);
        assert_eq!(text.byte_offset(6), 9);
        assert_eq!(text.byte_offset(7), 10);
        assert_eq!(text.byte_offset(99), 10);
    }

    #[test]
    fn truncated_utf8_at_the_end_is_escaped() {
        let text = decode_ansi(b"a\xE2\x82");
        assert_eq!(text.wide, vec![u16::from(b'a'), 0xDCE2, 0xDC82]);
        assert_eq!(encode_ansi(&text.wide), b"a\xE2\x82".to_vec());
    }

    #[test]
    fn foreign_lone_surrogates_become_question_marks() {
        assert_eq!(encode_ansi(&[0xD800, u16::from(b'a')]), b"?a".to_vec());
    }

    #[test]
    fn fit_follows_windows_rules() {
        assert_eq!(fit(5, 6, true), Ok(5));
        assert_eq!(fit(5, 5, true), Err((ERROR_INSUFFICIENT_BUFFER, 6)));
        assert_eq!(fit(5, 100, false), Err((ERROR_INSUFFICIENT_BUFFER, 6)));
        assert_eq!(fit(0, 1, true), Ok(0));
    }
}
