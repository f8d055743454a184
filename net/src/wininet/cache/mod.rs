//! The WinINet URL cache and the request-side cache policy.
//!
//! [`UrlCache`] owns the entries of `CreateUrlCacheEntry`, `CommitUrlCacheEntry`,
//! `RetrieveUrlCacheEntryFile` / `UnlockUrlCacheEntryFile`, `GetUrlCacheEntryInfo(Ex)`,
//! `SetUrlCacheEntryInfo`, `DeleteUrlCacheEntry`, `IsUrlCacheEntryExpired` and the
//! `FindFirstUrlCacheEntry` / `FindNextUrlCacheEntry` / `FindCloseUrlCache` enumeration.
//! Entry bodies live in memory ([`Storage::Memory`], the default) or as files in a directory
//! ([`Storage::Directory`]); entry metadata is kept in memory either way.
//!
//! Behaviour follows Wine's `urlcache.c` conformance tests (which pass on Windows): a new
//! entry's file name is unique per call; a commit needs the local file to exist inside the
//! cache, keeps the previous entry's hit rate (+1) and exempt delta, deletes the previous
//! entry's file, and ORs the container's entry type in (`Visited:` URLs get
//! `URLHISTORY_CACHE_ENTRY`, `Cookie:` URLs `COOKIE_CACHE_ENTRY`, the rest
//! `NORMAL_CACHE_ENTRY`); a sticky commit needs a file (87) and gets an exempt delta of one
//! day; a retrieved entry is locked (use count) and a delete of a locked entry fails with
//! `ERROR_SHARING_VIOLATION` and marks it `PENDING_DELETE_CACHE_ENTRY`, the last unlock then
//! deletes it; a lock older than a day no longer counts (Wine `urlcache_hash_entry_is_locked`).
//! Entry-info sizes are computed as `urlcache_copy_entry` lays the structure out: the
//! `INTERNET_CACHE_ENTRY_INFO{A,W}` header, then the URL, local file name, header bytes and
//! extension, each DWORD-aligned.
//!
//! [`decide`] is the request side: from the `INTERNET_FLAG_*` cache flags, the verb and the
//! cached entry, whether a request is answered from the cache, revalidated or sent, and
//! whether its response is written to the cache. [`expiry_from_head`] gives a response's
//! expiry (`Cache-Control: max-age` before `Expires`, else ten minutes),
//! [`forbids_storing`] keeps `Cache-Control: no-cache` / `no-store` responses out, and [`UrlCache::refresh_entry`]
//! applies a `304 Not Modified` to the entry it revalidated: the 304's fields refresh the
//! stored head ([`refresh_head`]), and the expiry, the last-modified time and the last-sync
//! ("last checked") time follow, so the entry is fresh again until its new expiry.
//!
//! Invariants: only files directly inside the cache root are ever written, read, committed
//! or deleted (a `..` or a sub-directory in a local file name → 87); metadata and files
//! change together or not at all on every failure path that
//! reports an error; no panic on any URL or path; every failure is a Windows code.

mod entry;
mod find;
mod freshness;
mod policy;
mod time;

#[cfg(test)]
use entry::align4;
pub use entry::{CacheEntryInfo, ENTRY_INFO_SIZE_A, ENTRY_INFO_SIZE_W};
use find::Find;
pub use freshness::{
    expiry_from_head, forbids_storing, last_modified_from_head, refresh_head,
    server_expiry_from_head, DEFAULT_FRESHNESS, NOT_REFRESHED,
};
pub use policy::{decide, encode_wide_url, server_gave_expiry, CacheDecision, CacheRead};
use time::LOCK_LIFETIME;
pub use time::{
    filetime_from_http_date, filetime_from_system_time, now, system_time_from_filetime, FileTime,
    FILETIME_SECOND, GET_INSTALLED_ENTRY, STICKY_EXEMPT_DELTA,
};

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use windows_sys::Win32::Foundation::{
    ERROR_FILE_NOT_FOUND, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_DATA, ERROR_INVALID_PARAMETER,
    ERROR_SHARING_VIOLATION,
};
use windows_sys::Win32::Networking::WinInet::{
    CACHE_ENTRY_ACCTIME_FC, CACHE_ENTRY_ATTRIBUTE_FC, CACHE_ENTRY_EXEMPT_DELTA_FC,
    CACHE_ENTRY_EXPTIME_FC, CACHE_ENTRY_HITRATE_FC, CACHE_ENTRY_MODTIME_FC,
    CACHE_ENTRY_SYNCTIME_FC, COOKIE_CACHE_ENTRY, INSTALLED_CACHE_ENTRY, NORMAL_CACHE_ENTRY,
    PENDING_DELETE_CACHE_ENTRY, STICKY_CACHE_ENTRY, URLHISTORY_CACHE_ENTRY,
};

use super::options::{QueryBuffer, QueryFailure};
use super::Charset;

/// Where entry bodies live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Storage {
    /// In memory: local file names are virtual paths under [`MEMORY_ROOT`].
    Memory,
    /// Files in this directory (created if missing).
    Directory(PathBuf),
}

/// The prefix of the virtual local file names of [`Storage::Memory`].
pub const MEMORY_ROOT: &str = "memory:/urlcache/";

#[derive(Clone, Debug)]
struct Entry {
    info: CacheEntryInfo,
}

/// The cache containers, chosen by URL prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Container {
    Content,
    Cookies,
    History,
}

impl Container {
    fn of_url(url: &str) -> Container {
        let starts = |prefix: &str| {
            url.get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        };
        if starts("Visited:") {
            Container::History
        } else if starts("Cookie:") {
            Container::Cookies
        } else {
            Container::Content
        }
    }

    fn default_entry_type(self) -> u32 {
        match self {
            Container::Content => NORMAL_CACHE_ENTRY,
            Container::Cookies => COOKIE_CACHE_ENTRY,
            Container::History => URLHISTORY_CACHE_ENTRY,
        }
    }
}

/// The arguments of `CommitUrlCacheEntry`.
#[derive(Clone, Copy, Debug)]
pub struct Commit<'a> {
    /// `lpszUrlName` (`None` = NULL).
    pub url: Option<&'a str>,
    /// `lpszLocalFileName` (`None` = NULL: an entry without a file).
    pub local_file: Option<&'a str>,
    /// `ExpireTime`.
    pub expire: FileTime,
    /// `LastModifiedTime`.
    pub last_modified: FileTime,
    /// `CacheEntryType`.
    pub entry_type: u32,
    /// `lpHeaderInfo` (the W entry point passes its text as UTF-8).
    pub header_info: Option<&'a [u8]>,
    /// `lpszFileExtension`.
    pub file_extension: Option<&'a str>,
}

/// A sized entry-info answer: the entry and the length written to `*lpdwBufferSize`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SizedInfo {
    /// The entry.
    pub info: CacheEntryInfo,
    /// `*lpdwCacheEntryInfoBufferSize` after the call.
    pub size: u32,
}

/// The URL cache. The caller owns it (one per process in a shim).
#[derive(Debug)]
pub struct UrlCache {
    storage: Storage,
    entries: BTreeMap<String, Entry>,
    memory_files: HashMap<String, Vec<u8>>,
    finds: HashMap<u64, Find>,
    next_find: u64,
    clock: fn() -> FileTime,
}

impl Default for UrlCache {
    fn default() -> Self {
        UrlCache::new(Storage::Memory)
    }
}

/// Replaces the characters Windows file names cannot hold.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect()
}

/// The base name a cache file gets from its URL: the last path segment without its
/// extension (Wine `urlcache_entry_create`), at most 64 characters.
fn base_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let path = path
        .split_once("://")
        .map_or(path, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let last = path.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = last.rsplit_once('.').map_or(last, |(stem, _)| stem);
    sanitize(stem).chars().take(64).collect()
}

impl UrlCache {
    /// An empty cache over `storage`.
    pub fn new(storage: Storage) -> Self {
        UrlCache {
            storage,
            entries: BTreeMap::new(),
            memory_files: HashMap::new(),
            finds: HashMap::new(),
            next_find: 1,
            clock: now,
        }
    }

    /// Replaces the clock (tests use a fixed one).
    pub fn set_clock(&mut self, clock: fn() -> FileTime) {
        self.clock = clock;
    }

    /// The current time by this cache's clock (what commits stamp their access and sync
    /// times with).
    pub fn clock_now(&self) -> FileTime {
        (self.clock)()
    }

    /// The storage this cache writes to.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    fn root(&self) -> String {
        match &self.storage {
            Storage::Memory => MEMORY_ROOT.to_owned(),
            Storage::Directory(dir) => {
                let mut root = dir.to_string_lossy().into_owned();
                if !root.ends_with(std::path::MAIN_SEPARATOR) {
                    root.push(std::path::MAIN_SEPARATOR);
                }
                root
            }
        }
    }

    /// Whether `path` names a file directly inside the cache (no sub-directories, no `..`):
    /// only such files are written, read, committed or deleted, so an application cannot make
    /// the cache touch files elsewhere.
    fn is_cache_file(&self, path: &str) -> bool {
        path.strip_prefix(&self.root()).is_some_and(|name| {
            !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\'])
        })
    }

    /// Creates `path` if it does not exist; `Ok(false)` when it already exists.
    fn create_new(&mut self, path: &str) -> Result<bool, u32> {
        match &self.storage {
            Storage::Memory => {
                if self.memory_files.contains_key(path) {
                    return Ok(false);
                }
                self.memory_files.insert(path.to_owned(), Vec::new());
                Ok(true)
            }
            Storage::Directory(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| io_code(&e))?;
                match std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)
                {
                    Ok(_) => Ok(true),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
                    Err(e) => Err(io_code(&e)),
                }
            }
        }
    }

    /// The size of a local file, or the Windows error of looking it up.
    fn file_size(&self, path: &str) -> Result<u64, u32> {
        match &self.storage {
            Storage::Memory => self
                .memory_files
                .get(path)
                .map(|b| b.len() as u64)
                .ok_or(ERROR_FILE_NOT_FOUND),
            Storage::Directory(_) => std::fs::metadata(path)
                .map(|m| m.len())
                .map_err(|e| io_code(&e)),
        }
    }

    fn remove_file(&mut self, path: &str) {
        match &self.storage {
            Storage::Memory => {
                self.memory_files.remove(path);
            }
            Storage::Directory(_) => {
                // A file someone holds open stays behind (Wine "leaks" it); the entry goes.
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// Writes a cache file's content (the engine's body sink for [`Storage::Memory`]; plain
    /// file I/O for [`Storage::Directory`]). The file must be inside the cache.
    pub fn write_file(&mut self, path: &str, data: &[u8]) -> Result<(), u32> {
        if !self.is_cache_file(path) {
            return Err(ERROR_INVALID_PARAMETER);
        }
        match &self.storage {
            Storage::Memory => {
                let file = self
                    .memory_files
                    .get_mut(path)
                    .ok_or(ERROR_FILE_NOT_FOUND)?;
                file.clear();
                file.extend_from_slice(data);
                Ok(())
            }
            Storage::Directory(_) => std::fs::write(path, data).map_err(|e| io_code(&e)),
        }
    }

    /// Reads a cache file's content.
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>, u32> {
        match &self.storage {
            Storage::Memory => self
                .memory_files
                .get(path)
                .cloned()
                .ok_or(ERROR_FILE_NOT_FOUND),
            Storage::Directory(_) => {
                if !self.is_cache_file(path) {
                    return Err(ERROR_INVALID_PARAMETER);
                }
                std::fs::read(path).map_err(|e| io_code(&e))
            }
        }
    }

    /// `CreateUrlCacheEntry(url, expected_size, extension, file_name, 0)`: a new, empty,
    /// uniquely named file in the cache (each call gives a different name, Wine
    /// `test_urlcacheA`), named after the URL's last path segment with `[n]` and the
    /// extension. Returns its path. A NULL URL → 87.
    pub fn create_entry(
        &mut self,
        url: Option<&str>,
        extension: Option<&str>,
    ) -> Result<String, u32> {
        let url = url.ok_or(ERROR_INVALID_PARAMETER)?;
        let mut ext = extension.map(sanitize).unwrap_or_default();
        if ext.ends_with([' ', '.']) {
            ext.pop();
            ext.push('_');
        }
        let ext: String = ext.chars().take(32).collect();
        let dot_ext = if ext.is_empty() {
            String::new()
        } else {
            format!(".{ext}")
        };
        let root = self.root();
        let base = base_name(url);
        if !base.is_empty() {
            for n in 1..=255u32 {
                let path = format!("{root}{base}[{n}]{dot_ext}");
                if self.create_new(&path)? {
                    return Ok(path);
                }
            }
        }
        let mut seed = (self.clock)() ^ (self.entries.len() as u64).rotate_left(17);
        for _ in 0..255 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let name: String = (0..8)
                .map(|i| {
                    let digit = ((seed >> (i * 5)) % 36) as u8;
                    char::from(if digit < 10 {
                        b'0' + digit
                    } else {
                        b'A' + digit - 10
                    })
                })
                .collect();
            let path = format!("{root}{name}{dot_ext}");
            if self.create_new(&path)? {
                return Ok(path);
            }
        }
        Err(ERROR_FILE_NOT_FOUND)
    }

    fn is_locked(&self, info: &CacheEntryInfo) -> bool {
        info.use_count > 0 && (self.clock)().saturating_sub(info.last_access) <= LOCK_LIFETIME
    }

    /// `CommitUrlCacheEntry`: see the module documentation for what is kept from a previous
    /// entry. Errors: NULL URL → 87; sticky without a file → 87; local file missing → 2;
    /// local file outside the cache → 87; the previous entry locked → 32.
    pub fn commit_entry(&mut self, args: Commit<'_>) -> Result<(), u32> {
        let url = args.url.ok_or(ERROR_INVALID_PARAMETER)?;
        if args.entry_type & STICKY_CACHE_ENTRY != 0 && args.local_file.is_none() {
            return Err(ERROR_INVALID_PARAMETER);
        }
        let size = match args.local_file {
            Some(file) => {
                let size = self.file_size(file)?;
                if !self.is_cache_file(file) {
                    return Err(ERROR_INVALID_PARAMETER);
                }
                size
            }
            None => 0,
        };
        let mut hit_rate = 0;
        let mut exempt_delta = 0;
        if let Some(old) = self.entries.get(url) {
            if self.is_locked(&old.info) {
                return Err(ERROR_SHARING_VIOLATION);
            }
            hit_rate = old.info.hit_rate;
            exempt_delta = old.info.exempt_delta;
            let old_file = old.info.local_file_name.clone();
            if let Some(old_file) = old_file.filter(|f| Some(f.as_str()) != args.local_file) {
                self.remove_file(&old_file);
            }
        }
        if args.entry_type & STICKY_CACHE_ENTRY != 0 && exempt_delta == 0 {
            exempt_delta = STICKY_EXEMPT_DELTA;
        }
        let now = (self.clock)();
        let info = CacheEntryInfo {
            source_url: url.to_owned(),
            local_file_name: args.local_file.map(str::to_owned),
            entry_type: args.entry_type | Container::of_url(url).default_entry_type(),
            use_count: 0,
            hit_rate: hit_rate.saturating_add(1),
            size,
            last_modified: args.last_modified,
            expire: args.expire,
            last_access: now,
            last_sync: now,
            header_info: args
                .header_info
                .filter(|h| !h.is_empty())
                .map(<[u8]>::to_vec),
            file_extension: args
                .file_extension
                .filter(|e| !e.is_empty())
                .map(str::to_owned),
            exempt_delta,
        };
        self.entries.insert(url.to_owned(), Entry { info });
        Ok(())
    }

    fn sized(
        info: &CacheEntryInfo,
        charset: Charset,
        buffer: QueryBuffer,
    ) -> Result<u32, QueryFailure> {
        let required = info.required_size(charset);
        let capacity = if buffer.has_buffer {
            buffer.length.unwrap_or(0)
        } else {
            0
        };
        if capacity < required {
            return Err(QueryFailure {
                code: ERROR_INSUFFICIENT_BUFFER,
                length: Some(required),
            });
        }
        Ok(required)
    }

    /// `GetUrlCacheEntryInfoEx{A,W}(url, info, &size, reserved…, flags)`. `buffer` `None` is a
    /// NULL size pointer (an existence check: `Ok(None)`); a NULL info buffer always gets
    /// `ERROR_INSUFFICIENT_BUFFER` with the required size. `reserved_used` (any reserved
    /// argument non-NULL, including the redirect-URL ones) → 87; NULL URL → 87; unknown URL →
    /// `ERROR_FILE_NOT_FOUND`; `GET_INSTALLED_ENTRY` (honoured by the A entry point only, as
    /// Windows) on an entry without `INSTALLED_CACHE_ENTRY` → `ERROR_FILE_NOT_FOUND`.
    pub fn get_entry_info(
        &self,
        url: Option<&str>,
        charset: Charset,
        buffer: Option<QueryBuffer>,
        reserved_used: bool,
        flags: u32,
    ) -> Result<Option<SizedInfo>, QueryFailure> {
        let fail = |code| QueryFailure { code, length: None };
        if reserved_used {
            return Err(fail(ERROR_INVALID_PARAMETER));
        }
        let url = url.ok_or(fail(ERROR_INVALID_PARAMETER))?;
        let entry = self.entries.get(url).ok_or(fail(ERROR_FILE_NOT_FOUND))?;
        if charset == Charset::Ansi
            && flags & GET_INSTALLED_ENTRY != 0
            && entry.info.entry_type & INSTALLED_CACHE_ENTRY == 0
        {
            return Err(fail(ERROR_FILE_NOT_FOUND));
        }
        let Some(buffer) = buffer else {
            return Ok(None);
        };
        let size = Self::sized(&entry.info, charset, buffer)?;
        Ok(Some(SizedInfo {
            info: entry.info.clone(),
            size,
        }))
    }

    /// `SetUrlCacheEntryInfo(url, info, field_control)`: copies the fields the
    /// `CACHE_ENTRY_*_FC` bits name. `CACHE_ENTRY_HEADERINFO_FC` is documented as not
    /// implemented and is ignored. Unknown URL → `ERROR_FILE_NOT_FOUND`; NULL → 87.
    pub fn set_entry_info(
        &mut self,
        url: Option<&str>,
        info: &CacheEntryInfo,
        field_control: u32,
    ) -> Result<(), u32> {
        let url = url.ok_or(ERROR_INVALID_PARAMETER)?;
        let entry = self.entries.get_mut(url).ok_or(ERROR_FILE_NOT_FOUND)?;
        let e = &mut entry.info;
        if field_control & CACHE_ENTRY_ACCTIME_FC != 0 {
            e.last_access = info.last_access;
        }
        if field_control & CACHE_ENTRY_ATTRIBUTE_FC != 0 {
            e.entry_type = info.entry_type;
        }
        if field_control & CACHE_ENTRY_EXEMPT_DELTA_FC != 0 {
            e.exempt_delta = info.exempt_delta;
        }
        if field_control & CACHE_ENTRY_EXPTIME_FC != 0 {
            e.expire = info.expire;
        }
        if field_control & CACHE_ENTRY_HITRATE_FC != 0 {
            e.hit_rate = info.hit_rate;
        }
        if field_control & CACHE_ENTRY_MODTIME_FC != 0 {
            e.last_modified = info.last_modified;
        }
        if field_control & CACHE_ENTRY_SYNCTIME_FC != 0 {
            e.last_sync = info.last_sync;
        }
        Ok(())
    }

    /// `RetrieveUrlCacheEntryFile{A,W}(url, info, &size, 0)`: the entry info, and the entry is
    /// locked (use count and hit rate +1, access time now) until
    /// [`UrlCache::unlock_entry_file`]. NULL URL, NULL size, or a NULL buffer with a non-zero
    /// size → 87; unknown → 2; no local file → `ERROR_INVALID_DATA`; too small → 122 with the
    /// required size (nothing locked).
    pub fn retrieve_entry_file(
        &mut self,
        url: Option<&str>,
        charset: Charset,
        buffer: QueryBuffer,
    ) -> Result<SizedInfo, QueryFailure> {
        let fail = |code| QueryFailure { code, length: None };
        let length = buffer.length.ok_or(fail(ERROR_INVALID_PARAMETER))?;
        let url = url.ok_or(fail(ERROR_INVALID_PARAMETER))?;
        if !buffer.has_buffer && length != 0 {
            return Err(fail(ERROR_INVALID_PARAMETER));
        }
        let now = (self.clock)();
        let entry = self
            .entries
            .get_mut(url)
            .ok_or(fail(ERROR_FILE_NOT_FOUND))?;
        if entry.info.local_file_name.is_none() {
            return Err(fail(ERROR_INVALID_DATA));
        }
        let size = Self::sized(&entry.info, charset, buffer)?;
        let e = &mut entry.info;
        if e.use_count > 0 && now.saturating_sub(e.last_access) > LOCK_LIFETIME {
            e.use_count = 0;
        }
        e.use_count = e.use_count.saturating_add(1);
        e.hit_rate = e.hit_rate.saturating_add(1);
        e.last_access = now;
        Ok(SizedInfo {
            info: e.clone(),
            size,
        })
    }

    /// `UnlockUrlCacheEntryFile(url, reserved)`: `Ok(true)` when a lock was released (the
    /// last release of an entry deleted while locked deletes it and its file); `Ok(false)`
    /// when the entry was not locked (FALSE with the last error untouched, as Wine). Reserved
    /// non-zero → 87; unknown → 2.
    pub fn unlock_entry_file(&mut self, url: Option<&str>, reserved: u32) -> Result<bool, u32> {
        if reserved != 0 {
            return Err(ERROR_INVALID_PARAMETER);
        }
        let url = url.ok_or(ERROR_INVALID_PARAMETER)?;
        let entry = self.entries.get_mut(url).ok_or(ERROR_FILE_NOT_FOUND)?;
        if entry.info.use_count == 0 {
            return Ok(false);
        }
        entry.info.use_count -= 1;
        if entry.info.use_count == 0 && entry.info.entry_type & PENDING_DELETE_CACHE_ENTRY != 0 {
            self.remove_entry(url);
        }
        Ok(true)
    }

    fn remove_entry(&mut self, url: &str) {
        if let Some(entry) = self.entries.remove(url) {
            if let Some(file) = entry.info.local_file_name {
                self.remove_file(&file);
            }
        }
    }

    /// `DeleteUrlCacheEntry(url)`: removes the entry and its file. Unknown → 2; locked →
    /// `ERROR_SHARING_VIOLATION`, the entry marked `PENDING_DELETE_CACHE_ENTRY` and deleted by
    /// the last unlock; NULL → 87.
    pub fn delete_entry(&mut self, url: Option<&str>) -> Result<(), u32> {
        let url = url.ok_or(ERROR_INVALID_PARAMETER)?;
        let locked = {
            let entry = self.entries.get(url).ok_or(ERROR_FILE_NOT_FOUND)?;
            self.is_locked(&entry.info)
        };
        if locked {
            if let Some(entry) = self.entries.get_mut(url) {
                entry.info.entry_type |= PENDING_DELETE_CACHE_ENTRY;
            }
            return Err(ERROR_SHARING_VIOLATION);
        }
        self.remove_entry(url);
        Ok(())
    }

    /// `IsUrlCacheEntryExpired(url, flags, &last_modified)`: (expired, last-modified time).
    /// An entry without an expiry time is not expired; an unknown or NULL URL answers
    /// `(false, 0)` (IE10+ caches, Wine `test_IsUrlCacheEntryExpiredA`).
    pub fn is_entry_expired(&self, url: Option<&str>) -> (bool, FileTime) {
        match url.and_then(|u| self.entries.get(u)) {
            Some(entry) => {
                let expired = entry.info.expire != 0 && entry.info.expire <= (self.clock)();
                (expired, entry.info.last_modified)
            }
            None => (false, 0),
        }
    }

    /// Applies a `304 Not Modified` whose head is `not_modified` to the entry of `url` that
    /// the request revalidated: the stored head is refreshed with the 304's fields
    /// ([`refresh_head`]), the expiry is computed again from the refreshed head at this
    /// cache's current time ([`expiry_from_head`]), the last-modified time follows a
    /// `Last-Modified` the refreshed head has (else it stays), and the last-sync time is now.
    /// The entry's file, size, use count and hit rate stay. Returns the refreshed head (the
    /// response the application sees). Errors: NULL URL → 87; unknown → 2; an entry without
    /// a stored head, or a head that does not parse → `ERROR_INVALID_DATA` (nothing changes).
    pub fn refresh_entry(&mut self, url: Option<&str>, not_modified: &str) -> Result<String, u32> {
        let url = url.ok_or(ERROR_INVALID_PARAMETER)?;
        let now = (self.clock)();
        let entry = self.entries.get_mut(url).ok_or(ERROR_FILE_NOT_FOUND)?;
        let stored = entry
            .info
            .header_info
            .as_deref()
            .map(String::from_utf8_lossy)
            .ok_or(ERROR_INVALID_DATA)?;
        let head = refresh_head(&stored, not_modified).ok_or(ERROR_INVALID_DATA)?;
        let e = &mut entry.info;
        e.expire = expiry_from_head(&head, now);
        if let Some(last_modified) = last_modified_from_head(&head) {
            e.last_modified = last_modified;
        }
        e.last_sync = now;
        e.header_info = Some(head.clone().into_bytes());
        Ok(head)
    }

    /// The number of entries (all containers).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn io_code(error: &std::io::Error) -> u32 {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => ERROR_FILE_NOT_FOUND,
        ErrorKind::PermissionDenied => windows_sys::Win32::Foundation::ERROR_ACCESS_DENIED,
        ErrorKind::AlreadyExists => windows_sys::Win32::Foundation::ERROR_FILE_EXISTS,
        _ => windows_sys::Win32::Foundation::ERROR_GEN_FAILURE,
    }
}

#[cfg(test)]
mod tests;
