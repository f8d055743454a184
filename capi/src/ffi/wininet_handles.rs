//! The WinINet handle exports (`InternetOpenW/A` … `GopherOpenFileW/A`), marshalled onto the
//! process-wide typed API ([`crate::instance::wininet`]).
//!
//! Owns: the `W`/`A` pairs (one generic body per function over [`Unit`]: `u16` for `…W`,
//! `u8` for `…A`), the bridge from the typed API's status callbacks to the application's
//! `INTERNET_STATUS_CALLBACK`, the `WIN32_FIND_DATA` / `GOPHER_FIND_DATA` writers, and the
//! out values of asynchronous calls that Windows fills before `REQUEST_COMPLETE`.
//!
//! Invariants:
//! * an `HINTERNET` is the handle value as a pointer-sized integer; a value beyond the 32-bit
//!   handle space is `ERROR_INVALID_HANDLE`;
//! * every export runs inside the panic boundary (family WinINet: a panic is FALSE/NULL and
//!   `ERROR_INTERNET_INTERNAL_ERROR`) and sets the last error from the typed API's answer
//!   (`None`: unchanged; WinINet does not reset it on success);
//! * `…A` strings are the ANSI code page of [`crate::strings`] (UTF-8); every size an `…A`
//!   function reads or writes counts bytes, every `…W` size counts WCHARs, except where
//!   Windows counts bytes for both (`HttpQueryInfo`, `InternetQueryOption` failures, the
//!   `W` cookie sizes of the typed API);
//! * a call with an asynchronous out value (a read, `InternetQueryDataAvailable`, a
//!   find-first or find-next, `FtpGetCurrentDirectory`, `GopherGetAttribute`) registers its
//!   out pointer in `PENDING` before asking the typed API (a completion may be delivered
//!   before the call returns) and drops it when the call did not pend; each registration is
//!   tied to its own operation through the operation's out slot, so operations pending
//!   together on one handle each get their own value: it is written once its operation has
//!   ended, no later than just before that operation's `REQUEST_COMPLETE` reaches the
//!   application's callback (Windows' order; it may come at an earlier completion of the
//!   same handle when its operation has already ended by then), and dropped unwritten when
//!   its handle is closed (`InternetCloseHandle` of it or of a parent, `HANDLE_CLOSING`);
//! * status callbacks are called in this build's convention with what Wine passes per status:
//!   `INTERNET_ASYNC_RESULT` (its size), an `HINTERNET` (its size), a `DWORD` (4), the
//!   server name or redirect URL as a wide string for callbacks set with
//!   `InternetSetStatusCallbackW` and ANSI for `…A` (bytes with the NUL), IP addresses as
//!   ANSI strings for both (bytes with the NUL), NULL (0) otherwise.
#![allow(unsafe_code)]
#![allow(non_snake_case)]

use core::ffi::c_void;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use hinternet_net::ftp::FindData;
use hinternet_net::gopher::{GopherAttribute, GopherFindData};
use hinternet_net::headers::{OutBuffer, QueryValue};
use hinternet_net::wininet::options::{
    self as inet_options, OptionValue, ProxyInfo, QueryBuffer, QueryOutcome, ValueKind,
};
use hinternet_net::wininet::Charset;
use hinternet_net::wininet_api::{
    slot, Answer, AppBuffer, FoundEntry, HandleValue, Slot, Status, StatusCallback, StatusInfo,
    WinInet,
};
use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{
    ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_IO_PENDING,
    ERROR_SUCCESS, FALSE, FILETIME, SYSTEMTIME, TRUE,
};
use windows_sys::Win32::Networking::WinInet as wi;
use windows_sys::Win32::Networking::WinInet::{
    GOPHER_FIND_DATAA, GOPHER_FIND_DATAW, INTERNET_ASYNC_RESULT, INTERNET_BUFFERSA,
    INTERNET_BUFFERSW, INTERNET_PROXY_INFO,
};
use windows_sys::Win32::Storage::FileSystem::{WIN32_FIND_DATAA, WIN32_FIND_DATAW};

use super::raw;
use crate::abi::{GopherAttributeEnumerator, InternetStatusCallback};
use crate::export;
use crate::instance::{wininet, wininet_with_runtime};
use crate::last_error;
use crate::panic_boundary::{guard, Family};
use crate::strings::{decode_ansi, dword_len, encode_ansi, fit, wide_to_string};

/// `HINTERNET` as this crate passes it: a pointer-sized integer.
pub type HINTERNET = *mut c_void;

/// A buffer length large enough for any value the typed API answers (the `A` functions ask
/// for the whole value, then apply their own byte counts).
const WHOLE: u32 = 1 << 30;

/// A character unit of an entry point: `u16` for `…W`, `u8` for `…A`.
pub trait Unit: Copy + PartialEq + Default + 'static {
    /// The typed API's name for the character set.
    const CHARSET: Charset;
    /// Caller text to a Rust string.
    fn decode(units: &[Self]) -> String;
    /// A Rust string in this character set (no NUL).
    fn encode(text: &str) -> Vec<Self>;
    /// Appends the unit's little-endian bytes.
    fn push_le(self, out: &mut Vec<u8>);
}

impl Unit for u16 {
    const CHARSET: Charset = Charset::Wide;
    fn decode(units: &[u16]) -> String {
        wide_to_string(units)
    }
    fn encode(text: &str) -> Vec<u16> {
        text.encode_utf16().collect()
    }
    fn push_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
}

impl Unit for u8 {
    const CHARSET: Charset = Charset::Ansi;
    fn decode(units: &[u8]) -> String {
        wide_to_string(&decode_ansi(units).wide)
    }
    fn encode(text: &str) -> Vec<u8> {
        // The ANSI code page is UTF-8 (crate::strings); escaped bytes are already decoded.
        encode_ansi(&text.encode_utf16().collect::<Vec<u16>>())
    }
    fn push_le(self, out: &mut Vec<u8>) {
        out.push(self);
    }
}

/// The handle value of an `HINTERNET`; `Err(ERROR_INVALID_HANDLE)` beyond the 32-bit space.
fn handle_of(h: HINTERNET) -> Result<HandleValue, u32> {
    u32::try_from(h.addr())
        .map(HandleValue)
        .map_err(|_| ERROR_INVALID_HANDLE)
}

/// The `HINTERNET` of a handle value (an integer, never dereferenced).
fn hinternet(handle: HandleValue) -> HINTERNET {
    core::ptr::without_provenance_mut(handle.0 as usize)
}

/// Sets the last error an answer carries (`None`: unchanged).
fn set_error<R, O>(answer: &Answer<R, O>) {
    if let Some(code) = answer.last_error {
        last_error::set(code);
    }
}

/// A BOOL answer: its last error set, its return value as BOOL.
fn bool_of<O>(answer: &Answer<bool, O>) -> BOOL {
    set_error(answer);
    if answer.ret {
        TRUE
    } else {
        FALSE
    }
}

/// Runs a BOOL export body: `Err(code)` → FALSE and `code`.
fn bool_export(body: impl FnOnce(&WinInet) -> Result<BOOL, u32>) -> BOOL {
    guard(Family::WinInet, FALSE, || match body(&wininet()) {
        Ok(ret) => ret,
        Err(code) => {
            last_error::set(code);
            FALSE
        }
    })
}

/// Runs an HINTERNET export body: `Err(code)` → NULL and `code`.
fn handle_export(body: impl FnOnce(&WinInet) -> Result<Answer<HandleValue>, u32>) -> HINTERNET {
    guard(Family::WinInet, core::ptr::null_mut(), || {
        handle_result(body(&wininet()))
    })
}

/// A handle function's result as its return value and last error.
fn handle_result(result: Result<Answer<HandleValue>, u32>) -> HINTERNET {
    match result {
        Ok(answer) => {
            set_error(&answer);
            hinternet(answer.ret)
        }
        Err(code) => {
            last_error::set(code);
            core::ptr::null_mut()
        }
    }
}

/// An optional NUL-terminated string argument.
///
/// # Safety
/// `p` is NULL or NUL-terminated.
unsafe fn opt_str<T: Unit>(p: *const T) -> Option<String> {
    // SAFETY: forwarded contract.
    unsafe { raw::string_z(p) }.map(|s| T::decode(&s))
}

/// A (pointer, length) string argument: -1 or 0 = NUL-terminated (WinINet's header
/// lengths), NULL = `None`.
///
/// # Safety
/// `p` NULL, or valid for `len` units, or NUL-terminated for 0 / -1.
unsafe fn str_n<T: Unit>(p: *const T, len: u32) -> Option<String> {
    // SAFETY: forwarded contract.
    unsafe { raw::string_n(p, len, true) }.map(|s| T::decode(&s))
}

/// Copies `text` and its NUL into `buf` under the standard rule (capacity and sizes in
/// units): too small or NULL → `ERROR_INSUFFICIENT_BUFFER` with the size needed (NUL
/// included); success → the length without the NUL. A NULL `len_ptr` is 87.
///
/// # Safety
/// `len_ptr` NULL or valid; `buf` NULL or writable for `*len_ptr` units.
unsafe fn put_text<T: Unit>(text: &str, buf: *mut T, len_ptr: *mut u32) -> Result<(), u32> {
    // SAFETY: forwarded contract.
    let capacity = unsafe { raw::read(len_ptr) }.ok_or(ERROR_INVALID_PARAMETER)?;
    let units = T::encode(text);
    match fit(units.len(), capacity, !buf.is_null()) {
        Ok(len) => {
            // SAFETY: `fit` checked that the text and its NUL fit in `capacity` units.
            unsafe {
                raw::copy_z(buf, &units);
                raw::write(len_ptr, len);
            }
            Ok(())
        }
        Err((code, required)) => {
            // SAFETY: forwarded contract.
            unsafe { raw::write(len_ptr, required) };
            Err(code)
        }
    }
}

/// Copies `text` into a fixed array (truncated, always NUL-terminated).
fn fixed<T: Unit, const N: usize>(text: &str) -> [T; N] {
    let mut out = [T::default(); N];
    for (slot, unit) in out
        .iter_mut()
        .take(N.saturating_sub(1))
        .zip(T::encode(text))
    {
        *slot = unit;
    }
    out
}

/// A `FILETIME` from its 64-bit value.
fn filetime(value: u64) -> FILETIME {
    FILETIME {
        dwLowDateTime: value as u32,
        dwHighDateTime: (value >> 32) as u32,
    }
}

/// The find-data structures of one character set.
trait FindStructs: Unit {
    /// Writes `WIN32_FIND_DATA` of this set at `p` (NULL: nothing).
    ///
    /// # Safety
    /// `p` NULL or writable for the structure.
    unsafe fn write_ftp(p: *mut c_void, data: &FindData);
    /// Writes `GOPHER_FIND_DATA` of this set at `p` (NULL: nothing).
    ///
    /// # Safety
    /// `p` NULL or writable for the structure.
    unsafe fn write_gopher(p: *mut c_void, data: &GopherFindData);
}

macro_rules! find_structs {
    ($unit:ty, $ftp:ident, $gopher:ident) => {
        impl FindStructs for $unit {
            unsafe fn write_ftp(p: *mut c_void, data: &FindData) {
                let time = filetime(data.last_write);
                let value = $ftp {
                    dwFileAttributes: data.attributes,
                    ftCreationTime: time,
                    ftLastAccessTime: time,
                    ftLastWriteTime: time,
                    nFileSizeHigh: data.size_high(),
                    nFileSizeLow: data.size_low(),
                    dwReserved0: 0,
                    dwReserved1: 0,
                    cFileName: fixed::<$unit, 260>(&data.file_name).map(|u| u as _),
                    cAlternateFileName: [0; 14],
                };
                // SAFETY: forwarded contract (NULL is checked).
                unsafe { raw::write(p.cast::<$ftp>(), value) };
            }
            unsafe fn write_gopher(p: *mut c_void, data: &GopherFindData) {
                let value = $gopher {
                    DisplayString: fixed::<$unit, 129>(&data.display_string).map(|u| u as _),
                    GopherType: data.gopher_type,
                    SizeLow: data.size as u32,
                    SizeHigh: (data.size >> 32) as u32,
                    LastModificationTime: filetime(data.last_modification),
                    Locator: fixed::<$unit, 654>(&data.locator).map(|u| u as _),
                };
                // SAFETY: forwarded contract (NULL is checked).
                unsafe { raw::write(p.cast::<$gopher>(), value) };
            }
        }
    };
}
find_structs!(u16, WIN32_FIND_DATAW, GOPHER_FIND_DATAW);
find_structs!(u8, WIN32_FIND_DATAA, GOPHER_FIND_DATAA);

/// Writes a found entry in the structure of its protocol.
///
/// # Safety
/// `p` NULL or writable for that structure.
unsafe fn write_entry<T: FindStructs>(p: *mut c_void, entry: &FoundEntry) {
    // SAFETY: forwarded contract.
    unsafe {
        match entry {
            FoundEntry::Ftp(data) => T::write_ftp(p, data),
            FoundEntry::Gopher(data) => T::write_gopher(p, data),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Application buffers and asynchronous out values

/// The application's read buffer as the typed WinINet API's [`AppBuffer`].
///
/// Safety contract (the application's, as on Windows): valid for writing `len` bytes from
/// the read call until its `REQUEST_COMPLETE` (or `HANDLE_CLOSING`) has been delivered, and
/// not used by the application meanwhile. The executor writes it from one thread at a time.
#[derive(Debug)]
struct InetCallerBuffer {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: plain memory the application lends for the read (contract above), written from
// one thread at a time and never read through this type.
unsafe impl Send for InetCallerBuffer {}
// SAFETY: as above; `&InetCallerBuffer` only exposes `len` and the contract-bound `write`.
unsafe impl Sync for InetCallerBuffer {}

impl AppBuffer for InetCallerBuffer {
    fn len(&self) -> usize {
        self.len
    }

    fn write(&self, offset: usize, bytes: &[u8]) {
        if offset >= self.len {
            return;
        }
        let n = bytes.len().min(self.len - offset);
        // SAFETY: `offset + n <= len`, the application keeps the memory valid and unshared
        // until the completion (contract); library memory never overlaps it.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr.add(offset), n) };
    }
}

/// One registered out value of an asynchronous call.
///
/// The out value belongs to one operation: `ready` says whether that operation has filled
/// its own out slot (the typed API fills it when the operation ends, before its completion
/// is reported), and `write` copies the slot to the caller's memory.
struct PendingOut {
    /// The handle whose `REQUEST_COMPLETE` the operation reports through.
    handle: u32,
    /// The registration's identity (to disarm it when the call did not pend).
    id: u64,
    /// True once the call answered `ERROR_IO_PENDING` (its operation is queued on the
    /// handle's object); false while the call is still running.
    armed: bool,
    /// Whether the operation has filled its out slot.
    ready: Box<dyn Fn() -> bool + Send>,
    /// Writes the slot's value to the caller's memory.
    write: Box<dyn FnOnce() + Send>,
}

/// A caller's out pointer carried to the completion (the application keeps it valid until
/// then, as Windows requires of asynchronous out parameters).
#[derive(Clone, Copy)]
struct OutPtr<T>(*mut T);
// SAFETY: the pointer is only written, once, under the contract above.
unsafe impl<T> Send for OutPtr<T> {}

/// Pending out values, in registration order.
static PENDING: Mutex<Vec<PendingOut>> = Mutex::new(Vec::new());

/// The next registration id.
static NEXT_PENDING: AtomicU64 = AtomicU64::new(1);

fn pending() -> std::sync::MutexGuard<'static, Vec<PendingOut>> {
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Registers the out value of one operation on `handle`: `write` gets the operation's own
/// out slot `value` once the operation has filled it. Called *before* the typed API is
/// asked, since a pending operation's completion may reach the callback before the call
/// returns; [`keep_if_pending`] arms it when the call pended and drops it otherwise.
fn pend<E: Clone + Send + 'static>(
    handle: HandleValue,
    value: Slot<E>,
    write: impl FnOnce(&E) + Send + 'static,
) -> u64 {
    let id = NEXT_PENDING.fetch_add(1, Ordering::Relaxed);
    let probe = value.clone();
    let entry = PendingOut {
        handle: handle.0,
        id,
        armed: false,
        ready: Box::new(move || {
            probe
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_some()
        }),
        write: Box::new(move || {
            let found = value.lock().unwrap_or_else(PoisonError::into_inner).clone();
            if let Some(found) = found {
                write(&found);
            }
        }),
    };
    pending().push(entry);
    id
}

/// Registers a DWORD out value (`None`: a NULL pointer, nothing to write).
fn pend_dword(handle: HandleValue, value: Slot<u32>, out: *mut u32) -> Option<u64> {
    if out.is_null() {
        return None;
    }
    let out = OutPtr(out);
    Some(pend(handle, value, move |n: &u32| {
        let out = out;
        // SAFETY: the application keeps its out pointer valid until REQUEST_COMPLETE.
        unsafe { raw::write(out.0, *n) };
    }))
}

/// Arms registration `id` when the call answered `ERROR_IO_PENDING`; drops it otherwise
/// (no completion will come for it). A completion already delivered may have consumed it.
fn keep_if_pending<R, O>(id: Option<u64>, answer: &Answer<R, O>) {
    let Some(id) = id else {
        return;
    };
    let mut all = pending();
    if answer.last_error == Some(ERROR_IO_PENDING) {
        if let Some(entry) = all.iter_mut().find(|e| e.id == id) {
            entry.armed = true;
        }
    } else {
        all.retain(|e| e.id != id);
    }
}

/// How many operations the machine still holds queued on `handle`'s object; `None` when
/// the handle no longer addresses an open object (closed, or its parent closed).
fn queued_operations(api: &WinInet, handle: HandleValue) -> Option<usize> {
    let object = api.engine().pin(handle)?.object();
    api.engine()
        .inspect(|machine| machine.object(object).map(|o| o.pending_ops()))
}

/// A `REQUEST_COMPLETE` of `handle` is about to reach the application: writes the out
/// value of every operation of `handle` that has ended, and forgets those whose operation
/// ended without one.
///
/// Which operation a `REQUEST_COMPLETE` reports is not part of the notification, so each
/// out value is matched to its own operation through its slot: an operation fills its
/// slot when it ends, before its completion is reported, so a filled slot is written (at
/// this completion or at an earlier one of the same handle, never before its operation
/// ended and never after its own `REQUEST_COMPLETE`). An operation that failed leaves its
/// slot empty: WinINet runs a handle's operations one at a time in call order (one lane),
/// so when `n` armed registrations exist and the machine still holds only `p` operations
/// on the object, the oldest `n - p` have ended and are forgotten. When the handle is no
/// longer open every out value of it is dropped unwritten (never written after a close).
///
/// Limits: the `n - p` rule takes registration order for queue order, which calls on one
/// handle from several threads at once may not keep (a value of an operation still queued
/// could then be forgotten); an unarmed registration whose slot the call itself filled
/// (a read served inline) may be written here as well as by its own call, with the same
/// value.
fn settle_completion(api: &WinInet, handle: HandleValue) {
    let queued = queued_operations(api, handle);
    let writes: Vec<Box<dyn FnOnce() + Send>> = {
        let mut all = pending();
        let Some(queued) = queued else {
            all.retain(|e| e.handle != handle.0);
            return;
        };
        let armed = all
            .iter()
            .filter(|e| e.handle == handle.0 && e.armed)
            .count();
        let mut ended = armed.saturating_sub(queued);
        let mut writes = Vec::new();
        let mut kept = Vec::with_capacity(all.len());
        for entry in all.drain(..) {
            if entry.handle != handle.0 {
                kept.push(entry);
                continue;
            }
            let has_ended = entry.armed && ended > 0;
            if has_ended {
                ended -= 1;
            }
            if (entry.ready)() {
                writes.push(entry.write);
            } else if !has_ended {
                kept.push(entry);
            }
        }
        *all = kept;
        writes
    };
    for write in writes {
        write();
    }
}

/// Drops the out values of `handle` unwritten (its `HANDLE_CLOSING`, its close).
fn drop_pending(handle: HandleValue) {
    pending().retain(|e| e.handle != handle.0);
}

/// After a close: drops the out values of every handle that no longer addresses an open
/// object (the closed handle's children are closed with it).
fn drop_pending_of_closed(api: &WinInet) {
    let mut handles: Vec<u32> = pending().iter().map(|e| e.handle).collect();
    handles.sort_unstable();
    handles.dedup();
    let closed: Vec<u32> = handles
        .into_iter()
        .filter(|h| api.engine().pin(HandleValue(*h)).is_none())
        .collect();
    if !closed.is_empty() {
        pending().retain(|e| !closed.contains(&e.handle));
    }
}

// ---------------------------------------------------------------------------------------
// Status callbacks

/// The application's callbacks by (function address, set through `…W`), with the wrapper of
/// each (the typed API tells callbacks apart by `Arc` identity).
static CALLBACKS: Mutex<Vec<(usize, bool, Arc<StatusCallback>)>> = Mutex::new(Vec::new());

/// The wrapper of `f`, created on first use.
fn wrap_callback(f: InternetStatusCallback, wide: bool) -> Arc<StatusCallback> {
    let key = f as usize;
    let mut callbacks = CALLBACKS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, _, w)) = callbacks.iter().find(|(k, w, _)| *k == key && *w == wide) {
        return w.clone();
    }
    let wrapper: Arc<StatusCallback> =
        Arc::new(move |api: &WinInet, status: &Status| deliver(api, f, wide, status));
    callbacks.push((key, wide, wrapper.clone()));
    wrapper
}

/// The C function behind a wrapper (`None` for one this module did not create).
fn unwrap_callback(wrapper: &Arc<StatusCallback>) -> Option<usize> {
    let callbacks = CALLBACKS.lock().unwrap_or_else(PoisonError::into_inner);
    callbacks
        .iter()
        .find(|(_, _, w)| Arc::ptr_eq(w, wrapper))
        .map(|(k, _, _)| *k)
}

/// Calls the application's callback with Wine's `lpvStatusInformation` for `status`.
fn deliver(api: &WinInet, f: InternetStatusCallback, wide: bool, status: &Status) {
    match status.status {
        wi::INTERNET_STATUS_REQUEST_COMPLETE => settle_completion(api, status.handle),
        wi::INTERNET_STATUS_HANDLE_CLOSING => drop_pending(status.handle),
        _ => {}
    }
    let h = hinternet(status.handle).cast_const();
    let context = status.context as usize;
    let code = status.status;
    let call = |p: *const c_void, len: u32| {
        // SAFETY: the application registered `f` as an INTERNET_STATUS_CALLBACK of this
        // build's convention; `p` is NULL or points at a value that lives until it returns.
        unsafe { f(h, context, code, p, len) }
    };
    match &status.info {
        StatusInfo::None => call(core::ptr::null(), 0),
        StatusInfo::Handle(other) => {
            let value = hinternet(*other);
            call((&raw const value).cast(), size_of::<HINTERNET>() as u32);
        }
        StatusInfo::Bytes(n) => call((&raw const *n).cast(), 4),
        StatusInfo::AsyncResult { result, error } => {
            let value = INTERNET_ASYNC_RESULT {
                dwResult: *result as usize,
                dwError: *error,
            };
            call(
                (&raw const value).cast(),
                size_of::<INTERNET_ASYNC_RESULT>() as u32,
            );
        }
        StatusInfo::Text(text) => {
            let wide_text = wide
                && matches!(
                    code,
                    wi::INTERNET_STATUS_RESOLVING_NAME | wi::INTERNET_STATUS_REDIRECT
                );
            if wide_text {
                let mut units = u16::encode(text);
                units.push(0);
                call(units.as_ptr().cast(), dword_len(units.len() * 2));
            } else {
                let mut bytes = u8::encode(text);
                bytes.push(0);
                call(bytes.as_ptr().cast(), dword_len(bytes.len()));
            }
        }
    }
}

/// `INTERNET_INVALID_STATUS_CALLBACK`: `(INTERNET_STATUS_CALLBACK)-1`.
fn invalid_status_callback() -> *const c_void {
    core::ptr::without_provenance(usize::MAX)
}

// ---------------------------------------------------------------------------------------
// Generic bodies (one per W/A pair)

/// `InternetSetStatusCallback{W,A}`.
fn set_status_callback(
    h: HINTERNET,
    f: Option<InternetStatusCallback>,
    wide: bool,
) -> *const c_void {
    guard(Family::WinInet, invalid_status_callback(), || {
        let handle = match handle_of(h) {
            Ok(handle) => handle,
            Err(code) => {
                last_error::set(code);
                return invalid_status_callback();
            }
        };
        let wrapper = f.map(|f| wrap_callback(f, wide));
        let answer = wininet().internet_set_status_callback(handle, wrapper);
        set_error(&answer);
        match answer.ret {
            Ok(Some(previous)) => unwrap_callback(&previous)
                .map_or(core::ptr::null(), core::ptr::with_exposed_provenance),
            Ok(None) => core::ptr::null(),
            Err(()) => invalid_status_callback(),
        }
    })
}

/// `HttpOpenRequest{W,A}`.
///
/// # Safety
/// Strings NULL or NUL-terminated; `accept` NULL or a NULL-terminated array of such.
#[allow(clippy::too_many_arguments)]
unsafe fn open_request<T: Unit>(
    connect: HINTERNET,
    verb: *const T,
    object: *const T,
    version: *const T,
    referrer: *const T,
    accept: *const *const T,
    flags: u32,
    context: usize,
) -> HINTERNET {
    handle_export(|api| {
        let connect = handle_of(connect)?;
        // SAFETY: forwarded contract.
        let (verb, object, version, referrer) = unsafe {
            (
                opt_str(verb),
                opt_str(object),
                opt_str(version),
                opt_str(referrer),
            )
        };
        let mut types = Vec::new();
        if !accept.is_null() {
            for i in 0..1024 {
                // SAFETY: the array is NULL-terminated (contract); we stop at its NULL.
                let entry = unsafe { raw::read(accept.add(i)) }.unwrap_or(core::ptr::null());
                // SAFETY: each entry is NUL-terminated (contract).
                match unsafe { opt_str(entry) } {
                    Some(text) => types.push(text),
                    None => break,
                }
            }
        }
        let types: Vec<&str> = types.iter().map(String::as_str).collect();
        Ok(api.http_open_request(
            connect,
            verb.as_deref(),
            object.as_deref(),
            version.as_deref(),
            referrer.as_deref(),
            &types,
            flags,
            context as u64,
        ))
    })
}

/// `HttpSendRequestEx{W,A}`: headers, total length and initial body bytes from
/// `INTERNET_BUFFERS`; the initial bytes go out with the head, in the same (possibly
/// asynchronous) send.
///
/// # Safety
/// `buffers_in` NULL or a valid `INTERNET_BUFFERS` of this set with valid pointers.
unsafe fn send_request_ex<T: Unit, B: Copy>(
    request: HINTERNET,
    buffers_in: *const B,
    fields: impl Fn(&B) -> (*const T, u32, *const c_void, u32, u32),
) -> BOOL {
    bool_export(|api| {
        let request = handle_of(request)?;
        // SAFETY: forwarded contract.
        let parts = unsafe { raw::read(buffers_in) }.map(|b| fields(&b));
        let (headers, body, total) = match parts {
            None => (None, &[][..], 0),
            Some((h, h_len, body, body_len, total)) => {
                // SAFETY: forwarded contract (strings with their lengths, body bytes).
                let headers = if h_len == 0 {
                    None
                } else {
                    unsafe { str_n(h, h_len) }
                };
                // SAFETY: forwarded contract.
                let body =
                    unsafe { raw::bytes(body.cast(), body_len) }.ok_or(ERROR_INVALID_PARAMETER)?;
                (headers, body, total)
            }
        };
        let answer = api.http_send_request_ex_with_body(request, headers.as_deref(), total, body);
        Ok(bool_of(&answer))
    })
}

/// `HttpQueryInfo{W,A}`: sizes in bytes; `HTTP_QUERY_CUSTOM` reads the header name from
/// the buffer (as Windows does); text is copied with its NUL, the size written back
/// without it; a short buffer is `ERROR_INSUFFICIENT_BUFFER` with the size needed in bytes.
///
/// # Safety
/// `buffer` NULL or writable (and, for `HTTP_QUERY_CUSTOM`, NUL-terminated) for
/// `*length` bytes; the DWORD pointers NULL or valid.
unsafe fn query_info<T: Unit>(
    request: HINTERNET,
    level: u32,
    buffer: *mut c_void,
    length: *mut u32,
    index: *mut u32,
) -> BOOL {
    bool_export(|api| {
        let request = handle_of(request)?;
        // SAFETY: forwarded contract.
        let capacity = unsafe { raw::read(length) }.ok_or(ERROR_INVALID_PARAMETER)?;
        let name = if level & 0xFFFF == wi::HTTP_QUERY_CUSTOM && !buffer.is_null() {
            // SAFETY: forwarded contract: the buffer holds the NUL-terminated name.
            unsafe { opt_str(buffer.cast::<T>().cast_const()) }
        } else {
            None
        };
        // SAFETY: forwarded contract.
        let start = unsafe { raw::read(index) };
        // `A` sizes differ from the typed API's (UTF-16) ones for text: ask for the whole
        // value and size it here.
        let ansi = T::CHARSET == Charset::Ansi;
        let out = if ansi {
            OutBuffer::bytes(WHOLE)
        } else if buffer.is_null() {
            OutBuffer {
                has_buffer: false,
                capacity_bytes: capacity,
            }
        } else {
            OutBuffer::bytes(capacity)
        };
        let answer = api.http_query_info(request, level, name.as_deref(), out, start);
        if !answer.ret {
            if let Some(required) = answer.out.required {
                // SAFETY: forwarded contract (non-NULL checked above).
                unsafe { raw::write(length, required) };
            }
            return Ok(bool_of(&answer));
        }
        let Some(value) = answer.out.answer.as_ref() else {
            return Err(wi::ERROR_INTERNET_INTERNAL_ERROR);
        };
        let fits = |n: usize| !buffer.is_null() && n <= capacity as usize;
        let written = match &value.value {
            QueryValue::Text(text) => {
                let units: Vec<T> = T::encode(&String::from_utf16_lossy(text));
                let unit = size_of::<T>();
                let need = (units.len() + 1) * unit;
                if !fits(need) {
                    // SAFETY: forwarded contract.
                    unsafe { raw::write(length, dword_len(need)) };
                    return Err(ERROR_INSUFFICIENT_BUFFER);
                }
                // SAFETY: `need` bytes fit in the caller's buffer.
                unsafe { raw::copy_z(buffer.cast::<T>(), &units) };
                dword_len(units.len() * unit)
            }
            QueryValue::Number(n) if fits(4) => {
                // SAFETY: 4 bytes fit.
                unsafe { raw::write(buffer.cast::<u32>(), *n) };
                4
            }
            QueryValue::Number64(n) if fits(8) => {
                // SAFETY: 8 bytes fit.
                unsafe { raw::write(buffer.cast::<u64>(), *n) };
                8
            }
            QueryValue::SystemTime(t) if fits(size_of::<SYSTEMTIME>()) => {
                // SAFETY: the structure fits.
                unsafe { raw::write(buffer.cast::<SYSTEMTIME>(), SYSTEMTIME::from(*t)) };
                size_of::<SYSTEMTIME>() as u32
            }
            QueryValue::Number(_) => return short(length, 4),
            QueryValue::Number64(_) => return short(length, 8),
            QueryValue::SystemTime(_) => return short(length, size_of::<SYSTEMTIME>() as u32),
        };
        // SAFETY: forwarded contract.
        unsafe {
            raw::write(length, written);
            if let Some(i) = value.next_index {
                raw::write(index, i);
            }
        }
        Ok(bool_of(&answer))
    })
}

/// `ERROR_INSUFFICIENT_BUFFER` with `required` bytes written back.
fn short(length: *mut u32, required: u32) -> Result<BOOL, u32> {
    // SAFETY: callers pass the export's validated, non-NULL length pointer.
    unsafe { raw::write(length, required) };
    Err(ERROR_INSUFFICIENT_BUFFER)
}

/// `InternetReadFileEx{W,A}`: the buffer and its length come in `INTERNET_BUFFERS`; the bytes
/// read go back in its `dwBufferLength`.
///
/// # Safety
/// `buffers` NULL or a valid `INTERNET_BUFFERS` whose `lpvBuffer` is writable for
/// `dwBufferLength` bytes until the read completes.
unsafe fn read_file_ex<B: Copy>(
    handle: HINTERNET,
    buffers: *mut B,
    flags: u32,
    fields: impl Fn(&B) -> (*mut c_void, u32),
    length_field: impl Fn(*mut B) -> *mut u32,
) -> BOOL {
    bool_export(|api| {
        let handle = handle_of(handle)?;
        // SAFETY: forwarded contract.
        let b = unsafe { raw::read(buffers.cast_const()) }.ok_or(ERROR_INVALID_PARAMETER)?;
        let (ptr, len) = fields(&b);
        if ptr.is_null() && len > 0 {
            return Err(ERROR_INVALID_PARAMETER);
        }
        let buffer = Arc::new(InetCallerBuffer {
            ptr: ptr.cast(),
            len: len as usize,
        });
        let read = slot();
        let out = length_field(buffers);
        let id = pend_dword(handle, read.clone(), out);
        let answer = api.internet_read_file_ex(handle, buffer, read, flags);
        keep_if_pending(id, &answer);
        if answer.ret {
            // SAFETY: forwarded contract (the structure is valid).
            unsafe { raw::write(out, answer.out) };
        }
        Ok(bool_of(&answer))
    })
}

/// `InternetSetOption{W,A}`: lengths in bytes, in characters for strings.
///
/// # Safety
/// `buffer` NULL or valid for what the option's length says (strings NUL-terminated when
/// the length is 0; `INTERNET_PROXY_INFO` strings NULL or NUL-terminated).
unsafe fn set_option<T: Unit>(
    handle: HINTERNET,
    option: u32,
    buffer: *const c_void,
    len: u32,
) -> BOOL {
    bool_export(|api| {
        let handle = handle_of(handle)?;
        let kind = inet_options::spec(option).map_or(ValueKind::NoBuffer, |s| s.kind);
        let value = if buffer.is_null() {
            None
        } else {
            match kind {
                ValueKind::Text => {
                    // SAFETY: forwarded contract (0: NUL-terminated).
                    unsafe { str_n(buffer.cast::<T>(), len) }.map(OptionValue::Text)
                }
                ValueKind::Proxy if len as usize >= size_of::<INTERNET_PROXY_INFO>() => {
                    // SAFETY: forwarded contract.
                    let info = unsafe { raw::read(buffer.cast::<INTERNET_PROXY_INFO>()) };
                    info.map(|info| {
                        // SAFETY: forwarded contract (strings of this set).
                        let (proxy, bypass) = unsafe {
                            (
                                opt_str(info.lpszProxy.cast::<T>()),
                                opt_str(info.lpszProxyBypass.cast::<T>()),
                            )
                        };
                        OptionValue::Proxy(ProxyInfo {
                            access_type: info.dwAccessType,
                            proxy,
                            bypass,
                        })
                    })
                }
                other => {
                    let read_len = match other {
                        ValueKind::Dword => len.min(8),
                        ValueKind::Pointer => len.min(8),
                        ValueKind::Struct(size) => len.min(size),
                        _ => 0,
                    };
                    // SAFETY: forwarded contract (`len` bytes, of which `read_len` are read).
                    let bytes = unsafe { raw::bytes(buffer.cast::<u8>(), read_len) }.unwrap_or(&[]);
                    OptionValue::decode(other, option, bytes, T::CHARSET, len)
                }
            }
        };
        Ok(bool_of(&api.internet_set_option(
            handle,
            option,
            value.as_ref(),
            len,
        )))
    })
}

/// The bytes `InternetQueryOption{W,A}` writes for `value`: the structure and, for proxy
/// information, its strings after it (pointers into the caller's buffer).
fn option_bytes<T: Unit>(value: &OptionValue, base: usize) -> Option<Vec<u8>> {
    let units_bytes = |text: &str| -> Vec<u8> {
        let mut units = T::encode(text);
        units.push(T::default());
        let mut out = Vec::with_capacity(units.len() * size_of::<T>());
        for u in units {
            u.push_le(&mut out);
        }
        out
    };
    Some(match value {
        OptionValue::Dword(v) => v.to_le_bytes().to_vec(),
        OptionValue::Pointer(v) => v.to_le_bytes().to_vec(),
        OptionValue::Text(text) => units_bytes(text),
        OptionValue::Version { major, minor } => {
            [major.to_le_bytes(), minor.to_le_bytes()].concat()
        }
        OptionValue::ConnectedInfo { state, flags } => {
            [state.to_le_bytes(), flags.to_le_bytes()].concat()
        }
        OptionValue::Proxy(info) => {
            let head = size_of::<INTERNET_PROXY_INFO>();
            let proxy = info.proxy.as_deref().map(units_bytes);
            let bypass = info.bypass.as_deref().map(units_bytes);
            let proxy_at = proxy.as_ref().map(|_| base + head);
            let bypass_at = bypass
                .as_ref()
                .map(|_| base + head + proxy.as_ref().map_or(0, Vec::len));
            let mut out = Vec::new();
            out.extend_from_slice(&info.access_type.to_le_bytes());
            out.extend_from_slice(&[0; 4]);
            out.extend_from_slice(&(proxy_at.unwrap_or(0) as u64).to_le_bytes());
            out.extend_from_slice(&(bypass_at.unwrap_or(0) as u64).to_le_bytes());
            out.extend(proxy.unwrap_or_default());
            out.extend(bypass.unwrap_or_default());
            out
        }
    })
}

/// `InternetQueryOption{W,A}`: sizes in bytes. The `W` sizes are the typed API's; the `A`
/// function sizes strings in bytes of ANSI (failure: the size needed with the NUL; success:
/// the length without it), as Wine's `INET_QueryOption` does for both sets.
///
/// # Safety
/// `buffer` NULL or writable for `*length` bytes; `length` NULL or valid.
unsafe fn query_option<T: Unit>(
    handle: HINTERNET,
    option: u32,
    buffer: *mut c_void,
    length: *mut u32,
) -> BOOL {
    bool_export(|api| {
        let handle = handle_of(handle)?;
        // SAFETY: forwarded contract.
        let capacity = unsafe { raw::read(length) };
        let asked = QueryBuffer {
            length: capacity,
            has_buffer: !buffer.is_null(),
        };
        let kind = inet_options::spec(option).map(|s| s.kind);
        let recompute = T::CHARSET == Charset::Ansi
            && matches!(kind, Some(ValueKind::Text | ValueKind::Proxy))
            && capacity.is_some();
        let answer = api.internet_query_option(
            handle,
            option,
            if recompute {
                QueryBuffer::of(WHOLE)
            } else {
                asked
            },
        );
        match answer.out.as_ref() {
            Some(Ok(QueryOutcome::Value { value, length: len })) => {
                let capacity = capacity.unwrap_or(0);
                let bytes = option_bytes::<T>(value, buffer.addr()).unwrap_or_default();
                if recompute && (buffer.is_null() || bytes.len() > capacity as usize) {
                    // SAFETY: forwarded contract (`recompute` implies a length pointer).
                    unsafe { raw::write(length, dword_len(bytes.len())) };
                    return Err(ERROR_INSUFFICIENT_BUFFER);
                }
                if buffer.is_null() || bytes.len() > capacity as usize {
                    return Err(ERROR_INSUFFICIENT_BUFFER);
                }
                // SAFETY: `bytes` fit in the caller's buffer.
                unsafe {
                    core::ptr::copy_nonoverlapping(
                        bytes.as_ptr(),
                        buffer.cast::<u8>(),
                        bytes.len(),
                    );
                }
                let reported = match value {
                    OptionValue::Text(text) if recompute => dword_len(T::encode(text).len()),
                    _ if recompute => dword_len(bytes.len()),
                    _ => *len,
                };
                // SAFETY: forwarded contract.
                unsafe { raw::write(length, reported) };
            }
            Some(Err(failure)) => {
                if let Some(len) = failure.length {
                    // SAFETY: forwarded contract (NULL is checked).
                    unsafe { raw::write(length, len) };
                }
            }
            Some(Ok(QueryOutcome::Engine)) | None => {}
        }
        Ok(bool_of(&answer))
    })
}

/// `InternetGetLastResponseInfo{W,A}`: sizes in characters of the set.
///
/// # Safety
/// `error` NULL or writable; `buffer` NULL or writable for `*length` units.
unsafe fn last_response_info<T: Unit>(error: *mut u32, buffer: *mut T, length: *mut u32) -> BOOL {
    bool_export(|api| {
        if error.is_null() || length.is_null() {
            return Err(ERROR_INVALID_PARAMETER);
        }
        let answer = api.internet_get_last_response_info(QueryBuffer::of(WHOLE));
        let (code, text) = &answer.out;
        // SAFETY: forwarded contract (non-NULL checked above).
        unsafe { raw::write(error, *code) };
        let text = match text {
            Ok(t) => t.text.clone(),
            Err(_) => return Ok(bool_of(&answer)),
        };
        // SAFETY: forwarded contract.
        unsafe { put_text(&text, buffer, length) }?;
        Ok(TRUE)
    })
}

/// `InternetGetCookie{W,A}`: `W` sizes are the typed API's; `A` reports the text length + 1
/// bytes in every case (the cookies module's rule), TRUE with a NULL buffer.
///
/// # Safety
/// Strings NULL or NUL-terminated; `data` NULL or writable for `*size` units.
unsafe fn get_cookie<T: Unit>(url: *const T, name: *const T, data: *mut T, size: *mut u32) -> BOOL {
    bool_export(|api| {
        // SAFETY: forwarded contract.
        let (url, name) = unsafe { (opt_str(url), opt_str(name)) };
        // SAFETY: forwarded contract.
        let capacity = unsafe { raw::read(size) }.ok_or(ERROR_INVALID_PARAMETER)?;
        let wide = T::CHARSET == Charset::Wide;
        let asked = if !wide {
            QueryBuffer::of(WHOLE)
        } else if data.is_null() {
            QueryBuffer::null(capacity)
        } else {
            QueryBuffer::of(capacity)
        };
        let answer = api.internet_get_cookie(url.as_deref(), name.as_deref(), asked);
        match &answer.out {
            Ok(cookie) => {
                let units = T::encode(&cookie.text);
                if wide {
                    if !data.is_null() {
                        // SAFETY: the typed API checked that the text fits.
                        unsafe { raw::copy_z(data, &units) };
                    }
                    // SAFETY: forwarded contract.
                    unsafe { raw::write(size, cookie.length) };
                    return Ok(bool_of(&answer));
                }
                let need = dword_len(units.len() + 1);
                // SAFETY: forwarded contract.
                unsafe { raw::write(size, need) };
                if data.is_null() {
                    return Ok(TRUE);
                }
                if capacity < need {
                    return Err(ERROR_INSUFFICIENT_BUFFER);
                }
                // SAFETY: `need` bytes fit.
                unsafe { raw::copy_z(data, &units) };
                Ok(TRUE)
            }
            Err(failure) => {
                if let Some(len) = failure.length {
                    // SAFETY: forwarded contract.
                    unsafe { raw::write(size, len) };
                }
                Ok(bool_of(&answer))
            }
        }
    })
}

/// `InternetFindNextFile{W,A}`.
///
/// # Safety
/// `data` NULL or writable for the find structure of the handle's protocol (until
/// `REQUEST_COMPLETE` when asynchronous).
unsafe fn find_next<T: FindStructs>(find: HINTERNET, data: *mut c_void) -> BOOL {
    bool_export(|api| {
        let find = handle_of(find)?;
        let entry = slot();
        // SAFETY: forwarded contract (asynchronous: valid until REQUEST_COMPLETE).
        let id = unsafe { pend_first(find, data, entry.clone(), write_entry::<T>) };
        let answer = api.internet_find_next_file(find, entry);
        keep_if_pending(id, &answer);
        if let Some(found) = &answer.out {
            // SAFETY: forwarded contract.
            unsafe { write_entry::<T>(data, found) };
        }
        Ok(bool_of(&answer))
    })
}

/// Registers the write of a found entry (`value`: a find-first call's first entry or an
/// `InternetFindNextFile` entry, filled by the typed API when the operation ends) to `data`
/// for the operation's completion on `handle` (the connect for a find-first, the find
/// handle for a find-next; `None`: `data` is NULL, nothing to write).
///
/// # Safety
/// `data` NULL or writable for the structure `write` writes until `REQUEST_COMPLETE`.
unsafe fn pend_first<E: Clone + Send + 'static>(
    handle: HandleValue,
    data: *mut c_void,
    value: Slot<E>,
    write: unsafe fn(*mut c_void, &E),
) -> Option<u64> {
    if data.is_null() {
        return None;
    }
    let out = OutPtr(data);
    Some(pend(handle, value, move |found: &E| {
        let out = out;
        // SAFETY: the application keeps the structure valid until REQUEST_COMPLETE
        // (Windows' rule for asynchronous out values).
        unsafe { write(out.0, found) };
    }))
}

/// `FtpFindFirstFile{W,A}`.
///
/// # Safety
/// `search` NULL or NUL-terminated; `data` NULL or writable for `WIN32_FIND_DATA`.
unsafe fn ftp_find_first<T: FindStructs>(
    connect: HINTERNET,
    search: *const T,
    data: *mut c_void,
    flags: u32,
    context: usize,
) -> HINTERNET {
    handle_export(|api| {
        let connect = handle_of(connect)?;
        // SAFETY: forwarded contract.
        let search = unsafe { opt_str(search) };
        let first = slot();
        // SAFETY: forwarded contract (asynchronous: valid until REQUEST_COMPLETE).
        let id = unsafe { pend_first(connect, data, first.clone(), T::write_ftp) };
        let answer =
            api.ftp_find_first_file(connect, search.as_deref(), flags, context as u64, first);
        keep_if_pending(id, &answer);
        if let Some(first) = &answer.out {
            // SAFETY: forwarded contract.
            unsafe { T::write_ftp(data, first) };
        }
        Ok(Answer {
            ret: answer.ret,
            last_error: answer.last_error,
            out: (),
        })
    })
}

/// `GopherFindFirstFile{W,A}`.
///
/// # Safety
/// Strings NULL or NUL-terminated; `data` NULL or writable for `GOPHER_FIND_DATA`.
unsafe fn gopher_find_first<T: FindStructs>(
    connect: HINTERNET,
    locator: *const T,
    search: *const T,
    data: *mut c_void,
    flags: u32,
    context: usize,
) -> HINTERNET {
    handle_export(|api| {
        let connect = handle_of(connect)?;
        // SAFETY: forwarded contract.
        let (locator, search) = unsafe { (opt_str(locator), opt_str(search)) };
        let first = slot();
        // SAFETY: forwarded contract (asynchronous: valid until REQUEST_COMPLETE).
        let id = unsafe { pend_first(connect, data, first.clone(), T::write_gopher) };
        let answer = api.gopher_find_first_file(
            connect,
            locator.as_deref(),
            search.as_deref(),
            flags,
            context as u64,
            first,
        );
        keep_if_pending(id, &answer);
        if let Some(first) = &answer.out {
            // SAFETY: forwarded contract.
            unsafe { T::write_gopher(data, first) };
        }
        Ok(Answer {
            ret: answer.ret,
            last_error: answer.last_error,
            out: (),
        })
    })
}

/// The Gopher+ attribute blocks as one text, each block as the server sent it (`+NAME:`,
/// then its lines).
fn attribute_text(attributes: &[GopherAttribute]) -> String {
    attributes
        .iter()
        .map(|a| format!("+{}:{}", a.name, a.text))
        .collect()
}

/// Hands `attributes` to the application: one enumerator call per block (each block as a
/// `GOPHER_CATEGORY_ID_UNKNOWN` / `GOPHER_ATTRIBUTE_ID_UNKNOWN` attribute whose `Text` is
/// the block's text in this character set; FALSE from the enumerator stops), or, without an
/// enumerator, the text of all blocks NUL-terminated in `buffer` (`capacity` characters)
/// with its length in characters in `*returned`. A short buffer is
/// `ERROR_INSUFFICIENT_BUFFER` with the characters needed (NUL included) in `*returned`.
///
/// # Safety
/// `buffer` NULL or writable for `capacity` units; `returned` NULL or writable.
unsafe fn deliver_attributes<T: Unit>(
    attributes: &[GopherAttribute],
    buffer: *mut T,
    capacity: u32,
    returned: *mut u32,
    enumerator: Option<GopherAttributeEnumerator>,
) -> Result<(), u32> {
    if let Some(enumerate) = enumerator {
        for attribute in attributes {
            let mut text = T::encode(&format!("+{}:{}", attribute.name, attribute.text));
            text.push(T::default());
            let info = wi::GOPHER_ATTRIBUTE_TYPE {
                CategoryId: wi::GOPHER_CATEGORY_ID_UNKNOWN,
                AttributeId: wi::GOPHER_ATTRIBUTE_ID_UNKNOWN,
                AttributeType: wi::GOPHER_ATTRIBUTE_TYPE_0 {
                    Unknown: wi::GOPHER_UNKNOWN_ATTRIBUTE_TYPE {
                        Text: text.as_mut_ptr().cast(),
                    },
                },
            };
            // SAFETY: the application's enumerator of this build's convention; `info` and
            // its text live until it returns.
            if unsafe { enumerate(&info, ERROR_SUCCESS) } == FALSE {
                break;
            }
        }
        return Ok(());
    }
    let units = T::encode(&attribute_text(attributes));
    match fit(units.len(), capacity, !buffer.is_null()) {
        Ok(len) => {
            // SAFETY: `fit` checked that the text and its NUL fit in `capacity` units.
            unsafe {
                raw::copy_z(buffer, &units);
                raw::write(returned, len);
            }
            Ok(())
        }
        Err((code, required)) => {
            // SAFETY: forwarded contract.
            unsafe { raw::write(returned, required) };
            Err(code)
        }
    }
}

/// `GopherGetAttribute{W,A}`: the Gopher+ attributes of `locator` (the blocks named by
/// `name`, all without it). Asynchronous: the buffer or the enumerator is served on the
/// library's thread just before `REQUEST_COMPLETE` (a short buffer then leaves the buffer
/// untouched and the characters needed in `*returned`).
///
/// # Safety
/// Strings NULL or NUL-terminated; `buffer` NULL or writable for `capacity` units and
/// `returned` NULL or writable (until `REQUEST_COMPLETE` when asynchronous).
#[allow(clippy::too_many_arguments)] // Windows' signature
unsafe fn gopher_get_attribute<T: Unit + Send>(
    connect: HINTERNET,
    locator: *const T,
    name: *const T,
    buffer: *mut T,
    capacity: u32,
    returned: *mut u32,
    enumerator: Option<GopherAttributeEnumerator>,
) -> BOOL {
    bool_export(|api| {
        let connect = handle_of(connect)?;
        // SAFETY: forwarded contract.
        let (locator, name) = unsafe { (opt_str(locator), opt_str(name)) };
        let locator = locator.ok_or(ERROR_INVALID_PARAMETER)?;
        if enumerator.is_none() && returned.is_null() {
            return Err(ERROR_INVALID_PARAMETER);
        }
        let attributes: Slot<Vec<GopherAttribute>> = slot();
        let (out, count) = (OutPtr(buffer), OutPtr(returned));
        let id = pend(
            connect,
            attributes.clone(),
            move |found: &Vec<GopherAttribute>| {
                let (out, count) = (out, count);
                // SAFETY: the application keeps the buffer, count and enumerator valid until
                // REQUEST_COMPLETE (Windows' rule for asynchronous out values).
                let _ = unsafe { deliver_attributes(found, out.0, capacity, count.0, enumerator) };
            },
        );
        let answer = api.gopher_get_attribute(connect, &locator, name.as_deref(), attributes);
        keep_if_pending(Some(id), &answer);
        if let Some(found) = &answer.out {
            // SAFETY: forwarded contract.
            unsafe { deliver_attributes(found, buffer, capacity, returned, enumerator) }?;
        }
        Ok(bool_of(&answer))
    })
}

/// `FtpGetCurrentDirectory{W,A}`: sizes in characters of the set.
///
/// # Safety
/// `buffer` NULL or writable for `*length` units; `length` NULL or valid.
unsafe fn ftp_current_directory<T: Unit>(
    connect: HINTERNET,
    buffer: *mut T,
    length: *mut u32,
) -> BOOL {
    bool_export(|api| {
        let connect = handle_of(connect)?;
        if length.is_null() {
            return Err(ERROR_INVALID_PARAMETER);
        }
        let directory: Slot<String> = slot();
        let (out, out_length) = (OutPtr(buffer), OutPtr(length));
        let id = pend(connect, directory.clone(), move |dir: &String| {
            let (out, out_length) = (out, out_length);
            // SAFETY: the application keeps the buffer and the length valid until
            // REQUEST_COMPLETE (Windows' rule for asynchronous out values); a short buffer
            // then gets only the characters needed in `*length`.
            let _ = unsafe { put_text(dir, out.0, out_length.0) };
        });
        let answer = api.ftp_get_current_directory(connect, directory);
        keep_if_pending(Some(id), &answer);
        match &answer.out {
            Some(dir) => {
                // SAFETY: forwarded contract.
                unsafe { put_text(dir, buffer, length) }?;
                Ok(bool_of(&answer))
            }
            None => Ok(bool_of(&answer)),
        }
    })
}

/// `GopherCreateLocator{W,A}`: sizes in characters of the set.
///
/// # Safety
/// Strings NULL or NUL-terminated; `buffer` NULL or writable for `*length` units.
unsafe fn gopher_create_locator<T: Unit>(
    host: *const T,
    port: u16,
    display: *const T,
    selector: *const T,
    gopher_type: u32,
    buffer: *mut T,
    length: *mut u32,
) -> BOOL {
    bool_export(|api| {
        // SAFETY: forwarded contract.
        let (host, display, selector) =
            unsafe { (opt_str(host), opt_str(display), opt_str(selector)) };
        let host = host.ok_or(ERROR_INVALID_PARAMETER)?;
        let answer = api.gopher_create_locator(
            &host,
            port,
            display.as_deref(),
            selector.as_deref(),
            gopher_type,
        );
        match &answer.out {
            Some(locator) => {
                // SAFETY: forwarded contract.
                unsafe { put_text(locator, buffer, length) }?;
                Ok(bool_of(&answer))
            }
            None => Ok(bool_of(&answer)),
        }
    })
}

/// Shared body of the BOOL FTP functions that take one or two paths.
fn ftp_path_call(
    connect: HINTERNET,
    path: Option<String>,
    call: impl FnOnce(&WinInet, HandleValue, &str) -> Answer<bool>,
) -> BOOL {
    bool_export(|api| {
        let connect = handle_of(connect)?;
        let path = path.ok_or(ERROR_INVALID_PARAMETER)?;
        Ok(bool_of(&call(api, connect, &path)))
    })
}

/// Writes the synchronous DWORD result of a read-like call; keeps its registration (`id`)
/// only when the call pends.
fn read_count(id: Option<u64>, answer: &Answer<bool, u32>, out: *mut u32) {
    keep_if_pending(id, answer);
    if answer.ret {
        // SAFETY: the caller's out pointer, NULL or writable (export contracts).
        unsafe { raw::write(out, answer.out) };
    }
}

/// Per-handle pending-value bookkeeping is keyed by value; expose the count for tests.
#[cfg(test)]
fn pending_of(handle: HandleValue) -> usize {
    pending().iter().filter(|e| e.handle == handle.0).count()
}

/// Which of an `INTERNET_BUFFERS` pair's fields the generic bodies use.
fn buffers_w(b: &INTERNET_BUFFERSW) -> (*const u16, u32, *const c_void, u32, u32) {
    (
        b.lpcszHeader,
        b.dwHeadersLength,
        b.lpvBuffer.cast_const(),
        b.dwBufferLength,
        b.dwBufferTotal,
    )
}

/// As [`buffers_w`] for `INTERNET_BUFFERSA`.
fn buffers_a(b: &INTERNET_BUFFERSA) -> (*const u8, u32, *const c_void, u32, u32) {
    (
        b.lpcszHeader,
        b.dwHeadersLength,
        b.lpvBuffer.cast_const(),
        b.dwBufferLength,
        b.dwBufferTotal,
    )
}

/// A path argument of the host's file system (FtpGetFile/FtpPutFile local names).
fn local_path(text: Option<String>) -> Result<PathBuf, u32> {
    text.filter(|t| !t.is_empty())
        .map(PathBuf::from)
        .ok_or(ERROR_INVALID_PARAMETER)
}

export! {
    /// `HINTERNET InternetOpenW(LPCWSTR lpszAgent, DWORD dwAccessType, LPCWSTR lpszProxy,
    /// LPCWSTR lpszProxyBypass, DWORD dwFlags)`. NULL with `ERROR_NOT_ENOUGH_MEMORY` when
    /// the library's threads cannot be created (the host's `create_thread` refused); the
    /// next call tries again.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn InternetOpenW(lpszAgent: *const u16, dwAccessType: u32, lpszProxy: *const u16,
        lpszProxyBypass: *const u16, dwFlags: u32) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { internet_open(lpszAgent, dwAccessType, lpszProxy, lpszProxyBypass, dwFlags) }
    }

    /// `HINTERNET InternetOpenA(LPCSTR lpszAgent, DWORD dwAccessType, LPCSTR lpszProxy,
    /// LPCSTR lpszProxyBypass, DWORD dwFlags)`.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn InternetOpenA(lpszAgent: *const u8, dwAccessType: u32, lpszProxy: *const u8,
        lpszProxyBypass: *const u8, dwFlags: u32) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { internet_open(lpszAgent, dwAccessType, lpszProxy, lpszProxyBypass, dwFlags) }
    }

    /// `HINTERNET InternetConnectW(HINTERNET hInternet, LPCWSTR lpszServerName,
    /// INTERNET_PORT nServerPort, LPCWSTR lpszUserName, LPCWSTR lpszPassword,
    /// DWORD dwService, DWORD dwFlags, DWORD_PTR dwContext)`. FTP logs in during the call.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn InternetConnectW(hInternet: HINTERNET, lpszServerName: *const u16, nServerPort: u16,
        lpszUserName: *const u16, lpszPassword: *const u16, dwService: u32, dwFlags: u32,
        dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { internet_connect(hInternet, lpszServerName, nServerPort, lpszUserName,
            lpszPassword, dwService, dwFlags, dwContext) }
    }

    /// `HINTERNET InternetConnectA(...)`: as [`InternetConnectW`] with ANSI strings.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn InternetConnectA(hInternet: HINTERNET, lpszServerName: *const u8, nServerPort: u16,
        lpszUserName: *const u8, lpszPassword: *const u8, dwService: u32, dwFlags: u32,
        dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { internet_connect(hInternet, lpszServerName, nServerPort, lpszUserName,
            lpszPassword, dwService, dwFlags, dwContext) }
    }

    /// `HINTERNET InternetOpenUrlW(HINTERNET hInternet, LPCWSTR lpszUrl, LPCWSTR lpszHeaders,
    /// DWORD dwHeadersLength, DWORD dwFlags, DWORD_PTR dwContext)`: http(s), ftp and gopher
    /// URLs; asynchronous roots answer NULL + `ERROR_IO_PENDING` and deliver the handle in
    /// `REQUEST_COMPLETE`'s `dwResult`. `dwHeadersLength` -1 or 0: NUL-terminated.
    ///
    /// # Safety
    /// `lpszUrl` NUL-terminated; `lpszHeaders` NULL or valid for its length.
    fn InternetOpenUrlW(hInternet: HINTERNET, lpszUrl: *const u16, lpszHeaders: *const u16,
        dwHeadersLength: u32, dwFlags: u32, dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { open_url(hInternet, lpszUrl, lpszHeaders, dwHeadersLength, dwFlags, dwContext) }
    }

    /// `HINTERNET InternetOpenUrlA(...)`: as [`InternetOpenUrlW`], ANSI (lengths in bytes).
    ///
    /// # Safety
    /// As [`InternetOpenUrlW`].
    fn InternetOpenUrlA(hInternet: HINTERNET, lpszUrl: *const u8, lpszHeaders: *const u8,
        dwHeadersLength: u32, dwFlags: u32, dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { open_url(hInternet, lpszUrl, lpszHeaders, dwHeadersLength, dwFlags, dwContext) }
    }

    /// `HINTERNET HttpOpenRequestW(HINTERNET hConnect, LPCWSTR lpszVerb,
    /// LPCWSTR lpszObjectName, LPCWSTR lpszVersion, LPCWSTR lpszReferrer,
    /// LPCWSTR *lplpszAcceptTypes, DWORD dwFlags, DWORD_PTR dwContext)`.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated; the accept types NULL or a NULL-terminated array.
    fn HttpOpenRequestW(hConnect: HINTERNET, lpszVerb: *const u16, lpszObjectName: *const u16,
        lpszVersion: *const u16, lpszReferrer: *const u16, lplpszAcceptTypes: *const *const u16,
        dwFlags: u32, dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { open_request(hConnect, lpszVerb, lpszObjectName, lpszVersion, lpszReferrer,
            lplpszAcceptTypes, dwFlags, dwContext) }
    }

    /// `HINTERNET HttpOpenRequestA(...)`: as [`HttpOpenRequestW`] with ANSI strings.
    ///
    /// # Safety
    /// As [`HttpOpenRequestW`].
    fn HttpOpenRequestA(hConnect: HINTERNET, lpszVerb: *const u8, lpszObjectName: *const u8,
        lpszVersion: *const u8, lpszReferrer: *const u8, lplpszAcceptTypes: *const *const u8,
        dwFlags: u32, dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { open_request(hConnect, lpszVerb, lpszObjectName, lpszVersion, lpszReferrer,
            lplpszAcceptTypes, dwFlags, dwContext) }
    }

    /// `BOOL HttpAddRequestHeadersW(HINTERNET hRequest, LPCWSTR lpszHeaders,
    /// DWORD dwHeadersLength, DWORD dwModifiers)`: length in WCHARs, -1 NUL-terminated.
    ///
    /// # Safety
    /// `lpszHeaders` NULL or valid for its length.
    fn HttpAddRequestHeadersW(hRequest: HINTERNET, lpszHeaders: *const u16,
        dwHeadersLength: u32, dwModifiers: u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { add_request_headers(hRequest, lpszHeaders, dwHeadersLength, dwModifiers) }
    }

    /// `BOOL HttpAddRequestHeadersA(...)`: length in bytes.
    ///
    /// # Safety
    /// As [`HttpAddRequestHeadersW`].
    fn HttpAddRequestHeadersA(hRequest: HINTERNET, lpszHeaders: *const u8,
        dwHeadersLength: u32, dwModifiers: u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { add_request_headers(hRequest, lpszHeaders, dwHeadersLength, dwModifiers) }
    }

    /// `BOOL HttpSendRequestW(HINTERNET hRequest, LPCWSTR lpszHeaders,
    /// DWORD dwHeadersLength, LPVOID lpOptional, DWORD dwOptionalLength)`.
    ///
    /// # Safety
    /// `lpszHeaders` NULL or valid for its length; `lpOptional` valid for its length.
    fn HttpSendRequestW(hRequest: HINTERNET, lpszHeaders: *const u16, dwHeadersLength: u32,
        lpOptional: *const c_void, dwOptionalLength: u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { send_request(hRequest, lpszHeaders, dwHeadersLength, lpOptional, dwOptionalLength) }
    }

    /// `BOOL HttpSendRequestA(...)`: header length in bytes.
    ///
    /// # Safety
    /// As [`HttpSendRequestW`].
    fn HttpSendRequestA(hRequest: HINTERNET, lpszHeaders: *const u8, dwHeadersLength: u32,
        lpOptional: *const c_void, dwOptionalLength: u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { send_request(hRequest, lpszHeaders, dwHeadersLength, lpOptional, dwOptionalLength) }
    }

    /// `BOOL HttpSendRequestExW(HINTERNET hRequest, LPINTERNET_BUFFERSW lpBuffersIn,
    /// LPINTERNET_BUFFERSW lpBuffersOut, DWORD dwFlags, DWORD_PTR dwContext)`: headers and
    /// `dwBufferTotal` (the Content-Length) from `lpBuffersIn`; body bytes in it are written
    /// after the head. `lpBuffersOut` is not used (as in Wine).
    ///
    /// # Safety
    /// `lpBuffersIn` NULL or a valid structure.
    fn HttpSendRequestExW(hRequest: HINTERNET, lpBuffersIn: *const INTERNET_BUFFERSW,
        lpBuffersOut: *mut INTERNET_BUFFERSW, dwFlags: u32, dwContext: usize) -> BOOL {
        let _ = (lpBuffersOut, dwFlags, dwContext);
        // SAFETY: forwarded contract.
        unsafe { send_request_ex(hRequest, lpBuffersIn, buffers_w) }
    }

    /// `BOOL HttpSendRequestExA(...)`: as [`HttpSendRequestExW`] with `INTERNET_BUFFERSA`.
    ///
    /// # Safety
    /// As [`HttpSendRequestExW`].
    fn HttpSendRequestExA(hRequest: HINTERNET, lpBuffersIn: *const INTERNET_BUFFERSA,
        lpBuffersOut: *mut INTERNET_BUFFERSA, dwFlags: u32, dwContext: usize) -> BOOL {
        let _ = (lpBuffersOut, dwFlags, dwContext);
        // SAFETY: forwarded contract.
        unsafe { send_request_ex(hRequest, lpBuffersIn, buffers_a) }
    }

    /// `BOOL HttpEndRequestW(HINTERNET hRequest, LPINTERNET_BUFFERSW lpBuffersOut,
    /// DWORD dwFlags, DWORD_PTR dwContext)`: reads the response head.
    ///
    /// # Safety
    /// None beyond the C ABI (`lpBuffersOut` is not used).
    fn HttpEndRequestW(hRequest: HINTERNET, lpBuffersOut: *mut INTERNET_BUFFERSW,
        dwFlags: u32, dwContext: usize) -> BOOL {
        let _ = (lpBuffersOut, dwFlags, dwContext);
        end_request(hRequest)
    }

    /// `BOOL HttpEndRequestA(...)`.
    ///
    /// # Safety
    /// None beyond the C ABI.
    fn HttpEndRequestA(hRequest: HINTERNET, lpBuffersOut: *mut INTERNET_BUFFERSA,
        dwFlags: u32, dwContext: usize) -> BOOL {
        let _ = (lpBuffersOut, dwFlags, dwContext);
        end_request(hRequest)
    }

    /// `BOOL HttpQueryInfoW(HINTERNET hRequest, DWORD dwInfoLevel, LPVOID lpBuffer,
    /// LPDWORD lpdwBufferLength, LPDWORD lpdwIndex)`: sizes in bytes (see `query_info`).
    ///
    /// # Safety
    /// `lpBuffer` NULL or writable for `*lpdwBufferLength` bytes; pointers NULL or valid.
    fn HttpQueryInfoW(hRequest: HINTERNET, dwInfoLevel: u32, lpBuffer: *mut c_void,
        lpdwBufferLength: *mut u32, lpdwIndex: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { query_info::<u16>(hRequest, dwInfoLevel, lpBuffer, lpdwBufferLength, lpdwIndex) }
    }

    /// `BOOL HttpQueryInfoA(...)`: sizes in bytes of ANSI text.
    ///
    /// # Safety
    /// As [`HttpQueryInfoW`].
    fn HttpQueryInfoA(hRequest: HINTERNET, dwInfoLevel: u32, lpBuffer: *mut c_void,
        lpdwBufferLength: *mut u32, lpdwIndex: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { query_info::<u8>(hRequest, dwInfoLevel, lpBuffer, lpdwBufferLength, lpdwIndex) }
    }

    /// `BOOL InternetReadFile(HINTERNET hFile, LPVOID lpBuffer, DWORD dwNumberOfBytesToRead,
    /// LPDWORD lpdwNumberOfBytesRead)`: 0 bytes read with TRUE is the end. Asynchronous:
    /// FALSE + `ERROR_IO_PENDING`; the count is written before `REQUEST_COMPLETE`.
    ///
    /// # Safety
    /// `lpBuffer` writable for its length and the count pointer writable until the read
    /// completes (asynchronous sessions: until `REQUEST_COMPLETE`).
    fn InternetReadFile(hFile: HINTERNET, lpBuffer: *mut c_void, dwNumberOfBytesToRead: u32,
        lpdwNumberOfBytesRead: *mut u32) -> BOOL {
        bool_export(|api| {
            let handle = handle_of(hFile)?;
            if lpdwNumberOfBytesRead.is_null() || (lpBuffer.is_null() && dwNumberOfBytesToRead > 0) {
                return Err(ERROR_INVALID_PARAMETER);
            }
            let buffer = Arc::new(InetCallerBuffer {
                ptr: lpBuffer.cast(),
                len: dwNumberOfBytesToRead as usize,
            });
            let read = slot();
            let id = pend_dword(handle, read.clone(), lpdwNumberOfBytesRead);
            let answer = api.internet_read_file(handle, buffer, read);
            read_count(id, &answer, lpdwNumberOfBytesRead);
            Ok(bool_of(&answer))
        })
    }

    /// `BOOL InternetReadFileExW(HINTERNET hFile, LPINTERNET_BUFFERSW lpBuffersOut,
    /// DWORD dwFlags, DWORD_PTR dwContext)`: reads into `lpvBuffer`; the count goes back in
    /// `dwBufferLength`.
    ///
    /// # Safety
    /// `lpBuffersOut` NULL or valid, its buffer writable until the read completes.
    fn InternetReadFileExW(hFile: HINTERNET, lpBuffersOut: *mut INTERNET_BUFFERSW,
        dwFlags: u32, dwContext: usize) -> BOOL {
        let _ = dwContext;
        // SAFETY: forwarded contract.
        unsafe {
            read_file_ex(hFile, lpBuffersOut, dwFlags, |b| (b.lpvBuffer, b.dwBufferLength),
                |p| (&raw mut (*p).dwBufferLength))
        }
    }

    /// `BOOL InternetReadFileExA(...)`: as [`InternetReadFileExW`].
    ///
    /// # Safety
    /// As [`InternetReadFileExW`].
    fn InternetReadFileExA(hFile: HINTERNET, lpBuffersOut: *mut INTERNET_BUFFERSA,
        dwFlags: u32, dwContext: usize) -> BOOL {
        let _ = dwContext;
        // SAFETY: forwarded contract.
        unsafe {
            read_file_ex(hFile, lpBuffersOut, dwFlags, |b| (b.lpvBuffer, b.dwBufferLength),
                |p| (&raw mut (*p).dwBufferLength))
        }
    }

    /// `BOOL InternetWriteFile(HINTERNET hFile, LPCVOID lpBuffer,
    /// DWORD dwNumberOfBytesToWrite, LPDWORD lpdwNumberOfBytesWritten)`: request bodies
    /// after `HttpSendRequestEx`, FTP uploads. A NULL count pointer is 87.
    ///
    /// # Safety
    /// `lpBuffer` valid for its length during the call; the count pointer NULL or writable.
    fn InternetWriteFile(hFile: HINTERNET, lpBuffer: *const c_void,
        dwNumberOfBytesToWrite: u32, lpdwNumberOfBytesWritten: *mut u32) -> BOOL {
        bool_export(|api| {
            let handle = handle_of(hFile)?;
            if lpdwNumberOfBytesWritten.is_null() {
                return Err(ERROR_INVALID_PARAMETER);
            }
            // SAFETY: forwarded contract.
            let data = unsafe { raw::bytes(lpBuffer.cast(), dwNumberOfBytesToWrite) }
                .ok_or(ERROR_INVALID_PARAMETER)?;
            let answer = api.internet_write_file(handle, data);
            if answer.ret {
                // SAFETY: forwarded contract (non-NULL checked).
                unsafe { raw::write(lpdwNumberOfBytesWritten, answer.out) };
            }
            Ok(bool_of(&answer))
        })
    }

    /// `BOOL InternetQueryDataAvailable(HINTERNET hFile, LPDWORD lpdwNumberOfBytesAvailable,
    /// DWORD dwFlags, DWORD_PTR dwContext)`.
    ///
    /// # Safety
    /// The count pointer NULL or writable (until `REQUEST_COMPLETE` when asynchronous).
    fn InternetQueryDataAvailable(hFile: HINTERNET, lpdwNumberOfBytesAvailable: *mut u32,
        dwFlags: u32, dwContext: usize) -> BOOL {
        let _ = (dwFlags, dwContext);
        bool_export(|api| {
            let handle = handle_of(hFile)?;
            let available = slot();
            let id = pend_dword(handle, available.clone(), lpdwNumberOfBytesAvailable);
            let answer = api.internet_query_data_available(handle, available);
            read_count(id, &answer, lpdwNumberOfBytesAvailable);
            Ok(bool_of(&answer))
        })
    }

    /// `BOOL InternetSetOptionW(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
    /// DWORD dwBufferLength)`: lengths in bytes, in WCHARs for strings (0: NUL-terminated).
    ///
    /// # Safety
    /// `lpBuffer` NULL or valid for its length.
    fn InternetSetOptionW(hInternet: HINTERNET, dwOption: u32, lpBuffer: *const c_void,
        dwBufferLength: u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { set_option::<u16>(hInternet, dwOption, lpBuffer, dwBufferLength) }
    }

    /// `BOOL InternetSetOptionA(...)`: string lengths in bytes.
    ///
    /// # Safety
    /// As [`InternetSetOptionW`].
    fn InternetSetOptionA(hInternet: HINTERNET, dwOption: u32, lpBuffer: *const c_void,
        dwBufferLength: u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { set_option::<u8>(hInternet, dwOption, lpBuffer, dwBufferLength) }
    }

    /// `BOOL InternetQueryOptionW(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
    /// LPDWORD lpdwBufferLength)`: sizes in bytes; strings report their length in WCHARs
    /// on success, the bytes needed (NUL included) on `ERROR_INSUFFICIENT_BUFFER`.
    ///
    /// # Safety
    /// `lpBuffer` NULL or writable for `*lpdwBufferLength` bytes.
    fn InternetQueryOptionW(hInternet: HINTERNET, dwOption: u32, lpBuffer: *mut c_void,
        lpdwBufferLength: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { query_option::<u16>(hInternet, dwOption, lpBuffer, lpdwBufferLength) }
    }

    /// `BOOL InternetQueryOptionA(...)`: sizes in bytes of ANSI text.
    ///
    /// # Safety
    /// As [`InternetQueryOptionW`].
    fn InternetQueryOptionA(hInternet: HINTERNET, dwOption: u32, lpBuffer: *mut c_void,
        lpdwBufferLength: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { query_option::<u8>(hInternet, dwOption, lpBuffer, lpdwBufferLength) }
    }

    /// `INTERNET_STATUS_CALLBACK InternetSetStatusCallbackW(HINTERNET hInternet,
    /// INTERNET_STATUS_CALLBACK lpfnInternetCallback)`: the previous callback (NULL for
    /// none), or `INTERNET_INVALID_STATUS_CALLBACK` on failure. Strings in notifications
    /// are wide where Windows converts them (server name, redirect URL).
    ///
    /// # Safety
    /// The callback NULL or a function of this build's convention, callable while any
    /// handle may report to it.
    fn InternetSetStatusCallbackW(hInternet: HINTERNET,
        lpfnInternetCallback: Option<InternetStatusCallback>) -> *const c_void {
        set_status_callback(hInternet, lpfnInternetCallback, true)
    }

    /// `INTERNET_STATUS_CALLBACK InternetSetStatusCallbackA(...)`: notification strings
    /// are ANSI.
    ///
    /// # Safety
    /// As [`InternetSetStatusCallbackW`].
    fn InternetSetStatusCallbackA(hInternet: HINTERNET,
        lpfnInternetCallback: Option<InternetStatusCallback>) -> *const c_void {
        set_status_callback(hInternet, lpfnInternetCallback, false)
    }

    /// `BOOL InternetCloseHandle(HINTERNET hInternet)`.
    ///
    /// # Safety
    /// None beyond the C ABI.
    fn InternetCloseHandle(hInternet: HINTERNET) -> BOOL {
        bool_export(|api| {
            let handle = handle_of(hInternet)?;
            // An out value is never written after its handle's close.
            drop_pending(handle);
            let answer = api.internet_close_handle(handle);
            drop_pending_of_closed(api);
            Ok(bool_of(&answer))
        })
    }

    /// `BOOL InternetGetLastResponseInfoW(LPDWORD lpdwError, LPWSTR lpszBuffer,
    /// LPDWORD lpdwBufferLength)`: the calling thread's last FTP/Gopher reply; sizes in
    /// WCHARs. NULL `lpdwError` or length is 87.
    ///
    /// # Safety
    /// Pointers NULL or valid; the buffer writable for `*lpdwBufferLength` WCHARs.
    fn InternetGetLastResponseInfoW(lpdwError: *mut u32, lpszBuffer: *mut u16,
        lpdwBufferLength: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { last_response_info(lpdwError, lpszBuffer, lpdwBufferLength) }
    }

    /// `BOOL InternetGetLastResponseInfoA(...)`: sizes in bytes.
    ///
    /// # Safety
    /// As [`InternetGetLastResponseInfoW`].
    fn InternetGetLastResponseInfoA(lpdwError: *mut u32, lpszBuffer: *mut u8,
        lpdwBufferLength: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { last_response_info(lpdwError, lpszBuffer, lpdwBufferLength) }
    }

    /// `BOOL InternetSetCookieW(LPCWSTR lpszUrl, LPCWSTR lpszCookieName,
    /// LPCWSTR lpszCookieData)` on the process cookie jar.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn InternetSetCookieW(lpszUrl: *const u16, lpszCookieName: *const u16,
        lpszCookieData: *const u16) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { set_cookie(lpszUrl, lpszCookieName, lpszCookieData) }
    }

    /// `BOOL InternetSetCookieA(...)`.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn InternetSetCookieA(lpszUrl: *const u8, lpszCookieName: *const u8,
        lpszCookieData: *const u8) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { set_cookie(lpszUrl, lpszCookieName, lpszCookieData) }
    }

    /// `BOOL InternetGetCookieW(LPCWSTR lpszUrl, LPCWSTR lpszCookieName,
    /// LPWSTR lpszCookieData, LPDWORD lpdwSize)`: (length + 1) × 2 bytes when the buffer is
    /// NULL or short, length + 1 WCHARs on success (Windows' W rule).
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated; the buffer writable for `*lpdwSize` WCHARs.
    fn InternetGetCookieW(lpszUrl: *const u16, lpszCookieName: *const u16,
        lpszCookieData: *mut u16, lpdwSize: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { get_cookie(lpszUrl, lpszCookieName, lpszCookieData, lpdwSize) }
    }

    /// `BOOL InternetGetCookieA(...)`: length + 1 bytes in every case.
    ///
    /// # Safety
    /// As [`InternetGetCookieW`], in bytes.
    fn InternetGetCookieA(lpszUrl: *const u8, lpszCookieName: *const u8,
        lpszCookieData: *mut u8, lpdwSize: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { get_cookie(lpszUrl, lpszCookieName, lpszCookieData, lpdwSize) }
    }

    /// `HINTERNET FtpFindFirstFileW(HINTERNET hConnect, LPCWSTR lpszSearchFile,
    /// LPWIN32_FIND_DATAW lpFindFileData, DWORD dwFlags, DWORD_PTR dwContext)`: an empty
    /// listing is NULL + `ERROR_NO_MORE_FILES`.
    ///
    /// # Safety
    /// `lpszSearchFile` NULL or NUL-terminated; `lpFindFileData` NULL or writable.
    fn FtpFindFirstFileW(hConnect: HINTERNET, lpszSearchFile: *const u16,
        lpFindFileData: *mut WIN32_FIND_DATAW, dwFlags: u32, dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { ftp_find_first(hConnect, lpszSearchFile, lpFindFileData.cast(), dwFlags, dwContext) }
    }

    /// `HINTERNET FtpFindFirstFileA(...)`: `WIN32_FIND_DATAA`.
    ///
    /// # Safety
    /// As [`FtpFindFirstFileW`].
    fn FtpFindFirstFileA(hConnect: HINTERNET, lpszSearchFile: *const u8,
        lpFindFileData: *mut WIN32_FIND_DATAA, dwFlags: u32, dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { ftp_find_first(hConnect, lpszSearchFile, lpFindFileData.cast(), dwFlags, dwContext) }
    }

    /// `BOOL InternetFindNextFileW(HINTERNET hFind, LPVOID lpvFindData)`:
    /// `WIN32_FIND_DATAW` for FTP, `GOPHER_FIND_DATAW` for Gopher; past the last entry,
    /// FALSE + `ERROR_NO_MORE_FILES`.
    ///
    /// # Safety
    /// `lpvFindData` NULL or writable for the structure of the handle's protocol.
    fn InternetFindNextFileW(hFind: HINTERNET, lpvFindData: *mut c_void) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { find_next::<u16>(hFind, lpvFindData) }
    }

    /// `BOOL InternetFindNextFileA(...)`: the `A` structures.
    ///
    /// # Safety
    /// As [`InternetFindNextFileW`].
    fn InternetFindNextFileA(hFind: HINTERNET, lpvFindData: *mut c_void) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { find_next::<u8>(hFind, lpvFindData) }
    }

    /// `HINTERNET FtpOpenFileW(HINTERNET hConnect, LPCWSTR lpszFileName, DWORD dwAccess,
    /// DWORD dwFlags, DWORD_PTR dwContext)`.
    ///
    /// # Safety
    /// `lpszFileName` NULL or NUL-terminated.
    fn FtpOpenFileW(hConnect: HINTERNET, lpszFileName: *const u16, dwAccess: u32, dwFlags: u32,
        dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { ftp_open_file(hConnect, lpszFileName, dwAccess, dwFlags, dwContext) }
    }

    /// `HINTERNET FtpOpenFileA(...)`.
    ///
    /// # Safety
    /// As [`FtpOpenFileW`].
    fn FtpOpenFileA(hConnect: HINTERNET, lpszFileName: *const u8, dwAccess: u32, dwFlags: u32,
        dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { ftp_open_file(hConnect, lpszFileName, dwAccess, dwFlags, dwContext) }
    }

    /// `BOOL FtpGetFileW(HINTERNET hConnect, LPCWSTR lpszRemoteFile, LPCWSTR lpszNewFile,
    /// BOOL fFailIfExists, DWORD dwFlagsAndAttributes, DWORD dwFlags, DWORD_PTR dwContext)`:
    /// the local name is a path of the host's file system.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn FtpGetFileW(hConnect: HINTERNET, lpszRemoteFile: *const u16, lpszNewFile: *const u16,
        fFailIfExists: BOOL, dwFlagsAndAttributes: u32, dwFlags: u32, dwContext: usize) -> BOOL {
        let _ = (dwFlagsAndAttributes, dwContext);
        // SAFETY: forwarded contract.
        unsafe { ftp_get_file(hConnect, lpszRemoteFile, lpszNewFile, fFailIfExists, dwFlags) }
    }

    /// `BOOL FtpGetFileA(...)`.
    ///
    /// # Safety
    /// As [`FtpGetFileW`].
    fn FtpGetFileA(hConnect: HINTERNET, lpszRemoteFile: *const u8, lpszNewFile: *const u8,
        fFailIfExists: BOOL, dwFlagsAndAttributes: u32, dwFlags: u32, dwContext: usize) -> BOOL {
        let _ = (dwFlagsAndAttributes, dwContext);
        // SAFETY: forwarded contract.
        unsafe { ftp_get_file(hConnect, lpszRemoteFile, lpszNewFile, fFailIfExists, dwFlags) }
    }

    /// `BOOL FtpPutFileW(HINTERNET hConnect, LPCWSTR lpszLocalFile, LPCWSTR lpszNewRemoteFile,
    /// DWORD dwFlags, DWORD_PTR dwContext)`.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn FtpPutFileW(hConnect: HINTERNET, lpszLocalFile: *const u16,
        lpszNewRemoteFile: *const u16, dwFlags: u32, dwContext: usize) -> BOOL {
        let _ = dwContext;
        // SAFETY: forwarded contract.
        unsafe { ftp_put_file(hConnect, lpszLocalFile, lpszNewRemoteFile, dwFlags) }
    }

    /// `BOOL FtpPutFileA(...)`.
    ///
    /// # Safety
    /// As [`FtpPutFileW`].
    fn FtpPutFileA(hConnect: HINTERNET, lpszLocalFile: *const u8,
        lpszNewRemoteFile: *const u8, dwFlags: u32, dwContext: usize) -> BOOL {
        let _ = dwContext;
        // SAFETY: forwarded contract.
        unsafe { ftp_put_file(hConnect, lpszLocalFile, lpszNewRemoteFile, dwFlags) }
    }

    /// `BOOL FtpDeleteFileW(HINTERNET hConnect, LPCWSTR lpszFileName)`.
    ///
    /// # Safety
    /// The string NULL or NUL-terminated.
    fn FtpDeleteFileW(hConnect: HINTERNET, lpszFileName: *const u16) -> BOOL {
        // SAFETY: forwarded contract.
        ftp_path_call(hConnect, unsafe { opt_str(lpszFileName) }, |a, c, p| a.ftp_delete_file(c, p))
    }

    /// `BOOL FtpDeleteFileA(...)`.
    ///
    /// # Safety
    /// The string NULL or NUL-terminated.
    fn FtpDeleteFileA(hConnect: HINTERNET, lpszFileName: *const u8) -> BOOL {
        // SAFETY: forwarded contract.
        ftp_path_call(hConnect, unsafe { opt_str(lpszFileName) }, |a, c, p| a.ftp_delete_file(c, p))
    }

    /// `BOOL FtpRenameFileW(HINTERNET hConnect, LPCWSTR lpszExisting, LPCWSTR lpszNew)`.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn FtpRenameFileW(hConnect: HINTERNET, lpszExisting: *const u16, lpszNew: *const u16) -> BOOL {
        // SAFETY: forwarded contract.
        let to = unsafe { opt_str(lpszNew) };
        // SAFETY: forwarded contract.
        ftp_path_call(hConnect, unsafe { opt_str(lpszExisting) }, |a, c, from| match &to {
            Some(to) => a.ftp_rename_file(c, from, to),
            None => Answer { ret: false, last_error: Some(ERROR_INVALID_PARAMETER), out: () },
        })
    }

    /// `BOOL FtpRenameFileA(...)`.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn FtpRenameFileA(hConnect: HINTERNET, lpszExisting: *const u8, lpszNew: *const u8) -> BOOL {
        // SAFETY: forwarded contract.
        let to = unsafe { opt_str(lpszNew) };
        // SAFETY: forwarded contract.
        ftp_path_call(hConnect, unsafe { opt_str(lpszExisting) }, |a, c, from| match &to {
            Some(to) => a.ftp_rename_file(c, from, to),
            None => Answer { ret: false, last_error: Some(ERROR_INVALID_PARAMETER), out: () },
        })
    }

    /// `BOOL FtpCreateDirectoryW(HINTERNET hConnect, LPCWSTR lpszDirectory)`.
    ///
    /// # Safety
    /// The string NULL or NUL-terminated.
    fn FtpCreateDirectoryW(hConnect: HINTERNET, lpszDirectory: *const u16) -> BOOL {
        // SAFETY: forwarded contract.
        ftp_path_call(hConnect, unsafe { opt_str(lpszDirectory) }, |a, c, p| a.ftp_create_directory(c, p))
    }

    /// `BOOL FtpCreateDirectoryA(...)`.
    ///
    /// # Safety
    /// The string NULL or NUL-terminated.
    fn FtpCreateDirectoryA(hConnect: HINTERNET, lpszDirectory: *const u8) -> BOOL {
        // SAFETY: forwarded contract.
        ftp_path_call(hConnect, unsafe { opt_str(lpszDirectory) }, |a, c, p| a.ftp_create_directory(c, p))
    }

    /// `BOOL FtpRemoveDirectoryW(HINTERNET hConnect, LPCWSTR lpszDirectory)`.
    ///
    /// # Safety
    /// The string NULL or NUL-terminated.
    fn FtpRemoveDirectoryW(hConnect: HINTERNET, lpszDirectory: *const u16) -> BOOL {
        // SAFETY: forwarded contract.
        ftp_path_call(hConnect, unsafe { opt_str(lpszDirectory) }, |a, c, p| a.ftp_remove_directory(c, p))
    }

    /// `BOOL FtpRemoveDirectoryA(...)`.
    ///
    /// # Safety
    /// The string NULL or NUL-terminated.
    fn FtpRemoveDirectoryA(hConnect: HINTERNET, lpszDirectory: *const u8) -> BOOL {
        // SAFETY: forwarded contract.
        ftp_path_call(hConnect, unsafe { opt_str(lpszDirectory) }, |a, c, p| a.ftp_remove_directory(c, p))
    }

    /// `BOOL FtpSetCurrentDirectoryW(HINTERNET hConnect, LPCWSTR lpszDirectory)`.
    ///
    /// # Safety
    /// The string NULL or NUL-terminated.
    fn FtpSetCurrentDirectoryW(hConnect: HINTERNET, lpszDirectory: *const u16) -> BOOL {
        // SAFETY: forwarded contract.
        ftp_path_call(hConnect, unsafe { opt_str(lpszDirectory) }, |a, c, p| a.ftp_set_current_directory(c, p))
    }

    /// `BOOL FtpSetCurrentDirectoryA(...)`.
    ///
    /// # Safety
    /// The string NULL or NUL-terminated.
    fn FtpSetCurrentDirectoryA(hConnect: HINTERNET, lpszDirectory: *const u8) -> BOOL {
        // SAFETY: forwarded contract.
        ftp_path_call(hConnect, unsafe { opt_str(lpszDirectory) }, |a, c, p| a.ftp_set_current_directory(c, p))
    }

    /// `BOOL FtpGetCurrentDirectoryW(HINTERNET hConnect, LPWSTR lpszCurrentDirectory,
    /// LPDWORD lpdwCurrentDirectory)`: sizes in WCHARs (standard rule). Asynchronous: the
    /// text and its length are written just before `REQUEST_COMPLETE`.
    ///
    /// # Safety
    /// The buffer NULL or writable for `*lpdwCurrentDirectory` WCHARs.
    fn FtpGetCurrentDirectoryW(hConnect: HINTERNET, lpszCurrentDirectory: *mut u16,
        lpdwCurrentDirectory: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { ftp_current_directory(hConnect, lpszCurrentDirectory, lpdwCurrentDirectory) }
    }

    /// `BOOL FtpGetCurrentDirectoryA(...)`: sizes in bytes.
    ///
    /// # Safety
    /// As [`FtpGetCurrentDirectoryW`].
    fn FtpGetCurrentDirectoryA(hConnect: HINTERNET, lpszCurrentDirectory: *mut u8,
        lpdwCurrentDirectory: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { ftp_current_directory(hConnect, lpszCurrentDirectory, lpdwCurrentDirectory) }
    }

    /// `DWORD FtpGetFileSize(HINTERNET hFile, LPDWORD lpdwFileSizeHigh)`: the low 32 bits,
    /// or `INVALID_FILE_SIZE` (0xFFFFFFFF) with the last error.
    ///
    /// # Safety
    /// The out pointer NULL or writable.
    fn FtpGetFileSize(hFile: HINTERNET, lpdwFileSizeHigh: *mut u32) -> u32 {
        guard(Family::WinInet, u32::MAX, || {
            let handle = match handle_of(hFile) {
                Ok(h) => h,
                Err(code) => {
                    last_error::set(code);
                    return u32::MAX;
                }
            };
            let answer = wininet().ftp_get_file_size(handle);
            set_error(&answer);
            if answer.last_error.is_none() {
                // SAFETY: forwarded contract (NULL is checked).
                unsafe { raw::write(lpdwFileSizeHigh, answer.out) };
            }
            answer.ret
        })
    }

    /// `BOOL FtpCommandW(HINTERNET hConnect, BOOL fExpectResponse, DWORD dwFlags,
    /// LPCWSTR lpszCommand, DWORD_PTR dwContext, HINTERNET *phFtpCommand)`: the command's
    /// reply is in `InternetGetLastResponseInfo`. With `fExpectResponse` the command runs
    /// on a new data connection whose FTP file handle is written to `*phFtpCommand`
    /// (read it with `InternetReadFile`); otherwise `*phFtpCommand` becomes NULL.
    ///
    /// # Safety
    /// `lpszCommand` NULL or NUL-terminated; `phFtpCommand` NULL or writable.
    fn FtpCommandW(hConnect: HINTERNET, fExpectResponse: BOOL, dwFlags: u32,
        lpszCommand: *const u16, dwContext: usize, phFtpCommand: *mut HINTERNET) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe {
            ftp_command(hConnect, fExpectResponse, dwFlags, opt_str(lpszCommand),
                dwContext, phFtpCommand)
        }
    }

    /// `BOOL FtpCommandA(...)`.
    ///
    /// # Safety
    /// As [`FtpCommandW`].
    fn FtpCommandA(hConnect: HINTERNET, fExpectResponse: BOOL, dwFlags: u32,
        lpszCommand: *const u8, dwContext: usize, phFtpCommand: *mut HINTERNET) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe {
            ftp_command(hConnect, fExpectResponse, dwFlags, opt_str(lpszCommand),
                dwContext, phFtpCommand)
        }
    }

    /// `BOOL GopherCreateLocatorW(LPCWSTR lpszHost, INTERNET_PORT nServerPort,
    /// LPCWSTR lpszDisplayString, LPCWSTR lpszSelectorString, DWORD dwGopherType,
    /// LPWSTR lpszLocator, LPDWORD lpdwBufferLength)`: sizes in WCHARs.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated; the buffer writable for `*lpdwBufferLength` WCHARs.
    fn GopherCreateLocatorW(lpszHost: *const u16, nServerPort: u16,
        lpszDisplayString: *const u16, lpszSelectorString: *const u16, dwGopherType: u32,
        lpszLocator: *mut u16, lpdwBufferLength: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { gopher_create_locator(lpszHost, nServerPort, lpszDisplayString,
            lpszSelectorString, dwGopherType, lpszLocator, lpdwBufferLength) }
    }

    /// `BOOL GopherCreateLocatorA(...)`: sizes in bytes.
    ///
    /// # Safety
    /// As [`GopherCreateLocatorW`].
    fn GopherCreateLocatorA(lpszHost: *const u8, nServerPort: u16,
        lpszDisplayString: *const u8, lpszSelectorString: *const u8, dwGopherType: u32,
        lpszLocator: *mut u8, lpdwBufferLength: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { gopher_create_locator(lpszHost, nServerPort, lpszDisplayString,
            lpszSelectorString, dwGopherType, lpszLocator, lpdwBufferLength) }
    }

    /// `BOOL GopherGetLocatorTypeW(LPCWSTR lpszLocator, LPDWORD lpdwGopherType)`.
    ///
    /// # Safety
    /// The string NULL or NUL-terminated; the out pointer NULL or writable.
    fn GopherGetLocatorTypeW(lpszLocator: *const u16, lpdwGopherType: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { gopher_locator_type(opt_str(lpszLocator), lpdwGopherType) }
    }

    /// `BOOL GopherGetLocatorTypeA(...)`.
    ///
    /// # Safety
    /// As [`GopherGetLocatorTypeW`].
    fn GopherGetLocatorTypeA(lpszLocator: *const u8, lpdwGopherType: *mut u32) -> BOOL {
        // SAFETY: forwarded contract.
        unsafe { gopher_locator_type(opt_str(lpszLocator), lpdwGopherType) }
    }

    /// `BOOL GopherGetAttributeW(HINTERNET hConnect, LPCWSTR lpszLocator,
    /// LPCWSTR lpszAttributeName, LPBYTE lpBuffer, DWORD dwBufferLength,
    /// LPDWORD lpdwCharactersReturned, GOPHER_ATTRIBUTE_ENUMERATOR lpfnEnumerator,
    /// DWORD_PTR dwContext)`: `dwBufferLength` in WCHARs.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated; `lpBuffer` NULL or writable for `dwBufferLength`
    /// WCHARs; `lpdwCharactersReturned` NULL or writable; `lpfnEnumerator` NULL or a
    /// `GOPHER_ATTRIBUTE_ENUMERATOR` of this build's convention.
    fn GopherGetAttributeW(hConnect: HINTERNET, lpszLocator: *const u16,
        lpszAttributeName: *const u16, lpBuffer: *mut u8, dwBufferLength: u32,
        lpdwCharactersReturned: *mut u32, lpfnEnumerator: Option<GopherAttributeEnumerator>,
        dwContext: usize) -> BOOL {
        let _ = dwContext; // the connect handle's context is the one notified
        // SAFETY: forwarded contract.
        unsafe { gopher_get_attribute(hConnect, lpszLocator, lpszAttributeName,
            lpBuffer.cast::<u16>(), dwBufferLength, lpdwCharactersReturned, lpfnEnumerator) }
    }

    /// `BOOL GopherGetAttributeA(...)`: `dwBufferLength` in bytes.
    ///
    /// # Safety
    /// As [`GopherGetAttributeW`].
    fn GopherGetAttributeA(hConnect: HINTERNET, lpszLocator: *const u8,
        lpszAttributeName: *const u8, lpBuffer: *mut u8, dwBufferLength: u32,
        lpdwCharactersReturned: *mut u32, lpfnEnumerator: Option<GopherAttributeEnumerator>,
        dwContext: usize) -> BOOL {
        let _ = dwContext; // the connect handle's context is the one notified
        // SAFETY: forwarded contract.
        unsafe { gopher_get_attribute(hConnect, lpszLocator, lpszAttributeName, lpBuffer,
            dwBufferLength, lpdwCharactersReturned, lpfnEnumerator) }
    }

    /// `HINTERNET GopherFindFirstFileW(HINTERNET hConnect, LPCWSTR lpszLocator,
    /// LPCWSTR lpszSearchString, LPGOPHER_FIND_DATAW lpFindData, DWORD dwFlags,
    /// DWORD_PTR dwContext)`.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated; `lpFindData` NULL or writable.
    fn GopherFindFirstFileW(hConnect: HINTERNET, lpszLocator: *const u16,
        lpszSearchString: *const u16, lpFindData: *mut GOPHER_FIND_DATAW, dwFlags: u32,
        dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { gopher_find_first(hConnect, lpszLocator, lpszSearchString, lpFindData.cast(),
            dwFlags, dwContext) }
    }

    /// `HINTERNET GopherFindFirstFileA(...)`: `GOPHER_FIND_DATAA`.
    ///
    /// # Safety
    /// As [`GopherFindFirstFileW`].
    fn GopherFindFirstFileA(hConnect: HINTERNET, lpszLocator: *const u8,
        lpszSearchString: *const u8, lpFindData: *mut GOPHER_FIND_DATAA, dwFlags: u32,
        dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { gopher_find_first(hConnect, lpszLocator, lpszSearchString, lpFindData.cast(),
            dwFlags, dwContext) }
    }

    /// `HINTERNET GopherOpenFileW(HINTERNET hConnect, LPCWSTR lpszLocator, LPCWSTR lpszView,
    /// DWORD dwFlags, DWORD_PTR dwContext)`.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn GopherOpenFileW(hConnect: HINTERNET, lpszLocator: *const u16, lpszView: *const u16,
        dwFlags: u32, dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { gopher_open_file(hConnect, lpszLocator, lpszView, dwFlags, dwContext) }
    }

    /// `HINTERNET GopherOpenFileA(...)`.
    ///
    /// # Safety
    /// As [`GopherOpenFileW`].
    fn GopherOpenFileA(hConnect: HINTERNET, lpszLocator: *const u8, lpszView: *const u8,
        dwFlags: u32, dwContext: usize) -> HINTERNET {
        // SAFETY: forwarded contract.
        unsafe { gopher_open_file(hConnect, lpszLocator, lpszView, dwFlags, dwContext) }
    }
}

/// `InternetOpen{W,A}`.
///
/// # Safety
/// Strings NULL or NUL-terminated.
unsafe fn internet_open<T: Unit>(
    agent: *const T,
    access: u32,
    proxy: *const T,
    bypass: *const T,
    flags: u32,
) -> HINTERNET {
    guard(Family::WinInet, core::ptr::null_mut(), || {
        // A root is only created on an instance whose threads run (else 8, and the next
        // call starts them again).
        let api = match wininet_with_runtime() {
            Ok(api) => api,
            Err(code) => return handle_result(Err(code)),
        };
        // SAFETY: forwarded contract.
        let (agent, proxy, bypass) = unsafe { (opt_str(agent), opt_str(proxy), opt_str(bypass)) };
        handle_result(Ok(api.internet_open(
            agent.as_deref(),
            access,
            proxy.as_deref(),
            bypass.as_deref(),
            flags,
        )))
    })
}

/// `InternetConnect{W,A}`.
///
/// # Safety
/// Strings NULL or NUL-terminated.
#[allow(clippy::too_many_arguments)]
unsafe fn internet_connect<T: Unit>(
    root: HINTERNET,
    server: *const T,
    port: u16,
    user: *const T,
    password: *const T,
    service: u32,
    flags: u32,
    context: usize,
) -> HINTERNET {
    handle_export(|api| {
        let root = handle_of(root)?;
        // SAFETY: forwarded contract.
        let (server, user, password) =
            unsafe { (opt_str(server), opt_str(user), opt_str(password)) };
        Ok(api.internet_connect(
            root,
            server.as_deref(),
            port,
            user.as_deref(),
            password.as_deref(),
            service,
            flags,
            context as u64,
        ))
    })
}

/// `InternetOpenUrl{W,A}`.
///
/// # Safety
/// `url` NULL or NUL-terminated; `headers` NULL or valid for `headers_len` (0/-1: NUL-terminated).
unsafe fn open_url<T: Unit>(
    root: HINTERNET,
    url: *const T,
    headers: *const T,
    headers_len: u32,
    flags: u32,
    context: usize,
) -> HINTERNET {
    handle_export(|api| {
        let root = handle_of(root)?;
        // SAFETY: forwarded contract.
        let url = unsafe { opt_str(url) }.ok_or(ERROR_INVALID_PARAMETER)?;
        // SAFETY: forwarded contract.
        let headers = unsafe { str_n(headers, headers_len) };
        Ok(api.internet_open_url(root, &url, headers.as_deref(), flags, context as u64))
    })
}

/// `HttpAddRequestHeaders{W,A}`.
///
/// # Safety
/// `headers` NULL or valid for `len` (-1 / 0: NUL-terminated).
unsafe fn add_request_headers<T: Unit>(
    request: HINTERNET,
    headers: *const T,
    len: u32,
    modifiers: u32,
) -> BOOL {
    bool_export(|api| {
        let request = handle_of(request)?;
        // SAFETY: forwarded contract.
        let headers = unsafe { str_n(headers, len) }.ok_or(ERROR_INVALID_PARAMETER)?;
        Ok(bool_of(
            &api.http_add_request_headers(request, &headers, modifiers),
        ))
    })
}

/// `HttpSendRequest{W,A}`.
///
/// # Safety
/// `headers` NULL or valid for `len`; `optional` valid for `optional_len` bytes.
unsafe fn send_request<T: Unit>(
    request: HINTERNET,
    headers: *const T,
    len: u32,
    optional: *const c_void,
    optional_len: u32,
) -> BOOL {
    bool_export(|api| {
        let request = handle_of(request)?;
        // SAFETY: forwarded contract.
        let headers = unsafe { str_n(headers, len) };
        // SAFETY: forwarded contract.
        let optional =
            unsafe { raw::bytes(optional.cast(), optional_len) }.ok_or(ERROR_INVALID_PARAMETER)?;
        Ok(bool_of(&api.http_send_request(
            request,
            headers.as_deref(),
            optional,
        )))
    })
}

/// `HttpEndRequest{W,A}`.
fn end_request(request: HINTERNET) -> BOOL {
    bool_export(|api| {
        let request = handle_of(request)?;
        Ok(bool_of(&api.http_end_request(request)))
    })
}

/// `InternetSetCookie{W,A}`.
///
/// # Safety
/// Strings NULL or NUL-terminated.
unsafe fn set_cookie<T: Unit>(url: *const T, name: *const T, data: *const T) -> BOOL {
    bool_export(|api| {
        // SAFETY: forwarded contract.
        let (url, name, data) = unsafe { (opt_str(url), opt_str(name), opt_str(data)) };
        Ok(bool_of(&api.internet_set_cookie(
            url.as_deref(),
            name.as_deref(),
            data.as_deref(),
        )))
    })
}

/// `FtpOpenFile{W,A}`.
///
/// # Safety
/// `name` NULL or NUL-terminated.
unsafe fn ftp_open_file<T: Unit>(
    connect: HINTERNET,
    name: *const T,
    access: u32,
    flags: u32,
    context: usize,
) -> HINTERNET {
    handle_export(|api| {
        let connect = handle_of(connect)?;
        // SAFETY: forwarded contract.
        let name = unsafe { opt_str(name) }.ok_or(ERROR_INVALID_PARAMETER)?;
        Ok(api.ftp_open_file(connect, &name, access, flags, context as u64))
    })
}

/// `FtpGetFile{W,A}`.
///
/// # Safety
/// Strings NULL or NUL-terminated.
unsafe fn ftp_get_file<T: Unit>(
    connect: HINTERNET,
    remote: *const T,
    local: *const T,
    fail_if_exists: BOOL,
    flags: u32,
) -> BOOL {
    bool_export(|api| {
        let connect = handle_of(connect)?;
        // SAFETY: forwarded contract.
        let (remote, local) = unsafe { (opt_str(remote), opt_str(local)) };
        let remote = remote
            .filter(|r| !r.is_empty())
            .ok_or(ERROR_INVALID_PARAMETER)?;
        let local = local_path(local)?;
        Ok(bool_of(&api.ftp_get_file(
            connect,
            &remote,
            local,
            fail_if_exists != 0,
            flags,
        )))
    })
}

/// `FtpPutFile{W,A}`.
///
/// # Safety
/// Strings NULL or NUL-terminated.
unsafe fn ftp_put_file<T: Unit>(
    connect: HINTERNET,
    local: *const T,
    remote: *const T,
    flags: u32,
) -> BOOL {
    bool_export(|api| {
        let connect = handle_of(connect)?;
        // SAFETY: forwarded contract.
        let (local, remote) = unsafe { (opt_str(local), opt_str(remote)) };
        let remote = remote
            .filter(|r| !r.is_empty())
            .ok_or(ERROR_INVALID_PARAMETER)?;
        let local = local_path(local)?;
        Ok(bool_of(&api.ftp_put_file(connect, local, &remote, flags)))
    })
}

/// `FtpCommand{W,A}`.
///
/// # Safety
/// `out` NULL or writable.
unsafe fn ftp_command(
    connect: HINTERNET,
    expect_response: BOOL,
    flags: u32,
    command: Option<String>,
    context: usize,
    out: *mut HINTERNET,
) -> BOOL {
    bool_export(|api| {
        let connect = handle_of(connect)?;
        let command = command
            .filter(|c| !c.is_empty())
            .ok_or(ERROR_INVALID_PARAMETER)?;
        // SAFETY: forwarded contract (NULL is checked).
        unsafe { raw::write(out, core::ptr::null_mut()) };
        let answer = api.ftp_command(
            connect,
            expect_response != 0,
            flags,
            &command,
            context as u64,
        );
        if answer.ret && expect_response != 0 {
            // SAFETY: forwarded contract (NULL is checked): the data connection's handle.
            unsafe { raw::write(out, hinternet(answer.out)) };
        }
        Ok(bool_of(&answer))
    })
}

/// `GopherGetLocatorType{W,A}`.
///
/// # Safety
/// `out` NULL or writable.
unsafe fn gopher_locator_type(locator: Option<String>, out: *mut u32) -> BOOL {
    bool_export(|api| {
        let locator = locator.ok_or(ERROR_INVALID_PARAMETER)?;
        if out.is_null() {
            return Err(ERROR_INVALID_PARAMETER);
        }
        let answer = api.gopher_get_locator_type(&locator);
        if answer.ret {
            // SAFETY: forwarded contract (non-NULL checked).
            unsafe { raw::write(out, answer.out) };
        }
        Ok(bool_of(&answer))
    })
}

/// `GopherOpenFile{W,A}`.
///
/// # Safety
/// Strings NULL or NUL-terminated.
unsafe fn gopher_open_file<T: Unit>(
    connect: HINTERNET,
    locator: *const T,
    view: *const T,
    flags: u32,
    context: usize,
) -> HINTERNET {
    handle_export(|api| {
        let connect = handle_of(connect)?;
        // SAFETY: forwarded contract.
        let (locator, view) = unsafe { (opt_str(locator), opt_str(view)) };
        let locator = locator.ok_or(ERROR_INVALID_PARAMETER)?;
        Ok(api.gopher_open_file(connect, &locator, view.as_deref(), flags, context as u64))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_handles_and_null_pointers_answer_windows_codes() {
        let bogus: HINTERNET = core::ptr::without_provenance_mut(0x7777);
        let wide: HINTERNET = core::ptr::without_provenance_mut(1 << 40);
        // SAFETY: no pointer argument is dereferenced for a bad handle or NULL pointers.
        unsafe {
            assert_eq!(InternetCloseHandle(bogus), FALSE);
            assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
            assert_eq!(InternetCloseHandle(wide), FALSE);
            assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
            let mut n = 0u32;
            assert_eq!(
                InternetReadFile(bogus, core::ptr::null_mut(), 0, &mut n),
                FALSE
            );
            assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
            assert_eq!(
                InternetGetLastResponseInfoW(core::ptr::null_mut(), core::ptr::null_mut(), &mut n),
                FALSE
            );
            assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
            assert_eq!(
                InternetSetStatusCallbackW(bogus, None),
                invalid_status_callback()
            );
            assert_eq!(FtpGetFileSize(bogus, core::ptr::null_mut()), u32::MAX);
        }
        // The read on the bogus handle registered its count, and dropped it when the call
        // failed.
        let bogus_value = handle_of(bogus).expect("fits in 32 bits");
        assert_eq!(pending_of(bogus_value), 0);
    }

    #[test]
    fn out_values_are_written_for_their_own_operation_and_never_after_a_close() {
        let agent: Vec<u16> = "bookkeeping\0".encode_utf16().collect();
        // SAFETY: a NUL-terminated agent, NULL proxies.
        let root =
            unsafe { InternetOpenW(agent.as_ptr(), 1, core::ptr::null(), core::ptr::null(), 0) };
        assert!(!root.is_null());
        let handle = handle_of(root).expect("a live handle");
        let api = wininet();
        let written: Arc<Mutex<Vec<u32>>> = Arc::new(Mutex::new(Vec::new()));
        let register = |value: &Slot<u32>| {
            let written = written.clone();
            pend(handle, value.clone(), move |n: &u32| {
                written
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(*n);
            })
        };
        let pended: Answer<bool> = Answer {
            ret: false,
            last_error: Some(ERROR_IO_PENDING),
            out: (),
        };
        // Three operations on one handle: one ended with its value, one ended without
        // (a failure: its slot stays empty, and the machine holds no operation of the
        // handle any more), one whose call is still running (not armed yet).
        let (ended, failed, running) = (slot(), slot(), slot());
        let ended_id = register(&ended);
        let failed_id = register(&failed);
        register(&running);
        keep_if_pending(Some(ended_id), &pended);
        keep_if_pending(Some(failed_id), &pended);
        *ended.lock().unwrap_or_else(PoisonError::into_inner) = Some(7);
        settle_completion(&api, handle);
        assert_eq!(*written.lock().unwrap_or_else(PoisonError::into_inner), [7]);
        assert_eq!(pending_of(handle), 1, "the running call's value is kept");
        // The running operation ends, but its handle is closed before its completion is
        // delivered: the value is dropped, and a late completion writes nothing.
        *running.lock().unwrap_or_else(PoisonError::into_inner) = Some(9);
        // SAFETY: a live handle, closed once.
        assert_eq!(unsafe { InternetCloseHandle(root) }, TRUE);
        assert_eq!(pending_of(handle), 0);
        settle_completion(&api, handle);
        assert_eq!(*written.lock().unwrap_or_else(PoisonError::into_inner), [7]);
        // A call that did not pend drops its registration.
        let sync = slot();
        let sync_id = register(&sync);
        let done: Answer<bool> = Answer {
            ret: true,
            last_error: None,
            out: (),
        };
        keep_if_pending(Some(sync_id), &done);
        assert_eq!(pending_of(handle), 0);
    }

    #[test]
    fn fixed_arrays_truncate_and_terminate() {
        let a: [u8; 4] = fixed("abcdef");
        assert_eq!(a, *b"abc\0");
        let w: [u16; 3] = fixed("é");
        assert_eq!(w, [0xE9, 0, 0]);
    }

    #[test]
    fn proxy_option_strings_follow_the_structure() {
        let value = OptionValue::Proxy(ProxyInfo {
            access_type: 3,
            proxy: Some("p:1".into()),
            bypass: None,
        });
        let bytes = option_bytes::<u8>(&value, 0x1000).expect("proxy marshals");
        assert_eq!(bytes.len(), 24 + 4);
        assert_eq!(&bytes[8..16], &(0x1000u64 + 24).to_le_bytes());
        assert_eq!(&bytes[16..24], &0u64.to_le_bytes());
        assert_eq!(&bytes[24..], b"p:1\0");
        let wide = option_bytes::<u16>(&OptionValue::Text("ab".into()), 0).expect("text");
        assert_eq!(wide, vec![b'a', 0, b'b', 0, 0, 0]);
    }
}
