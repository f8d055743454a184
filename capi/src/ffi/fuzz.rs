//! The fuzz body of the exports: [`fuzz_exports`] turns arbitrary bytes into calls of every
//! implemented export with hostile but *contract-abiding* arguments — NULL pointers,
//! `(DWORD)-1` and 0 lengths, strings unterminated within their stated length, embedded
//! NULs, lone surrogates and invalid UTF-8, wrong `dwStructSize`, short and NULL out
//! buffers, NULL size pointers, out-of-range `SYSTEMTIME` fields.
//!
//! The WinHTTP and WinINet handle exports are driven without I/O (see `handles` and
//! `wininet_handles`): header, option and timeout calls with hostile lengths on real
//! handles, wrong handle kinds and arbitrary handle values; no request is ever sent. The
//! exports that would start I/O on the right handle (sends, receives, reads, the `Ftp*` and
//! `Gopher*` functions, `InternetOpenUrl`, `HttpSendRequestEx` with initial body bytes,
//! `FtpCommand`, `GopherGetAttribute`, the websocket functions) are called only on handles
//! where they cannot (`winhttp_without_io`, `wininet_without_io`). The handle-free WinINet
//! functions (Gopher locators, cookies, the last response) are in `wininet_strings`.
//!
//! Not driven: the WinHTTP proxy discovery functions (they read the environment or would
//! reach the network), `WinHttpSetDefaultProxyConfiguration` (process-wide state) and the
//! `hinternet_*` host functions (hooks, shutdown: process-wide state).
//!
//! "Contract-abiding" means a stated length never exceeds the memory behind a pointer
//! (Windows would crash on that too): what is fuzzed is the library's handling of every
//! legal combination, not the caller's ability to lie about its memory.
//!
//! Invariants checked after every call: no panic reached the boundary
//! ([`crate::panic_boundary::panic_count`] unchanged); a FALSE return leaves a Windows error
//! (non-zero, not the internal error 12004) in the last error; a TRUE return from a function
//! that fills a caller buffer leaves a NUL at the reported length. Bounded: at most 64 calls
//! per input.
#![allow(unsafe_code)]

use core::ptr;

use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{FALSE, SYSTEMTIME};
use windows_sys::Win32::Networking::WinHttp::{ERROR_WINHTTP_INTERNAL_ERROR, URL_COMPONENTS};
use windows_sys::Win32::Networking::WinInet::{
    GOPHER_FIND_DATAA, GOPHER_FIND_DATAW, INTERNET_BUFFERSA, INTERNET_BUFFERSW, URL_COMPONENTSA,
    URL_COMPONENTSW,
};
use windows_sys::Win32::Storage::FileSystem::{WIN32_FIND_DATAA, WIN32_FIND_DATAW};

use super::winhttp::{
    WinHttpCheckPlatform, WinHttpCrackUrl, WinHttpCreateUrl, WinHttpTimeFromSystemTime,
    WinHttpTimeToSystemTime,
};
use super::winhttp_handles::{
    WinHttpAddRequestHeaders, WinHttpCloseHandle, WinHttpConnect, WinHttpOpen, WinHttpOpenRequest,
    WinHttpQueryHeaders, WinHttpQueryOption, WinHttpSetOption, WinHttpSetTimeouts, HINTERNET,
};
use super::wininet::{
    InternetCanonicalizeUrlA, InternetCanonicalizeUrlW, InternetCombineUrlA, InternetCombineUrlW,
    InternetCrackUrlA, InternetCrackUrlW, InternetCreateUrlA, InternetCreateUrlW,
    InternetTimeFromSystemTimeA, InternetTimeFromSystemTimeW, InternetTimeToSystemTimeA,
    InternetTimeToSystemTimeW,
};
use crate::last_error;
use crate::panic_boundary::panic_count;
use crate::structs::URL_COMPONENTS_SIZE;

/// Most calls made for one input.
const MAX_CALLS: usize = 64;
/// Largest buffer (in characters) the harness allocates.
const MAX_BUFFER: usize = 300;

/// URL-shaped fragments, so that short inputs reach deep into the parsers.
const FRAGMENTS: &[&str] = &[
    "http://",
    "https://",
    "ftp://",
    "gopher://",
    "file:///",
    "about:",
    "mailto:",
    "//",
    "/",
    "@",
    ":",
    "?",
    "#",
    "%",
    "%4",
    "%41",
    "[",
    "]",
    "[::1]",
    ".",
    "..",
    "/../",
    " ",
    "\t",
    "user",
    "pass",
    "host",
    "example.com",
    "80",
    "443",
    "65535",
    "65536",
    "99999",
    "a",
    "é",
    "\u{1F600}",
    "\0",
    "x=1",
    "C:\\",
    "\\",
    "Fri, 07 Jan 2005 12:06:35 GMT",
    "Jan",
    "GMT",
];

struct Input<'a> {
    bytes: &'a [u8],
}

impl Input<'_> {
    fn u8(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((&b, rest)) => {
                self.bytes = rest;
                b
            }
            None => 0,
        }
    }

    /// True about once in `n` bytes.
    fn one_in(&mut self, n: u8) -> bool {
        self.u8().is_multiple_of(n)
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }

    /// A length-ish number: small values often, the edges sometimes.
    fn length(&mut self) -> u32 {
        match self.u8() % 8 {
            0 => 0,
            1 => u32::MAX,
            2 => self.u32(),
            _ => u32::from(self.u8()),
        }
    }

    /// Text as UTF-16 units, built from fragments and raw units.
    fn text(&mut self) -> Vec<u16> {
        let tokens = usize::from(self.u8() % 24);
        let mut out = Vec::new();
        for _ in 0..tokens {
            let b = self.u8();
            if b < 0xC0 {
                out.extend(FRAGMENTS[usize::from(b) % FRAGMENTS.len()].encode_utf16());
            } else {
                out.push(self.u16());
            }
        }
        out
    }

    /// Text as ANSI bytes (may be invalid UTF-8).
    fn ansi(&mut self) -> Vec<u8> {
        let tokens = usize::from(self.u8() % 24);
        let mut out = Vec::new();
        for _ in 0..tokens {
            let b = self.u8();
            if b < 0xC0 {
                out.extend(FRAGMENTS[usize::from(b) % FRAGMENTS.len()].as_bytes());
            } else {
                out.push(self.u8());
            }
        }
        out
    }
}

/// A string argument and the memory behind it.
struct StringArg<T> {
    storage: Vec<T>,
    null: bool,
    len: u32,
}

impl<T: Copy + Default> StringArg<T> {
    /// NULL, NUL-terminated (length 0 or -1), or a prefix without terminator.
    fn new(input: &mut Input<'_>, text: Vec<T>, terminated_only: bool) -> Self {
        let mode = input.u8() % 4;
        if mode == 0 && !terminated_only {
            let len = input.length();
            return Self {
                storage: Vec::new(),
                null: true,
                len,
            };
        }
        if mode == 1 && !terminated_only && !text.is_empty() {
            // 1..=len: a stated length of 0 means "NUL-terminated" to the URL functions,
            // which this unterminated storage is not.
            let len = 1 + u32::from(input.u8()) % text.len() as u32;
            return Self {
                storage: text,
                null: false,
                len,
            };
        }
        let mut storage = text;
        storage.push(T::default());
        let len = if input.one_in(2) { 0 } else { u32::MAX };
        Self {
            storage,
            null: mode == 0,
            len,
        }
    }

    fn ptr(&self) -> *const T {
        if self.null {
            ptr::null()
        } else {
            self.storage.as_ptr()
        }
    }
}

/// An out buffer: NULL or an allocation, and the capacity claimed (never more than allocated).
struct OutBuffer<T> {
    storage: Vec<T>,
    null: bool,
    claimed: u32,
}

impl<T: Copy + Default + PartialEq> OutBuffer<T> {
    fn new(input: &mut Input<'_>) -> Self {
        let size = usize::from(input.u8()) % MAX_BUFFER;
        let null = input.one_in(5);
        let claimed = if null { input.length() } else { size as u32 };
        Self {
            storage: vec![T::default(); size.max(1)],
            null,
            claimed,
        }
    }

    fn ptr(&mut self) -> *mut T {
        if self.null {
            ptr::null_mut()
        } else {
            self.storage.as_mut_ptr()
        }
    }

    /// After a TRUE return that reported `len` characters: the NUL is there.
    fn terminated_at(&self, len: u32) -> bool {
        !self.null
            && self
                .storage
                .get(len as usize)
                .is_some_and(|c| *c == T::default())
    }
}

/// The six component slots of a crack call and their buffers.
struct CrackSlots<T> {
    buffers: Vec<Vec<T>>,
    slots: [(*mut T, u32); 6],
}

impl<T: Copy + Default> CrackSlots<T> {
    fn new(input: &mut Input<'_>) -> Self {
        let mut buffers = Vec::new();
        let mut slots = [(ptr::null_mut(), 0); 6];
        for slot in &mut slots {
            *slot = match input.u8() % 4 {
                0 => (ptr::null_mut(), 0),
                1 => (ptr::null_mut(), input.length().max(1)),
                _ => {
                    let size = usize::from(input.u8()) % MAX_BUFFER;
                    let mut buffer = vec![T::default(); size.max(1)];
                    let p = buffer.as_mut_ptr();
                    buffers.push(buffer);
                    (p, size as u32)
                }
            };
        }
        Self { buffers, slots }
    }
}

fn struct_size(input: &mut Input<'_>) -> u32 {
    if input.one_in(6) {
        input.u32()
    } else {
        URL_COMPONENTS_SIZE
    }
}

macro_rules! components {
    ($ty:ident, $size:expr, $scheme:expr, $port:expr, $s:expr) => {{
        let s = $s;
        $ty {
            dwStructSize: $size,
            lpszScheme: s[0].0,
            dwSchemeLength: s[0].1,
            nScheme: $scheme,
            lpszHostName: s[1].0,
            dwHostNameLength: s[1].1,
            nPort: $port,
            lpszUserName: s[2].0,
            dwUserNameLength: s[2].1,
            lpszPassword: s[3].0,
            dwPasswordLength: s[3].1,
            lpszUrlPath: s[4].0,
            dwUrlPathLength: s[4].1,
            lpszExtraInfo: s[5].0,
            dwExtraInfoLength: s[5].1,
        }
    }};
}

fn system_time(input: &mut Input<'_>) -> SYSTEMTIME {
    let mut field = || match input.u8() % 4 {
        0 => input.u16(),
        _ => u16::from(input.u8() % 32),
    };
    SYSTEMTIME {
        wYear: field().wrapping_add(1990),
        wMonth: field(),
        wDayOfWeek: field(),
        wDay: field(),
        wHour: field(),
        wMinute: field(),
        wSecond: field(),
        wMilliseconds: field(),
    }
}

/// Calls made and calls that returned TRUE.
#[derive(Clone, Copy, Debug, Default)]
struct Stats {
    calls: usize,
    successes: usize,
    /// Calls of the WinINet handle and Gopher/cookie/response exports.
    wininet_handle_calls: usize,
    /// Rounds of [`wininet_without_io`] (sends, FTP, Gopher, find-next, read-ex, ...).
    without_io_rounds: usize,
}

fn check(stats: &mut Stats, name: &str, result: BOOL) {
    stats.calls += 1;
    if ["Internet", "Http", "Ftp", "Gopher"]
        .iter()
        .any(|p| name.starts_with(p))
        && !name.contains("Url")
        && !name.contains("Time")
    {
        stats.wininet_handle_calls += 1;
    }
    if result != FALSE {
        stats.successes += 1;
    } else {
        let code = last_error::get();
        assert!(
            code != 0 && code != ERROR_WINHTTP_INTERNAL_ERROR,
            "{name} failed without a Windows error (last error {code})"
        );
    }
}

/// Drives every implemented export with arguments built from `bytes` (see the module docs
/// for what is checked). Panics — which the fuzzer reports — only when an invariant breaks.
pub fn fuzz_exports(bytes: &[u8]) {
    fuzz_with_stats(bytes);
}

fn fuzz_with_stats(bytes: &[u8]) -> Stats {
    let panics_before = panic_count();
    let mut input = Input { bytes };
    let mut stats = Stats::default();
    for _ in 0..MAX_CALLS {
        if input.bytes.is_empty() {
            break;
        }
        one_call(&mut input, &mut stats);
        assert_eq!(panic_count(), panics_before, "a panic reached the boundary");
    }
    stats
}

fn one_call(input: &mut Input<'_>, stats: &mut Stats) {
    let flags = match input.u8() % 4 {
        0 => input.u32(),
        1 => windows_sys::Win32::Networking::WinHttp::ICU_DECODE,
        2 => windows_sys::Win32::Networking::WinHttp::ICU_ESCAPE,
        _ => 0,
    };
    // SAFETY (every call below): each pointer is NULL or points at live storage owned by
    // this function whose size is at least what the accompanying length states, which is the
    // Windows contract of the export.
    match input.u8() % 20 {
        16 => handles(input, stats),
        18 => wininet_handles(input, stats),
        19 => wininet_strings(input, stats),
        0 => check(stats, "WinHttpCheckPlatform", unsafe {
            WinHttpCheckPlatform()
        }),
        1 | 2 => {
            let wide = input.text();
            let url = StringArg::new(input, wide, false);
            let mut slots = CrackSlots::<u16>::new(input);
            let size = struct_size(input);
            let mut uc = components!(URL_COMPONENTS, size, 0, 0, slots.slots);
            let target: *mut URL_COMPONENTS = if input.one_in(8) {
                ptr::null_mut()
            } else {
                &mut uc
            };
            let result = if input.one_in(2) {
                unsafe { WinHttpCrackUrl(url.ptr(), url.len, flags, target) }
            } else {
                unsafe {
                    InternetCrackUrlW(url.ptr(), url.len, flags, target.cast::<URL_COMPONENTSW>())
                }
            };
            check(stats, "CrackUrlW", result);
            slots.buffers.clear();
        }
        3 => {
            let ansi = input.ansi();
            let url = StringArg::new(input, ansi, false);
            let mut slots = CrackSlots::<u8>::new(input);
            let size = struct_size(input);
            let mut uc = components!(URL_COMPONENTSA, size, 0, 0, slots.slots);
            let result = unsafe { InternetCrackUrlA(url.ptr(), url.len, flags, &mut uc) };
            check(stats, "InternetCrackUrlA", result);
            slots.buffers.clear();
        }
        4 | 5 => {
            let parts: Vec<StringArg<u16>> = (0..6)
                .map(|_| {
                    let t = input.text();
                    StringArg::new(input, t, false)
                })
                .collect();
            let slots: [(*mut u16, u32); 6] =
                core::array::from_fn(|i| (parts[i].ptr().cast_mut(), parts[i].len));
            let size = struct_size(input);
            let scheme = i32::from(input.u8() % 12) - 1;
            let port = input.u16();
            let uc = components!(URL_COMPONENTSW, size, scheme, port, slots);
            let mut out = OutBuffer::<u16>::new(input);
            let mut len = out.claimed;
            let len_ptr: *mut u32 = if input.one_in(8) {
                ptr::null_mut()
            } else {
                &mut len
            };
            let winhttp = input.one_in(2);
            let result = if winhttp {
                unsafe { WinHttpCreateUrl(ptr::from_ref(&uc).cast(), flags, out.ptr(), len_ptr) }
            } else {
                unsafe { InternetCreateUrlW(&uc, flags, out.ptr(), len_ptr) }
            };
            check(stats, "CreateUrlW", result);
            if result != FALSE {
                assert!(
                    out.terminated_at(len),
                    "CreateUrlW: no NUL at the reported length"
                );
            }
        }
        6 => {
            let parts: Vec<StringArg<u8>> = (0..6)
                .map(|_| {
                    let t = input.ansi();
                    StringArg::new(input, t, false)
                })
                .collect();
            let slots: [(*mut u8, u32); 6] =
                core::array::from_fn(|i| (parts[i].ptr().cast_mut(), parts[i].len));
            let size = struct_size(input);
            let scheme = i32::from(input.u8() % 12) - 1;
            let port = input.u16();
            let uc = components!(URL_COMPONENTSA, size, scheme, port, slots);
            let mut out = OutBuffer::<u8>::new(input);
            let mut len = out.claimed;
            let result = unsafe { InternetCreateUrlA(&uc, flags, out.ptr(), &mut len) };
            check(stats, "InternetCreateUrlA", result);
            if result != FALSE {
                assert!(
                    out.terminated_at(len),
                    "InternetCreateUrlA: no NUL at the reported length"
                );
            }
        }
        7 | 8 => {
            let wide = input.text();
            let url = StringArg::new(input, wide, true);
            let relative_text = input.text();
            let relative = StringArg::new(input, relative_text, true);
            let mut out = OutBuffer::<u16>::new(input);
            let mut len = out.claimed;
            let len_ptr: *mut u32 = if input.one_in(8) {
                ptr::null_mut()
            } else {
                &mut len
            };
            let result = if input.one_in(2) {
                unsafe { InternetCanonicalizeUrlW(url.ptr(), out.ptr(), len_ptr, flags) }
            } else {
                unsafe { InternetCombineUrlW(url.ptr(), relative.ptr(), out.ptr(), len_ptr, flags) }
            };
            check(stats, "Canonicalize/CombineUrlW", result);
            if result != FALSE {
                assert!(
                    out.terminated_at(len),
                    "Canonicalize/CombineW: no NUL at the reported length"
                );
            }
        }
        9 | 10 => {
            let ansi = input.ansi();
            let url = StringArg::new(input, ansi, true);
            let relative_text = input.ansi();
            let relative = StringArg::new(input, relative_text, true);
            let mut out = OutBuffer::<u8>::new(input);
            let mut len = out.claimed;
            let result = if input.one_in(2) {
                unsafe { InternetCanonicalizeUrlA(url.ptr(), out.ptr(), &mut len, flags) }
            } else {
                unsafe {
                    InternetCombineUrlA(url.ptr(), relative.ptr(), out.ptr(), &mut len, flags)
                }
            };
            check(stats, "Canonicalize/CombineUrlA", result);
            if result != FALSE {
                assert!(
                    out.terminated_at(len),
                    "Canonicalize/CombineA: no NUL at the reported length"
                );
            }
        }
        11 => {
            let time = system_time(input);
            let mut out = [0u16; 31]; // WINHTTP_TIME_FORMAT_BUFSIZE bytes
            let out_ptr = if input.one_in(8) {
                ptr::null_mut()
            } else {
                out.as_mut_ptr()
            };
            let time_ptr: *const SYSTEMTIME = if input.one_in(8) { ptr::null() } else { &time };
            check(stats, "WinHttpTimeFromSystemTime", unsafe {
                WinHttpTimeFromSystemTime(time_ptr, out_ptr)
            });
        }
        12 => {
            let time = system_time(input);
            let mut out = OutBuffer::<u16>::new(input);
            let bytes = out.claimed.saturating_mul(2);
            let rfc = u32::from(input.u8() % 3);
            check(stats, "InternetTimeFromSystemTimeW", unsafe {
                InternetTimeFromSystemTimeW(&time, rfc, out.ptr(), bytes)
            });
        }
        13 => {
            let time = system_time(input);
            let mut out = OutBuffer::<u8>::new(input);
            let rfc = u32::from(input.u8() % 3);
            check(stats, "InternetTimeFromSystemTimeA", unsafe {
                InternetTimeFromSystemTimeA(&time, rfc, out.ptr(), out.claimed)
            });
        }
        14 | 15 => {
            let wide = input.text();
            let text = StringArg::new(input, wide, true);
            let mut time = SYSTEMTIME {
                wYear: 0,
                wMonth: 0,
                wDayOfWeek: 0,
                wDay: 0,
                wHour: 0,
                wMinute: 0,
                wSecond: 0,
                wMilliseconds: 0,
            };
            let time_ptr: *mut SYSTEMTIME = if input.one_in(8) {
                ptr::null_mut()
            } else {
                &mut time
            };
            let result = if input.one_in(2) {
                unsafe { WinHttpTimeToSystemTime(text.ptr(), time_ptr) }
            } else {
                unsafe { InternetTimeToSystemTimeW(text.ptr(), time_ptr, 0) }
            };
            check(stats, "TimeToSystemTimeW", result);
        }
        _ => {
            let ansi = input.ansi();
            let text = StringArg::new(input, ansi, true);
            let mut time = SYSTEMTIME {
                wYear: 0,
                wMonth: 0,
                wDayOfWeek: 0,
                wDay: 0,
                wHour: 0,
                wMinute: 0,
                wSecond: 0,
                wMilliseconds: 0,
            };
            check(stats, "InternetTimeToSystemTimeA", unsafe {
                InternetTimeToSystemTimeA(text.ptr(), &mut time, 0)
            });
        }
    }
}

/// The handle exports without any I/O: a synchronous session, a connect to 127.0.0.1 and a
/// request (with hostile strings), then header, option and timeout calls with hostile
/// lengths on those handles, on wrong handle kinds and on arbitrary handle values; every
/// handle is closed at the end. No request is ever sent (nothing leaves the process).
fn handles(input: &mut Input<'_>, stats: &mut Stats) {
    let agent = wide_arg(input, true);
    // SAFETY (every call below): as in `one_call` — each pointer is NULL or live storage at
    // least as large as its stated length.
    let session = unsafe { WinHttpOpen(agent.ptr(), 1, ptr::null(), ptr::null(), 0) };
    check(stats, "WinHttpOpen", BOOL::from(!session.is_null()));
    let host: Vec<u16> = "127.0.0.1\0".encode_utf16().collect();
    let connect = unsafe { WinHttpConnect(session, host.as_ptr(), 9, 0) };
    check(stats, "WinHttpConnect", BOOL::from(!connect.is_null()));
    let verb = wide_arg(input, true);
    let object = wide_arg(input, true);
    let request = unsafe {
        WinHttpOpenRequest(
            connect,
            verb.ptr(),
            object.ptr(),
            ptr::null(),
            ptr::null(),
            ptr::null(),
            0,
        )
    };
    check(stats, "WinHttpOpenRequest", BOOL::from(!request.is_null()));
    let arbitrary: HINTERNET = ptr::without_provenance_mut(input.u32() as usize);
    for _ in 0..4 {
        let target = match input.u8() % 4 {
            0 => session,
            1 => connect,
            2 => request,
            _ => arbitrary,
        };
        if input.one_in(5) {
            winhttp_ex_calls(input, stats, target);
            continue;
        }
        if input.one_in(5) {
            winhttp_without_io(input, stats, session, connect, request);
            continue;
        }
        match input.u8() % 4 {
            0 => {
                let headers = wide_arg(input, false);
                check(stats, "WinHttpAddRequestHeaders", unsafe {
                    WinHttpAddRequestHeaders(target, headers.ptr(), headers.len, input.u32())
                });
            }
            1 => {
                let mut out = OutBuffer::<u8>::new(input);
                let mut length = out.claimed;
                let number = if input.one_in(2) {
                    windows_sys::Win32::Networking::WinHttp::WINHTTP_QUERY_FLAG_NUMBER
                } else {
                    0
                };
                let level = (input.u32() % 80) | number;
                let length_ptr = if input.one_in(8) {
                    ptr::null_mut()
                } else {
                    &raw mut length
                };
                check(stats, "WinHttpQueryHeaders", unsafe {
                    WinHttpQueryHeaders(
                        target,
                        level,
                        ptr::null(),
                        out.ptr().cast(),
                        length_ptr,
                        ptr::null_mut(),
                    )
                });
            }
            2 => {
                let option = input.u32() % 200;
                let kind = hinternet_net::winhttp::options::spec(option).map(|s| s.kind);
                if kind == Some(hinternet_net::winhttp::options::ValueKind::Proxy) {
                    // Its buffer holds pointers the caller vouches for: not fuzzable here.
                    continue;
                }
                // WCHARs, zero-terminated, fuzz-filled: a stated length never exceeds it in
                // bytes or in WCHARs.
                let size = usize::from(input.u8()) % 64;
                let mut buffer: Vec<u16> = (0..size).map(|_| input.u16()).collect();
                buffer.push(0);
                let len = match input.u8() % 3 {
                    0 => 0,
                    // -1 (NUL-terminated) is a legal length only for string options.
                    1 if kind == Some(hinternet_net::winhttp::options::ValueKind::Wide) => u32::MAX,
                    _ => size as u32,
                };
                let p = if input.one_in(6) {
                    ptr::null_mut()
                } else {
                    buffer.as_mut_ptr().cast()
                };
                check(stats, "WinHttpSetOption", unsafe {
                    WinHttpSetOption(target, option, p, len)
                });
            }
            _ => {
                let mut out = OutBuffer::<u8>::new(input);
                let mut length = out.claimed;
                let length_ptr = if input.one_in(8) {
                    ptr::null_mut()
                } else {
                    &raw mut length
                };
                check(stats, "WinHttpQueryOption", unsafe {
                    WinHttpQueryOption(target, input.u32() % 200, out.ptr().cast(), length_ptr)
                });
                let timeouts =
                    [input.u32(), input.u32(), input.u32(), input.u32()].map(|t| t as i32);
                check(stats, "WinHttpSetTimeouts", unsafe {
                    WinHttpSetTimeouts(target, timeouts[0], timeouts[1], timeouts[2], timeouts[3])
                });
            }
        }
    }
    for handle in [request, connect, session] {
        if !handle.is_null() {
            check(stats, "WinHttpCloseHandle", unsafe {
                WinHttpCloseHandle(handle)
            });
        }
    }
}

/// `WinHttpQueryHeadersEx` and `WinHttpReadDataEx` on `target` (never a sent request) with
/// hostile flags, names, buffers and NULL out pointers: each answers a Windows code.
fn winhttp_ex_calls(input: &mut Input<'_>, stats: &mut Stats, target: HINTERNET) {
    use super::winhttp_more::{WinHttpQueryHeadersEx, WinHttpReadDataEx};
    use windows_sys::Win32::Networking::WinHttp::{WINHTTP_EXTENDED_HEADER, WINHTTP_HEADER_NAME};
    let mut out = OutBuffer::<u8>::new(input);
    let mut length = out.claimed;
    let length_ptr = if input.one_in(8) {
        ptr::null_mut()
    } else {
        &raw mut length
    };
    let mut headers: *mut WINHTTP_EXTENDED_HEADER = ptr::null_mut();
    let mut count = 0u32;
    let mut index = input.u32() % 4;
    let wide_name = wide_arg(input, true);
    let ansi_name = ansi_arg(input, true);
    let flags = u64::from(input.u8() % 3);
    let name = if flags & 1 != 0 {
        WINHTTP_HEADER_NAME {
            pwszName: wide_name.ptr(),
        }
    } else {
        WINHTTP_HEADER_NAME {
            pszName: ansi_name.ptr(),
        }
    };
    let level = match input.u8() % 3 {
        0 => windows_sys::Win32::Networking::WinHttp::WINHTTP_QUERY_CUSTOM,
        1 => windows_sys::Win32::Networking::WinHttp::WINHTTP_QUERY_EX_ALL_HEADERS,
        _ => input.u32(),
    };
    // SAFETY: every pointer is NULL or live storage at least as large as its stated length;
    // the name union holds a NUL-terminated string of the flag's set (or NULL).
    let code = unsafe {
        WinHttpQueryHeadersEx(
            target,
            level,
            flags,
            input.u32(),
            if input.one_in(2) {
                ptr::null_mut()
            } else {
                &raw mut index
            },
            if input.one_in(3) {
                ptr::null_mut()
            } else {
                (&raw const name).cast_mut()
            },
            out.ptr().cast(),
            length_ptr,
            if input.one_in(8) {
                ptr::null_mut()
            } else {
                &raw mut headers
            },
            if input.one_in(8) {
                ptr::null_mut()
            } else {
                &raw mut count
            },
        )
    };
    check_dword(stats, "WinHttpQueryHeadersEx", code);
    let mut read = 0u32;
    let claimed = if out.null { 0 } else { out.claimed };
    // SAFETY: as above.
    let code = unsafe {
        WinHttpReadDataEx(
            target,
            out.ptr().cast(),
            claimed,
            &raw mut read,
            u64::from(input.u8() % 2),
            0,
            ptr::null_mut(),
        )
    };
    check_dword(stats, "WinHttpReadDataEx", code);
}

/// The WinHTTP exports that would start I/O on a sent request or a websocket (sends,
/// receives, reads, writes, authentication, the websocket functions), called where they
/// cannot: a send never on the request, the others on the unsent request (an ordering
/// error), the session, the connect, NULL and a value no handle has, with hostile lengths
/// and out pointers; and `WinHttpSetStatusCallback`.
fn winhttp_without_io(
    input: &mut Input<'_>,
    stats: &mut Stats,
    session: HINTERNET,
    connect: HINTERNET,
    request: HINTERNET,
) {
    use super::winhttp_handles as wh;
    stats.without_io_rounds += 1;
    let unknown = unknown_handle(input);
    let target = match input.u8() % 5 {
        0 => session,
        1 => connect,
        2 => request,
        3 => unknown,
        _ => ptr::null_mut(),
    };
    let mut bytes: Vec<u8> = (0..usize::from(input.u8()) % 64)
        .map(|_| input.u8())
        .collect();
    let claimed = if bytes.is_empty() {
        0
    } else {
        u32::from(input.u8()) % (bytes.len() as u32 + 1)
    };
    let data: *mut core::ffi::c_void = if input.one_in(5) {
        ptr::null_mut()
    } else {
        bytes.as_mut_ptr().cast()
    };
    let claimed = if data.is_null() { 0 } else { claimed };
    let mut n = 0u32;
    let n_ptr = if input.one_in(6) {
        ptr::null_mut()
    } else {
        &raw mut n
    };
    // SAFETY (every call below): each pointer is NULL or live storage at least as large as
    // its stated length (the contract of the export).
    match input.u8() % 6 {
        0 => {
            // A send starts I/O only on a request: never passed one here.
            let target = if target == request { connect } else { target };
            let headers = wide_arg(input, false);
            check(stats, "WinHttpSendRequest", unsafe {
                wh::WinHttpSendRequest(
                    target,
                    headers.ptr(),
                    headers.len,
                    data.cast_const(),
                    claimed,
                    input.length(),
                    1,
                )
            });
        }
        1 => {
            check(stats, "WinHttpReceiveResponse", unsafe {
                wh::WinHttpReceiveResponse(target, ptr::null_mut())
            });
            check(stats, "WinHttpQueryDataAvailable", unsafe {
                wh::WinHttpQueryDataAvailable(target, n_ptr)
            });
        }
        2 => {
            check(stats, "WinHttpReadData", unsafe {
                wh::WinHttpReadData(target, data, claimed, n_ptr)
            });
            check(stats, "WinHttpWriteData", unsafe {
                wh::WinHttpWriteData(target, data.cast_const(), claimed, n_ptr)
            });
        }
        3 => {
            let (user, password) = (wide_arg(input, true), wide_arg(input, true));
            check(stats, "WinHttpSetCredentials", unsafe {
                wh::WinHttpSetCredentials(
                    target,
                    input.u32() % 3,
                    1 << (input.u8() % 6),
                    user.ptr(),
                    password.ptr(),
                    ptr::null_mut(),
                )
            });
            let (mut supported, mut first, mut auth_target) = (0u32, 0u32, 0u32);
            let first_ptr = if input.one_in(4) {
                ptr::null_mut()
            } else {
                &raw mut first
            };
            check(stats, "WinHttpQueryAuthSchemes", unsafe {
                wh::WinHttpQueryAuthSchemes(
                    target,
                    &raw mut supported,
                    first_ptr,
                    &raw mut auth_target,
                )
            });
        }
        4 => {
            // The websocket functions: no websocket handle exists here.
            let upgraded = unsafe { wh::WinHttpWebSocketCompleteUpgrade(target, 1) };
            check(
                stats,
                "WinHttpWebSocketCompleteUpgrade",
                BOOL::from(!upgraded.is_null()),
            );
            if !upgraded.is_null() {
                // SAFETY: the handle the call returned, closed once.
                unsafe { WinHttpCloseHandle(upgraded) };
            }
            let kind = i32::from(input.u8() % 6);
            check_dword(stats, "WinHttpWebSocketSend", unsafe {
                wh::WinHttpWebSocketSend(target, kind, data.cast_const(), claimed)
            });
            let mut kind_out = 0i32;
            check_dword(stats, "WinHttpWebSocketReceive", unsafe {
                wh::WinHttpWebSocketReceive(target, data, claimed, n_ptr, &raw mut kind_out)
            });
            check_dword(stats, "WinHttpWebSocketShutdown", unsafe {
                wh::WinHttpWebSocketShutdown(target, input.u16(), data.cast_const(), claimed)
            });
            check_dword(stats, "WinHttpWebSocketClose", unsafe {
                wh::WinHttpWebSocketClose(target, input.u16(), data.cast_const(), claimed)
            });
            let mut status = 0u16;
            check_dword(stats, "WinHttpWebSocketQueryCloseStatus", unsafe {
                wh::WinHttpWebSocketQueryCloseStatus(target, &raw mut status, data, claimed, n_ptr)
            });
        }
        _ => {
            let previous = unsafe { wh::WinHttpSetStatusCallback(target, None, input.u32(), 0) };
            stats.calls += 1;
            if previous.addr() != usize::MAX {
                stats.successes += 1;
            }
        }
    }
}

/// A DWORD-returning export's answer: `ERROR_SUCCESS`, or a Windows error that is not the
/// internal error.
fn check_dword(stats: &mut Stats, name: &str, code: u32) {
    stats.calls += 1;
    if code == 0 {
        stats.successes += 1;
    } else {
        assert!(
            code != ERROR_WINHTTP_INTERNAL_ERROR,
            "{name} answered the internal error"
        );
    }
}

/// The WinINet handle exports without I/O: an `InternetOpenW/A` root, an HTTP connect to
/// 127.0.0.1 (which opens no connection) and a request with hostile strings, then header,
/// query, option, read and write calls with hostile lengths on those handles, wrong handle
/// kinds and arbitrary values; every handle is closed at the end. No request is ever sent.
fn wininet_handles(input: &mut Input<'_>, stats: &mut Stats) {
    use super::wininet_handles as wi;
    use hinternet_net::wininet::options::{spec, ValueKind};
    // SAFETY (every call below): each pointer is NULL or live storage at least as large as
    // its stated length (the contract of the export).
    let ansi_root = input.one_in(2);
    let root = if ansi_root {
        let agent = ansi_arg(input, true);
        unsafe { wi::InternetOpenA(agent.ptr(), 1, ptr::null(), ptr::null(), input.u32()) }
    } else {
        let agent = wide_arg(input, true);
        unsafe { wi::InternetOpenW(agent.ptr(), 1, ptr::null(), ptr::null(), input.u32()) }
    };
    check(stats, "InternetOpen", BOOL::from(!root.is_null()));
    let host: Vec<u16> = "127.0.0.1\0".encode_utf16().collect();
    let connect =
        unsafe { wi::InternetConnectW(root, host.as_ptr(), 9, ptr::null(), ptr::null(), 3, 0, 1) };
    check(stats, "InternetConnectW", BOOL::from(!connect.is_null()));
    let request = if input.one_in(2) {
        let (verb, object) = (ansi_arg(input, true), ansi_arg(input, true));
        unsafe {
            wi::HttpOpenRequestA(
                connect,
                verb.ptr(),
                object.ptr(),
                ptr::null(),
                ptr::null(),
                ptr::null(),
                input.u32(),
                2,
            )
        }
    } else {
        let (verb, object) = (wide_arg(input, true), wide_arg(input, true));
        unsafe {
            wi::HttpOpenRequestW(
                connect,
                verb.ptr(),
                object.ptr(),
                ptr::null(),
                ptr::null(),
                ptr::null(),
                input.u32(),
                2,
            )
        }
    };
    check(stats, "HttpOpenRequest", BOOL::from(!request.is_null()));
    let arbitrary: wi::HINTERNET = ptr::without_provenance_mut(input.u32() as usize);
    for _ in 0..4 {
        let target = match input.u8() % 4 {
            0 => root,
            1 => connect,
            2 => request,
            _ => arbitrary,
        };
        match input.u8() % 8 {
            6 | 7 => wininet_without_io(input, stats, root, connect, request),
            0 => {
                let headers = wide_arg(input, false);
                check(stats, "HttpAddRequestHeadersW", unsafe {
                    wi::HttpAddRequestHeadersW(target, headers.ptr(), headers.len, input.u32())
                });
                let headers = ansi_arg(input, false);
                check(stats, "HttpAddRequestHeadersA", unsafe {
                    wi::HttpAddRequestHeadersA(target, headers.ptr(), headers.len, input.u32())
                });
            }
            1 => {
                let mut out = OutBuffer::<u8>::new(input);
                let mut length = out.claimed;
                let length_ptr = if input.one_in(8) {
                    ptr::null_mut()
                } else {
                    &raw mut length
                };
                let level = match input.u8() % 3 {
                    0 => windows_sys::Win32::Networking::WinInet::HTTP_QUERY_CUSTOM,
                    1 => input.u32(),
                    _ => input.u32() % 80,
                };
                let mut index = input.u32() % 4;
                let index_ptr = if input.one_in(2) {
                    ptr::null_mut()
                } else {
                    &raw mut index
                };
                let result = if input.one_in(2) {
                    unsafe {
                        wi::HttpQueryInfoW(target, level, out.ptr().cast(), length_ptr, index_ptr)
                    }
                } else {
                    unsafe {
                        wi::HttpQueryInfoA(target, level, out.ptr().cast(), length_ptr, index_ptr)
                    }
                };
                check(stats, "HttpQueryInfo", result);
            }
            2 => {
                let option = input.u32() % 200;
                let kind = spec(option).map(|s| s.kind);
                if matches!(kind, Some(ValueKind::Proxy | ValueKind::Opaque)) {
                    // Buffers holding pointers the caller vouches for: not fuzzable here.
                    continue;
                }
                let size = usize::from(input.u8()) % 64;
                let mut buffer: Vec<u16> = (0..size).map(|_| input.u16()).collect();
                buffer.push(0);
                // A length never exceeds the buffer in bytes or in characters; 0 means
                // NUL-terminated for strings.
                let len = if input.one_in(3) { 0 } else { size as u32 };
                let p: *const core::ffi::c_void = if input.one_in(6) {
                    ptr::null()
                } else {
                    buffer.as_ptr().cast()
                };
                let result = if input.one_in(2) {
                    unsafe { wi::InternetSetOptionW(target, option, p, len) }
                } else {
                    unsafe { wi::InternetSetOptionA(target, option, p, len) }
                };
                check(stats, "InternetSetOption", result);
            }
            3 => {
                let mut out = OutBuffer::<u8>::new(input);
                let mut length = out.claimed;
                let length_ptr = if input.one_in(8) {
                    ptr::null_mut()
                } else {
                    &raw mut length
                };
                let option = input.u32() % 200;
                let result = if input.one_in(2) {
                    unsafe {
                        wi::InternetQueryOptionW(target, option, out.ptr().cast(), length_ptr)
                    }
                } else {
                    unsafe {
                        wi::InternetQueryOptionA(target, option, out.ptr().cast(), length_ptr)
                    }
                };
                check(stats, "InternetQueryOption", result);
            }
            4 => {
                // Nothing was sent: reads, writes and availability fail on every handle.
                let mut out = OutBuffer::<u8>::new(input);
                let mut n = 0u32;
                let claimed = if out.null { 0 } else { out.claimed };
                check(stats, "InternetReadFile", unsafe {
                    wi::InternetReadFile(target, out.ptr().cast(), claimed, &raw mut n)
                });
                check(stats, "InternetWriteFile", unsafe {
                    wi::InternetWriteFile(
                        target,
                        out.ptr().cast_const().cast(),
                        claimed,
                        &raw mut n,
                    )
                });
                check(stats, "InternetQueryDataAvailable", unsafe {
                    wi::InternetQueryDataAvailable(target, &raw mut n, 0, 0)
                });
                let mut high = 0u32;
                let low = unsafe { wi::FtpGetFileSize(target, &raw mut high) };
                check(stats, "FtpGetFileSize", BOOL::from(low != u32::MAX));
            }
            _ => {
                // InternetSetStatusCallback leaves the last error as it was when it fails
                // (docs/behaviour.md: INTERNET_INVALID_STATUS_CALLBACK, error unchanged).
                last_error::set(0xBEEF);
                let previous = unsafe { wi::InternetSetStatusCallbackW(target, None) };
                stats.calls += 1;
                if previous.addr() == usize::MAX {
                    assert_eq!(
                        last_error::get(),
                        0xBEEF,
                        "InternetSetStatusCallbackW changed the last error on failure"
                    );
                } else {
                    stats.successes += 1;
                }
            }
        }
    }
    for handle in [request, connect, root] {
        if !handle.is_null() {
            check(stats, "InternetCloseHandle", unsafe {
                wi::InternetCloseHandle(handle)
            });
        }
    }
}

/// A handle value no live handle of this process has: beyond the handle table's values,
/// so that a call on it can never reach one that would start I/O.
fn unknown_handle(input: &mut Input<'_>) -> *mut core::ffi::c_void {
    ptr::without_provenance_mut((input.u32() | 0x8000_0000) as usize)
}

/// The `INTERNET_BUFFERS` of `HttpSendRequestEx` with hostile lengths: headers (never
/// longer than their storage), initial body bytes in `lpvBuffer`, any total.
struct SendBuffers {
    headers: StringArg<u16>,
    headers_a: StringArg<u8>,
    body: Vec<u8>,
    struct_size: u32,
    total: u32,
}

impl SendBuffers {
    fn new(input: &mut Input<'_>) -> Self {
        let headers = wide_arg(input, false);
        let headers_a = ansi_arg(input, false);
        let body = (0..usize::from(input.u8()) % 64)
            .map(|_| input.u8())
            .collect();
        SendBuffers {
            headers,
            headers_a,
            body,
            struct_size: if input.one_in(6) {
                input.u32()
            } else {
                size_of::<INTERNET_BUFFERSW>() as u32
            },
            total: input.length(),
        }
    }

    fn wide(&self, body_len: u32) -> INTERNET_BUFFERSW {
        INTERNET_BUFFERSW {
            dwStructSize: self.struct_size,
            Next: ptr::null_mut(),
            lpcszHeader: self.headers.ptr(),
            dwHeadersLength: self.headers.len,
            dwHeadersTotal: self.headers.len,
            lpvBuffer: self.body.as_ptr().cast_mut().cast(),
            dwBufferLength: body_len,
            dwBufferTotal: self.total,
            dwOffsetLow: 0,
            dwOffsetHigh: 0,
        }
    }

    fn ansi(&self, body_len: u32) -> INTERNET_BUFFERSA {
        INTERNET_BUFFERSA {
            dwStructSize: self.struct_size,
            Next: ptr::null_mut(),
            lpcszHeader: self.headers_a.ptr(),
            dwHeadersLength: self.headers_a.len,
            dwHeadersTotal: self.headers_a.len,
            lpvBuffer: self.body.as_ptr().cast_mut().cast(),
            dwBufferLength: body_len,
            dwBufferTotal: self.total,
            dwOffsetLow: 0,
            dwOffsetHigh: 0,
        }
    }
}

/// A `GOPHER_ATTRIBUTE_ENUMERATOR` that stops at the first block (never called on the
/// handles this harness passes, which make no request).
#[cfg(not(feature = "abi-win64"))]
unsafe extern "system" fn stop_enumeration(
    _info: *const windows_sys::Win32::Networking::WinInet::GOPHER_ATTRIBUTE_TYPE,
    _error: u32,
) -> i32 {
    0
}
#[cfg(feature = "abi-win64")]
unsafe extern "win64" fn stop_enumeration(
    _info: *const windows_sys::Win32::Networking::WinInet::GOPHER_ATTRIBUTE_TYPE,
    _error: u32,
) -> i32 {
    0
}

/// The WinINet exports that would start I/O on the right handle (sends, `InternetOpenUrl`,
/// the `Ftp*` and `Gopher*` functions, find-next, `InternetReadFileEx`,
/// `HttpSendRequestEx` with initial body bytes, `FtpCommand`, `GopherGetAttribute`), each
/// called only on handles where it cannot (`targets` never holds a handle of the right
/// kind for the function, plus values no handle has) with hostile strings, lengths and out
/// buffers, and `InternetConnectA` (HTTP service: no connection is opened),
/// `InternetSetCookieA`, `InternetSetStatusCallbackA` and the unsuffixed time functions.
/// Every handle a call returns is closed.
fn wininet_without_io(
    input: &mut Input<'_>,
    stats: &mut Stats,
    root: HINTERNET,
    connect: HINTERNET,
    request: HINTERNET,
) {
    use super::wininet_handles as wi;
    stats.without_io_rounds += 1;
    // FTP and Gopher functions: no FTP or Gopher handle exists here.
    let unknown = unknown_handle(input);
    let not_ftp = [root, connect, request, unknown, ptr::null_mut()];
    let pick = |input: &mut Input<'_>, set: &[HINTERNET]| set[usize::from(input.u8()) % set.len()];
    let close_returned = |h: HINTERNET| {
        if !h.is_null() {
            // SAFETY: a handle a call returned, closed once.
            unsafe { wi::InternetCloseHandle(h) };
        }
    };
    let closed = |stats: &mut Stats, name: &str, h: HINTERNET| {
        check(stats, name, BOOL::from(!h.is_null()));
        if !h.is_null() {
            // SAFETY: a handle this call returned, closed once.
            unsafe { wi::InternetCloseHandle(h) };
        }
    };
    // SAFETY (every call below): each pointer is NULL or live storage at least as large as
    // its stated length (the contract of the export).
    match input.u8() % 12 {
        0 => {
            // Sends: never on the request (the only handle a send would start on).
            let target = pick(input, &[root, connect, unknown, ptr::null_mut()]);
            let optional: Vec<u8> = (0..usize::from(input.u8()) % 32)
                .map(|_| input.u8())
                .collect();
            let optional_len = if input.one_in(3) {
                0
            } else {
                optional.len() as u32
            };
            let optional_ptr: *const core::ffi::c_void = if input.one_in(4) {
                ptr::null()
            } else {
                optional.as_ptr().cast()
            };
            let headers = wide_arg(input, false);
            check(stats, "HttpSendRequestW", unsafe {
                wi::HttpSendRequestW(
                    target,
                    headers.ptr(),
                    headers.len,
                    optional_ptr,
                    optional_len,
                )
            });
            let headers = ansi_arg(input, false);
            check(stats, "HttpSendRequestA", unsafe {
                wi::HttpSendRequestA(
                    target,
                    headers.ptr(),
                    headers.len,
                    optional_ptr,
                    optional_len,
                )
            });
            // HttpSendRequestEx with initial body bytes (a length within the bytes given).
            let buffers = SendBuffers::new(input);
            let body_len = if buffers.body.is_empty() {
                0
            } else {
                1 + u32::from(input.u8()) % buffers.body.len() as u32
            };
            let wide = buffers.wide(body_len);
            let wide_ptr = if input.one_in(6) {
                ptr::null()
            } else {
                &raw const wide
            };
            check(stats, "HttpSendRequestExW", unsafe {
                wi::HttpSendRequestExW(target, wide_ptr, ptr::null_mut(), input.u32(), 0)
            });
            let ansi = buffers.ansi(body_len);
            check(stats, "HttpSendRequestExA", unsafe {
                wi::HttpSendRequestExA(target, &raw const ansi, ptr::null_mut(), input.u32(), 0)
            });
        }
        1 => {
            // HttpEndRequest: nothing was sent on any of these; a non-NULL out structure.
            let target = pick(input, &[root, connect, request, unknown]);
            let mut out_w = SendBuffers::new(input).wide(0);
            let out_ptr = if input.one_in(2) {
                ptr::null_mut()
            } else {
                &raw mut out_w
            };
            check(stats, "HttpEndRequestW", unsafe {
                wi::HttpEndRequestW(target, out_ptr, input.u32(), 0)
            });
            check(stats, "HttpEndRequestA", unsafe {
                wi::HttpEndRequestA(target, ptr::null_mut(), input.u32(), 0)
            });
        }
        2 => {
            // InternetOpenUrl: never on the root (where it would open the URL).
            let target = pick(input, &[connect, request, unknown, ptr::null_mut()]);
            let (url, headers) = (wide_arg(input, true), wide_arg(input, false));
            let h = unsafe {
                wi::InternetOpenUrlW(
                    target,
                    url.ptr(),
                    headers.ptr(),
                    headers.len,
                    input.u32(),
                    1,
                )
            };
            closed(stats, "InternetOpenUrlW", h);
            let (url, headers) = (ansi_arg(input, true), ansi_arg(input, false));
            let h = unsafe {
                wi::InternetOpenUrlA(
                    target,
                    url.ptr(),
                    headers.ptr(),
                    headers.len,
                    input.u32(),
                    1,
                )
            };
            closed(stats, "InternetOpenUrlA", h);
        }
        3 => {
            // InternetConnectA, HTTP service: stores the arguments, opens no connection.
            let (server, user, password) = (
                ansi_arg(input, true),
                ansi_arg(input, true),
                ansi_arg(input, true),
            );
            let parent = pick(input, &[root, connect, unknown, ptr::null_mut()]);
            let h = unsafe {
                wi::InternetConnectA(
                    parent,
                    server.ptr(),
                    input.u16(),
                    user.ptr(),
                    password.ptr(),
                    3,
                    input.u32(),
                    1,
                )
            };
            closed(stats, "InternetConnectA", h);
        }
        4 => {
            // Find-first, find-next, open.
            let target = pick(input, &not_ftp);
            let search = wide_arg(input, true);
            // SAFETY: all-zero is a valid WIN32_FIND_DATAW.
            let mut data_w: WIN32_FIND_DATAW = unsafe { core::mem::zeroed() };
            let data_ptr = if input.one_in(4) {
                ptr::null_mut()
            } else {
                &raw mut data_w
            };
            let h =
                unsafe { wi::FtpFindFirstFileW(target, search.ptr(), data_ptr, input.u32(), 1) };
            closed(stats, "FtpFindFirstFileW", h);
            let search = ansi_arg(input, true);
            // SAFETY: all-zero is a valid WIN32_FIND_DATAA.
            let mut data_a: WIN32_FIND_DATAA = unsafe { core::mem::zeroed() };
            let h = unsafe {
                wi::FtpFindFirstFileA(target, search.ptr(), &raw mut data_a, input.u32(), 1)
            };
            closed(stats, "FtpFindFirstFileA", h);
            let next_ptr: *mut core::ffi::c_void = if input.one_in(4) {
                ptr::null_mut()
            } else {
                (&raw mut data_w).cast()
            };
            check(stats, "InternetFindNextFileW", unsafe {
                wi::InternetFindNextFileW(target, next_ptr)
            });
            check(stats, "InternetFindNextFileA", unsafe {
                wi::InternetFindNextFileA(target, (&raw mut data_a).cast())
            });
            let name = wide_arg(input, true);
            let h = unsafe { wi::FtpOpenFileW(target, name.ptr(), input.u32(), input.u32(), 1) };
            closed(stats, "FtpOpenFileW", h);
            let name = ansi_arg(input, true);
            let h = unsafe { wi::FtpOpenFileA(target, name.ptr(), input.u32(), input.u32(), 1) };
            closed(stats, "FtpOpenFileA", h);
        }
        5 => {
            // Transfers to and from local files (never reached: no FTP handle).
            let target = pick(input, &not_ftp);
            let (remote, local) = (wide_arg(input, true), wide_arg(input, true));
            check(stats, "FtpGetFileW", unsafe {
                wi::FtpGetFileW(
                    target,
                    remote.ptr(),
                    local.ptr(),
                    input.u32() as BOOL,
                    0,
                    input.u32(),
                    1,
                )
            });
            let (remote, local) = (ansi_arg(input, true), ansi_arg(input, true));
            check(stats, "FtpGetFileA", unsafe {
                wi::FtpGetFileA(
                    target,
                    remote.ptr(),
                    local.ptr(),
                    input.u32() as BOOL,
                    0,
                    input.u32(),
                    1,
                )
            });
            let (local, remote) = (wide_arg(input, true), wide_arg(input, true));
            check(stats, "FtpPutFileW", unsafe {
                wi::FtpPutFileW(target, local.ptr(), remote.ptr(), input.u32(), 1)
            });
            let (local, remote) = (ansi_arg(input, true), ansi_arg(input, true));
            check(stats, "FtpPutFileA", unsafe {
                wi::FtpPutFileA(target, local.ptr(), remote.ptr(), input.u32(), 1)
            });
        }
        6 => {
            // The path functions.
            let target = pick(input, &not_ftp);
            let (a, b) = (wide_arg(input, true), wide_arg(input, true));
            check(stats, "FtpDeleteFileW", unsafe {
                wi::FtpDeleteFileW(target, a.ptr())
            });
            check(stats, "FtpRenameFileW", unsafe {
                wi::FtpRenameFileW(target, a.ptr(), b.ptr())
            });
            check(stats, "FtpCreateDirectoryW", unsafe {
                wi::FtpCreateDirectoryW(target, a.ptr())
            });
            check(stats, "FtpRemoveDirectoryW", unsafe {
                wi::FtpRemoveDirectoryW(target, b.ptr())
            });
            check(stats, "FtpSetCurrentDirectoryW", unsafe {
                wi::FtpSetCurrentDirectoryW(target, a.ptr())
            });
            let (a, b) = (ansi_arg(input, true), ansi_arg(input, true));
            check(stats, "FtpDeleteFileA", unsafe {
                wi::FtpDeleteFileA(target, a.ptr())
            });
            check(stats, "FtpRenameFileA", unsafe {
                wi::FtpRenameFileA(target, a.ptr(), b.ptr())
            });
            check(stats, "FtpCreateDirectoryA", unsafe {
                wi::FtpCreateDirectoryA(target, a.ptr())
            });
            check(stats, "FtpRemoveDirectoryA", unsafe {
                wi::FtpRemoveDirectoryA(target, b.ptr())
            });
            check(stats, "FtpSetCurrentDirectoryA", unsafe {
                wi::FtpSetCurrentDirectoryA(target, a.ptr())
            });
        }
        7 => {
            // FtpGetCurrentDirectory (asynchronous on an INTERNET_FLAG_ASYNC root's FTP
            // connect) and FtpCommand, with short, NULL and unterminated-claim buffers.
            let target = pick(input, &not_ftp);
            let mut out = OutBuffer::<u16>::new(input);
            let mut len = out.claimed;
            let len_ptr = if input.one_in(6) {
                ptr::null_mut()
            } else {
                &raw mut len
            };
            check(stats, "FtpGetCurrentDirectoryW", unsafe {
                wi::FtpGetCurrentDirectoryW(target, out.ptr(), len_ptr)
            });
            let mut out = OutBuffer::<u8>::new(input);
            let mut len = out.claimed;
            check(stats, "FtpGetCurrentDirectoryA", unsafe {
                wi::FtpGetCurrentDirectoryA(target, out.ptr(), &raw mut len)
            });
            let command = wide_arg(input, true);
            let mut data: HINTERNET = ptr::null_mut();
            let data_ptr = if input.one_in(3) {
                ptr::null_mut()
            } else {
                &raw mut data
            };
            let expect = BOOL::from(input.one_in(2));
            let ok =
                unsafe { wi::FtpCommandW(target, expect, input.u32(), command.ptr(), 1, data_ptr) };
            check(stats, "FtpCommandW", ok);
            close_returned(data);
            let command = ansi_arg(input, true);
            let mut data: HINTERNET = ptr::null_mut();
            let ok = unsafe {
                wi::FtpCommandA(target, expect, input.u32(), command.ptr(), 1, &raw mut data)
            };
            check(stats, "FtpCommandA", ok);
            close_returned(data);
        }
        8 => {
            // Gopher: GopherGetAttribute into short and NULL buffers or an enumerator,
            // find-first and open.
            let target = pick(input, &not_ftp);
            let (locator, name) = (wide_arg(input, true), wide_arg(input, true));
            let mut out = OutBuffer::<u16>::new(input);
            let mut returned = 0u32;
            let returned_ptr = if input.one_in(4) {
                ptr::null_mut()
            } else {
                &raw mut returned
            };
            let enumerator: Option<crate::abi::GopherAttributeEnumerator> = if input.one_in(2) {
                Some(stop_enumeration)
            } else {
                None
            };
            check(stats, "GopherGetAttributeW", unsafe {
                wi::GopherGetAttributeW(
                    target,
                    locator.ptr(),
                    name.ptr(),
                    out.ptr().cast(),
                    out.claimed,
                    returned_ptr,
                    enumerator,
                    1,
                )
            });
            let (locator, name) = (ansi_arg(input, true), ansi_arg(input, true));
            let mut out = OutBuffer::<u8>::new(input);
            check(stats, "GopherGetAttributeA", unsafe {
                wi::GopherGetAttributeA(
                    target,
                    locator.ptr(),
                    name.ptr(),
                    out.ptr(),
                    out.claimed,
                    &raw mut returned,
                    enumerator,
                    1,
                )
            });
            let (locator, search) = (wide_arg(input, true), wide_arg(input, true));
            // SAFETY: all-zero is a valid GOPHER_FIND_DATAW.
            let mut find_w: GOPHER_FIND_DATAW = unsafe { core::mem::zeroed() };
            let h = unsafe {
                wi::GopherFindFirstFileW(
                    target,
                    locator.ptr(),
                    search.ptr(),
                    &raw mut find_w,
                    input.u32(),
                    1,
                )
            };
            closed(stats, "GopherFindFirstFileW", h);
            let (locator, search) = (ansi_arg(input, true), ansi_arg(input, true));
            // SAFETY: all-zero is a valid GOPHER_FIND_DATAA.
            let mut find_a: GOPHER_FIND_DATAA = unsafe { core::mem::zeroed() };
            let h = unsafe {
                wi::GopherFindFirstFileA(
                    target,
                    locator.ptr(),
                    search.ptr(),
                    &raw mut find_a,
                    input.u32(),
                    1,
                )
            };
            closed(stats, "GopherFindFirstFileA", h);
            let (locator, view) = (wide_arg(input, true), wide_arg(input, true));
            let h =
                unsafe { wi::GopherOpenFileW(target, locator.ptr(), view.ptr(), input.u32(), 1) };
            closed(stats, "GopherOpenFileW", h);
            let (locator, view) = (ansi_arg(input, true), ansi_arg(input, true));
            let h =
                unsafe { wi::GopherOpenFileA(target, locator.ptr(), view.ptr(), input.u32(), 1) };
            closed(stats, "GopherOpenFileA", h);
        }
        9 => {
            // InternetReadFileEx: nothing was sent, so it fails on every handle.
            let target = pick(input, &[root, connect, request, unknown]);
            let mut out = OutBuffer::<u8>::new(input);
            let claimed = if out.null { 0 } else { out.claimed };
            let mut w = SendBuffers::new(input).wide(0);
            w.lpvBuffer = out.ptr().cast();
            w.dwBufferLength = claimed;
            let w_ptr = if input.one_in(6) {
                ptr::null_mut()
            } else {
                &raw mut w
            };
            check(stats, "InternetReadFileExW", unsafe {
                wi::InternetReadFileExW(target, w_ptr, input.u32(), 1)
            });
            let mut a = SendBuffers::new(input).ansi(0);
            a.lpvBuffer = out.ptr().cast();
            a.dwBufferLength = claimed;
            check(stats, "InternetReadFileExA", unsafe {
                wi::InternetReadFileExA(target, &raw mut a, input.u32(), 1)
            });
        }
        10 => {
            // Handle-free: the ANSI cookie setter, the unsuffixed (ANSI) time functions.
            let (url, name, data) = (
                ansi_arg(input, true),
                ansi_arg(input, true),
                ansi_arg(input, true),
            );
            check(stats, "InternetSetCookieA", unsafe {
                wi::InternetSetCookieA(url.ptr(), name.ptr(), data.ptr())
            });
            let time = system_time(input);
            let mut out = OutBuffer::<u8>::new(input);
            let claimed = out.claimed;
            check(stats, "InternetTimeFromSystemTime", unsafe {
                super::wininet::InternetTimeFromSystemTime(
                    &raw const time,
                    input.u32() % 2,
                    out.ptr(),
                    claimed,
                )
            });
            let text = ansi_arg(input, true);
            let mut parsed = system_time(input);
            check(stats, "InternetTimeToSystemTime", unsafe {
                super::wininet::InternetTimeToSystemTime(text.ptr(), &raw mut parsed, 0)
            });
        }
        _ => {
            // InternetSetStatusCallbackA: fails with the last error unchanged.
            let target = pick(input, &[root, connect, request, unknown]);
            last_error::set(0xBEEF);
            let previous = unsafe { wi::InternetSetStatusCallbackA(target, None) };
            stats.calls += 1;
            if previous.addr() == usize::MAX {
                assert_eq!(
                    last_error::get(),
                    0xBEEF,
                    "InternetSetStatusCallbackA changed the last error on failure"
                );
            } else {
                stats.successes += 1;
            }
        }
    }
}

/// The WinINet functions without a handle: Gopher locators, cookies and the last response,
/// with hostile strings, short and NULL buffers and NULL size pointers.
fn wininet_strings(input: &mut Input<'_>, stats: &mut Stats) {
    use super::wininet_handles as wi;
    // SAFETY (every call below): each pointer is NULL or live storage at least as large as
    // its stated length (the contract of the export).
    match input.u8() % 4 {
        0 => {
            let (host, display, selector) = (
                wide_arg(input, true),
                wide_arg(input, true),
                wide_arg(input, true),
            );
            let mut out = OutBuffer::<u16>::new(input);
            let mut len = out.claimed;
            let result = unsafe {
                wi::GopherCreateLocatorW(
                    host.ptr(),
                    input.u16(),
                    display.ptr(),
                    selector.ptr(),
                    input.u32(),
                    out.ptr(),
                    &raw mut len,
                )
            };
            check(stats, "GopherCreateLocatorW", result);
            if result != FALSE {
                assert!(
                    out.terminated_at(len),
                    "GopherCreateLocatorW: no NUL at {len}"
                );
                let mut kind = 0u32;
                check(stats, "GopherGetLocatorTypeW", unsafe {
                    wi::GopherGetLocatorTypeW(out.ptr(), &raw mut kind)
                });
            }
        }
        1 => {
            let (host, display, selector) = (
                ansi_arg(input, true),
                ansi_arg(input, true),
                ansi_arg(input, true),
            );
            let mut out = OutBuffer::<u8>::new(input);
            let mut len = out.claimed;
            let result = unsafe {
                wi::GopherCreateLocatorA(
                    host.ptr(),
                    input.u16(),
                    display.ptr(),
                    selector.ptr(),
                    input.u32(),
                    out.ptr(),
                    &raw mut len,
                )
            };
            check(stats, "GopherCreateLocatorA", result);
            let locator = ansi_arg(input, true);
            let mut kind = 0u32;
            check(stats, "GopherGetLocatorTypeA", unsafe {
                wi::GopherGetLocatorTypeA(locator.ptr(), &raw mut kind)
            });
        }
        2 => {
            let (url, name, data) = (
                wide_arg(input, true),
                wide_arg(input, true),
                wide_arg(input, true),
            );
            check(stats, "InternetSetCookieW", unsafe {
                wi::InternetSetCookieW(url.ptr(), name.ptr(), data.ptr())
            });
            let mut out = OutBuffer::<u16>::new(input);
            let mut len = out.claimed;
            let len_ptr = if input.one_in(8) {
                ptr::null_mut()
            } else {
                &raw mut len
            };
            check(stats, "InternetGetCookieW", unsafe {
                wi::InternetGetCookieW(url.ptr(), name.ptr(), out.ptr(), len_ptr)
            });
            let (url, name) = (ansi_arg(input, true), ansi_arg(input, true));
            let mut out = OutBuffer::<u8>::new(input);
            let mut len = out.claimed;
            check(stats, "InternetGetCookieA", unsafe {
                wi::InternetGetCookieA(url.ptr(), name.ptr(), out.ptr(), &raw mut len)
            });
        }
        _ => {
            let mut code = 0u32;
            let mut out = OutBuffer::<u16>::new(input);
            let mut len = out.claimed;
            let result =
                unsafe { wi::InternetGetLastResponseInfoW(&raw mut code, out.ptr(), &raw mut len) };
            check(stats, "InternetGetLastResponseInfoW", result);
            if result != FALSE {
                assert!(
                    out.terminated_at(len),
                    "InternetGetLastResponseInfoW: no NUL at {len}"
                );
            }
            let mut out = OutBuffer::<u8>::new(input);
            let mut len = out.claimed;
            let len_ptr = if input.one_in(8) {
                ptr::null_mut()
            } else {
                &raw mut len
            };
            check(stats, "InternetGetLastResponseInfoA", unsafe {
                wi::InternetGetLastResponseInfoA(&raw mut code, out.ptr(), len_ptr)
            });
        }
    }
}

/// An ANSI string argument built from the input (see [`StringArg::new`]).
fn ansi_arg(input: &mut Input<'_>, terminated_only: bool) -> StringArg<u8> {
    let text = input.ansi();
    StringArg::new(input, text, terminated_only)
}

/// A wide string argument built from the input (see [`StringArg::new`]).
fn wide_arg(input: &mut Input<'_>, terminated_only: bool) -> StringArg<u16> {
    let text = input.text();
    StringArg::new(input, text, terminated_only)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A few hand-picked inputs plus a bounded, deterministic pseudo-random sweep.
    #[test]
    fn replay_inputs_without_crash_or_silent_failure() {
        let fixed: &[&[u8]] = &[
            b"",
            b"\x00",
            b"\x01\x01\x05\x00\x01\x02\x03\x04\x05",
            b"\x00\x04\x10\x00\x01\x02\x03\x02\x02\x10\x02\x05\x00",
            &[0xFF; 64],
            &[0x00; 64],
            b"\x03\x03\x08\xC0\xFF\xFE\x01\x02\x03\x02\x40\x00\x00",
        ];
        let mut total = Stats::default();
        for input in fixed {
            let stats = fuzz_with_stats(input);
            total.calls += stats.calls;
            total.successes += stats.successes;
            total.wininet_handle_calls += stats.wininet_handle_calls;
            total.without_io_rounds += stats.without_io_rounds;
        }
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..300 {
            // Step before taking the length, so that an empty input does not freeze the
            // generator (every later input would be empty too).
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 512) as usize;
            let mut bytes = Vec::with_capacity(len);
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                bytes.push((state >> 24) as u8);
            }
            let stats = fuzz_with_stats(&bytes);
            total.calls += stats.calls;
            total.successes += stats.successes;
            total.wininet_handle_calls += stats.wininet_handle_calls;
            total.without_io_rounds += stats.without_io_rounds;
        }
        assert!(total.wininet_handle_calls > 200, "{total:?}");
        assert!(total.without_io_rounds > 24, "{total:?}");
        // The sweep reaches both the success and the failure paths of the exports.
        assert!(total.calls > 1000, "{total:?}");
        assert!(total.successes > 50, "{total:?}");
        assert!(total.calls - total.successes > 50, "{total:?}");
        println!("{total:?}");
    }
}
