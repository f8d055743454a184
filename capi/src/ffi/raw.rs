//! Reading and writing caller memory: the reviewed unsafe primitives every export uses.
//!
//! Invariants (the contract each caller of these functions upholds, and the reason each is
//! sound): a non-NULL pointer handed to the library points at memory valid for what the
//! Windows API says it is — a NUL-terminated string, `len` elements, one structure, a buffer
//! of the stated size. NULL is always checked here and answered with `None`/`false`, never
//! dereferenced. Structures and `DWORD`s are read and written unaligned, so a misaligned
//! pointer from a careless caller is not undefined behaviour; so are strings (a misaligned
//! `LPCWSTR` is copied instead of borrowed) and out-buffers. Slices returned borrow the
//! caller's memory only for the duration of the export call.
#![allow(unsafe_code)]

use core::ptr;
use std::borrow::Cow;

/// Length meaning "NUL-terminated" in a (pointer, length) pair: `(DWORD)-1`.
pub const NUL_TERMINATED: u32 = u32::MAX;

/// Number of elements before the first zero.
///
/// # Safety
/// `p` is non-NULL and points at a sequence that contains a zero element.
unsafe fn strlen<T: Copy + PartialEq + Default>(p: *const T) -> usize {
    let mut n = 0;
    // SAFETY: the caller guarantees a terminating zero, so every element up to it is valid.
    while unsafe { p.add(n).read_unaligned() } != T::default() {
        n += 1;
    }
    n
}

/// `len` elements at `p`: borrowed when aligned, copied otherwise.
///
/// # Safety
/// `p` is non-NULL and valid for reading `len` elements for `'a`.
unsafe fn elements<'a, T: Copy>(p: *const T, len: usize) -> Cow<'a, [T]> {
    if p.is_aligned() {
        // SAFETY: valid, aligned, `len` elements, per the contract.
        Cow::Borrowed(unsafe { core::slice::from_raw_parts(p, len) })
    } else {
        // SAFETY: valid for `len` elements; unaligned reads accept any alignment.
        Cow::Owned(
            (0..len)
                .map(|i| unsafe { p.add(i).read_unaligned() })
                .collect(),
        )
    }
}

/// A NUL-terminated string (without its NUL); `None` for NULL.
///
/// # Safety
/// `p` is NULL or points at a NUL-terminated string that outlives `'a`.
pub unsafe fn string_z<'a, T: Copy + PartialEq + Default>(p: *const T) -> Option<Cow<'a, [T]>> {
    if p.is_null() {
        return None;
    }
    // SAFETY: non-NULL and NUL-terminated per the contract.
    unsafe {
        let len = strlen(p);
        Some(elements(p, len))
    }
}

/// A (pointer, length) string: `len` elements exactly (no terminator needed), or
/// NUL-terminated when `len` is [`NUL_TERMINATED`] or, where `zero_is_nul` (the URL
/// functions), 0.
///
/// # Safety
/// `p` is NULL, or valid for `len` elements, or NUL-terminated when `len` says so.
pub unsafe fn string_n<'a, T: Copy + PartialEq + Default>(
    p: *const T,
    len: u32,
    zero_is_nul: bool,
) -> Option<Cow<'a, [T]>> {
    if p.is_null() {
        return None;
    }
    if len == NUL_TERMINATED || (len == 0 && zero_is_nul) {
        // SAFETY: forwarded contract.
        return unsafe { string_z(p) };
    }
    // SAFETY: valid for `len` elements per the contract.
    Some(unsafe { elements(p, len as usize) })
}

/// Reads one value; `None` for NULL.
///
/// # Safety
/// `p` is NULL or valid for reading a `T`.
pub unsafe fn read<T: Copy>(p: *const T) -> Option<T> {
    // SAFETY: non-NULL and valid per the contract; unaligned reads accept any alignment.
    (!p.is_null()).then(|| unsafe { p.read_unaligned() })
}

/// Reads the leading `DWORD` of a structure (its `dwStructSize`).
///
/// # Safety
/// `p` is NULL or valid for reading 4 bytes.
pub unsafe fn read_struct_size<T>(p: *const T) -> Option<u32> {
    // SAFETY: forwarded contract.
    unsafe { read(p.cast::<u32>()) }
}

/// Writes one value; `false` (nothing written) for NULL.
///
/// # Safety
/// `p` is NULL or valid for writing a `T`.
pub unsafe fn write<T>(p: *mut T, value: T) -> bool {
    if p.is_null() {
        return false;
    }
    // SAFETY: non-NULL and valid per the contract.
    unsafe { p.write_unaligned(value) };
    true
}

/// `len` bytes at `p` (borrowed); `None` for NULL with a non-zero length, an empty slice
/// for length 0.
///
/// # Safety
/// `p` is NULL or valid for reading `len` bytes for `'a`.
pub unsafe fn bytes<'a>(p: *const u8, len: u32) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if p.is_null() {
        return None;
    }
    // SAFETY: non-NULL and valid for `len` bytes per the contract; `u8` has alignment 1.
    Some(unsafe { core::slice::from_raw_parts(p, len as usize) })
}

/// Copies `text` and a terminating zero to `dst` (NULL: nothing).
///
/// # Safety
/// `dst` is NULL or valid for writing `text.len() + 1` elements, not overlapping `text`.
pub unsafe fn copy_z<T: Copy + Default>(dst: *mut T, text: &[T]) {
    if dst.is_null() {
        return;
    }
    // SAFETY: room for text + NUL per the contract; a caller buffer never overlaps the
    // library's own copy of the text; a misaligned buffer is written element by element.
    unsafe {
        if dst.is_aligned() {
            ptr::copy_nonoverlapping(text.as_ptr(), dst, text.len());
        } else {
            for (i, &c) in text.iter().enumerate() {
                dst.add(i).write_unaligned(c);
            }
        }
        dst.add(text.len()).write_unaligned(T::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_in_all_forms() {
        let s: Vec<u16> = "abc\0def".encode_utf16().collect();
        // SAFETY: `s` is live, NUL-terminated at 3, and 7 elements long.
        unsafe {
            assert_eq!(string_z(s.as_ptr()).as_deref(), Some(&s[..3]));
            assert_eq!(
                string_n(s.as_ptr(), NUL_TERMINATED, false).as_deref(),
                Some(&s[..3])
            );
            assert_eq!(string_n(s.as_ptr(), 0, true).as_deref(), Some(&s[..3]));
            assert_eq!(string_n(s.as_ptr(), 0, false).as_deref(), Some(&s[..0]));
            assert_eq!(string_n(s.as_ptr(), 7, false).as_deref(), Some(&s[..]));
            assert_eq!(string_z::<u16>(ptr::null()), None);
        }
    }

    #[test]
    fn misaligned_wide_strings_are_copied_and_written() {
        // "ab" + NUL as UTF-16LE, one byte past a 2-aligned address.
        let mut storage = [0u16; 5];
        let base = storage.as_mut_ptr().cast::<u8>();
        let utf16le = [b'a', 0, b'b', 0, 0, 0];
        // SAFETY: `storage` has 10 bytes; bytes 1..7 are written and then read as 3 units.
        let got = unsafe {
            for (i, &b) in utf16le.iter().enumerate() {
                base.add(1 + i).write(b);
            }
            let p = base.add(1).cast::<u16>().cast_const();
            assert!(!p.is_aligned());
            string_z(p).expect("non-NULL")
        };
        assert!(matches!(got, Cow::Owned(_)));
        assert_eq!(&*got, &[u16::from(b'a'), u16::from(b'b')][..]);
        let mut out = [0u16; 5];
        let out_base = out.as_mut_ptr().cast::<u8>();
        // SAFETY: bytes 1..7 of `out` hold "ab" + NUL; then all 10 bytes are read back.
        let written = unsafe {
            copy_z(out_base.add(1).cast::<u16>(), &got);
            core::slice::from_raw_parts(out_base.cast_const(), 10).to_vec()
        };
        assert_eq!(written, [0, b'a', 0, b'b', 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn null_writes_nothing() {
        // SAFETY: NULL is checked before any access.
        unsafe {
            assert!(!write::<u32>(ptr::null_mut(), 5));
            assert_eq!(read::<u32>(ptr::null()), None);
        }
        let mut out = [7u8; 4];
        // SAFETY: `out` has room for "ab" and its NUL.
        unsafe { copy_z(out.as_mut_ptr(), b"ab") };
        assert_eq!(out, [b'a', b'b', 0, 7]);
    }
}
