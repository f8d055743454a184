//! The `FindFirstUrlCacheEntry` / `FindNextUrlCacheEntry` / `FindCloseUrlCache` enumeration
//! of the [`UrlCache`]: entries are reported in URL order, one container per enumeration.
//!
//! Invariants: a too-small buffer never moves an enumeration; find handles are never 0.

use windows_sys::Win32::Foundation::{ERROR_INVALID_HANDLE, ERROR_NO_MORE_ITEMS};

use super::{Container, Entry, SizedInfo, UrlCache};
use crate::wininet::options::{QueryBuffer, QueryFailure};
use crate::wininet::Charset;

/// An open `FindFirstUrlCacheEntry` enumeration.
#[derive(Clone, Debug)]
pub(super) struct Find {
    pub(super) container: Container,
    /// The URL of the next entry to report (entries are enumerated in URL order).
    pub(super) next: Option<String>,
}

impl UrlCache {
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
}
