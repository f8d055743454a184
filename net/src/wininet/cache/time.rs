//! `FILETIME` arithmetic of the URL cache: the current time, `SYSTEMTIME` and HTTP-date
//! conversions (proleptic Gregorian, UTC).
//!
//! Invariants: no panic on any input; dates before 1601 have no `FILETIME` (`None`).

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
pub(super) const LOCK_LIFETIME: u64 = 24 * 60 * 60 * FILETIME_SECOND;

/// Seconds between 1601-01-01 and 1970-01-01.
pub(crate) const EPOCH_DIFFERENCE_SECONDS: u64 = 11_644_473_600;

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
