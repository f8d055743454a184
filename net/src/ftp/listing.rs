//! Directory listings: `MLSD` facts and `LIST` lines (Unix `ls -l` and DOS/IIS styles) parsed
//! into [`FindData`], the fields of `WIN32_FIND_DATA` that an FTP listing can fill.
//!
//! Everything here is pure. A line that no parser recognises yields `None` and is skipped by
//! [`parse_listing`]; nothing a server sends can make these functions panic. Times are UTC
//! `FILETIME` values (100 ns intervals since 1601-01-01), 0 when the listing has none.

use windows_sys::Win32::Storage::FileSystem::{FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_NORMAL};

/// Seconds between 1601-01-01 (the `FILETIME` epoch) and 1970-01-01.
const FILETIME_UNIX_OFFSET_SECS: i64 = 11_644_473_600;
/// `FILETIME` ticks per second.
const FILETIME_TICKS_PER_SEC: i64 = 10_000_000;
/// Longest listing line considered; longer lines are skipped.
pub const MAX_LISTING_LINE: usize = 8 * 1024;

/// One directory entry, as `FtpFindFirstFile`/`InternetFindNextFile` fill `WIN32_FIND_DATA`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindData {
    /// `FILE_ATTRIBUTE_DIRECTORY` for directories, `FILE_ATTRIBUTE_NORMAL` otherwise.
    pub attributes: u32,
    /// File size in bytes (0 for directories and when the listing has none).
    pub size: u64,
    /// Last-write time as a UTC `FILETIME` value; 0 when unknown. Windows copies it into the
    /// creation and last-access times too.
    pub last_write: u64,
    /// The file name (no directory part).
    pub file_name: String,
}

impl FindData {
    /// Whether the entry is a directory.
    pub fn is_directory(&self) -> bool {
        self.attributes & FILE_ATTRIBUTE_DIRECTORY != 0
    }

    /// `nFileSizeHigh`.
    pub fn size_high(&self) -> u32 {
        (self.size >> 32) as u32
    }

    /// `nFileSizeLow`.
    pub fn size_low(&self) -> u32 {
        (self.size & 0xffff_ffff) as u32
    }
}

fn attributes(is_dir: bool) -> u32 {
    if is_dir {
        FILE_ATTRIBUTE_DIRECTORY
    } else {
        FILE_ATTRIBUTE_NORMAL
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The year of a day count since 1970-01-01.
fn year_from_days(days: i64) -> i64 {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}

/// The UTC `FILETIME` of a calendar time, or `None` if a field is out of range or the date is
/// before 1601.
pub fn filetime_from_utc(
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> Option<u64> {
    if !(1601..=30_827).contains(&year)
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let secs = days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second);
    let ticks = (secs + FILETIME_UNIX_OFFSET_SECS).checked_mul(FILETIME_TICKS_PER_SEC)?;
    u64::try_from(ticks).ok()
}

/// The `FILETIME` of a Unix time in seconds.
pub fn filetime_from_unix(secs: i64) -> u64 {
    u64::try_from((secs + FILETIME_UNIX_OFFSET_SECS).saturating_mul(FILETIME_TICKS_PER_SEC))
        .unwrap_or(0)
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2))
        .unwrap_or(0)
}

fn parse_num<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses one `MLSD` line (`fact=value;...; name`). `cdir`/`pdir` entries (`.` and `..`) and
/// lines without a name yield `None`.
pub fn parse_mlsd_line(line: &str) -> Option<FindData> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.len() > MAX_LISTING_LINE {
        return None;
    }
    let (facts, name) = line.split_once(' ')?;
    if name.is_empty() || name.contains('/') {
        return None;
    }
    let mut is_dir = false;
    let mut size = 0u64;
    let mut last_write = 0u64;
    let mut saw_fact = false;
    for fact in facts.split(';').filter(|f| !f.is_empty()) {
        let (key, value) = fact.split_once('=')?;
        saw_fact = true;
        match key.to_ascii_lowercase().as_str() {
            "type" => match value.to_ascii_lowercase().as_str() {
                "dir" => is_dir = true,
                "cdir" | "pdir" => return None,
                _ => is_dir = false,
            },
            "size" | "sizd" => size = parse_num(value)?,
            "modify" => {
                let digits = value.split('.').next().unwrap_or("");
                if digits.len() == 14 && digits.bytes().all(|b| b.is_ascii_digit()) {
                    let field = |range: std::ops::Range<usize>| -> Option<u32> {
                        digits.get(range).and_then(parse_num)
                    };
                    last_write = filetime_from_utc(
                        i64::from(field(0..4)?),
                        field(4..6)?,
                        field(6..8)?,
                        field(8..10)?,
                        field(10..12)?,
                        field(12..14)?,
                    )
                    .unwrap_or(0);
                }
            }
            _ => {}
        }
    }
    if !saw_fact {
        return None;
    }
    Some(FindData {
        attributes: attributes(is_dir),
        size: if is_dir { 0 } else { size },
        last_write,
        file_name: name.to_owned(),
    })
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_number(token: &str) -> Option<u32> {
    let lower = token.get(..3)?.to_ascii_lowercase();
    if token.len() != 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| *m == lower)
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// Byte spans of the whitespace-separated tokens of `line`.
fn token_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if c == ' ' || c == '\t' {
            if let Some(s) = start.take() {
                spans.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        spans.push((s, line.len()));
    }
    spans
}

fn is_unix_mode(token: &str) -> bool {
    token.len() == 10
        && token.starts_with(['-', 'd', 'l', 'b', 'c', 'p', 's'])
        && token[1..]
            .bytes()
            .all(|b| b"rwxsStTl-".contains(&b) || b == b'+' || b == b'@')
}

/// Parses a Unix `ls -l` line; `now` (Unix seconds) decides the year of `HH:MM` dates (this
/// year, or last year if that would be more than a day in the future).
fn parse_unix_line(line: &str, now: i64) -> Option<FindData> {
    let spans = token_spans(line);
    let token = |i: usize| spans.get(i).map(|&(s, e)| &line[s..e]);
    let mode = token(0)?;
    if !is_unix_mode(mode) {
        return None;
    }
    let is_dir = mode.starts_with('d');
    // Find `size month day time-or-year name` after the link count / owner / group columns,
    // whose number varies between servers.
    for month_index in 3..spans.len().min(8) {
        let Some(month) = token(month_index).and_then(month_number) else {
            continue;
        };
        let Some(size) = token(month_index - 1).and_then(parse_num::<u64>) else {
            continue;
        };
        let Some(day) = token(month_index + 1).and_then(parse_num::<u32>) else {
            continue;
        };
        let when = token(month_index + 2)?;
        let name_start = spans.get(month_index + 3)?.0;
        let mut name = &line[name_start..];
        if mode.starts_with('l') {
            if let Some((link, _target)) = name.split_once(" -> ") {
                name = link;
            }
        }
        if name.is_empty() || name == "." || name == ".." {
            return None;
        }
        let last_write = if let Some((h, m)) = when.split_once(':') {
            let (hour, minute) = (parse_num::<u32>(h)?, parse_num::<u32>(m)?);
            let this_year = year_from_days(now.div_euclid(86_400));
            let this = filetime_from_utc(this_year, month, day, hour, minute, 0);
            let limit = filetime_from_unix(now + 86_400);
            match this {
                Some(t) if t > limit => {
                    filetime_from_utc(this_year - 1, month, day, hour, minute, 0)
                }
                other => other,
            }
        } else {
            filetime_from_utc(parse_num::<i64>(when)?, month, day, 0, 0, 0)
        };
        return Some(FindData {
            attributes: attributes(is_dir),
            size: if is_dir { 0 } else { size },
            last_write: last_write.unwrap_or(0),
            file_name: name.to_owned(),
        });
    }
    None
}

/// Parses a DOS/IIS line: `MM-DD-YY[YY]  HH:MM(AM|PM)  <DIR>|size  name`.
fn parse_dos_line(line: &str) -> Option<FindData> {
    let spans = token_spans(line);
    if spans.len() < 4 {
        return None;
    }
    let token = |i: usize| &line[spans[i].0..spans[i].1];
    let mut date = token(0).split('-');
    let month = parse_num::<u32>(date.next()?)?;
    let day = parse_num::<u32>(date.next()?)?;
    let year_text = date.next()?;
    if date.next().is_some() {
        return None;
    }
    let mut year = parse_num::<i64>(year_text)?;
    if year_text.len() == 2 {
        year += if year < 70 { 2000 } else { 1900 };
    }
    let time = token(1).to_ascii_uppercase();
    let (clock, pm, am) = if let Some(c) = time.strip_suffix("PM") {
        (c, true, false)
    } else if let Some(c) = time.strip_suffix("AM") {
        (c, false, true)
    } else {
        (time.as_str(), false, false)
    };
    let (h, m) = clock.split_once(':')?;
    let (mut hour, minute) = (parse_num::<u32>(h)?, parse_num::<u32>(m)?);
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    let size_token = token(2);
    let (is_dir, size) = if size_token.eq_ignore_ascii_case("<DIR>") {
        (true, 0)
    } else {
        (false, parse_num::<u64>(size_token)?)
    };
    let name = &line[spans[3].0..];
    if name == "." || name == ".." {
        return None;
    }
    Some(FindData {
        attributes: attributes(is_dir),
        size,
        last_write: filetime_from_utc(year, month, day, hour, minute, 0).unwrap_or(0),
        file_name: name.to_owned(),
    })
}

/// Parses one `LIST` line in the Unix or DOS style; anything else (including `total N`
/// lines) yields `None`.
pub fn parse_list_line(line: &str) -> Option<FindData> {
    parse_list_line_at(line, now_unix())
}

/// [`parse_list_line`] with an explicit current time (Unix seconds) for year-less dates.
pub fn parse_list_line_at(line: &str, now: i64) -> Option<FindData> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.len() > MAX_LISTING_LINE {
        return None;
    }
    parse_unix_line(line, now).or_else(|| parse_dos_line(line))
}

/// Which command produced a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingFormat {
    /// `MLSD` (RFC 3659 facts).
    Mlsd,
    /// `LIST` (server-specific text).
    List,
}

/// Parses a whole listing, skipping lines no parser recognises and keeping only names that
/// match `pattern` (see [`wildcard_match`]) when one is given.
pub fn parse_listing(bytes: &[u8], format: ListingFormat, pattern: Option<&str>) -> Vec<FindData> {
    let now = now_unix();
    bytes
        .split(|&b| b == b'\n')
        .filter_map(|raw| {
            let line = String::from_utf8_lossy(raw);
            match format {
                ListingFormat::Mlsd => parse_mlsd_line(&line),
                ListingFormat::List => parse_list_line_at(&line, now),
            }
        })
        .filter(|entry| pattern.is_none_or(|p| wildcard_match(p, &entry.file_name)))
        .collect()
}

/// Case-insensitive `*`/`?` matching, as `PathMatchSpec` does for a single pattern.
pub fn wildcard_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let n: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    // Each step advances `ni` or `pi`, or backtracks to a star with a later `ni`: at most
    // (|n| + 1) * (|p| + 1) steps.
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_2024_06_01: i64 = 1_717_200_000; // 2024-06-01T00:00:00Z

    #[test]
    fn filetime_matches_known_instants() {
        // 1970-01-01 is 11644473600 s after 1601-01-01.
        assert_eq!(
            filetime_from_utc(1970, 1, 1, 0, 0, 0),
            Some(116_444_736_000_000_000)
        );
        // 2024-01-02T03:04:05Z is Unix 1704164645.
        assert_eq!(
            filetime_from_utc(2024, 1, 2, 3, 4, 5),
            Some(filetime_from_unix(1_704_164_645))
        );
        assert_eq!(filetime_from_utc(1600, 1, 1, 0, 0, 0), None);
        assert_eq!(filetime_from_utc(2024, 13, 1, 0, 0, 0), None);
        assert_eq!(year_from_days(NOW_2024_06_01 / 86_400), 2024);
    }

    #[test]
    fn mlsd_lines() {
        let file = parse_mlsd_line("type=file;size=1234;modify=20240102030405; readme.txt")
            .expect("file line");
        assert_eq!(file.file_name, "readme.txt");
        assert_eq!(file.size, 1234);
        assert_eq!(file.attributes, FILE_ATTRIBUTE_NORMAL);
        assert_eq!(file.last_write, filetime_from_unix(1_704_164_645));
        let dir = parse_mlsd_line("Type=dir;Modify=20240102030405.123; pub dir").expect("dir");
        assert!(dir.is_directory());
        assert_eq!(dir.file_name, "pub dir");
        assert_eq!(parse_mlsd_line("type=cdir; ."), None);
        assert_eq!(parse_mlsd_line("type=pdir; .."), None);
        assert_eq!(parse_mlsd_line("garbage"), None);
        assert_eq!(parse_mlsd_line("type=file;size=x; a"), None);
    }

    #[test]
    fn unix_lines() {
        let now = NOW_2024_06_01;
        let f = parse_list_line_at(
            "-rw-r--r--   1 owner    group      4096 Jan 02  2023 my file.txt",
            now,
        )
        .expect("unix file");
        assert_eq!(f.file_name, "my file.txt");
        assert_eq!(f.size, 4096);
        assert_eq!(
            f.last_write,
            filetime_from_utc(2023, 1, 2, 0, 0, 0).unwrap_or(1)
        );
        let d = parse_list_line_at("drwxr-xr-x 2 0 0 512 May 30 10:20 pub", now).expect("dir");
        assert!(d.is_directory());
        assert_eq!(
            d.last_write,
            filetime_from_utc(2024, 5, 30, 10, 20, 0).unwrap_or(1)
        );
        // A year-less date in the future belongs to last year.
        let old = parse_list_line_at("-rw-r--r-- 1 u g 1 Dec 24 08:00 x", now).expect("x");
        assert_eq!(
            old.last_write,
            filetime_from_utc(2023, 12, 24, 8, 0, 0).unwrap_or(1)
        );
        // No group column.
        let ng = parse_list_line_at("-rw-r--r-- 1 ftp 77 Feb 29 2024 leap", now).expect("leap");
        assert_eq!((ng.size, ng.file_name.as_str()), (77, "leap"));
        let link = parse_list_line_at("lrwxrwxrwx 1 u g 7 Jan 1 2020 cur -> target", now);
        assert_eq!(link.map(|l| l.file_name), Some("cur".to_owned()));
        assert_eq!(parse_list_line_at("total 12", now), None);
        assert_eq!(
            parse_list_line_at("drwxr-xr-x 2 0 0 512 May 30 10:20 .", now),
            None
        );
    }

    #[test]
    fn dos_lines() {
        let d = parse_list_line("07-13-03  08:55PM       <DIR>          sakpatch").expect("dir");
        assert!(d.is_directory());
        assert_eq!(
            d.last_write,
            filetime_from_utc(2003, 7, 13, 20, 55, 0).unwrap_or(1)
        );
        let f = parse_list_line("05-09-2003  12:02AM   12656686 big file.rgz").expect("file");
        assert_eq!((f.size, f.file_name.as_str()), (12_656_686, "big file.rgz"));
        assert_eq!(
            f.last_write,
            filetime_from_utc(2003, 5, 9, 0, 2, 0).unwrap_or(1)
        );
    }

    #[test]
    fn unknown_lines_are_skipped() {
        let listing = b"+i8388621.48594,m825718503,r,s280,\tdjb.html\r\n\
            -rw-r--r-- 1 u g 5 Jan 01 2020 good\r\n\
            \xff\xfe binary junk\r\n\
            ????\r\n";
        let entries = parse_listing(listing, ListingFormat::List, None);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].file_name, "good");
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*.TXT", "readme.txt"));
        assert!(wildcard_match("r?adme*", "readme.txt"));
        assert!(wildcard_match("*", ""));
        assert!(!wildcard_match("*.bin", "readme.txt"));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
        assert!(!wildcard_match("a*b*c", "axxbyy"));
    }
}
