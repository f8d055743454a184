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
//! whether its response is written to the cache.
//!
//! Invariants: only files directly inside the cache root are ever written, read, committed
//! or deleted (a `..` or a sub-directory in a local file name → 87); metadata and files
//! change together or not at all on every failure path that
//! reports an error; no panic on any URL or path; every failure is a Windows code.

use std::collections::{BTreeMap, HashMap};
use std::mem::size_of;
use std::path::PathBuf;

use windows_sys::Win32::Foundation::{
    ERROR_FILE_NOT_FOUND, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_DATA, ERROR_INVALID_HANDLE,
    ERROR_INVALID_PARAMETER, ERROR_NO_MORE_ITEMS, ERROR_SHARING_VIOLATION,
};
use windows_sys::Win32::Networking::WinInet::{
    CACHE_ENTRY_ACCTIME_FC, CACHE_ENTRY_ATTRIBUTE_FC, CACHE_ENTRY_EXEMPT_DELTA_FC,
    CACHE_ENTRY_EXPTIME_FC, CACHE_ENTRY_HITRATE_FC, CACHE_ENTRY_MODTIME_FC,
    CACHE_ENTRY_SYNCTIME_FC, COOKIE_CACHE_ENTRY, ERROR_INTERNET_INVALID_URL, INSTALLED_CACHE_ENTRY,
    INTERNET_CACHE_ENTRY_INFOA, INTERNET_CACHE_ENTRY_INFOW, INTERNET_FLAG_CACHE_IF_NET_FAIL,
    INTERNET_FLAG_FROM_CACHE, INTERNET_FLAG_HYPERLINK, INTERNET_FLAG_NEED_FILE,
    INTERNET_FLAG_NO_CACHE_WRITE, INTERNET_FLAG_PRAGMA_NOCACHE, INTERNET_FLAG_RELOAD,
    INTERNET_FLAG_RESYNCHRONIZE, NORMAL_CACHE_ENTRY, PENDING_DELETE_CACHE_ENTRY,
    STICKY_CACHE_ENTRY, URLHISTORY_CACHE_ENTRY,
};

use super::options::{QueryBuffer, QueryFailure};
use super::Charset;

/// A `FILETIME` as one number: 100-ns intervals since 1601-01-01 UTC (0 = "not set").
pub type FileTime = u64;

/// One second in `FILETIME` units.
pub const FILETIME_SECOND: u64 = 10_000_000;

/// The exempt delta a sticky entry gets when it had none: one day in seconds (Wine
/// `test_urlcacheA`: 86400).
pub const STICKY_EXEMPT_DELTA: u32 = 86_400;

/// `GET_INSTALLED_ENTRY`, the `GetUrlCacheEntryInfoExA` flag (winineti.h; not in windows-sys).
pub const GET_INSTALLED_ENTRY: u32 = 0x200;

/// How long a lock from `RetrieveUrlCacheEntryFile` holds: a day (Wine).
const LOCK_LIFETIME: u64 = 24 * 60 * 60 * FILETIME_SECOND;

/// Seconds between 1601-01-01 and 1970-01-01.
const EPOCH_DIFFERENCE_SECONDS: u64 = 11_644_473_600;

/// The current time as a [`FileTime`].
pub fn now() -> FileTime {
    let since_unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (since_unix.as_secs() + EPOCH_DIFFERENCE_SECONDS) * FILETIME_SECOND
        + u64::from(since_unix.subsec_nanos() / 100)
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01: (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// A `SYSTEMTIME` as a [`FileTime`] (`SystemTimeToFileTime`); `None` before 1601.
pub fn filetime_from_system_time(time: &crate::time::SystemTime) -> Option<FileTime> {
    let days = days_from_civil(
        i64::from(time.year),
        i64::from(time.month),
        i64::from(time.day),
    );
    let seconds = days * 86_400
        + i64::from(time.hour) * 3600
        + i64::from(time.minute) * 60
        + i64::from(time.second)
        + EPOCH_DIFFERENCE_SECONDS as i64;
    let seconds = u64::try_from(seconds).ok()?;
    Some(seconds * FILETIME_SECOND + u64::from(time.milliseconds) * 10_000)
}

/// A [`FileTime`] as a `SYSTEMTIME` (`FileTimeToSystemTime`).
pub fn system_time_from_filetime(time: FileTime) -> crate::time::SystemTime {
    let total_seconds = time / FILETIME_SECOND;
    let milliseconds = ((time % FILETIME_SECOND) / 10_000) as u16;
    let unix = total_seconds as i64 - EPOCH_DIFFERENCE_SECONDS as i64;
    let days = unix.div_euclid(86_400);
    let rest = unix.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday (4).
    let day_of_week = (days + 4).rem_euclid(7) as u16;
    crate::time::SystemTime::new(
        u16::try_from(year).unwrap_or(u16::MAX),
        month as u16,
        day_of_week,
        day as u16,
        (rest / 3600) as u16,
        ((rest % 3600) / 60) as u16,
        (rest % 60) as u16,
        milliseconds,
    )
}

/// An HTTP date (`Last-Modified`, `Expires`) as a [`FileTime`], with Windows' lenient parser.
pub fn filetime_from_http_date(text: &str) -> Option<FileTime> {
    crate::time::parse_http_date(text).and_then(|t| filetime_from_system_time(&t))
}

/// `sizeof(INTERNET_CACHE_ENTRY_INFOA)` on the 64-bit ABI.
pub const ENTRY_INFO_SIZE_A: u32 = size_of::<INTERNET_CACHE_ENTRY_INFOA>() as u32;
/// `sizeof(INTERNET_CACHE_ENTRY_INFOW)` on the 64-bit ABI.
pub const ENTRY_INFO_SIZE_W: u32 = size_of::<INTERNET_CACHE_ENTRY_INFOW>() as u32;

/// `INTERNET_CACHE_ENTRY_INFO` on Rust types.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CacheEntryInfo {
    /// `lpszSourceUrlName`.
    pub source_url: String,
    /// `lpszLocalFileName` (`None` for an entry without a file, such as `Visited:` ones).
    pub local_file_name: Option<String>,
    /// `CacheEntryType` (`NORMAL_CACHE_ENTRY`, `STICKY_CACHE_ENTRY`, …).
    pub entry_type: u32,
    /// `dwUseCount`: outstanding `RetrieveUrlCacheEntryFile` locks.
    pub use_count: u32,
    /// `dwHitRate`.
    pub hit_rate: u32,
    /// `dwSizeHigh:dwSizeLow`: the local file's size.
    pub size: u64,
    /// `LastModifiedTime`.
    pub last_modified: FileTime,
    /// `ExpireTime` (0 = none: never expired).
    pub expire: FileTime,
    /// `LastAccessTime`.
    pub last_access: FileTime,
    /// `LastSyncTime`.
    pub last_sync: FileTime,
    /// `lpHeaderInfo` / `dwHeaderInfoSize`.
    pub header_info: Option<Vec<u8>>,
    /// `lpszFileExtension`.
    pub file_extension: Option<String>,
    /// `dwExemptDelta`, seconds.
    pub exempt_delta: u32,
}

fn align4(n: u32) -> u32 {
    n.saturating_add(3) & !3
}

impl CacheEntryInfo {
    /// The buffer size `Get/Retrieve/Find` need for this entry in `charset` (Wine
    /// `urlcache_copy_entry`: header, then each string with its terminator, DWORD-aligned).
    pub fn required_size(&self, charset: Charset) -> u32 {
        let string = |s: &str| charset.byte_len(s).saturating_add(charset.unit());
        let mut size = match charset {
            Charset::Ansi => ENTRY_INFO_SIZE_A,
            Charset::Wide => ENTRY_INFO_SIZE_W,
        };
        size = align4(size.saturating_add(string(&self.source_url)));
        if let Some(file) = &self.local_file_name {
            size = align4(size.saturating_add(string(file)));
        }
        if let Some(header) = &self.header_info {
            let bytes = match charset {
                Charset::Ansi => u32::try_from(header.len()).unwrap_or(u32::MAX),
                Charset::Wide => charset.byte_len(&String::from_utf8_lossy(header)),
            };
            size = align4(size.saturating_add(bytes));
        }
        if let Some(ext) = &self.file_extension {
            size = align4(size.saturating_add(string(ext)));
        }
        size
    }
}

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

/// An open `FindFirstUrlCacheEntry` enumeration.
#[derive(Clone, Debug)]
struct Find {
    container: Container,
    /// The URL of the next entry to report (entries are enumerated in URL order).
    next: Option<String>,
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

    fn container_of_pattern(pattern: Option<&str>) -> Container {
        match pattern {
            None => Container::Content,
            Some(p) if p.is_empty() || p == "*.*" || p == "*" => Container::Content,
            Some(p) => Container::of_url(p),
        }
    }

    fn next_in(&self, container: Container, from: Option<&str>) -> Option<&Entry> {
        let range = match from {
            Some(from) => self
                .entries
                .range::<str, _>((std::ops::Bound::Included(from), std::ops::Bound::Unbounded)),
            None => self.entries.range::<str, _>(..),
        };
        range
            .map(|(_, e)| e)
            .find(|e| Container::of_url(&e.info.source_url) == container)
    }

    /// `FindFirstUrlCacheEntry{A,W}(pattern, info, &size)`: the first entry of the container
    /// the pattern names (`NULL`, `""` and `*.*` = content; `visited:`, `cookie:`) and a
    /// find handle (never 0). Too small → 122 with the required size and no handle; empty →
    /// `ERROR_NO_MORE_ITEMS`.
    pub fn find_first(
        &mut self,
        pattern: Option<&str>,
        charset: Charset,
        buffer: QueryBuffer,
    ) -> Result<(u64, SizedInfo), QueryFailure> {
        let container = Self::container_of_pattern(pattern);
        let entry = self.next_in(container, None).ok_or(QueryFailure {
            code: ERROR_NO_MORE_ITEMS,
            length: None,
        })?;
        let size = Self::sized(&entry.info, charset, buffer)?;
        let info = entry.info.clone();
        let handle = self.next_find;
        self.next_find = self.next_find.wrapping_add(1).max(1);
        let next = self.after(container, &info.source_url);
        self.finds.insert(handle, Find { container, next });
        Ok((handle, SizedInfo { info, size }))
    }

    fn after(&self, container: Container, url: &str) -> Option<String> {
        self.entries
            .range::<str, _>((std::ops::Bound::Excluded(url), std::ops::Bound::Unbounded))
            .map(|(_, e)| e)
            .find(|e| Container::of_url(&e.info.source_url) == container)
            .map(|e| e.info.source_url.clone())
    }

    /// `FindNextUrlCacheEntry{A,W}(handle, info, &size)`: the next entry; a too-small buffer →
    /// 122 with the required size and the enumeration does not move (Wine
    /// `test_find_url_cache_entriesA` retries the same entry); the end →
    /// `ERROR_NO_MORE_ITEMS`; an unknown handle → `ERROR_INVALID_HANDLE`.
    pub fn find_next(
        &mut self,
        handle: u64,
        charset: Charset,
        buffer: QueryBuffer,
    ) -> Result<SizedInfo, QueryFailure> {
        let fail = |code| QueryFailure { code, length: None };
        let find = self
            .finds
            .get(&handle)
            .ok_or(fail(ERROR_INVALID_HANDLE))?
            .clone();
        let entry = find
            .next
            .as_deref()
            .and_then(|from| self.next_in(find.container, Some(from)))
            .ok_or(fail(ERROR_NO_MORE_ITEMS))?;
        let size = Self::sized(&entry.info, charset, buffer)?;
        let info = entry.info.clone();
        let next = self.after(find.container, &info.source_url);
        if let Some(state) = self.finds.get_mut(&handle) {
            state.next = next;
        }
        Ok(SizedInfo { info, size })
    }

    /// `FindCloseUrlCache(handle)`: unknown or 0 → `ERROR_INVALID_HANDLE` (Wine
    /// `test_FindCloseUrlCache`).
    pub fn find_close(&mut self, handle: u64) -> Result<(), u32> {
        self.finds
            .remove(&handle)
            .map(|_| ())
            .ok_or(ERROR_INVALID_HANDLE)
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

/// The URL key the W entry points use (Wine `urlcache_encode_url`): for `http`/`https` URLs
/// a host with non-ASCII characters is converted to its IDNA (punycode) form and the rest is
/// kept as UTF-8; other URLs (`Visited:`, `Cookie:`, no scheme) are kept as they are. An
/// `http(s)` URL with an empty host → `ERROR_INTERNET_INVALID_URL` (12005).
pub fn encode_wide_url(url: &str) -> Result<String, u32> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Ok(url.to_owned());
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Ok(url.to_owned());
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let host_and_port = &authority[host_start..];
    let host_end = host_and_port.rfind(':').unwrap_or(host_and_port.len());
    let host = &host_and_port[..host_end];
    if host.is_empty() {
        return Err(ERROR_INTERNET_INVALID_URL);
    }
    if host.is_ascii() {
        return Ok(url.to_owned());
    }
    let ascii = match url::Host::parse(host) {
        Ok(url::Host::Domain(d)) => d,
        _ => return Err(ERROR_INTERNET_INVALID_URL),
    };
    Ok(format!(
        "{scheme}://{}{ascii}{}{}",
        &authority[..host_start],
        &host_and_port[host_end..],
        &rest[authority_end..]
    ))
}

/// How a request uses the cache ([`decide`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheRead {
    /// Send the request; the cache has nothing to offer (or the flags forbid using it).
    Network,
    /// Answer from the cached entry without touching the network.
    Cached,
    /// Send a conditional request; a 304 answer means the cached entry is used.
    Revalidate {
        /// `If-Modified-Since` value (RFC 1123), from the entry's last-modified time.
        if_modified_since: Option<String>,
        /// `If-None-Match` value, from the `ETag` in the entry's stored headers.
        if_none_match: Option<String>,
    },
    /// `INTERNET_FLAG_FROM_CACHE` / `OFFLINE` without a cached entry: fail with
    /// `ERROR_FILE_NOT_FOUND`, no network.
    Unavailable,
}

/// The cache decision of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheDecision {
    /// Whether (and how) the cache is read.
    pub read: CacheRead,
    /// Whether the response body is written to a cache entry.
    pub write: bool,
    /// Whether a file must be created even when the response is not cacheable
    /// (`INTERNET_FLAG_NEED_FILE`; `DATAFILE_NAME` then answers it).
    pub need_file: bool,
    /// Whether `Pragma: no-cache` and `Cache-Control: no-cache` are sent
    /// (`INTERNET_FLAG_PRAGMA_NOCACHE`).
    pub pragma_no_cache: bool,
    /// Whether a network failure falls back to the cached entry
    /// (`INTERNET_FLAG_CACHE_IF_NET_FAIL` with an entry present).
    pub fallback_on_network_failure: bool,
}

/// The `ETag` value in stored response headers, if any.
fn etag_of(headers: &[u8]) -> Option<String> {
    String::from_utf8_lossy(headers)
        .split("\r\n")
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("etag")
                .then(|| value.trim().to_owned())
        })
}

/// The cache decision of a request sent with `flags` (`INTERNET_FLAG_*`) and `verb`, with
/// `cached` the entry for its URL, at time `now`. Documented semantics:
///
/// * only `GET` responses are cached; `NO_CACHE_WRITE` stops writing, `NEED_FILE` forces a
///   file;
/// * `FROM_CACHE` (= `OFFLINE`) uses only the cache ([`CacheRead::Unavailable`] without an
///   entry);
/// * `RELOAD` and `PRAGMA_NOCACHE` always go to the network (the latter also sends
///   `Pragma: no-cache`);
/// * `RESYNCHRONIZE` revalidates an existing entry;
/// * `HYPERLINK` reloads an entry that has neither an expiry nor a last-modified time;
/// * otherwise a fresh entry (expiry in the future) is used and a stale one (or one without
///   an expiry) is revalidated.
pub fn decide(
    flags: u32,
    verb: &str,
    cached: Option<&CacheEntryInfo>,
    now: FileTime,
) -> CacheDecision {
    let is_get = verb.eq_ignore_ascii_case("GET");
    let need_file = flags & INTERNET_FLAG_NEED_FILE != 0;
    let pragma_no_cache = flags & INTERNET_FLAG_PRAGMA_NOCACHE != 0;
    let write = need_file || (is_get && flags & INTERNET_FLAG_NO_CACHE_WRITE == 0);
    let cached = cached.filter(|_| is_get);
    let read = match cached {
        _ if flags & INTERNET_FLAG_FROM_CACHE != 0 => {
            if cached.is_some() {
                CacheRead::Cached
            } else {
                CacheRead::Unavailable
            }
        }
        None => CacheRead::Network,
        Some(_) if flags & (INTERNET_FLAG_RELOAD | INTERNET_FLAG_PRAGMA_NOCACHE) != 0 => {
            CacheRead::Network
        }
        Some(entry) => {
            let revalidate = || CacheRead::Revalidate {
                if_modified_since: (entry.last_modified != 0)
                    .then(|| {
                        crate::time::format_rfc1123(&system_time_from_filetime(entry.last_modified))
                            .ok()
                    })
                    .flatten(),
                if_none_match: entry.header_info.as_deref().and_then(etag_of),
            };
            if flags & INTERNET_FLAG_RESYNCHRONIZE != 0 {
                revalidate()
            } else if flags & INTERNET_FLAG_HYPERLINK != 0
                && entry.expire == 0
                && entry.last_modified == 0
            {
                CacheRead::Network
            } else if entry.expire > now {
                CacheRead::Cached
            } else {
                revalidate()
            }
        }
    };
    CacheDecision {
        fallback_on_network_failure: flags & INTERNET_FLAG_CACHE_IF_NET_FAIL != 0
            && cached.is_some()
            && read != CacheRead::Cached,
        read,
        write,
        need_file,
        pragma_no_cache,
    }
}

#[cfg(test)]
mod tests;
