//! The WinHTTP proxy-configuration set on Rust types: access types, named proxy lists, bypass
//! lists, `WinHttpGetProxyForUrl`, `WinHttpDetectAutoProxyConfigUrl`,
//! `WinHttpGet/SetDefaultProxyConfiguration` and `WinHttpGetIEProxyConfigForCurrentUser`.
//!
//! Nothing here reads the environment, the registry or the network: the process-wide
//! default configuration is a [`ProxyInfo`] value the caller owns, the environment is passed
//! in as a lookup function, and auto-proxy discovery goes through [`AutoProxySources`], whose
//! [`Unreachable`] implementation is "no DHCP, no DNS, no PAC server", giving the documented
//! errors.
//!
//! Facts (Wine `dlls/winhttp/session.c`):
//! * `WinHttpSetDefaultProxyConfiguration`: access type `NO_PROXY` or `NAMED_PROXY` only;
//!   `NAMED_PROXY` needs a proxy string; proxy and bypass must be ASCII; else 87;
//! * `WinHttpGetDefaultProxyConfiguration`: the stored setting if any, else `$http_proxy`
//!   (`host:port` or `http://host:port`; another scheme is ignored) as a named proxy without
//!   bypass, else `NO_PROXY`;
//! * `WinHttpGetIEProxyConfigForCurrentUser`: the user's stored settings, else
//!   `fAutoDetect = TRUE` and no strings. Wine does **not** read environment variables here;
//!   [`ie_proxy_config_from_environment`] is an extension for Linux hosts that want
//!   `http_proxy` / `https_proxy` / `no_proxy` to act as the user's settings;
//! * `WinHttpDetectAutoProxyConfigUrl`: flags 0 → 87; DHCP then DNS; none found →
//!   `ERROR_WINHTTP_AUTODETECTION_FAILED` (12180);
//! * `WinHttpGetProxyForUrl`: neither `AUTO_DETECT` nor `CONFIG_URL`, `AUTO_DETECT` without
//!   detect flags, `CONFIG_URL` without a URL → 87; detection failing with no config URL →
//!   12180; the script not downloadable → `ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT` (12167);
//!   the script's answer `PROXY host:port…` gives a named proxy, anything else direct;
//! * bypass entries (`;` or space separated): `<local>` matches a host without a dot; `*`
//!   is a wildcard (so `*.a.b` matches `www.foo.a.b` but not `a.b`), matching ignores case;
//!   an entry with `:port` also requires that port (documented Windows syntax).

use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;
use windows_sys::Win32::Networking::WinHttp::{
    ERROR_WINHTTP_AUTODETECTION_FAILED, ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT,
    INTERNET_DEFAULT_HTTP_PORT, WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY,
    WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, WINHTTP_ACCESS_TYPE_NAMED_PROXY,
    WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_AUTOPROXY_AUTO_DETECT, WINHTTP_AUTOPROXY_CONFIG_URL,
    WINHTTP_AUTO_DETECT_TYPE_DHCP, WINHTTP_AUTO_DETECT_TYPE_DNS_A,
};

pub use super::options::ProxyInfo;
use crate::url::to_wide;

/// One entry of a named proxy list: `[scheme=][scheme://]host[:port]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyEntry {
    /// The URL scheme the entry is for (`http`, `https`), `None` for every scheme.
    pub for_scheme: Option<String>,
    /// The proxy's host.
    pub host: String,
    /// The proxy's port (80 when none is given).
    pub port: u16,
}

/// Parses a named proxy list (`"http=p1:80;https=p2:443"`, `"p:8080"`, `"http://p:3128"`,
/// entries separated by `;` or whitespace). Entries without a host, or with a port that is
/// not a number up to 65535, are skipped.
pub fn parse_proxy_list(list: &str) -> Vec<ProxyEntry> {
    list.split(|c: char| c == ';' || c.is_whitespace())
        .filter(|e| !e.is_empty())
        .filter_map(|entry| {
            let (for_scheme, rest) = match entry.split_once('=') {
                Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
                None => (None, entry),
            };
            let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
            let rest = rest.trim_end_matches('/');
            let (host, port_text) = match rest.strip_prefix('[') {
                // An IPv6 literal keeps its brackets: `[::1]:8080`.
                Some(after) => {
                    let (inside, tail) = after.split_once(']')?;
                    (&rest[..inside.len() + 2], tail.strip_prefix(':'))
                }
                None => match rest.rsplit_once(':') {
                    Some((host, port)) => (host, Some(port)),
                    None => (rest, None),
                },
            };
            let port = match port_text {
                Some(text) => text.parse::<u16>().ok()?,
                None => INTERNET_DEFAULT_HTTP_PORT,
            };
            if host.is_empty() {
                return None;
            }
            Some(ProxyEntry {
                for_scheme,
                host: host.to_owned(),
                port,
            })
        })
        .collect()
}

/// Case-insensitive glob match with `*` (any run, possibly empty).
fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    // Iterative matcher with one backtrack point: O(pattern × text), no recursion.
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p].eq_ignore_ascii_case(&text[t]) {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// Whether one bypass entry matches `host` (and `port`).
pub fn bypass_entry_matches(entry: &str, host: &str, port: u16) -> bool {
    let entry = entry.trim();
    if entry.eq_ignore_ascii_case("<local>") {
        return !host.contains('.');
    }
    let entry = entry.split_once("://").map_or(entry, |(_, rest)| rest);
    let (pattern, wanted_port) = match entry.rsplit_once(':') {
        Some((p, port_text)) if !p.is_empty() && !p.ends_with(':') => match port_text.parse() {
            Ok(port_number) => (p, Some(port_number)),
            Err(_) => (entry, None),
        },
        _ => (entry, None),
    };
    if wanted_port.is_some_and(|wanted: u16| wanted != port) {
        return false;
    }
    !pattern.is_empty() && glob_matches(pattern.as_bytes(), host.as_bytes())
}

/// Whether `host:port` bypasses the proxy under `bypass` (entries separated by `;` or
/// whitespace).
pub fn should_bypass(bypass: &str, host: &str, port: u16) -> bool {
    bypass
        .split(|c: char| c == ';' || c.is_whitespace())
        .filter(|e| !e.is_empty())
        .any(|entry| bypass_entry_matches(entry, host, port))
}

/// How a request reaches its server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProxyChoice {
    /// Straight to the server.
    Direct,
    /// Through this HTTP proxy.
    Proxy {
        /// The proxy's host.
        host: String,
        /// The proxy's port.
        port: u16,
    },
}

fn wide_string(text: &Option<Vec<u16>>) -> String {
    text.as_deref()
        .map(String::from_utf16_lossy)
        .unwrap_or_default()
}

/// The proxy a request for `scheme://host:port` uses under `config` (a session's resolved
/// configuration: `DEFAULT_PROXY` must have been replaced by the default configuration
/// already). An entry for the URL's scheme wins over a scheme-less one.
pub fn choose_proxy(config: &ProxyInfo, scheme: &str, host: &str, port: u16) -> ProxyChoice {
    if config.access_type != WINHTTP_ACCESS_TYPE_NAMED_PROXY {
        return ProxyChoice::Direct;
    }
    if should_bypass(&wide_string(&config.bypass), host, port) {
        return ProxyChoice::Direct;
    }
    let entries = parse_proxy_list(&wide_string(&config.proxy));
    let pick = entries
        .iter()
        .find(|e| {
            e.for_scheme
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
        })
        .or_else(|| entries.iter().find(|e| e.for_scheme.is_none()));
    match pick {
        Some(entry) => ProxyChoice::Proxy {
            host: entry.host.clone(),
            port: entry.port,
        },
        None => ProxyChoice::Direct,
    }
}

/// The checks `WinHttpSetDefaultProxyConfiguration` (and `WINHTTP_OPTION_PROXY`) apply: an
/// access type of `NO_PROXY` or `NAMED_PROXY`, a proxy string for `NAMED_PROXY`, ASCII only.
pub fn validate_proxy_info(info: &ProxyInfo) -> Result<(), u32> {
    let ascii = |s: &Option<Vec<u16>>| s.as_deref().is_none_or(|s| s.iter().all(|&c| c <= 0x7f));
    match info.access_type {
        WINHTTP_ACCESS_TYPE_NO_PROXY => Ok(()),
        WINHTTP_ACCESS_TYPE_NAMED_PROXY
            if info.proxy.is_some() && ascii(&info.proxy) && ascii(&info.bypass) =>
        {
            Ok(())
        }
        _ => Err(ERROR_INVALID_PARAMETER),
    }
}

/// `WinHttpSetDefaultProxyConfiguration(info)` into the caller-owned process-wide value.
pub fn set_default_proxy_configuration(
    stored: &mut Option<ProxyInfo>,
    info: &ProxyInfo,
) -> Result<(), u32> {
    validate_proxy_info(info)?;
    let mut info = info.clone();
    if info.access_type == WINHTTP_ACCESS_TYPE_NO_PROXY {
        info.proxy = None;
        info.bypass = None;
    }
    *stored = Some(info);
    Ok(())
}

/// `WinHttpGetDefaultProxyConfiguration`: the stored value, else `$http_proxy`, else
/// `NO_PROXY` (see the module documentation). `env` looks up an environment variable.
pub fn get_default_proxy_configuration(
    stored: Option<&ProxyInfo>,
    env: &dyn Fn(&str) -> Option<String>,
) -> ProxyInfo {
    if let Some(info) = stored {
        if info.access_type == WINHTTP_ACCESS_TYPE_NAMED_PROXY {
            return info.clone();
        }
    }
    if let Some(value) = env("http_proxy") {
        let proxy = match value.split_once("://") {
            Some(("http", rest)) => Some(rest),
            Some(_) => None,
            None => Some(value.as_str()),
        };
        if let Some(proxy) = proxy.filter(|p| !p.is_empty()) {
            return ProxyInfo {
                access_type: WINHTTP_ACCESS_TYPE_NAMED_PROXY,
                proxy: Some(to_wide(proxy)),
                bypass: None,
            };
        }
    }
    ProxyInfo {
        access_type: WINHTTP_ACCESS_TYPE_NO_PROXY,
        proxy: None,
        bypass: None,
    }
}

/// The proxy configuration a session gets from `WinHttpOpen(agent, access, proxy, bypass,
/// flags)`: `DEFAULT_PROXY` takes the default configuration, `NAMED_PROXY` the given lists,
/// anything else (`NO_PROXY`, `AUTOMATIC_PROXY`) no proxy (Wine resolves automatic proxies
/// per request, not at open).
pub fn session_proxy(
    access: u32,
    proxy: Option<&[u16]>,
    bypass: Option<&[u16]>,
    default: &ProxyInfo,
) -> ProxyInfo {
    match access {
        WINHTTP_ACCESS_TYPE_DEFAULT_PROXY => default.clone(),
        WINHTTP_ACCESS_TYPE_NAMED_PROXY => ProxyInfo {
            access_type: WINHTTP_ACCESS_TYPE_NAMED_PROXY,
            proxy: proxy.map(<[u16]>::to_vec),
            bypass: bypass.map(<[u16]>::to_vec),
        },
        WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY | WINHTTP_ACCESS_TYPE_NO_PROXY => ProxyInfo {
            access_type: WINHTTP_ACCESS_TYPE_NO_PROXY,
            proxy: None,
            bypass: None,
        },
        _ => ProxyInfo {
            access_type: access,
            proxy: None,
            bypass: None,
        },
    }
}

/// The proxy configuration of a session opened with `WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY`,
/// decided when it is opened. Windows documents this access type as "the system and
/// per-user proxy settings"; here, in that order of precedence: auto-detection (WPAD
/// through `sources`: DHCP, then DNS) — when it finds a PAC URL the session is left to
/// per-request resolution, which this crate does not do, so it connects directly — then the
/// user's static proxy (`user`, the `WinHttpGetIEProxyConfigForCurrentUser` settings, with
/// their bypass list), then the system-wide default configuration (`default`, as
/// [`get_default_proxy_configuration`] answers it), else direct. With no discovery source
/// reachable ([`Unreachable`]) detection fails at once, as on Windows without WPAD. Wine
/// connects such sessions directly (its `WinHttpOpen` keeps no proxy for this type).
pub fn automatic_proxy(
    user: Option<&IeProxyConfig>,
    sources: &dyn AutoProxySources,
    default: &ProxyInfo,
) -> ProxyInfo {
    let direct = ProxyInfo {
        access_type: WINHTTP_ACCESS_TYPE_NO_PROXY,
        proxy: None,
        bypass: None,
    };
    let detect = WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A;
    if detect_auto_proxy_config_url(detect, sources).is_ok() {
        return direct;
    }
    if let Some(proxy) = user.and_then(|u| u.proxy.clone()).filter(|p| !p.is_empty()) {
        return ProxyInfo {
            access_type: WINHTTP_ACCESS_TYPE_NAMED_PROXY,
            proxy: Some(proxy),
            bypass: user.and_then(|u| u.bypass.clone()),
        };
    }
    if default.access_type == WINHTTP_ACCESS_TYPE_NAMED_PROXY && default.proxy.is_some() {
        return default.clone();
    }
    direct
}

/// `WINHTTP_CURRENT_USER_IE_PROXY_CONFIG` on Rust types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IeProxyConfig {
    /// `fAutoDetect`.
    pub auto_detect: bool,
    /// `lpszAutoConfigUrl`.
    pub auto_config_url: Option<Vec<u16>>,
    /// `lpszProxy`.
    pub proxy: Option<Vec<u16>>,
    /// `lpszProxyBypass`.
    pub bypass: Option<Vec<u16>>,
}

/// `WinHttpGetIEProxyConfigForCurrentUser`: the user's stored settings, or Wine's answer
/// without any (`fAutoDetect = TRUE`, no strings).
pub fn ie_proxy_config_for_current_user(user_settings: Option<&IeProxyConfig>) -> IeProxyConfig {
    user_settings.cloned().unwrap_or(IeProxyConfig {
        auto_detect: true,
        auto_config_url: None,
        proxy: None,
        bypass: None,
    })
}

/// A hinternet extension (Wine does not do this): user settings built from the usual Unix
/// variables — `http_proxy` / `https_proxy` (a `scheme://` prefix and a trailing `/` are
/// dropped) become `http=…;https=…`, `no_proxy` (comma separated; a leading `.` means the
/// domain and its subdomains) becomes the bypass list; no variable → `None`.
pub fn ie_proxy_config_from_environment(
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<IeProxyConfig> {
    let read = |name: &str| {
        env(name)
            .or_else(|| env(&name.to_ascii_uppercase()))
            .filter(|v| !v.trim().is_empty())
    };
    let strip = |v: String| {
        let v = v.trim().to_owned();
        let v = v.split_once("://").map_or(v.clone(), |(_, r)| r.to_owned());
        v.trim_end_matches('/').to_owned()
    };
    let mut parts = Vec::new();
    if let Some(http) = read("http_proxy") {
        parts.push(format!("http={}", strip(http)));
    }
    if let Some(https) = read("https_proxy") {
        parts.push(format!("https={}", strip(https)));
    }
    let bypass = read("no_proxy").map(|list| {
        list.split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .flat_map(|e| match e.strip_prefix('.') {
                Some(domain) => vec![domain.to_owned(), format!("*.{domain}")],
                None => vec![e.to_owned()],
            })
            .collect::<Vec<_>>()
            .join(";")
    });
    if parts.is_empty() && bypass.is_none() {
        return None;
    }
    Some(IeProxyConfig {
        auto_detect: false,
        auto_config_url: None,
        proxy: (!parts.is_empty()).then(|| to_wide(&parts.join(";"))),
        bypass: bypass.map(|b| to_wide(&b)),
    })
}

/// Where auto-proxy discovery looks. The engine implements it over the network; tests and
/// hosts without discovery use [`Unreachable`].
pub trait AutoProxySources {
    /// The PAC URL from DHCP option 252, if any.
    fn dhcp_pac_url(&self) -> Option<String>;
    /// The PAC URL from the DNS `wpad` search, if any.
    fn dns_pac_url(&self) -> Option<String>;
    /// The PAC script at `url`, `None` when it cannot be downloaded.
    fn download_script(&self, url: &str) -> Option<String>;
    /// Runs `FindProxyForURL(url, host)` of `script`; `None` when it cannot be run.
    fn run_script(&self, script: &str, url: &str, host: &str) -> Option<String>;
}

/// No discovery source is reachable: no DHCP answer, no `wpad` host, no PAC server.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unreachable;

impl AutoProxySources for Unreachable {
    fn dhcp_pac_url(&self) -> Option<String> {
        None
    }
    fn dns_pac_url(&self) -> Option<String> {
        None
    }
    fn download_script(&self, _url: &str) -> Option<String> {
        None
    }
    fn run_script(&self, _script: &str, _url: &str, _host: &str) -> Option<String> {
        None
    }
}

/// `WinHttpDetectAutoProxyConfigUrl(flags, &url)`.
pub fn detect_auto_proxy_config_url(
    flags: u32,
    sources: &dyn AutoProxySources,
) -> Result<String, u32> {
    if flags == 0 {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let mut found = None;
    if flags & WINHTTP_AUTO_DETECT_TYPE_DHCP != 0 {
        found = sources.dhcp_pac_url();
    }
    if found.is_none() && flags & WINHTTP_AUTO_DETECT_TYPE_DNS_A != 0 {
        found = sources.dns_pac_url();
    }
    found.ok_or(ERROR_WINHTTP_AUTODETECTION_FAILED)
}

/// `WINHTTP_AUTOPROXY_OPTIONS` on Rust types.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AutoProxyOptions {
    /// `dwFlags` (`WINHTTP_AUTOPROXY_*`).
    pub flags: u32,
    /// `dwAutoDetectFlags` (`WINHTTP_AUTO_DETECT_TYPE_*`).
    pub auto_detect_flags: u32,
    /// `lpszAutoConfigUrl`.
    pub auto_config_url: Option<String>,
}

/// Parses a PAC answer as Wine does: `PROXY host:port[; …]` gives the first proxy (up to a
/// space or `;`), anything else (`DIRECT`, `SOCKS …`) goes direct.
pub fn parse_pac_result(result: &str) -> ProxyInfo {
    let direct = ProxyInfo {
        access_type: WINHTTP_ACCESS_TYPE_NO_PROXY,
        proxy: None,
        bypass: None,
    };
    let text = result.trim_start_matches(' ');
    let Some(head) = text.get(..5) else {
        return direct;
    };
    if !head.eq_ignore_ascii_case("PROXY") {
        return direct;
    }
    let rest = text[5..].trim_start_matches(' ');
    let proxy: String = rest.chars().take_while(|&c| c != ' ' && c != ';').collect();
    if proxy.is_empty() {
        return direct;
    }
    ProxyInfo {
        access_type: WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        proxy: Some(to_wide(&proxy)),
        bypass: None,
    }
}

/// `WinHttpGetProxyForUrl(session, url, &options, &info)` after the handle checks (a
/// non-session handle is 12018 before anything here). `url` is `None` for NULL.
pub fn get_proxy_for_url(
    url: Option<&str>,
    options: Option<&AutoProxyOptions>,
    sources: &dyn AutoProxySources,
) -> Result<ProxyInfo, u32> {
    let (Some(url), Some(options)) = (url, options) else {
        return Err(ERROR_INVALID_PARAMETER);
    };
    let detect = options.flags & WINHTTP_AUTOPROXY_AUTO_DETECT != 0;
    let config = options.flags & WINHTTP_AUTOPROXY_CONFIG_URL != 0;
    if (!detect && !config)
        || (detect && options.auto_detect_flags == 0)
        || (config && options.auto_config_url.is_none())
    {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let mut error = ERROR_WINHTTP_AUTODETECTION_FAILED;
    let mut script = None;
    if detect {
        if let Ok(pac_url) = detect_auto_proxy_config_url(options.auto_detect_flags, sources) {
            script = sources.download_script(&pac_url);
            error = ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT;
        }
    }
    if script.is_none() && config {
        if let Some(pac_url) = &options.auto_config_url {
            script = sources.download_script(pac_url);
            error = ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT;
        }
    }
    let script = script.ok_or(error)?;
    let host = crate::winhttp::redirect::Origin::parse(url)
        .map(|o| o.host)
        .unwrap_or_default();
    let answer = sources
        .run_script(&script, url, &host)
        .ok_or(windows_sys::Win32::Networking::WinHttp::ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT)?;
    Ok(parse_pac_result(&answer))
}

#[cfg(test)]
mod tests;
