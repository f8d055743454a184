//! `GlobalAlloc` memory: the strings Windows hands back for the caller to `GlobalFree`
//! (proxy configuration, `WINHTTP_PROXY_INFO` from `WinHttpQueryOption`).
//!
//! Owns the allocation path: through the host's `global_alloc` hook (`GMEM_FIXED`) when
//! installed, so the host's own `GlobalFree` releases it; otherwise from the Rust allocator
//! with a 16-byte header holding the size, released by `hinternet_global_free` ([`free`]).
//!
//! Invariants: every block handed out is a NUL-terminated UTF-16 string; a block is released
//! by the same mechanism that allocated it (`hinternet_global_free` forwards to the host's
//! `global_free` when hooks are installed, and a host that installed `global_alloc` must also
//! install `global_free`, or call its own `GlobalFree`); an allocation failure is
//! `ERROR_NOT_ENOUGH_MEMORY` and leaves nothing allocated.
#![allow(unsafe_code)]

use core::ffi::c_void;
use std::alloc::{alloc, dealloc, Layout};
use std::panic::{catch_unwind, AssertUnwindSafe};

use windows_sys::Win32::Foundation::ERROR_NOT_ENOUGH_MEMORY;

use crate::host;

/// Bytes in front of a block from the Rust allocator: its total size (16 keeps the string
/// 16-byte aligned, as `GlobalAlloc` memory is).
const HEADER: usize = 16;

/// `GMEM_FIXED`.
const GMEM_FIXED: u32 = 0;

/// The layout of a block of `total` bytes.
fn layout(total: usize) -> Option<Layout> {
    Layout::from_size_align(total, HEADER).ok()
}

/// Allocates `bytes` of global memory (host hook, else the Rust allocator).
fn allocate(bytes: usize) -> Result<*mut u8, u32> {
    if let Some(hook) = host::hooks().and_then(|h| h.global_alloc) {
        // SAFETY: the installer's contract: an installed hook is callable with this ABI.
        let p = unsafe { hook(GMEM_FIXED, bytes) };
        return if p.is_null() {
            Err(ERROR_NOT_ENOUGH_MEMORY)
        } else {
            Ok(p.cast())
        };
    }
    let total = bytes.checked_add(HEADER).ok_or(ERROR_NOT_ENOUGH_MEMORY)?;
    let layout = layout(total).ok_or(ERROR_NOT_ENOUGH_MEMORY)?;
    // SAFETY: `layout` has a non-zero size (at least HEADER).
    let base = unsafe { alloc(layout) };
    if base.is_null() {
        return Err(ERROR_NOT_ENOUGH_MEMORY);
    }
    // SAFETY: the block has `total >= HEADER` bytes, aligned to 16: the header fits.
    unsafe {
        base.cast::<usize>().write(total);
        Ok(base.add(HEADER))
    }
}

/// A copy of `text` plus NUL in global memory.
pub fn wide_string(text: &[u16]) -> Result<*mut u16, u32> {
    let bytes = text
        .len()
        .checked_add(1)
        .and_then(|n| n.checked_mul(2))
        .ok_or(ERROR_NOT_ENOUGH_MEMORY)?;
    let p = allocate(bytes)?.cast::<u16>();
    // SAFETY: `p` holds `text.len() + 1` WCHARs, freshly allocated (no overlap).
    unsafe { super::raw::copy_z(p, text) };
    Ok(p)
}

/// An optional string in global memory (`None`: NULL).
pub fn optional_wide(text: Option<&[u16]>) -> Result<*mut u16, u32> {
    match text {
        Some(t) => wide_string(t),
        None => Ok(core::ptr::null_mut()),
    }
}

/// Releases a block of [`wide_string`] (used when a later step of the same call fails).
pub fn release(p: *mut u16) {
    // SAFETY: `p` is NULL or came from `wide_string` in this process.
    unsafe { free(p.cast()) };
}

/// Frees a block of global memory the library returned (see
/// [`super::host::hinternet_global_free`]): NULL on success.
///
/// # Safety
/// `block` is NULL or a block the library returned as global memory and not yet freed.
pub unsafe fn free(block: *mut c_void) -> *mut c_void {
    if block.is_null() {
        return block;
    }
    let freed = catch_unwind(AssertUnwindSafe(|| {
        if let Some(hooks) = host::hooks().filter(|h| h.global_alloc.is_some()) {
            return match hooks.global_free {
                // SAFETY: the installer's contract: an installed hook is callable.
                Some(global_free) => unsafe { global_free(block) },
                None => block,
            };
        }
        // SAFETY: without a host allocator every block came from `allocate`, which put the
        // total size HEADER bytes in front of it.
        unsafe {
            let base = block.cast::<u8>().sub(HEADER);
            let total = base.cast::<usize>().read();
            if let Some(layout) = layout(total) {
                dealloc(base, layout);
            }
        }
        core::ptr::null_mut()
    }));
    freed.unwrap_or(block)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_global_memory() {
        let text: Vec<u16> = "proxy:8080".encode_utf16().collect();
        let p = wide_string(&text).expect("a small allocation succeeds");
        // SAFETY: `p` holds the copied text and its NUL.
        let copy = unsafe { super::super::raw::string_z(p.cast_const()) }.expect("non-NULL");
        assert_eq!(&*copy, &text[..]);
        // SAFETY: `p` came from `wide_string` and is freed once.
        assert!(unsafe { free(p.cast()) }.is_null());
        assert_eq!(optional_wide(None), Ok(core::ptr::null_mut()));
    }
}
