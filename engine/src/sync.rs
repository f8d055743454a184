//! The one place the crate names its synchronisation primitives.
//!
//! Under `cfg(all(loom, feature = "loom"))` everything here is loom's, so loom sees (and
//! permutes) every lock, atomic access and thread-local the engine makes; otherwise it is
//! std's. Both sides expose the same API (tokio's `loom/std` wrappers): `Mutex::lock`
//! returns the guard directly (a panic never happens under our locks — callbacks run
//! outside them — so poisoning is ignored), and [`spin`] yields to loom where std would
//! spin with a [`Backoff`](crossbeam_utils::Backoff).
//!
//! Nothing else in the crate names `std::sync`; the pure machine (`machine/`) uses no
//! synchronisation at all. `SharedFn` is the one exception kept on std under loom: loom's
//! `Arc` cannot hold an unsized `dyn Fn`, and callback pointers are only cloned under the
//! engine's lock, so loom misses nothing by not seeing their reference counts.

#[cfg(all(loom, feature = "loom"))]
mod imp {
    pub(crate) use loom::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    pub(crate) use loom::sync::Arc;
    pub(crate) use loom::thread_local;

    /// A mutex whose `lock` returns the guard.
    #[derive(Debug)]
    pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);
    /// Its guard.
    pub(crate) type MutexGuard<'a, T> = loom::sync::MutexGuard<'a, T>;

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Mutex<T> {
            Mutex(loom::sync::Mutex::new(value))
        }
        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }

    impl<T: Default> Default for Mutex<T> {
        fn default() -> Self {
            Mutex::new(T::default())
        }
    }

    /// A condition variable over [`Mutex`].
    #[derive(Debug)]
    pub(crate) struct Condvar(loom::sync::Condvar);

    impl Default for Condvar {
        fn default() -> Self {
            Condvar(loom::sync::Condvar::new())
        }
    }

    impl Condvar {
        pub(crate) fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0
                .wait(guard)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }
    }

    /// One step of a wait loop: let the other (model) threads run.
    pub(crate) fn spin(_backoff: &crossbeam_utils::Backoff) {
        loom::thread::yield_now();
    }
}

#[cfg(not(all(loom, feature = "loom")))]
mod imp {
    pub(crate) use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    pub(crate) use std::sync::Arc;
    pub(crate) use std::thread_local;

    /// A mutex whose `lock` returns the guard.
    #[derive(Debug, Default)]
    pub(crate) struct Mutex<T>(std::sync::Mutex<T>);
    /// Its guard.
    pub(crate) type MutexGuard<'a, T> = std::sync::MutexGuard<'a, T>;

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Mutex<T> {
            Mutex(std::sync::Mutex::new(value))
        }
        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }

    /// A condition variable over [`Mutex`].
    #[derive(Debug, Default)]
    pub(crate) struct Condvar(std::sync::Condvar);

    impl Condvar {
        pub(crate) fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0
                .wait(guard)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }
    }

    /// One step of a wait loop.
    pub(crate) fn spin(backoff: &crossbeam_utils::Backoff) {
        backoff.snooze();
    }
}

pub(crate) use imp::*;

/// A shared callback pointer (std's `Arc` on both sides, see the module docs).
pub type SharedFn<T> = std::sync::Arc<T>;
