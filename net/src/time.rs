//! HTTP dates ⇄ `SYSTEMTIME`.
//!
//! Owns `WinHttpTimeFromSystemTime` / `WinHttpTimeToSystemTime`,
//! `InternetTimeFromSystemTime` / `InternetTimeToSystemTime` and the date parsing behind
//! `WINHTTP_QUERY_FLAG_SYSTEMTIME` / `HTTP_QUERY_FLAG_SYSTEMTIME`.
//!
//! Formatting always produces RFC 1123 (`Fri, 07 Jan 2005 12:06:35 GMT`), taking the day of the
//! week from the structure as Windows does. Parsing is Windows-lenient (the expectations of
//! Wine's `wininet/tests/internet.c` and `winhttp/tests/winhttp.c`, which pass on Windows):
//! fields are read positionally — day of week, day, month, year, hour, minute, second — from
//! runs of letters or digits separated by anything else, names are matched case-insensitively
//! on their first three letters, the month and the day of week may be numbers, and asctime
//! order (`Fri Jan 7 12:06:35 2005`) is recognised by a month name in second place. Parsing
//! never fails on a non-empty string: missing fields stay 0 (Windows also reports success for
//! a string like `Fr`). When the string has no usable day of week it is computed from the date.

use windows_sys::Win32::Foundation::{
    ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER, SYSTEMTIME,
};
use windows_sys::Win32::Networking::WinInet::{INTERNET_RFC1123_BUFSIZE, INTERNET_RFC1123_FORMAT};

/// A `SYSTEMTIME` (all fields as Windows defines them; `day_of_week` 0 = Sunday).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemTime {
    /// `wYear`.
    pub year: u16,
    /// `wMonth`, 1 = January.
    pub month: u16,
    /// `wDayOfWeek`, 0 = Sunday.
    pub day_of_week: u16,
    /// `wDay`, 1..=31.
    pub day: u16,
    /// `wHour`.
    pub hour: u16,
    /// `wMinute`.
    pub minute: u16,
    /// `wSecond`.
    pub second: u16,
    /// `wMilliseconds`.
    pub milliseconds: u16,
}

impl SystemTime {
    /// Builds a time from its fields in `SYSTEMTIME` order.
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        year: u16,
        month: u16,
        day_of_week: u16,
        day: u16,
        hour: u16,
        minute: u16,
        second: u16,
        milliseconds: u16,
    ) -> Self {
        Self {
            year,
            month,
            day_of_week,
            day,
            hour,
            minute,
            second,
            milliseconds,
        }
    }

    /// The size of a `SYSTEMTIME` in bytes (what `FLAG_SYSTEMTIME` queries need).
    pub const BYTES: u32 = 16;
}

impl From<SYSTEMTIME> for SystemTime {
    fn from(t: SYSTEMTIME) -> Self {
        Self::new(
            t.wYear,
            t.wMonth,
            t.wDayOfWeek,
            t.wDay,
            t.wHour,
            t.wMinute,
            t.wSecond,
            t.wMilliseconds,
        )
    }
}

impl From<SystemTime> for SYSTEMTIME {
    fn from(t: SystemTime) -> Self {
        SYSTEMTIME {
            wYear: t.year,
            wMonth: t.month,
            wDayOfWeek: t.day_of_week,
            wDay: t.day,
            wHour: t.hour,
            wMinute: t.minute,
            wSecond: t.second,
            wMilliseconds: t.milliseconds,
        }
    }
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Formats `time` as RFC 1123: 29 characters for in-range fields, longer when a field is
/// wider than the format (a 5-digit day), as Windows' formatting does. Callers writing into
/// fixed-size buffers must check the length (the C ABI fails with 87 or 122 rather than
/// overflow). Fails with `ERROR_INVALID_PARAMETER` when the day of week or month is out of
/// range (they index the name tables).
pub fn format_rfc1123(time: &SystemTime) -> Result<String, u32> {
    let day_name = DAYS
        .get(usize::from(time.day_of_week))
        .ok_or(ERROR_INVALID_PARAMETER)?;
    let month_name = usize::from(time.month)
        .checked_sub(1)
        .and_then(|m| MONTHS.get(m))
        .ok_or(ERROR_INVALID_PARAMETER)?;
    Ok(format!(
        "{day_name}, {:02} {month_name} {:04} {:02}:{:02}:{:02} GMT",
        time.day, time.year, time.hour, time.minute, time.second
    ))
}

/// `WinHttpTimeFromSystemTime(time, buffer)`: the buffer is always
/// `WINHTTP_TIME_FORMAT_BUFSIZE` bytes, so only the fields can make it fail.
pub fn win_http_time_from_system_time(time: &SystemTime) -> Result<String, u32> {
    format_rfc1123(time)
}

/// `InternetTimeFromSystemTime(time, format, buffer, size)`. `buffer_bytes` is `cbTime`;
/// `wide` selects the W variant (needs `INTERNET_RFC1123_BUFSIZE` WCHARs, the A variant that
/// many bytes). A format other than `INTERNET_RFC1123_FORMAT` is `ERROR_INVALID_PARAMETER`.
pub fn internet_time_from_system_time(
    time: &SystemTime,
    format: u32,
    buffer_bytes: u32,
    wide: bool,
) -> Result<String, u32> {
    if format != INTERNET_RFC1123_FORMAT {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let unit = if wide { 2 } else { 1 };
    if buffer_bytes < INTERNET_RFC1123_BUFSIZE * unit {
        return Err(ERROR_INSUFFICIENT_BUFFER);
    }
    format_rfc1123(time)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    Number(u32),
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i].is_ascii_alphabetic() {
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            out.push(Token::Word(&text[start..i]));
        } else if bytes[i].is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            // Saturate absurd digit runs instead of failing: the field then fails its range check.
            let value = text[start..i].parse::<u32>().unwrap_or(u32::MAX);
            out.push(Token::Number(value));
        } else {
            i += 1;
        }
    }
    out
}

fn name_index(word: &str, names: &[&str]) -> Option<usize> {
    let prefix = word.get(..3)?;
    names.iter().position(|n| n.eq_ignore_ascii_case(prefix))
}

fn month_of(token: Token<'_>) -> Option<u16> {
    match token {
        Token::Word(w) => name_index(w, &MONTHS).and_then(|m| u16::try_from(m + 1).ok()),
        Token::Number(n) => u16::try_from(n).ok().filter(|m| (1..=12).contains(m)),
    }
}

fn number(token: Option<&Token<'_>>) -> u16 {
    match token {
        Some(Token::Number(n)) => u16::try_from(*n).unwrap_or(0),
        _ => 0,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The day of week (0 = Sunday) of a date.
pub fn day_of_week(year: u16, month: u16, day: u16) -> u16 {
    let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
    // 1970-01-01 was a Thursday (4); rem_euclid(7) is in 0..7 so the cast cannot truncate.
    (days + 4).rem_euclid(7) as u16
}

fn full_year(year: u16) -> u16 {
    match year {
        0..=69 => year + 2000,
        70..=99 => year + 1900,
        _ => year,
    }
}

/// Windows-lenient HTTP date parsing (RFC 1123, RFC 850, asctime and looser variants).
/// Returns `None` only for an empty string.
pub fn parse_http_date(text: &str) -> Option<SystemTime> {
    if text.is_empty() {
        return None;
    }
    let toks = tokens(text);
    let mut pos = 0;
    let mut time = SystemTime::default();
    let mut have_dow = false;
    // Day of week: a day name, or a number when a full set of seven fields follows.
    match toks.first() {
        Some(Token::Word(w)) => {
            if let Some(d) = name_index(w, &DAYS) {
                time.day_of_week = u16::try_from(d).unwrap_or(0);
                have_dow = true;
            }
            pos = 1;
        }
        Some(Token::Number(n)) => {
            let fields = toks
                .iter()
                .filter(|t| matches!(t, Token::Number(_)) || month_of(**t).is_some())
                .count();
            if fields >= 7 {
                if let Ok(d @ 0..=6) = u16::try_from(*n) {
                    time.day_of_week = d;
                    have_dow = true;
                }
                pos = 1;
            }
        }
        _ => {}
    }
    let asctime = toks
        .get(pos)
        .is_some_and(|t| matches!(t, Token::Word(_)) && month_of(*t).is_some());
    if asctime {
        // asctime: month day hh mm ss year
        time.month = toks.get(pos).and_then(|t| month_of(*t)).unwrap_or(0);
        time.day = number(toks.get(pos + 1));
        time.hour = number(toks.get(pos + 2));
        time.minute = number(toks.get(pos + 3));
        time.second = number(toks.get(pos + 4));
        time.year = full_year(number(toks.get(pos + 5)));
    } else {
        time.day = number(toks.get(pos));
        time.month = toks.get(pos + 1).and_then(|t| month_of(*t)).unwrap_or(0);
        time.year = toks.get(pos + 2).map_or(0, |t| full_year(number(Some(t))));
        time.hour = number(toks.get(pos + 3));
        time.minute = number(toks.get(pos + 4));
        time.second = number(toks.get(pos + 5));
    }
    if !have_dow && (1..=12).contains(&time.month) && time.day >= 1 {
        time.day_of_week = day_of_week(time.year, time.month, time.day);
    }
    Some(time)
}

/// `WinHttpTimeToSystemTime(string, &time)`: lenient parse; an empty string is
/// `ERROR_INVALID_PARAMETER`.
pub fn win_http_time_to_system_time(text: &str) -> Result<SystemTime, u32> {
    parse_http_date(text).ok_or(ERROR_INVALID_PARAMETER)
}

/// `InternetTimeToSystemTime(string, &time, 0)`: same leniency as WinHTTP.
pub fn internet_time_to_system_time(text: &str) -> Result<SystemTime, u32> {
    parse_http_date(text).ok_or(ERROR_INVALID_PARAMETER)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPECT1: SystemTime = SystemTime::new(2005, 1, 5, 7, 12, 6, 35, 0);
    const EXPECT2: SystemTime = SystemTime::new(2022, 1, 2, 11, 11, 13, 5, 0);
    const WINHTTP: SystemTime = SystemTime::new(2008, 7, 1, 28, 10, 5, 52, 0);

    #[test]
    fn winhttp_formats_rfc1123() {
        assert_eq!(
            win_http_time_from_system_time(&WINHTTP).as_deref(),
            Ok("Mon, 28 Jul 2008 10:05:52 GMT")
        );
        assert_eq!(
            format_rfc1123(&EXPECT1).as_deref(),
            Ok("Fri, 07 Jan 2005 12:06:35 GMT")
        );
        let bad_month = SystemTime {
            month: 13,
            ..WINHTTP
        };
        assert_eq!(format_rfc1123(&bad_month), Err(ERROR_INVALID_PARAMETER));
        let bad_dow = SystemTime {
            day_of_week: 7,
            ..WINHTTP
        };
        assert_eq!(format_rfc1123(&bad_dow), Err(ERROR_INVALID_PARAMETER));
    }

    #[test]
    fn winhttp_parses_lenient_strings() {
        assert_eq!(
            win_http_time_to_system_time("Mon, 28 Jul 2008 10:05:52 GMT\n"),
            Ok(WINHTTP)
        );
        assert_eq!(
            win_http_time_to_system_time(" mon 28 jul 2008 10 05 52\n"),
            Ok(WINHTTP)
        );
        assert_eq!(
            win_http_time_to_system_time(""),
            Err(ERROR_INVALID_PARAMETER)
        );
    }

    #[test]
    fn wininet_time_strings_from_wine_tests() {
        let cases: [(&str, SystemTime); 15] = [
            ("Fri, 07 Jan 2005 12:06:35 GMT", EXPECT1),
            ("Fri, 07 Jan 2005 12:06:35 UTC", EXPECT1),
            (" fri, 7 jan 2005 12 06 35", EXPECT1),
            ("Fri, 07-01-2005 12:06:35", EXPECT1),
            ("5, 07-01-2005 12:06:35 GMT", EXPECT1),
            ("5, 07-01-2005 12:06:35 UTC", EXPECT1),
            ("5, 07-01-2005 12:06:35 GMT;", EXPECT1),
            ("5, 07-01-2005 12:06:35 GMT123", EXPECT1),
            ("2, 11 01 2022 11 13 05", EXPECT2),
            ("2, 11-01-2022 11#13^05", EXPECT2),
            ("2, 11*01/2022 11+13=05", EXPECT2),
            ("2, 11-Jan-2022 11:13:05", EXPECT2),
            ("Fri Jan 7 12:06:35 2005", EXPECT1),
            ("Fri Jan 7 12:06:35 2005 GMT", EXPECT1),
            ("Fri Jan 7 12:06:35 2005 UTC", EXPECT1),
        ];
        for (text, expect) in cases {
            assert_eq!(internet_time_to_system_time(text), Ok(expect), "{text:?}");
        }
        // Windows reports success for a fragment; the content is unspecified.
        assert!(internet_time_to_system_time("Fr").is_ok());
    }

    #[test]
    fn rfc850_and_missing_weekday() {
        assert_eq!(
            parse_http_date("Friday, 07-Jan-05 12:06:35 GMT"),
            Some(EXPECT1)
        );
        assert_eq!(parse_http_date("07 Jan 2005 12:06:35 GMT"), Some(EXPECT1));
    }

    #[test]
    fn internet_time_from_system_time_sizes_and_format() {
        let wide_ok = internet_time_from_system_time(&EXPECT1, INTERNET_RFC1123_FORMAT, 62, true);
        assert_eq!(wide_ok.as_deref(), Ok("Fri, 07 Jan 2005 12:06:35 GMT"));
        assert_eq!(
            internet_time_from_system_time(
                &EXPECT1,
                INTERNET_RFC1123_FORMAT,
                INTERNET_RFC1123_BUFSIZE + 1,
                true
            ),
            Err(ERROR_INSUFFICIENT_BUFFER)
        );
        assert_eq!(
            internet_time_from_system_time(&EXPECT1, INTERNET_RFC1123_FORMAT, 0, false),
            Err(ERROR_INSUFFICIENT_BUFFER)
        );
        assert!(
            internet_time_from_system_time(&EXPECT1, INTERNET_RFC1123_FORMAT, 30, false).is_ok()
        );
        assert_eq!(
            internet_time_from_system_time(&EXPECT1, INTERNET_RFC1123_FORMAT + 1, 64, false),
            Err(ERROR_INVALID_PARAMETER)
        );
    }

    #[test]
    fn weekday_computation() {
        assert_eq!(day_of_week(1970, 1, 1), 4);
        assert_eq!(day_of_week(2005, 1, 7), 5);
        assert_eq!(day_of_week(2000, 2, 29), 2);
        assert_eq!(day_of_week(2022, 1, 11), 2);
    }

    #[test]
    fn round_trip_and_hostile_input() {
        let text = format_rfc1123(&EXPECT2).expect("valid fields");
        assert_eq!(parse_http_date(&text), Some(EXPECT2));
        for junk in [
            "99999999999999999999 Jan",
            "\u{fffd}\u{0}",
            ";;;;",
            "Sun",
            "0, 0 0 0",
        ] {
            assert!(parse_http_date(junk).is_some(), "{junk:?}");
        }
        let windows: SYSTEMTIME = EXPECT2.into();
        assert_eq!(SystemTime::from(windows), EXPECT2);
    }
}
