//! The process-wide WinHTTP and WinINet instances behind every handle export, and their
//! release by `hinternet_shutdown()`.
//!
//! Owns one lazily created [`WinHttp`], whose runtime threads (the I/O thread and the
//! delivery threads that run status callbacks) are created through
//! [`crate::host::thread_spawner`] (the host's `create_thread` hook when installed, else
//! `std::thread`), and one lazily created [`WinInet`] whose runtime threads are created the
//! same way (so WinINet status callbacks for pending operations also run on host threads).
//!
//! Invariants:
//! * each export holds an `Arc` of the instance for the duration of its call, so an instance
//!   is never dropped under a running call;
//! * [`shutdown`] releases an instance only when its engine holds no handle and no call holds
//!   it; dropping it stops its runtime threads, and [`shutdown`] returns once they have left
//!   the process (Linux: watched in `/proc/self/task`, bounded); the next export creates a
//!   fresh instance;
//! * the `WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT` events set on sessions are signalled through
//!   the host's `set_event` hook when [`shutdown`] releases the WinHTTP runtime (without
//!   the hook there is no `SetEvent` to call, and they are dropped);
//! * a runtime that cannot start fails the WinHTTP handle exports with
//!   `ERROR_NOT_ENOUGH_MEMORY` (as Windows does when it cannot allocate its worker
//!   resources), and is tried again on the next call; so does WinINet's `InternetOpen`
//!   ([`wininet_with_runtime`]): no root handle is created on an instance without threads,
//!   and the next `InternetOpen` starts them again (the handle-less WinINet exports work
//!   without them).

use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use hinternet_net::runtime::{Job, RuntimeConfig, ThreadSpawner as NetThreadSpawner};
use hinternet_net::winhttp_api::WinHttp;
use hinternet_net::wininet_api::WinInet;
use windows_sys::Win32::Foundation::{ERROR_BUSY, ERROR_NOT_ENOUGH_MEMORY};

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

static WINHTTP: RwLock<Option<Arc<WinHttp>>> = RwLock::new(None);

/// The events applications set with `WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT` (handle bits),
/// signalled through the host's `set_event` hook when [`shutdown`] releases the WinHTTP
/// runtime — this library's moment of "unloading".
static UNLOAD_EVENTS: std::sync::Mutex<Vec<usize>> = std::sync::Mutex::new(Vec::new());

/// Remembers an unload-notify event (a successful `WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT` set).
pub fn add_unload_event(event: usize) {
    if event != 0 {
        UNLOAD_EVENTS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event);
    }
}
static WININET: RwLock<Option<Arc<WinInet>>> = RwLock::new(None);

/// The instance in `slot`, created with `make` on first use.
fn get_or_create<T>(
    slot: &RwLock<Option<Arc<T>>>,
    make: impl FnOnce() -> Option<T>,
) -> Option<Arc<T>> {
    if let Some(api) = slot.read().unwrap_or_else(PoisonError::into_inner).as_ref() {
        return Some(api.clone());
    }
    let mut guard = slot.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(api) = guard.as_ref() {
        return Some(api.clone());
    }
    let api = Arc::new(make()?);
    *guard = Some(api.clone());
    Some(api)
}

/// The process-wide WinHTTP instance, created on first use; `Err(ERROR_NOT_ENOUGH_MEMORY)`
/// when its runtime could not be started.
pub fn winhttp() -> Result<Arc<WinHttp>, u32> {
    get_or_create(&WINHTTP, || {
        let config = RuntimeConfig {
            spawner: Arc::new(HostSpawner(thread_spawner())),
            ..RuntimeConfig::default()
        };
        WinHttp::with_runtime(config).ok()
    })
    .ok_or(ERROR_NOT_ENOUGH_MEMORY)
}

/// The process-wide WinINet instance, created on first use.
pub fn wininet() -> Arc<WinInet> {
    let make = || {
        let config = RuntimeConfig {
            spawner: Arc::new(HostSpawner(thread_spawner())),
            ..WinInet::default_runtime()
        };
        WinInet::with_runtime(hinternet_net::wininet::cache::Storage::Memory, config)
    };
    get_or_create(&WININET, || Some(make())).unwrap_or_else(|| Arc::new(make()))
}

/// The process-wide WinINet instance for a call that creates a root handle (every network
/// operation runs under one): `Err(ERROR_NOT_ENOUGH_MEMORY)` when its runtime threads could
/// not be created (the host's `create_thread` failed). The runtime-less instance is then
/// forgotten while it holds no handle, so the next call starts the runtime again (the
/// cookies and global options set on it go with it, as at [`shutdown`]); no root is ever
/// created on it, so no handle is left answering `ERROR_INTERNET_INTERNAL_ERROR`.
pub fn wininet_with_runtime() -> Result<Arc<WinInet>, u32> {
    let api = wininet();
    if api.has_runtime() {
        return Ok(api);
    }
    let mut guard = WININET.write().unwrap_or_else(PoisonError::into_inner);
    let forget = guard
        .as_ref()
        .is_some_and(|current| Arc::ptr_eq(current, &api) && current.engine().is_empty());
    if forget {
        *guard = None;
    }
    Err(ERROR_NOT_ENOUGH_MEMORY)
}

/// Takes the instance out of `slot` when it is idle (`is_empty`, no other holder).
fn take_idle<T>(
    slot: &RwLock<Option<Arc<T>>>,
    is_empty: impl Fn(&T) -> bool,
) -> Result<Option<Arc<T>>, u32> {
    let mut guard = slot.write().unwrap_or_else(PoisonError::into_inner);
    match guard.as_ref() {
        None => Ok(None),
        Some(api) if Arc::strong_count(api) == 1 && is_empty(api) => Ok(guard.take()),
        Some(_) => Err(ERROR_BUSY),
    }
}

/// Releases both instances when no handle of either is open and no call is running: their
/// runtime threads are joined here, so a program that calls this last ends without library
/// threads. `Err(ERROR_BUSY)` (nothing released) otherwise. Must not be called from a status
/// callback (the engine would wait for itself: then `ERROR_BUSY`).
pub fn shutdown() -> Result<(), u32> {
    // Let closes in progress deliver their HANDLE_CLOSING first.
    if let Some(api) = WINHTTP
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
    {
        if !api.engine().wait_quiescent() {
            return Err(ERROR_BUSY);
        }
    }
    if let Some(api) = WININET
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
    {
        if !api.engine().wait_quiescent() {
            return Err(ERROR_BUSY);
        }
    }
    let winhttp = take_idle(&WINHTTP, |api| api.engine().is_empty())?;
    let wininet = match take_idle(&WININET, |api| api.engine().is_empty()) {
        Ok(w) => w,
        Err(code) => {
            // Put the WinHTTP instance back: all or nothing.
            if let Some(api) = winhttp {
                *WINHTTP.write().unwrap_or_else(PoisonError::into_inner) = Some(api);
            }
            return Err(code);
        }
    };
    let released_winhttp = winhttp.is_some();
    drop(winhttp);
    drop(wininet);
    wait_for_library_threads(Duration::from_secs(2));
    if released_winhttp {
        let events =
            std::mem::take(&mut *UNLOAD_EVENTS.lock().unwrap_or_else(PoisonError::into_inner));
        for event in events {
            crate::ffi::host::call_set_event(event);
        }
    }
    Ok(())
}

/// Thread-name prefixes of the runtimes' `std::thread`s (net names them `<runtime>-io` and
/// `<runtime>-deliver-N`; the WinHTTP runtime is `hinternet`, the WinINet one `wininet`).
const LIBRARY_THREADS: [&str; 2] = ["hinternet-", "wininet-"];

/// Waits (at most `limit`) until no library thread is left in `/proc/self/task`.
///
/// Dropping a runtime waits until each of its threads has signalled its end, which the
/// thread does just before it returns: the thread may still be exiting. Watching the task
/// list makes `hinternet_shutdown` return only once they are gone (Linux; elsewhere, and for
/// threads the host created, it returns at once).
fn wait_for_library_threads(limit: Duration) {
    let deadline = Instant::now() + limit;
    while library_threads_alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Whether a thread with a library name is still in this process's task list.
fn library_threads_alive() -> bool {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return false;
    };
    tasks.flatten().any(|task| {
        std::fs::read_to_string(task.path().join("comm"))
            .is_ok_and(|name| LIBRARY_THREADS.iter().any(|p| name.starts_with(p)))
    })
}
