//! Marshalling of `URL_COMPONENTS` (W and A) for the crack and create exports of both
//! families.
//!
//! Invariants:
//! * the structure is checked (`dwStructSize` = 104, except for `InternetCrackUrlW`, which
//!   Windows does not check) before any other field is read, and
//!   written back only when the call succeeds or fails with `ERROR_INSUFFICIENT_BUFFER`
//!   (other failures leave it untouched);
//! * a component in pointer mode points into the caller's URL (byte offsets for `…A`, mapped
//!   through [`AnsiText`]); in buffer mode text and NUL are copied only when they fit, and a
//!   component that does not fit gets its required size (NUL included) in its length;
//! * component lengths count characters of the function's string type (bytes for `…A`).
#![allow(unsafe_code)]

use core::ptr;

use hinternet_net::url::wininet::{internet_crack_url, internet_create_url};
use hinternet_net::url::{
    win_http_crack_url, win_http_create_url, Component, ComponentRequest, CrackError, CrackRequest,
    CrackedUrl, CreateUrlError, UrlComponents,
};
use windows_sys::Win32::Foundation::{ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER};
use windows_sys::Win32::Networking::WinInet::{URL_COMPONENTSA, URL_COMPONENTSW};

use super::raw;
use crate::strings::{decode_ansi, dword_len, encode_ansi, AnsiText};
use crate::structs::URL_COMPONENTS_SIZE;

/// Which implementation a crack/create export uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// `WinHttpCrackUrl` / `WinHttpCreateUrl`.
    WinHttp,
    /// `InternetCrackUrl*` / `InternetCreateUrl*`.
    WinInet,
}

/// One `lpszX` / `dwXLength` pair.
#[derive(Clone, Copy)]
struct Slot<C> {
    ptr: *mut C,
    len: u32,
}

/// The fields of a `URL_COMPONENTS[AW]` the functions use, in the order scheme, host,
/// user, password, path, extra.
#[derive(Clone, Copy)]
struct Fields<C> {
    scheme: i32,
    port: u16,
    slots: [Slot<C>; 6],
}

macro_rules! fields_conversions {
    ($from:ident, $into:ident, $ty:ty, $c:ty) => {
        fn $from(uc: &$ty) -> Fields<$c> {
            let s = |ptr: *mut $c, len: u32| Slot { ptr, len };
            Fields {
                scheme: uc.nScheme,
                port: uc.nPort,
                slots: [
                    s(uc.lpszScheme, uc.dwSchemeLength),
                    s(uc.lpszHostName, uc.dwHostNameLength),
                    s(uc.lpszUserName, uc.dwUserNameLength),
                    s(uc.lpszPassword, uc.dwPasswordLength),
                    s(uc.lpszUrlPath, uc.dwUrlPathLength),
                    s(uc.lpszExtraInfo, uc.dwExtraInfoLength),
                ],
            }
        }

        fn $into(f: &Fields<$c>, uc: &mut $ty) {
            uc.nScheme = f.scheme;
            uc.nPort = f.port;
            let [a, b, c, d, e, g] = f.slots;
            (uc.lpszScheme, uc.dwSchemeLength) = (a.ptr, a.len);
            (uc.lpszHostName, uc.dwHostNameLength) = (b.ptr, b.len);
            (uc.lpszUserName, uc.dwUserNameLength) = (c.ptr, c.len);
            (uc.lpszPassword, uc.dwPasswordLength) = (d.ptr, d.len);
            (uc.lpszUrlPath, uc.dwUrlPathLength) = (e.ptr, e.len);
            (uc.lpszExtraInfo, uc.dwExtraInfoLength) = (g.ptr, g.len);
        }
    };
}
fields_conversions!(fields_w, store_w, URL_COMPONENTSW, u16);
fields_conversions!(fields_a, store_a, URL_COMPONENTSA, u8);

fn request_of<C>(slots: &[Slot<C>; 6], ansi: bool) -> CrackRequest {
    let r = |s: &Slot<C>| match (s.ptr.is_null(), s.len) {
        (true, 0) => ComponentRequest::NotWanted,
        (true, _) => ComponentRequest::Pointer,
        // ANSI buffers are sized in bytes, checked after encoding (see `finish_a`).
        (false, 0) => ComponentRequest::Buffer(0),
        (false, _) if ansi => ComponentRequest::Buffer(u32::MAX),
        (false, n) => ComponentRequest::Buffer(n),
    };
    CrackRequest {
        scheme: r(&slots[0]),
        host_name: r(&slots[1]),
        user_name: r(&slots[2]),
        password: r(&slots[3]),
        url_path: r(&slots[4]),
        extra_info: r(&slots[5]),
    }
}

fn components_of(c: &CrackedUrl) -> [&Component; 6] {
    [
        &c.scheme_name,
        &c.host_name,
        &c.user_name,
        &c.password,
        &c.url_path,
        &c.extra_info,
    ]
}

/// Reads a `URL_COMPONENTS[AW]` pointer: NULL → 87; when `check_size`, a `dwStructSize`
/// other than 104 → 87 (every function but `InternetCrackUrlW`, which Windows lets through:
/// Wine's `InternetCrackUrl` tests, "Windows only enforces this on the A version").
///
/// # Safety
/// `uc` is NULL or points at a structure whose first 4 bytes are readable and, when they
/// say 104 or `check_size` is false, all 104 bytes.
unsafe fn read_components<T: Copy>(uc: *const T, check_size: bool) -> Result<T, u32> {
    // SAFETY: forwarded contract.
    let size = unsafe { raw::read_struct_size(uc) }.ok_or(ERROR_INVALID_PARAMETER)?;
    if check_size && size != URL_COMPONENTS_SIZE {
        return Err(ERROR_INVALID_PARAMETER);
    }
    // SAFETY: the size says the whole structure is there.
    unsafe { raw::read(uc) }.ok_or(ERROR_INVALID_PARAMETER)
}

fn crack_result(result: Result<CrackedUrl, CrackError>) -> Result<(Box<CrackedUrl>, bool), u32> {
    match result {
        Ok(c) => Ok((Box::new(c), false)),
        Err(CrackError::InsufficientBuffer(c)) => Ok((c, true)),
        Err(CrackError::Code(code)) => Err(code),
    }
}

/// `WinHttpCrackUrl` / `InternetCrackUrlW`: `Ok(())` on success, else the error to set
/// (`ERROR_INSUFFICIENT_BUFFER` after the lengths were written back).
///
/// # Safety
/// The Windows contract of the function: `url` NULL or valid per `url_len`, `uc` NULL or a
/// `URL_COMPONENTSW` whose buffers are valid for their stated lengths.
pub unsafe fn crack_w(
    api: Api,
    url: *const u16,
    url_len: u32,
    flags: u32,
    uc: *mut URL_COMPONENTSW,
) -> Result<(), u32> {
    // SAFETY: forwarded contract (NULL checked inside).
    let text = unsafe { raw::string_n(url, url_len, true) }.ok_or(ERROR_INVALID_PARAMETER)?;
    // SAFETY: forwarded contract.
    let mut components = unsafe { read_components(uc, api == Api::WinHttp) }?;
    let mut fields = fields_w(&components);
    let request = request_of(&fields.slots, false);
    let (cracked, overflow) = crack_result(match api {
        Api::WinHttp => win_http_crack_url(&text, flags, &request),
        Api::WinInet => internet_crack_url(&text, flags, &request),
    })?;
    fields.scheme = cracked.scheme;
    fields.port = cracked.port;
    for (slot, component) in fields.slots.iter_mut().zip(components_of(&cracked)) {
        match component {
            Component::NotWanted => {}
            Component::Absent => {
                *slot = Slot {
                    ptr: ptr::null_mut(),
                    len: 0,
                }
            }
            Component::InUrl { offset, len } => {
                *slot = Slot {
                    ptr: url.wrapping_add(*offset).cast_mut(),
                    len: dword_len(*len),
                }
            }
            Component::Copied(value) => {
                // SAFETY: the caller's buffer holds `slot.len` WCHARs and the cracker checked
                // that `value` and its NUL fit in them.
                unsafe { raw::copy_z(slot.ptr, value) };
                slot.len = dword_len(value.len());
            }
            Component::TooSmall { required } => slot.len = *required,
        }
    }
    store_w(&fields, &mut components);
    // SAFETY: `uc` was read above, so it is valid for the whole structure.
    unsafe { raw::write(uc, components) };
    if overflow {
        return Err(ERROR_INSUFFICIENT_BUFFER);
    }
    Ok(())
}

/// `InternetCrackUrlA`, with byte offsets and byte sizes.
///
/// # Safety
/// As [`crack_w`], with ANSI strings.
pub unsafe fn crack_a(
    url: *const u8,
    url_len: u32,
    flags: u32,
    uc: *mut URL_COMPONENTSA,
) -> Result<(), u32> {
    // SAFETY: forwarded contract (NULL checked inside).
    let bytes = unsafe { raw::string_n(url, url_len, true) }.ok_or(ERROR_INVALID_PARAMETER)?;
    // SAFETY: forwarded contract.
    let mut components = unsafe { read_components(uc, true) }?;
    let mut fields = fields_a(&components);
    let text: AnsiText = decode_ansi(&bytes);
    let request = request_of(&fields.slots, true);
    let (cracked, mut overflow) = crack_result(internet_crack_url(&text.wide, flags, &request))?;
    fields.scheme = cracked.scheme;
    fields.port = cracked.port;
    for (slot, component) in fields.slots.iter_mut().zip(components_of(&cracked)) {
        match component {
            Component::NotWanted => {}
            Component::Absent => {
                *slot = Slot {
                    ptr: ptr::null_mut(),
                    len: 0,
                }
            }
            Component::InUrl { offset, len } => {
                let start = text.byte_offset(*offset);
                let end = text.byte_offset(offset + len);
                *slot = Slot {
                    ptr: url.wrapping_add(start).cast_mut(),
                    len: dword_len(end - start),
                };
            }
            Component::Copied(value) => {
                let encoded = encode_ansi(value);
                if encoded.len() < slot.len as usize {
                    // SAFETY: the caller's buffer holds `slot.len` bytes; text + NUL fit.
                    unsafe { raw::copy_z(slot.ptr, &encoded) };
                    slot.len = dword_len(encoded.len());
                } else {
                    overflow = true;
                    slot.len = dword_len(encoded.len()).saturating_add(1);
                }
            }
            Component::TooSmall { required } => slot.len = *required,
        }
    }
    store_a(&fields, &mut components);
    // SAFETY: `uc` was read above, so it is valid for the whole structure.
    unsafe { raw::write(uc, components) };
    if overflow {
        return Err(ERROR_INSUFFICIENT_BUFFER);
    }
    Ok(())
}

/// Reads the six component strings of a create call: NULL → `None`; length 0 (or -1) →
/// NUL-terminated; else exactly that many characters.
///
/// # Safety
/// Every non-NULL component pointer is valid per its length.
unsafe fn component_texts<'a, C: Copy + PartialEq + Default>(
    slots: &[Slot<C>; 6],
) -> [Option<std::borrow::Cow<'a, [C]>>; 6] {
    // SAFETY: forwarded contract.
    slots.map(|s| unsafe { raw::string_n(s.ptr.cast_const(), s.len, true) })
}

fn url_components<'a>(
    fields_scheme: i32,
    port: u16,
    t: &[Option<&'a [u16]>; 6],
) -> UrlComponents<'a> {
    UrlComponents {
        scheme_name: t[0],
        scheme: fields_scheme,
        host_name: t[1],
        port,
        user_name: t[2],
        password: t[3],
        url_path: t[4],
        extra_info: t[5],
    }
}

/// Writes a created URL or the required size.
///
/// # Safety
/// `out` NULL or valid for `capacity` elements; `len_ptr` valid.
unsafe fn deliver<C: Copy + Default>(
    created: &[C],
    out: *mut C,
    len_ptr: *mut u32,
) -> Result<(), u32> {
    // SAFETY: the creators only succeed when `out` is non-NULL and holds text + NUL.
    unsafe {
        raw::copy_z(out, created);
        raw::write(len_ptr, dword_len(created.len()));
    }
    Ok(())
}

/// `WinHttpCreateUrl` / `InternetCreateUrlW`. On `ERROR_INSUFFICIENT_BUFFER` the size
/// written back is in WCHARs for WinHTTP and in bytes for WinINet (as Windows documents
/// for `InternetCreateUrlW`).
///
/// # Safety
/// The Windows contract of the function.
pub unsafe fn create_w(
    api: Api,
    uc: *const URL_COMPONENTSW,
    flags: u32,
    out: *mut u16,
    len_ptr: *mut u32,
) -> Result<(), u32> {
    // SAFETY: forwarded contract.
    let capacity = unsafe { raw::read(len_ptr) }.ok_or(ERROR_INVALID_PARAMETER)?;
    // SAFETY: forwarded contract.
    let components = unsafe { read_components(uc, true) }?;
    let fields = fields_w(&components);
    // SAFETY: forwarded contract.
    let texts = unsafe { component_texts(&fields.slots) };
    let texts: [Option<&[u16]>; 6] = core::array::from_fn(|i| texts[i].as_deref());
    let parts = url_components(fields.scheme, fields.port, &texts);
    let has_buffer = !out.is_null();
    let result = match api {
        Api::WinHttp => win_http_create_url(&parts, flags, capacity, has_buffer),
        Api::WinInet => internet_create_url(&parts, flags, capacity, has_buffer),
    };
    match result {
        // SAFETY: forwarded contract.
        Ok(created) => unsafe { deliver(&created, out, len_ptr) },
        Err(CreateUrlError::InsufficientBuffer { required }) => {
            let required = match api {
                Api::WinHttp => required,
                Api::WinInet => required.saturating_mul(2),
            };
            // SAFETY: `len_ptr` was read above.
            unsafe { raw::write(len_ptr, required) };
            Err(ERROR_INSUFFICIENT_BUFFER)
        }
        Err(CreateUrlError::Code(code)) => Err(code),
    }
}

/// `InternetCreateUrlA`: sizes in bytes of the UTF-8 result.
///
/// # Safety
/// The Windows contract of the function.
pub unsafe fn create_a(
    uc: *const URL_COMPONENTSA,
    flags: u32,
    out: *mut u8,
    len_ptr: *mut u32,
) -> Result<(), u32> {
    // SAFETY: forwarded contract.
    let capacity = unsafe { raw::read(len_ptr) }.ok_or(ERROR_INVALID_PARAMETER)?;
    // SAFETY: forwarded contract.
    let components = unsafe { read_components(uc, true) }?;
    let fields = fields_a(&components);
    // SAFETY: forwarded contract.
    let texts = unsafe { component_texts(&fields.slots) };
    let decoded: Vec<Option<Vec<u16>>> = texts
        .iter()
        .map(|t| t.as_deref().map(|b| decode_ansi(b).wide))
        .collect();
    let wide: [Option<&[u16]>; 6] = core::array::from_fn(|i| decoded[i].as_deref());
    let parts = url_components(fields.scheme, fields.port, &wide);
    let created = match internet_create_url(&parts, flags, u32::MAX, true) {
        Ok(created) => encode_ansi(&created),
        Err(CreateUrlError::InsufficientBuffer { .. }) => return Err(ERROR_INVALID_PARAMETER),
        Err(CreateUrlError::Code(code)) => return Err(code),
    };
    match crate::strings::fit(created.len(), capacity, !out.is_null()) {
        // SAFETY: `fit` checked that `out` is non-NULL and holds text + NUL.
        Ok(_) => unsafe { deliver(&created, out, len_ptr) },
        Err((code, required)) => {
            // SAFETY: `len_ptr` was read above.
            unsafe { raw::write(len_ptr, required) };
            Err(code)
        }
    }
}
