//! The Windows structures that cross the boundary, with their x64 layouts pinned.
//!
//! Owns nothing but compile-time assertions: the structures themselves are windows-sys's
//! (fixed-width fields, `#[repr(C)]`), re-exported here. Every size and field offset below is
//! the one of 64-bit Windows (`_WIN64`, where `winhttp.h`/`wininet.h` use 8-byte packing,
//! which is natural alignment); an LP64 Unix target lays the same `#[repr(C)]` structures out
//! identically, and a build whose layout differed would not compile.
//!
//! Invariant: the C declarations in `include/hinternet_win32.h` describe the same layouts
//! (checked by the C test programs, which assert `sizeof`/`offsetof` with the same figures).

use core::mem::{offset_of, size_of};

pub use windows_sys::Win32::Foundation::{FILETIME, SYSTEMTIME};
/// WinHTTP's `URL_COMPONENTS` (the same layout as WinINet's `URL_COMPONENTSW`).
pub use windows_sys::Win32::Networking::WinHttp::URL_COMPONENTS;
pub use windows_sys::Win32::Networking::WinHttp::{
    WINHTTP_ASYNC_RESULT, WINHTTP_PROXY_INFO, WINHTTP_WEB_SOCKET_ASYNC_RESULT,
    WINHTTP_WEB_SOCKET_STATUS,
};
pub use windows_sys::Win32::Networking::WinInet::{
    GOPHER_FIND_DATAA, GOPHER_FIND_DATAW, INTERNET_ASYNC_RESULT, INTERNET_BUFFERSA,
    INTERNET_BUFFERSW, URL_COMPONENTSA, URL_COMPONENTSW,
};
pub use windows_sys::Win32::Storage::FileSystem::{WIN32_FIND_DATAA, WIN32_FIND_DATAW};

/// `sizeof(URL_COMPONENTS)` (W and A alike) on 64-bit Windows.
pub const URL_COMPONENTS_SIZE: u32 = 104;

macro_rules! assert_layout {
    ($ty:ty, $size:expr, { $($field:ident : $offset:expr),* $(,)? }) => {
        const _: () = assert!(size_of::<$ty>() == $size);
        $(const _: () = assert!(offset_of!($ty, $field) == $offset);)*
    };
}

#[cfg(target_pointer_width = "64")]
mod x64 {
    use super::*;

    assert_layout!(SYSTEMTIME, 16, {
        wYear: 0, wMonth: 2, wDayOfWeek: 4, wDay: 6, wHour: 8, wMinute: 10, wSecond: 12,
        wMilliseconds: 14,
    });
    assert_layout!(FILETIME, 8, { dwLowDateTime: 0, dwHighDateTime: 4 });
    assert_layout!(URL_COMPONENTS, 104, {
        dwStructSize: 0, lpszScheme: 8, dwSchemeLength: 16, nScheme: 20, lpszHostName: 24,
        dwHostNameLength: 32, nPort: 36, lpszUserName: 40, dwUserNameLength: 48,
        lpszPassword: 56, dwPasswordLength: 64, lpszUrlPath: 72, dwUrlPathLength: 80,
        lpszExtraInfo: 88, dwExtraInfoLength: 96,
    });
    assert_layout!(URL_COMPONENTSW, 104, {
        dwStructSize: 0, lpszScheme: 8, dwSchemeLength: 16, nScheme: 20, lpszHostName: 24,
        dwHostNameLength: 32, nPort: 36, lpszUserName: 40, dwUserNameLength: 48,
        lpszPassword: 56, dwPasswordLength: 64, lpszUrlPath: 72, dwUrlPathLength: 80,
        lpszExtraInfo: 88, dwExtraInfoLength: 96,
    });
    assert_layout!(URL_COMPONENTSA, 104, {
        dwStructSize: 0, lpszScheme: 8, dwSchemeLength: 16, nScheme: 20, lpszHostName: 24,
        dwHostNameLength: 32, nPort: 36, lpszUserName: 40, dwUserNameLength: 48,
        lpszPassword: 56, dwPasswordLength: 64, lpszUrlPath: 72, dwUrlPathLength: 80,
        lpszExtraInfo: 88, dwExtraInfoLength: 96,
    });
    assert_layout!(WINHTTP_ASYNC_RESULT, 16, { dwResult: 0, dwError: 8 });
    assert_layout!(INTERNET_ASYNC_RESULT, 16, { dwResult: 0, dwError: 8 });
    assert_layout!(WINHTTP_PROXY_INFO, 24, {
        dwAccessType: 0, lpszProxy: 8, lpszProxyBypass: 16,
    });
    assert_layout!(WINHTTP_WEB_SOCKET_ASYNC_RESULT, 24, { AsyncResult: 0, Operation: 16 });
    assert_layout!(WINHTTP_WEB_SOCKET_STATUS, 8, { dwBytesTransferred: 0, eBufferType: 4 });
    assert_layout!(WIN32_FIND_DATAW, 592, {
        dwFileAttributes: 0, ftCreationTime: 4, ftLastAccessTime: 12, ftLastWriteTime: 20,
        nFileSizeHigh: 28, nFileSizeLow: 32, dwReserved0: 36, dwReserved1: 40, cFileName: 44,
        cAlternateFileName: 564,
    });
    assert_layout!(WIN32_FIND_DATAA, 320, {
        dwFileAttributes: 0, ftCreationTime: 4, ftLastAccessTime: 12, ftLastWriteTime: 20,
        nFileSizeHigh: 28, nFileSizeLow: 32, dwReserved0: 36, dwReserved1: 40, cFileName: 44,
        cAlternateFileName: 304,
    });
    assert_layout!(INTERNET_BUFFERSW, 56, {
        dwStructSize: 0, Next: 8, lpcszHeader: 16, dwHeadersLength: 24, dwHeadersTotal: 28,
        lpvBuffer: 32, dwBufferLength: 40, dwBufferTotal: 44, dwOffsetLow: 48,
        dwOffsetHigh: 52,
    });
    assert_layout!(INTERNET_BUFFERSA, 56, {
        dwStructSize: 0, Next: 8, lpcszHeader: 16, dwHeadersLength: 24, dwHeadersTotal: 28,
        lpvBuffer: 32, dwBufferLength: 40, dwBufferTotal: 44, dwOffsetLow: 48,
        dwOffsetHigh: 52,
    });
    assert_layout!(GOPHER_FIND_DATAW, 1588, {
        DisplayString: 0, GopherType: 260, SizeLow: 264, SizeHigh: 268,
        LastModificationTime: 272, Locator: 280,
    });
    assert_layout!(GOPHER_FIND_DATAA, 808, {
        DisplayString: 0, GopherType: 132, SizeLow: 136, SizeHigh: 140,
        LastModificationTime: 144, Locator: 152,
    });
    const _: () = assert!(size_of::<URL_COMPONENTS>() == URL_COMPONENTS_SIZE as usize);
}
