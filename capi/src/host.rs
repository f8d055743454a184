//! Host hooks: what a host that owns threads and errors (a Wine builtin, an emulator)
//! lends the library.
//!
//! Owns the versioned `#[repr(C)]` [`hinternet_host_hooks`] structure, its one-time
//! installation, and [`ThreadSpawner`], through which every thread that may run an
//! application callback must be created.
//!
//! Invariants:
//! * hooks are installed at most once, and only before the first Windows export runs (the
//!   panic boundary [`seal`]s them on entry of every export): afterwards they never change,
//!   so readers need no lock;
//! * an installation is refused (FALSE, last error `ERROR_INVALID_PARAMETER`) for a NULL
//!   pointer, a `version` other than [`HINTERNET_HOST_HOOKS_VERSION`], a `size` other than
//!   `sizeof(struct hinternet_host_hooks)`, `set_last_error` without `get_last_error` (or the
//!   reverse), a second installation, or an installation after the first export call;
//! * every hook may be NULL (absent); the library then uses its own mechanism (thread-local
//!   last error, `std::thread`); `global_alloc`/`global_free` allocate and free the strings
//!   Windows returns in `GlobalAlloc` memory (proxy configuration, see
//!   `crate::ffi::global_memory`); `set_event` signals the
//!   `WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT` events (WinHTTP signals them when the DLL unloads;
//!   here when `hinternet_shutdown` releases the WinHTTP runtime, see `crate::instance`);
//! * the hooks are called with this build's calling convention ([`crate::abi`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;

use crate::abi::{
    CreateThreadHook, GetLastErrorHook, GlobalAllocHook, GlobalFreeHook, SetEventHook,
    SetLastErrorHook,
};

/// `set_last_error` hook field (NULL = absent); C: `hinternet_set_last_error_hook`.
#[allow(non_camel_case_types)]
pub type hinternet_set_last_error_hook = Option<SetLastErrorHook>;
/// `get_last_error` hook field (NULL = absent).
#[allow(non_camel_case_types)]
pub type hinternet_get_last_error_hook = Option<GetLastErrorHook>;
/// `create_thread` hook field (NULL = absent).
#[allow(non_camel_case_types)]
pub type hinternet_create_thread_hook = Option<CreateThreadHook>;
/// `global_alloc` hook field (NULL = absent).
#[allow(non_camel_case_types)]
pub type hinternet_global_alloc_hook = Option<GlobalAllocHook>;
/// `global_free` hook field (NULL = absent).
#[allow(non_camel_case_types)]
pub type hinternet_global_free_hook = Option<GlobalFreeHook>;
/// `set_event` hook field (NULL = absent).
#[allow(non_camel_case_types)]
pub type hinternet_set_event_hook = Option<SetEventHook>;

/// The only version of [`hinternet_host_hooks`] this library knows.
pub const HINTERNET_HOST_HOOKS_VERSION: u32 = 1;

/// The hooks a host lends the library (`struct hinternet_host_hooks` in C).
///
/// Fill `version` with `HINTERNET_HOST_HOOKS_VERSION` and `size` with
/// `sizeof(struct hinternet_host_hooks)`; leave a hook NULL to let the library do without.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct hinternet_host_hooks {
    /// `HINTERNET_HOST_HOOKS_VERSION`.
    pub version: u32,
    /// `sizeof(struct hinternet_host_hooks)`.
    pub size: u32,
    /// `SetLastError`: receives every last error the library sets.
    pub set_last_error: hinternet_set_last_error_hook,
    /// `GetLastError`: answers `hinternet_get_last_error()`.
    pub get_last_error: hinternet_get_last_error_hook,
    /// Starts a detached thread running `start(parameter)`; non-zero when started.
    pub create_thread: hinternet_create_thread_hook,
    /// `GlobalAlloc`, for strings Windows returns in global memory.
    pub global_alloc: hinternet_global_alloc_hook,
    /// `GlobalFree`.
    pub global_free: hinternet_global_free_hook,
    /// `SetEvent`, for `WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT`.
    pub set_event: hinternet_set_event_hook,
}

/// `sizeof(struct hinternet_host_hooks)` on this target.
pub const HOST_HOOKS_SIZE: u32 = core::mem::size_of::<hinternet_host_hooks>() as u32;

static HOOKS: OnceLock<hinternet_host_hooks> = OnceLock::new();
static SEALED: AtomicBool = AtomicBool::new(false);

/// Marks that a Windows export has run: no hooks can be installed from now on.
pub fn seal() {
    SEALED.store(true, Ordering::Release);
}

/// The installed hooks, if any.
pub fn hooks() -> Option<&'static hinternet_host_hooks> {
    HOOKS.get()
}

/// Checks the header of a hook structure (`version`, `size`) before the rest is read.
pub fn check_header(version: u32, size: u32) -> Result<(), u32> {
    if version != HINTERNET_HOST_HOOKS_VERSION || size != HOST_HOOKS_SIZE {
        return Err(ERROR_INVALID_PARAMETER);
    }
    Ok(())
}

/// Installs `hooks` (already read from the caller); the error is the Windows code to set.
pub fn install(hooks: hinternet_host_hooks) -> Result<(), u32> {
    check_header(hooks.version, hooks.size)?;
    if hooks.set_last_error.is_some() != hooks.get_last_error.is_some() {
        return Err(ERROR_INVALID_PARAMETER);
    }
    if SEALED.load(Ordering::Acquire) {
        return Err(ERROR_INVALID_PARAMETER);
    }
    HOOKS.set(hooks).map_err(|_| ERROR_INVALID_PARAMETER)
}

/// A unit of work to run on a new thread.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Creates the threads that may run application callbacks (the executor's delivery
/// threads): through the host's `create_thread` hook when installed, else `std::thread`.
pub trait ThreadSpawner: Send + Sync {
    /// Starts a detached thread running `job` once.
    fn spawn(&self, job: Job) -> std::io::Result<()>;
}

/// Where new threads come from.
#[derive(Clone, Copy, Debug)]
pub enum Spawner {
    /// `std::thread` (no `create_thread` hook installed).
    Std,
    /// The host's `create_thread` hook.
    Host(CreateThreadHook),
}

impl ThreadSpawner for Spawner {
    fn spawn(&self, job: Job) -> std::io::Result<()> {
        match self {
            Spawner::Std => std::thread::Builder::new()
                .name("hinternet".into())
                .spawn(job)
                .map(drop),
            Spawner::Host(hook) => crate::ffi::host::spawn_through_host(*hook, job),
        }
    }
}

/// The spawner the executor must use: the host's `create_thread` when installed.
pub fn thread_spawner() -> Spawner {
    match hooks().and_then(|h| h.create_thread) {
        Some(hook) => Spawner::Host(hook),
        None => Spawner::Std,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty() -> hinternet_host_hooks {
        hinternet_host_hooks {
            version: HINTERNET_HOST_HOOKS_VERSION,
            size: HOST_HOOKS_SIZE,
            set_last_error: None,
            get_last_error: None,
            create_thread: None,
            global_alloc: None,
            global_free: None,
            set_event: None,
        }
    }

    #[test]
    fn header_must_match_version_and_size() {
        assert_eq!(check_header(1, HOST_HOOKS_SIZE), Ok(()));
        assert_eq!(
            check_header(2, HOST_HOOKS_SIZE),
            Err(ERROR_INVALID_PARAMETER)
        );
        assert_eq!(
            check_header(1, HOST_HOOKS_SIZE - 8),
            Err(ERROR_INVALID_PARAMETER)
        );
        let mut bad = empty();
        bad.version = 7;
        assert_eq!(install(bad), Err(ERROR_INVALID_PARAMETER));
    }

    #[test]
    fn the_std_spawner_runs_the_job() {
        let (tx, rx) = std::sync::mpsc::channel();
        Spawner::Std
            .spawn(Box::new(move || tx.send(42).expect("receiver alive")))
            .expect("a thread starts");
        assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(10)), Ok(42));
    }

    #[test]
    fn sixty_four_bit_layout() {
        assert_eq!(
            HOST_HOOKS_SIZE as usize,
            8 + 6 * core::mem::size_of::<usize>()
        );
    }
}
