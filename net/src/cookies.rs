//! Session cookies for WinHTTP sessions and the WinINet cookie calls.
//!
//! A [`CookieJar`] wraps `cookie_store` (RFC 6265 storage: domain/path matching, host-only
//! cookies, `Secure`, expiry — an already expired `Set-Cookie` deletes the stored cookie).
//! It owns no policy switch: the executor simply does not call it for a request sent with
//! `WINHTTP_DISABLE_COOKIES` or `INTERNET_FLAG_NO_COOKIES`.
//!
//! Two matching rules: [`CookieJar::cookie_header`] (WinHTTP requests) follows RFC 6265;
//! the WinINet calls ([`CookieJar::set_cookie`], [`CookieJar::get_cookie`],
//! [`CookieJar::wininet_cookie_header`]) follow what Windows does in Wine's tests — a missing
//! `Path` defaults to the URL's directory and a cookie path only has to be a string prefix of
//! the request's directory.
//!
//! Invariants: cookies are kept in insertion order (`preserve_order`); the WinHTTP `Cookie`
//! header lists longer paths first, then the most recently stored cookie first (what Windows
//! sends); nothing here panics on a malformed URL or cookie string — those are reported as
//! Windows errors.

use cookie_store::{CookieStore, RawCookie};
use url::Url;
use windows_sys::Win32::Foundation::{
    ERROR_INVALID_OPERATION, ERROR_INVALID_PARAMETER, ERROR_NO_MORE_ITEMS,
};

/// One session's cookies.
#[derive(Debug, Default)]
pub struct CookieJar {
    store: CookieStore,
}

/// The path of `url` up to and including its last `/`.
pub(crate) fn directory_of(url: &Url) -> &str {
    let path = url.path();
    path.rfind('/').map_or("/", |i| &path[..=i])
}

fn parse_url(url: &str) -> Result<Url, u32> {
    Url::parse(url).map_err(|_| ERROR_INVALID_PARAMETER)
}

impl CookieJar {
    /// An empty jar.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores the `Set-Cookie` header values of a response to `url`. Values that do not
    /// parse or that the storage rules refuse (e.g. a `Domain` the host is not in) are
    /// skipped, as a browser does. Returns how many were accepted.
    pub fn store_response_cookies<'a>(
        &mut self,
        url: &str,
        set_cookie_values: impl IntoIterator<Item = &'a str>,
    ) -> usize {
        let Ok(url) = parse_url(url) else { return 0 };
        set_cookie_values
            .into_iter()
            .filter_map(|value| RawCookie::parse(value.to_owned()).ok())
            .filter(|cookie| self.store.insert_raw(cookie, &url).is_ok())
            .count()
    }

    /// The `Cookie` request header value WinHTTP sends to `url` (`a=1; b=2`), or `None` when
    /// no cookie applies (then no header is sent). Longer paths come first; among equal paths
    /// the most recently stored cookie comes first — Windows sends `NAME=value; name=value`
    /// after `Set-Cookie: name = value` then `Set-Cookie: NAME = value` (Wine's
    /// `winhttp.c :: test_cookies`). Names are case-sensitive; blanks around them go.
    pub fn cookie_header(&self, url: &str) -> Option<String> {
        self.cookie_header_with(url, None)
    }

    /// [`CookieJar::cookie_header`] merged after a `Cookie` value the application added
    /// itself (`app=1; stored=2`), as WinHTTP does.
    pub fn cookie_header_with(&self, url: &str, app_cookie: Option<&str>) -> Option<String> {
        let parsed = parse_url(url).ok();
        let mut matching = parsed
            .as_ref()
            .map(|u| self.store.matches(u))
            .unwrap_or_default();
        matching.reverse();
        // Stable: equal path lengths keep newest-first order.
        matching.sort_by_key(|c| std::cmp::Reverse(c.path.as_ref().len()));
        let mut pairs: Vec<String> = app_cookie
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .into_iter()
            .collect();
        pairs.extend(
            matching
                .iter()
                .map(|c| format!("{}={}", c.name(), c.value())),
        );
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    /// `InternetSetCookie(url, name, data)`: with a name the cookie is `name=data`, without
    /// one `data` is a whole `name=value; attributes` string; without a `Path` the cookie's
    /// path is the URL's directory. A URL or cookie that does not
    /// parse, or a `Domain` the URL's host is not in, is `ERROR_INVALID_PARAMETER`; an
    /// `HttpOnly` cookie is `ERROR_INVALID_OPERATION` (only `InternetSetCookieEx` with
    /// `INTERNET_COOKIE_HTTPONLY` may set one). An unparsable `Expires` makes a session
    /// cookie, as on Windows.
    pub fn set_cookie(&mut self, url: &str, name: Option<&str>, data: &str) -> Result<(), u32> {
        let url = parse_url(url)?;
        let text = match name {
            Some(name) if !name.is_empty() => format!("{name}={data}"),
            _ => data.to_owned(),
        };
        let mut cookie = RawCookie::parse(text).map_err(|_| ERROR_INVALID_PARAMETER)?;
        if cookie.http_only() == Some(true) {
            return Err(ERROR_INVALID_OPERATION);
        }
        if cookie.path().is_none() {
            // WinINet's default path is the URL's directory with its trailing '/' (a cookie set
            // from `/bar/` is not sent to `/barfoo/`), not RFC 6265's default-path.
            cookie.set_path(directory_of(&url).to_owned());
        }
        self.store
            .insert_raw(&cookie, &url)
            .map(|_| ())
            .map_err(|_| ERROR_INVALID_PARAMETER)
    }

    /// The cookies WinINet sends to `url`: domain rules and `Secure` as RFC 6265, but a
    /// cookie's path only has to be a string prefix of the URL's directory (the path up to
    /// and including its last `/`) — Windows returns a `path=/foo` cookie for `/foobar/` but
    /// not for `/foobar`.
    fn wininet_matches(&self, url: &Url) -> Vec<String> {
        let directory = directory_of(url);
        let secure = url.scheme().eq_ignore_ascii_case("https");
        self.store
            .iter_unexpired()
            .filter(|c| c.domain.matches(url))
            .filter(|c| secure || c.secure() != Some(true))
            .filter(|c| directory.starts_with(c.path.as_ref()))
            .map(|c| format!("{}={}", c.name(), c.value()))
            .collect()
    }

    /// `InternetGetCookie(url, name)`: every cookie for `url` as `a=1; b=2` (WinINet's path
    /// rule, see above); the name argument is ignored, as on Windows ("not implemented"). None
    /// is `ERROR_NO_MORE_ITEMS`. (The caller sizes the answer: the A variant reports
    /// `len + 1` characters.)
    pub fn get_cookie(&self, url: &str, _name: Option<&str>) -> Result<String, u32> {
        let parsed = parse_url(url)?;
        let pairs = self.wininet_matches(&parsed);
        if pairs.is_empty() {
            return Err(ERROR_NO_MORE_ITEMS);
        }
        Ok(pairs.join("; "))
    }

    /// The `Cookie` header WinINet's `HttpSendRequest` sends to `url` (WinINet matching, see
    /// [`CookieJar::get_cookie`]); `None` when no cookie applies.
    pub fn wininet_cookie_header(&self, url: &str) -> Option<String> {
        self.get_cookie(url, None).ok()
    }

    /// Forgets every cookie.
    pub fn clear(&mut self) {
        self.store.clear();
    }

    /// The underlying store, for the WinINet `Ex` calls (`HttpOnly`, session cookies) in
    /// [`crate::wininet::cookies_ex`].
    pub(crate) fn store(&self) -> &CookieStore {
        &self.store
    }

    /// The underlying store, mutable (see [`CookieJar::store`]).
    pub(crate) fn store_mut(&mut self) -> &mut CookieStore {
        &mut self.store
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_headers_round_trip_to_cookie_header() {
        let mut jar = CookieJar::new();
        let stored = jar.store_response_cookies(
            "http://127.0.0.1:8080/app/login",
            ["sid=abc; Path=/", "pref=dark"],
        );
        assert_eq!(stored, 2);
        // "pref" has the default path /app: listed first (longer path), only under /app.
        assert_eq!(
            jar.cookie_header("http://127.0.0.1:8080/app/page")
                .as_deref(),
            Some("pref=dark; sid=abc")
        );
        assert_eq!(
            jar.cookie_header("http://127.0.0.1:8080/other").as_deref(),
            Some("sid=abc")
        );
        assert_eq!(
            jar.cookie_header("http://localhost:8080/app/page"),
            None,
            "host-only cookie"
        );
    }

    /// Wine's `winhttp.c :: test_cookies` (passes on Windows).
    #[test]
    fn winhttp_cookie_order_case_and_merge() {
        let mut jar = CookieJar::new();
        let stored = jar.store_response_cookies(
            "http://localhost:8080/cookie",
            ["name = value ", "NAME = value "],
        );
        assert_eq!(stored, 2);
        assert_eq!(
            jar.cookie_header("http://localhost:8080/cookie2")
                .as_deref(),
            Some("NAME=value; name=value")
        );
        assert_eq!(
            jar.cookie_header_with("http://localhost:8080/cookie3", Some("name=value2"))
                .as_deref(),
            Some("name=value2; NAME=value; name=value")
        );
        assert_eq!(
            jar.cookie_header_with("http://other:8080/", Some("a=1"))
                .as_deref(),
            Some("a=1")
        );
        assert_eq!(jar.cookie_header_with("http://other:8080/", None), None);
    }

    #[test]
    fn expired_set_cookie_deletes_and_secure_needs_https() {
        let mut jar = CookieJar::new();
        jar.store_response_cookies("https://example.test/", ["a=1", "s=2; Secure"]);
        assert_eq!(
            jar.cookie_header("https://example.test/").as_deref(),
            Some("s=2; a=1"),
            "newest first"
        );
        assert_eq!(
            jar.cookie_header("http://example.test/").as_deref(),
            Some("a=1")
        );
        jar.store_response_cookies(
            "https://example.test/",
            ["a=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT"],
        );
        assert_eq!(
            jar.cookie_header("https://example.test/").as_deref(),
            Some("s=2")
        );
    }

    #[test]
    fn refused_and_malformed_cookies_are_skipped() {
        let mut jar = CookieJar::new();
        let stored = jar.store_response_cookies(
            "http://a.example.test/",
            ["x=1; Domain=other.test", "no-equals-sign", "y=2"],
        );
        assert_eq!(stored, 1);
        assert_eq!(
            jar.cookie_header("http://a.example.test/").as_deref(),
            Some("y=2")
        );
        assert_eq!(jar.store_response_cookies("not a url", ["z=1"]), 0);
    }

    #[test]
    fn internet_set_and_get_cookie() {
        let mut jar = CookieJar::new();
        let url = "http://www.example.test/";
        assert_eq!(jar.get_cookie(url, None), Err(ERROR_NO_MORE_ITEMS));
        jar.set_cookie(url, Some("lang"), "en")
            .expect("name + data");
        jar.set_cookie(url, None, "theme=dark; path=/")
            .expect("whole cookie string");
        assert_eq!(
            jar.get_cookie(url, None).as_deref(),
            Ok("lang=en; theme=dark")
        );
        assert_eq!(
            jar.get_cookie(url, Some("theme")).as_deref(),
            Ok("lang=en; theme=dark"),
            "name is ignored"
        );
        assert_eq!(
            jar.set_cookie("::bad::", Some("a"), "b"),
            Err(ERROR_INVALID_PARAMETER)
        );
        assert_eq!(
            jar.set_cookie(url, None, "novalue"),
            Err(ERROR_INVALID_PARAMETER)
        );
        assert_eq!(
            jar.get_cookie("::bad::", None),
            Err(ERROR_INVALID_PARAMETER)
        );
        jar.set_cookie(url, Some("lang"), "fr").expect("replaces");
        assert_eq!(
            jar.get_cookie(url, None).as_deref(),
            Ok("lang=fr; theme=dark")
        );
        assert_eq!(
            jar.wininet_cookie_header(url).as_deref(),
            Some("lang=fr; theme=dark")
        );
        jar.clear();
        assert_eq!(jar.get_cookie(url, None), Err(ERROR_NO_MORE_ITEMS));
        assert_eq!(jar.wininet_cookie_header(url), None);
    }

    /// Wine's `wininet/tests/internet.c :: test_complicated_cookie` (passes on Windows).
    #[test]
    fn wininet_complicated_cookie() {
        let mut jar = CookieJar::new();
        for (url, cookie) in [
            ("http://www.example.com/bar", "A=B; domain=.example.com"),
            (
                "http://www.example.com/bar",
                "C=D; domain=.example.com; path=/",
            ),
            ("http://www.example.com", "E=F; domain=example.com"),
            (
                "http://www.example.com",
                "G=H; domain=.example.com; invalid=attr; path=/foo",
            ),
            (
                "http://www.example.com/bar.html",
                "I=J; domain=.example.com",
            ),
            ("http://www.example.com/bar/", "K=L; domain=.example.com"),
            (
                "http://www.example.com/bar/",
                "M=N; domain=.example.com; path=/foo/",
            ),
            ("http://www.example.com/bar/", "O=P; secure; path=/bar"),
        ] {
            jar.set_cookie(url, None, cookie)
                .unwrap_or_else(|e| panic!("{cookie}: {e}"));
        }
        let present = |jar: &CookieJar, url: &str| -> Vec<String> {
            let got = jar.get_cookie(url, None).expect("some cookies");
            let mut names: Vec<String> = got
                .split("; ")
                .map(|p| p.split('=').next().unwrap_or("").to_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(
            present(&jar, "http://testing.example.com"),
            ["A", "C", "E", "I"]
        );
        assert_eq!(
            jar.get_cookie("http://testing.example.com", None)
                .map(|s| s.len()),
            Ok(18)
        );
        assert_eq!(
            present(&jar, "http://testing.example.com/foobar"),
            ["A", "C", "E", "I"]
        );
        assert_eq!(
            present(&jar, "http://testing.example.com/foobar/"),
            ["A", "C", "E", "G", "I"]
        );
        assert_eq!(
            present(&jar, "http://testing.example.com/foo/bar"),
            ["A", "C", "E", "G", "I", "M"]
        );
        assert_eq!(
            present(&jar, "http://testing.example.com/barfoo"),
            ["A", "C", "E", "I"]
        );
        assert_eq!(
            present(&jar, "http://testing.example.com/barfoo/"),
            ["A", "C", "E", "I"]
        );
        assert_eq!(
            present(&jar, "http://testing.example.com/bar/foo"),
            ["A", "C", "E", "I", "K"]
        );
        assert_eq!(
            jar.get_cookie("http://testing.example.com/bar/foo", Some("A"))
                .map(|s| s.len() + 1),
            Ok(24)
        );

        jar.set_cookie("http://testing.example.com", None, "Q=R; expires=")
            .expect("bad expires: session cookie");
        assert!(present(&jar, "http://testing.example.com/").contains(&"Q".to_owned()));
        assert_eq!(
            jar.set_cookie(
                "http://www.aaa.example.com/bar",
                None,
                "E=F; domain=different.com"
            ),
            Err(ERROR_INVALID_PARAMETER)
        );
        jar.set_cookie(
            "http://www.aaa.example.com.pl/bar",
            None,
            "E=F; domain=example.com.pl",
        )
        .expect("parent domain");
        assert_eq!(
            jar.set_cookie("http://cookie.attrs.com/bar", None, "A=data; httponly"),
            Err(ERROR_INVALID_OPERATION)
        );
        assert_eq!(
            jar.get_cookie("http://cookie.attrs.com/", None),
            Err(ERROR_NO_MORE_ITEMS)
        );
    }
}
