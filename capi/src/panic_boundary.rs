//! The panic boundary: no Rust panic ever unwinds into the caller.
//!
//! Owns [`guard`], which every export runs its body through, and the process-wide panic
//! counter read by `hinternet_panic_count()`.
//!
//! Invariants:
//! * a panic inside an export is caught here; the export then returns its failure value
//!   (`FALSE`/`NULL`) and the last error becomes the family's internal error
//!   (`ERROR_WINHTTP_INTERNAL_ERROR` / `ERROR_INTERNET_INTERNAL_ERROR`, both 12004);
//! * every caught panic increments the counter exactly once;
//! * the first call of [`guard`] seals the host hooks (see [`crate::host`]): hooks must be
//!   installed before the first Windows export runs.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};

use windows_sys::Win32::Networking::WinHttp::ERROR_WINHTTP_INTERNAL_ERROR;
use windows_sys::Win32::Networking::WinInet::ERROR_INTERNET_INTERNAL_ERROR;

use crate::last_error;

static PANICS: AtomicU64 = AtomicU64::new(0);

/// Which API an export belongs to (decides the internal-error code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `WinHttp*`.
    WinHttp,
    /// WinINet (`Internet*`, `Http*`, `Ftp*`, `Gopher*`).
    WinInet,
}

impl Family {
    /// The error a caught panic reports.
    pub fn internal_error(self) -> u32 {
        match self {
            Family::WinHttp => ERROR_WINHTTP_INTERNAL_ERROR,
            Family::WinInet => ERROR_INTERNET_INTERNAL_ERROR,
        }
    }
}

/// Number of panics caught at the boundary since the library was loaded.
pub fn panic_count() -> u64 {
    PANICS.load(Ordering::Relaxed)
}

/// Runs an export's body. On a panic: counts it, sets the family's internal error and
/// returns `on_panic`.
pub fn guard<T>(family: Family, on_panic: T, body: impl FnOnce() -> T) -> T {
    crate::host::seal();
    // AssertUnwindSafe: after a panic nothing the body touched is used again; the export
    // only returns `on_panic`.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(_) => {
            PANICS.fetch_add(1, Ordering::Relaxed);
            last_error::set(family.internal_error());
            on_panic
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_internal_error_and_is_counted() {
        let before = panic_count();
        let got = guard(Family::WinInet, 0i32, || {
            panic!("boom (expected by this test)")
        });
        assert_eq!(got, 0);
        assert_eq!(last_error::get(), ERROR_INTERNET_INTERNAL_ERROR);
        assert!(panic_count() > before);
        let got = guard(Family::WinHttp, 0i32, || {
            panic!("boom (expected by this test)")
        });
        assert_eq!(got, 0);
        assert_eq!(last_error::get(), ERROR_WINHTTP_INTERNAL_ERROR);
    }

    #[test]
    fn no_panic_passes_the_value_through() {
        assert_eq!(guard(Family::WinHttp, 0i32, || 7), 7);
    }
}
