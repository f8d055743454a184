//! The per-thread last error (`GetLastError`/`SetLastError` of the library).
//!
//! Owns a thread-local `DWORD`. When the host installed `set_last_error`/`get_last_error`
//! hooks (see [`crate::host`]), every set and get goes through them instead, so that a Wine
//! host's `GetLastError()` sees the code; otherwise callers read it with
//! `hinternet_get_last_error()`.
//!
//! Invariants: the two hooks are installed together or not at all (the installer refuses
//! one without the other), so a value set is always readable by the matching get; the
//! thread-local is also kept up to date, so Rust code never depends on the host to read back.

use std::cell::Cell;

thread_local! {
    static LAST_ERROR: Cell<u32> = const { Cell::new(0) };
}

/// Sets the calling thread's last error (through the host's hook when installed).
pub fn set(code: u32) {
    LAST_ERROR.with(|e| e.set(code));
    crate::ffi::host::call_set_last_error(code);
}

/// The calling thread's last error (from the host's hook when installed).
pub fn get() -> u32 {
    crate::ffi::host::call_get_last_error().unwrap_or_else(|| LAST_ERROR.with(Cell::get))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_error_is_per_thread() {
        set(5);
        let other = std::thread::spawn(|| {
            set(6);
            get()
        })
        .join()
        .expect("the helper thread does not panic");
        assert_eq!(other, 6);
        assert_eq!(get(), 5);
    }
}
