//! The process-wide WinHTTP instance behind every `WinHttp*` handle export.
//!
//! Owns one lazily created [`hinternet_net::winhttp_api::WinHttp`], whose runtime threads
//! (the I/O thread and the delivery threads that run status callbacks) are created through
//! [`crate::host::thread_spawner`]: the host's `create_thread` hook when installed, else
//! `std::thread`.
//!
//! Invariants: created at most once, on the first handle export (hooks are sealed by then,
//! so the spawner never changes afterwards); never dropped (it lives as long as the
//! process, as WinHTTP's state does); a failure to start its threads is remembered and
//! every handle export then fails with `ERROR_NOT_ENOUGH_MEMORY`, as Windows does when it
//! cannot allocate its worker resources.

use std::sync::{Arc, OnceLock};

use hinternet_net::runtime::{Job, RuntimeConfig, ThreadSpawner as NetThreadSpawner};
use hinternet_net::winhttp_api::WinHttp;
use windows_sys::Win32::Foundation::ERROR_NOT_ENOUGH_MEMORY;

use crate::host::{thread_spawner, Spawner, ThreadSpawner};

/// net's [`NetThreadSpawner`] over this crate's [`Spawner`] (the thread name is only used
/// by `std::thread`; a host's `create_thread` has no name argument).
struct HostSpawner(Spawner);

impl NetThreadSpawner for HostSpawner {
    fn spawn(&self, name: String, body: Job) -> std::io::Result<()> {
        match self.0 {
            Spawner::Std => std::thread::Builder::new().name(name).spawn(body).map(drop),
            host @ Spawner::Host(_) => host.spawn(body),
        }
    }
}

static INSTANCE: OnceLock<Option<WinHttp>> = OnceLock::new();

/// The process-wide instance, created on first use; `Err(ERROR_NOT_ENOUGH_MEMORY)` when its
/// runtime could not be started.
pub fn winhttp() -> Result<&'static WinHttp, u32> {
    INSTANCE
        .get_or_init(|| {
            let config = RuntimeConfig {
                spawner: Arc::new(HostSpawner(thread_spawner())),
                ..RuntimeConfig::default()
            };
            WinHttp::with_runtime(config).ok()
        })
        .as_ref()
        .ok_or(ERROR_NOT_ENOUGH_MEMORY)
}

static WININET: OnceLock<hinternet_net::wininet_api::WinInet> = OnceLock::new();

/// The process-wide WinINet instance behind every WinINet handle export, created on first
/// use and never dropped.
///
/// Unlike [`winhttp`], its runtime threads are `std::thread`s even when the host installed
/// `create_thread`: the typed WinINet API (`hinternet_net::wininet_api::WinInet::new`) does
/// not take a thread spawner yet, so WinINet status callbacks run on threads the host did
/// not create. A runtime that cannot start makes every operation fail with
/// `ERROR_INTERNET_INTERNAL_ERROR` (the typed API's rule).
pub fn wininet() -> &'static hinternet_net::wininet_api::WinInet {
    WININET.get_or_init(hinternet_net::wininet_api::WinInet::new)
}
