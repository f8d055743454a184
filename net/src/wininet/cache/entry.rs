//! `INTERNET_CACHE_ENTRY_INFO` on Rust types and its buffer sizing (Wine
//! `urlcache_copy_entry`: the header, then each string with its terminator, DWORD-aligned).

use std::mem::size_of;

use windows_sys::Win32::Networking::WinInet::{
    INTERNET_CACHE_ENTRY_INFOA, INTERNET_CACHE_ENTRY_INFOW,
};

use super::FileTime;
use crate::wininet::Charset;

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

pub(super) fn align4(n: u32) -> u32 {
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
