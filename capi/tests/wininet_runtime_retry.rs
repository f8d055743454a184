//! A host whose `create_thread` refuses the first thread (its own process, since hooks are
//! global and installed once): the first `InternetOpenW` cannot start the WinINet runtime
//! and fails with `ERROR_NOT_ENOUGH_MEMORY`, leaving no root behind; the next one starts
//! the runtime again, and a GET through it works against a loopback server.
#![allow(unsafe_code)] // this test is a C-ABI host: it defines hooks and calls exports

use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, Ordering};

use hinternet::abi::ThreadStartRoutine;
use hinternet::ffi::host::{
    hinternet_get_last_error, hinternet_set_host_hooks, hinternet_shutdown,
};
use hinternet::ffi::wininet_handles::{
    InternetCloseHandle, InternetOpenUrlW, InternetOpenW, InternetReadFile,
};
use hinternet::host::{hinternet_host_hooks, HINTERNET_HOST_HOOKS_VERSION, HOST_HOOKS_SIZE};
use windows_sys::Win32::Foundation::ERROR_NOT_ENOUGH_MEMORY;
use windows_sys::Win32::Networking::WinInet::INTERNET_OPEN_TYPE_DIRECT;

static CREATE_CALLS: AtomicU32 = AtomicU32::new(0);

/// Refuses the first thread asked for; starts every later one.
fn create_thread(start: ThreadStartRoutine, parameter: *mut c_void) -> i32 {
    if CREATE_CALLS.fetch_add(1, Ordering::SeqCst) == 0 {
        return 0;
    }
    let parameter = parameter as usize;
    let spawned = std::thread::Builder::new().spawn(move || {
        // SAFETY: the library's start routine with the parameter it handed us, once.
        unsafe { start(parameter as *mut c_void) };
    });
    i32::from(spawned.is_ok())
}

#[cfg(not(feature = "abi-win64"))]
unsafe extern "system" fn host_create_thread(
    start: ThreadStartRoutine,
    parameter: *mut c_void,
) -> i32 {
    create_thread(start, parameter)
}
#[cfg(feature = "abi-win64")]
unsafe extern "win64" fn host_create_thread(
    start: ThreadStartRoutine,
    parameter: *mut c_void,
) -> i32 {
    create_thread(start, parameter)
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain([0]).collect()
}

#[test]
fn internet_open_retries_a_runtime_whose_thread_the_host_refused() {
    let hooks = hinternet_host_hooks {
        version: HINTERNET_HOST_HOOKS_VERSION,
        size: HOST_HOOKS_SIZE,
        set_last_error: None,
        get_last_error: None,
        create_thread: Some(host_create_thread),
        global_alloc: None,
        global_free: None,
        set_event: None,
    };
    // SAFETY: a valid structure whose hooks live for the whole process.
    assert_eq!(unsafe { hinternet_set_host_hooks(&hooks) }, 1);
    let server = hinternet_testservers::http::start();
    let agent = wide("retry");

    // The runtime's first thread is refused: no root, 8.
    // SAFETY: valid NUL-terminated strings, NULL proxies.
    let root = unsafe {
        InternetOpenW(
            agent.as_ptr(),
            INTERNET_OPEN_TYPE_DIRECT,
            std::ptr::null(),
            std::ptr::null(),
            0,
        )
    };
    assert!(root.is_null());
    assert_eq!(hinternet_get_last_error(), ERROR_NOT_ENOUGH_MEMORY);
    assert_eq!(CREATE_CALLS.load(Ordering::SeqCst), 1);

    // The next call starts the runtime again, through the hook.
    // SAFETY: as above.
    let root = unsafe {
        InternetOpenW(
            agent.as_ptr(),
            INTERNET_OPEN_TYPE_DIRECT,
            std::ptr::null(),
            std::ptr::null(),
            0,
        )
    };
    assert!(!root.is_null(), "last error {}", hinternet_get_last_error());
    assert!(CREATE_CALLS.load(Ordering::SeqCst) > 1);

    // A GET through it: the network works (no ERROR_INTERNET_INTERNAL_ERROR).
    let url = wide(&format!(
        "http://127.0.0.1:{}/bytes?n=1000",
        server.addr().port()
    ));
    // SAFETY: a live root, a NUL-terminated URL, no headers.
    let request = unsafe { InternetOpenUrlW(root, url.as_ptr(), std::ptr::null(), 0, 0, 0) };
    assert!(
        !request.is_null(),
        "last error {}",
        hinternet_get_last_error()
    );
    let mut body = vec![0u8; 4096];
    let mut total = 0usize;
    for _ in 0..1000 {
        let mut read = 0u32;
        let room = u32::try_from(body.len() - total).expect("4096 fits");
        // SAFETY: the buffer is writable for `room` bytes from `total`.
        let ok = unsafe {
            InternetReadFile(request, body[total..].as_mut_ptr().cast(), room, &mut read)
        };
        assert_eq!(ok, 1, "last error {}", hinternet_get_last_error());
        if read == 0 {
            break;
        }
        total += read as usize;
    }
    assert_eq!(total, 1000);
    // SAFETY: live handles, closed once.
    unsafe {
        assert_eq!(InternetCloseHandle(request), 1);
        assert_eq!(InternetCloseHandle(root), 1);
    }
    assert_eq!(hinternet_shutdown(), 1);
}
