//! Host hooks seen from a host written in Rust (its own process, since hooks are global and
//! installed once): installation, last error routed through the hooks, threads created
//! through `create_thread` (the `ThreadSpawner` the executor will use), a failing
//! `create_thread`, and the seal after the first export.
#![allow(unsafe_code)] // this test is a C-ABI host: it defines hooks and calls exports

use std::cell::Cell;
use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use hinternet::abi::ThreadStartRoutine;
use hinternet::ffi::host::{
    hinternet_get_last_error, hinternet_set_host_hooks, hinternet_set_last_error,
};
use hinternet::host::{
    hinternet_host_hooks, thread_spawner, Spawner, ThreadSpawner, HINTERNET_HOST_HOOKS_VERSION,
    HOST_HOOKS_SIZE,
};
use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;

thread_local! {
    static HOST_ERROR: Cell<u32> = const { Cell::new(0) };
}
static SET_CALLS: AtomicU32 = AtomicU32::new(0);
static CREATE_CALLS: AtomicU32 = AtomicU32::new(0);

fn set_error(code: u32) {
    SET_CALLS.fetch_add(1, Ordering::SeqCst);
    HOST_ERROR.with(|e| e.set(code));
}

fn get_error() -> u32 {
    HOST_ERROR.with(Cell::get)
}

/// Starts the first thread asked for; refuses every later one.
fn create_thread(start: ThreadStartRoutine, parameter: *mut c_void) -> i32 {
    if CREATE_CALLS.fetch_add(1, Ordering::SeqCst) > 0 {
        return 0;
    }
    let parameter = parameter as usize;
    std::thread::spawn(move || {
        // SAFETY: the library's start routine with the parameter it handed us, once.
        unsafe { start(parameter as *mut c_void) };
    });
    1
}

macro_rules! hooks_in_abi {
    ($abi:literal) => {
        unsafe extern $abi fn host_set_last_error(code: u32) {
            set_error(code)
        }
        unsafe extern $abi fn host_get_last_error() -> u32 {
            get_error()
        }
        unsafe extern $abi fn host_create_thread(
            start: ThreadStartRoutine,
            parameter: *mut c_void,
        ) -> i32 {
            create_thread(start, parameter)
        }
    };
}
#[cfg(not(feature = "abi-win64"))]
hooks_in_abi!("system");
#[cfg(feature = "abi-win64")]
hooks_in_abi!("win64");

struct DropSignal(mpsc::Sender<&'static str>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        let _ = self.0.send("dropped");
    }
}

#[test]
fn hooks_route_errors_and_threads_and_are_sealed_by_the_first_export() {
    let hooks = hinternet_host_hooks {
        version: HINTERNET_HOST_HOOKS_VERSION,
        size: HOST_HOOKS_SIZE,
        set_last_error: Some(host_set_last_error),
        get_last_error: Some(host_get_last_error),
        create_thread: Some(host_create_thread),
        global_alloc: None,
        global_free: None,
        set_event: None,
    };
    // SAFETY: a valid structure whose hooks live for the whole process.
    assert_eq!(unsafe { hinternet_set_host_hooks(&hooks) }, 1);

    hinternet_set_last_error(55);
    assert_eq!(get_error(), 55, "the error went through the host's hook");
    HOST_ERROR.with(|e| e.set(66));
    assert_eq!(
        hinternet_get_last_error(),
        66,
        "the error is read through the host's hook"
    );

    // Threads come from the host.
    let spawner = thread_spawner();
    assert!(matches!(spawner, Spawner::Host(_)));
    let (tx, rx) = mpsc::channel();
    spawner
        .spawn(Box::new(move || tx.send("ran").expect("receiver alive")))
        .expect("the host starts the first thread");
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok("ran"));
    assert_eq!(CREATE_CALLS.load(Ordering::SeqCst), 1);

    // A refused thread: an error, and the job is dropped, not leaked or run.
    let (tx, rx) = mpsc::channel();
    let signal = DropSignal(tx.clone());
    let refused = spawner.spawn(Box::new(move || {
        let _keep = &signal;
        let _ = tx.send("ran");
    }));
    assert!(refused.is_err());
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok("dropped"));

    // The first export seals the hooks.
    // SAFETY: no arguments.
    assert_eq!(
        unsafe { hinternet::ffi::winhttp::WinHttpCheckPlatform() },
        1
    );
    let before = SET_CALLS.load(Ordering::SeqCst);
    // SAFETY: as above.
    assert_eq!(unsafe { hinternet_set_host_hooks(&hooks) }, 0);
    assert_eq!(get_error(), ERROR_INVALID_PARAMETER);
    assert_eq!(SET_CALLS.load(Ordering::SeqCst), before + 1);
}
