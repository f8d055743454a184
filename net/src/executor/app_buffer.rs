//! The application's buffer of an asynchronous read, shared by both APIs' executors.
//!
//! Owns: the [`AppBuffer`] trait (what an executor writes a read's bytes into, after the
//! read's call has returned) and [`VecBuffer`], its `Vec`-backed implementation for Rust
//! callers and tests. The C ABI implements the trait over the caller's pointer.
//!
//! Invariant: [`AppBuffer::write`] never writes past [`AppBuffer::len`]; an implementation
//! drops the bytes that do not fit (both executors also only hand it what fits).

use std::sync::{Arc, Mutex};

use super::state::lock;

/// A buffer of the application's that outlives its call: an asynchronous read writes into
/// it later, so the operation holds it shared.
pub trait AppBuffer: Send + Sync {
    /// Its length in bytes.
    fn len(&self) -> usize;
    /// True when it holds no byte.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Copies `bytes` to `offset`; bytes that would land at or past [`AppBuffer::len`] are
    /// not written.
    fn write(&self, offset: usize, bytes: &[u8]);
}

/// A `Vec`-backed [`AppBuffer`] for Rust callers and tests.
#[derive(Debug, Default)]
pub struct VecBuffer(Mutex<Vec<u8>>);

impl VecBuffer {
    /// A zeroed buffer of `len` bytes.
    pub fn new(len: usize) -> Arc<VecBuffer> {
        Arc::new(VecBuffer(Mutex::new(vec![0; len])))
    }

    /// A copy of its first `n` bytes (all of them when `n` is past the end).
    pub fn prefix(&self, n: usize) -> Vec<u8> {
        let data = lock(&self.0);
        data[..n.min(data.len())].to_vec()
    }
}

impl AppBuffer for VecBuffer {
    fn len(&self) -> usize {
        lock(&self.0).len()
    }

    fn write(&self, offset: usize, bytes: &[u8]) {
        let mut data = lock(&self.0);
        let end = offset.saturating_add(bytes.len()).min(data.len());
        if offset < end {
            data[offset..end].copy_from_slice(&bytes[..end - offset]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{AppBuffer, VecBuffer};

    #[test]
    fn write_clips_at_the_end() {
        let buffer = VecBuffer::new(4);
        buffer.write(2, b"abcd");
        assert_eq!(buffer.prefix(8), vec![0, 0, b'a', b'b']);
        buffer.write(4, b"zz");
        buffer.write(usize::MAX, b"zz");
        assert_eq!(buffer.prefix(4), vec![0, 0, b'a', b'b']);
        assert_eq!(buffer.len(), 4);
        assert!(!buffer.is_empty());
        assert!(VecBuffer::new(0).is_empty());
    }
}
