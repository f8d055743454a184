//! Session cookies for WinHTTP sessions and the WinINet cookie calls.
//!
//! A [`CookieJar`] wraps `cookie_store` (RFC 6265 storage: domain/path matching, host-only
//! cookies, `Secure`, expiry — an already expired `Set-Cookie` deletes the stored cookie).
//! It owns no policy switch: the executor simply does not call it for a request sent with
//! `WINHTTP_DISABLE_COOKIES` or `INTERNET_FLAG_NO_COOKIES`.
//!
//! Invariants: cookies are kept in insertion order (`preserve_order`), and the `Cookie` header
//! lists longer paths first, then older cookies first (RFC 6265 §5.4); nothing here panics on a
//! malformed URL or cookie string — those are reported as Windows errors.

use cookie_store::{CookieStore, RawCookie};
use url::Url;
use windows_sys::Win32::Foundation::{ERROR_INVALID_PARAMETER, ERROR_NO_MORE_ITEMS};

/// One session's cookies.
#[derive(Debug, Default)]
pub struct CookieJar {
    store: CookieStore,
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

    /// The `Cookie` request header value for `url` (`a=1; b=2`), or `None` when no cookie
    /// applies (then no header is sent).
    pub fn cookie_header(&self, url: &str) -> Option<String> {
        let url = parse_url(url).ok()?;
        let mut matching = self.store.matches(&url);
        // Stable: equal path lengths keep their insertion order.
        matching.sort_by_key(|c| std::cmp::Reverse(c.path.as_ref().len()));
        let pairs: Vec<String> = matching
            .iter()
            .map(|c| format!("{}={}", c.name(), c.value()))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    /// `InternetSetCookie(url, name, data)`: with a name the cookie is `name=data`, without
    /// one `data` is a whole `name=value; attributes` string. A URL or cookie that does not
    /// parse, or that the storage rules refuse, is `ERROR_INVALID_PARAMETER`.
    pub fn set_cookie(&mut self, url: &str, name: Option<&str>, data: &str) -> Result<(), u32> {
        let url = parse_url(url)?;
        let text = match name {
            Some(name) if !name.is_empty() => format!("{name}={data}"),
            _ => data.to_owned(),
        };
        let cookie = RawCookie::parse(text).map_err(|_| ERROR_INVALID_PARAMETER)?;
        self.store
            .insert_raw(&cookie, &url)
            .map(|_| ())
            .map_err(|_| ERROR_INVALID_PARAMETER)
    }

    /// `InternetGetCookie(url, name)`: every cookie for `url` as `a=1; b=2`, or only the one
    /// called `name`; none is `ERROR_NO_MORE_ITEMS`. (The caller sizes the answer: WinINet
    /// needs `len + 1` characters.)
    pub fn get_cookie(&self, url: &str, name: Option<&str>) -> Result<String, u32> {
        let parsed = parse_url(url)?;
        match name.filter(|n| !n.is_empty()) {
            None => self.cookie_header(url).ok_or(ERROR_NO_MORE_ITEMS),
            Some(name) => self
                .store
                .matches(&parsed)
                .into_iter()
                .find(|c| c.name() == name)
                .map(|c| format!("{}={}", c.name(), c.value()))
                .ok_or(ERROR_NO_MORE_ITEMS),
        }
    }

    /// Forgets every cookie.
    pub fn clear(&mut self) {
        self.store.clear();
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

    #[test]
    fn expired_set_cookie_deletes_and_secure_needs_https() {
        let mut jar = CookieJar::new();
        jar.store_response_cookies("https://example.test/", ["a=1", "s=2; Secure"]);
        assert_eq!(
            jar.cookie_header("https://example.test/").as_deref(),
            Some("a=1; s=2")
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
            Ok("theme=dark")
        );
        assert_eq!(
            jar.get_cookie(url, Some("missing")),
            Err(ERROR_NO_MORE_ITEMS)
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
        assert_eq!(jar.get_cookie(url, Some("lang")).as_deref(), Ok("lang=fr"));
        jar.clear();
        assert_eq!(jar.get_cookie(url, None), Err(ERROR_NO_MORE_ITEMS));
    }
}
