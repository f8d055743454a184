//! The URL cache, the cookie-Ex calls, request-file locks and the URL crackers as methods of
//! [`WinInet`]: each answers (return value, last error, out values) over the stores the API
//! object owns — one [`UrlCache`](crate::wininet::cache::UrlCache) (in memory unless
//! [`WinInet::with_cache`] gave a directory), the process cookie jar, and the
//! `InternetLockRequestFile` registry.
//!
//! The decisions are those of [`crate::wininet::cache`], [`crate::wininet::cookies_ex`],
//! [`crate::wininet::misc`] and [`crate::url::wininet`]; this layer turns their results
//! into answers. Invariants: the stores are only touched under their locks, one call at a
//! time; a failing call changes nothing (the stores' own guarantee); strings are UTF-16
//! (`W` sizes) for the size answers.

use windows_sys::Win32::Foundation::ERROR_INVALID_HANDLE;

use super::{fail_bool, Answer, HandleValue, WinInet};
use crate::executor::state::lock;
use crate::url::wininet::{internet_crack_url, internet_create_url};
use crate::url::{CrackError, CrackRequest, CrackedUrl, CreateUrlError, UrlComponents};
use crate::wininet::cache::{Commit, SizedInfo};
use crate::wininet::cookies_ex::{self, CookieAnswer, CookiePolicy, SetCookieExResult};
use crate::wininet::options::{QueryBuffer, QueryFailure};
use crate::wininet::Charset;

/// An answer whose failure may carry a length (`ERROR_INSUFFICIENT_BUFFER` and friends).
fn sized<T>(result: Result<T, QueryFailure>) -> Answer<bool, Result<T, QueryFailure>> {
    Answer {
        ret: result.is_ok(),
        last_error: result.as_ref().err().map(|f| f.code),
        out: result,
    }
}

/// A plain BOOL answer with an out value on success.
fn plain<T>(result: Result<T, u32>) -> Answer<bool, Option<T>> {
    match result {
        Ok(v) => Answer {
            ret: true,
            last_error: None,
            out: Some(v),
        },
        Err(code) => fail_bool(code),
    }
}

impl WinInet {
    /// `CreateUrlCacheEntryW(url, expected_size, extension, file_name, 0)`: the path of a
    /// new, empty, uniquely named cache file.
    pub fn create_url_cache_entry(
        &self,
        url: Option<&str>,
        extension: Option<&str>,
    ) -> Answer<bool, Option<String>> {
        plain(lock(&self.0.url_cache).create_entry(url, extension))
    }

    /// `CommitUrlCacheEntryW(url, local_file, expire, last_modified, type, headers, …,
    /// extension, NULL)`.
    pub fn commit_url_cache_entry(&self, args: Commit<'_>) -> Answer<bool> {
        match lock(&self.0.url_cache).commit_entry(args) {
            Ok(()) => Answer::plain(true, None),
            Err(code) => fail_bool(code),
        }
    }

    /// `RetrieveUrlCacheEntryFileW(url, info, &size, 0)`: the entry, locked until
    /// [`WinInet::unlock_url_cache_entry_file`].
    pub fn retrieve_url_cache_entry_file(
        &self,
        url: Option<&str>,
        buffer: QueryBuffer,
    ) -> Answer<bool, Result<SizedInfo, QueryFailure>> {
        sized(lock(&self.0.url_cache).retrieve_entry_file(url, Charset::Wide, buffer))
    }

    /// `UnlockUrlCacheEntryFileW(url, reserved)`: FALSE with the last error untouched when
    /// the entry was not locked (Wine).
    pub fn unlock_url_cache_entry_file(&self, url: Option<&str>, reserved: u32) -> Answer<bool> {
        match lock(&self.0.url_cache).unlock_entry_file(url, reserved) {
            Ok(released) => Answer::plain(released, None),
            Err(code) => fail_bool(code),
        }
    }

    /// `GetUrlCacheEntryInfoExW(url, info, &size, NULL, NULL, NULL, flags)`; `buffer`
    /// `None` is a NULL size pointer (an existence check).
    pub fn get_url_cache_entry_info(
        &self,
        url: Option<&str>,
        buffer: Option<QueryBuffer>,
        flags: u32,
    ) -> Answer<bool, Result<Option<SizedInfo>, QueryFailure>> {
        sized(lock(&self.0.url_cache).get_entry_info(url, Charset::Wide, buffer, false, flags))
    }

    /// `DeleteUrlCacheEntryW(url)`.
    pub fn delete_url_cache_entry(&self, url: Option<&str>) -> Answer<bool> {
        match lock(&self.0.url_cache).delete_entry(url) {
            Ok(()) => Answer::plain(true, None),
            Err(code) => fail_bool(code),
        }
    }

    /// `FindFirstUrlCacheEntryW(pattern, info, &size)`: the find handle (`ret`, 0 on
    /// failure) and the first entry.
    pub fn find_first_url_cache_entry(
        &self,
        pattern: Option<&str>,
        buffer: QueryBuffer,
    ) -> Answer<u64, Result<SizedInfo, QueryFailure>> {
        match lock(&self.0.url_cache).find_first(pattern, Charset::Wide, buffer) {
            Ok((handle, info)) => Answer {
                ret: handle,
                last_error: None,
                out: Ok(info),
            },
            Err(failure) => Answer {
                ret: 0,
                last_error: Some(failure.code),
                out: Err(failure),
            },
        }
    }

    /// `FindNextUrlCacheEntryW(find, info, &size)`.
    pub fn find_next_url_cache_entry(
        &self,
        find: u64,
        buffer: QueryBuffer,
    ) -> Answer<bool, Result<SizedInfo, QueryFailure>> {
        sized(lock(&self.0.url_cache).find_next(find, Charset::Wide, buffer))
    }

    /// `FindCloseUrlCache(find)`.
    pub fn find_close_url_cache(&self, find: u64) -> Answer<bool> {
        match lock(&self.0.url_cache).find_close(find) {
            Ok(()) => Answer::plain(true, None),
            Err(code) => fail_bool(code),
        }
    }

    /// `InternetSetCookieExW(url, name, data, flags, reserved)` on the process jar: `ret` is
    /// the `COOKIE_STATE_*` value the DWORD carries (0 on an argument error).
    pub fn internet_set_cookie_ex(
        &self,
        url: Option<&str>,
        name: Option<&str>,
        data: Option<&str>,
        flags: u32,
    ) -> Answer<i32> {
        let mut jar = lock(&self.0.cookies);
        let SetCookieExResult { state, error } =
            cookies_ex::set_cookie_ex(&mut jar, url, name, data, flags, CookiePolicy::default());
        Answer::plain(state, error)
    }

    /// `InternetGetCookieExW(url, name, buffer, &size, flags, NULL)` from the process jar
    /// (`INTERNET_COOKIE_HTTPONLY` includes `HttpOnly` cookies).
    pub fn internet_get_cookie_ex(
        &self,
        url: Option<&str>,
        name: Option<&str>,
        buffer: QueryBuffer,
        flags: u32,
    ) -> Answer<bool, Result<CookieAnswer, QueryFailure>> {
        let jar = lock(&self.0.cookies);
        sized(cookies_ex::get_cookie_ex(
            &jar,
            url,
            name,
            Charset::Wide,
            buffer,
            flags,
        ))
    }

    /// `InternetLockRequestFile(request, &lock)`: keeps the request's data file (its
    /// `INTERNET_OPTION_DATAFILE_NAME`, and its cache entry when committed) until
    /// [`WinInet::internet_unlock_request_file`]. No file → `ERROR_FILE_NOT_FOUND`; not a
    /// live request → `ERROR_INVALID_HANDLE`.
    pub fn internet_lock_request_file(&self, request: HandleValue) -> Answer<bool, Option<u64>> {
        let Some(data) = self.data(request) else {
            return fail_bool(ERROR_INVALID_HANDLE);
        };
        let (url, datafile) = {
            let opts = lock(&data.options);
            (opts.url.clone().unwrap_or_default(), opts.datafile.clone())
        };
        let mut cache = lock(&self.0.url_cache);
        plain(lock(&self.0.request_locks).lock(&mut cache, &url, datafile.as_deref()))
    }

    /// `InternetUnlockRequestFile(lock)`: the last unlock frees the file. Unknown →
    /// `ERROR_INVALID_HANDLE`.
    pub fn internet_unlock_request_file(&self, lock_handle: u64) -> Answer<bool> {
        let mut cache = lock(&self.0.url_cache);
        match lock(&self.0.request_locks).unlock(&mut cache, lock_handle) {
            Ok(()) => Answer::plain(true, None),
            Err(code) => fail_bool(code),
        }
    }

    /// `InternetCrackUrlW(url, len, flags, &components)`: the components as `request`
    /// asked for them. A too-small component buffer is `ERROR_INSUFFICIENT_BUFFER` with
    /// the lengths written back (in the error).
    pub fn internet_crack_url(
        &self,
        url: &str,
        flags: u32,
        request: &CrackRequest,
    ) -> Answer<bool, Result<CrackedUrl, CrackError>> {
        let wide: Vec<u16> = url.encode_utf16().collect();
        let result = internet_crack_url(&wide, flags, request);
        Answer {
            ret: result.is_ok(),
            last_error: result.as_ref().err().map(CrackError::code),
            out: result,
        }
    }

    /// `InternetCreateUrlW(components, flags, buffer, &len)`: the URL (UTF-16, without its
    /// NUL). `capacity` is `*lpdwUrlLength` on entry; `has_buffer` false is a NULL buffer.
    pub fn internet_create_url(
        &self,
        components: &UrlComponents<'_>,
        flags: u32,
        capacity: u32,
        has_buffer: bool,
    ) -> Answer<bool, Result<Vec<u16>, CreateUrlError>> {
        let result = internet_create_url(components, flags, capacity, has_buffer);
        Answer {
            ret: result.is_ok(),
            last_error: result.as_ref().err().map(CreateUrlError::code),
            out: result,
        }
    }
}
