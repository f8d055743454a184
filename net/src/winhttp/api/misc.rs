//! The typed WinHTTP functions that are mostly data: authentication (`QueryAuthSchemes`,
//! `SetCredentials`), URLs (`CrackUrl`, `CreateUrl`) and the proxy configuration set.
//!
//! The handle functions go through the engine first, like every other; the pure ones
//! (`CrackUrl`, `CreateUrl`, the default proxy configuration, `DetectAutoProxyConfigUrl`) have
//! no handle and call the decisions of [`crate::url`] and [`crate::winhttp::proxy`] directly.

use hinternet_core::{Api, CallArg, Completion};
use windows_sys::Win32::Foundation::ERROR_INVALID_PARAMETER;
use windows_sys::Win32::Networking::WinHttp as wh;

use super::{fail, ok, Answer, Handle, WinHttp};
use crate::executor::state::lock;
use crate::url::{self, CrackRequest, CrackedUrl, UrlComponents};
use crate::winhttp::auth::{self, AuthSchemes};
use crate::winhttp::exec::{CallData, HandleState};
use crate::winhttp::options::ProxyInfo;
use crate::winhttp::proxy::{self, AutoProxyOptions, IeProxyConfig, Unreachable};

/// What `WinHttpCreateUrl` writes: the URL, or the required length in characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateUrlOut {
    /// The URL (UTF-16, no NUL) on success.
    pub url: Option<Vec<u16>>,
    /// `*lpdwUrlLength` after the call (characters; with the NUL when the buffer was short).
    pub length: Option<u32>,
}

pub(super) fn environment(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl WinHttp {
    /// `WinHttpQueryAuthSchemes(request, &supported, &first, &target)`.
    pub fn query_auth_schemes(&self, request: Handle) -> Answer<bool, Option<AuthSchemes>> {
        let reply = self.call(Api::WinHttpQueryAuthSchemes, request, CallArg::None, None);
        if !reply.ret {
            return fail(reply.last_error.unwrap_or(ERROR_INVALID_PARAMETER));
        }
        let Some(data) = self.data(request) else {
            return fail(windows_sys::Win32::Foundation::ERROR_INVALID_HANDLE);
        };
        let HandleState::Request { view, .. } = &data.state else {
            return fail(wh::ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
        };
        let view = lock(view).clone();
        let Some(response) = view.response else {
            return fail(wh::ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
        };
        let www: Vec<&str> = response.values("WWW-Authenticate").collect();
        let proxy: Vec<&str> = response.values("Proxy-Authenticate").collect();
        match auth::query_auth_schemes(&www, &proxy, true) {
            Ok(schemes) => ok(Some(schemes)),
            Err(code) => fail(code),
        }
    }

    /// `WinHttpSetCredentials(request, target, scheme, user, password, NULL)`. Basic
    /// credentials become the request's `Authorization` (or `Proxy-Authorization`) header,
    /// sent by the next `SendRequest`; the other schemes are stored and not answered (no
    /// NTLM/Negotiate/Digest here).
    pub fn set_credentials(
        &self,
        request: Handle,
        target: u32,
        scheme: u32,
        user: Option<&str>,
        password: Option<&str>,
    ) -> Answer<bool> {
        let reply = self.call(Api::WinHttpSetCredentials, request, CallArg::None, None);
        if !reply.ret {
            return reply;
        }
        let user16 = user.map(url::to_wide);
        let pass16 = password.map(url::to_wide);
        let mut store = auth::CredentialStore::default();
        if let Err(code) = store.set(target, scheme, user16.as_deref(), pass16.as_deref()) {
            return fail(code);
        }
        // Kept on the request for the automatic 401/407 answer (already validated).
        let kept = self.with_request(request, |req| {
            req.auth
                .credentials
                .set(target, scheme, user16.as_deref(), pass16.as_deref())
        });
        if kept.is_none() {
            return fail(wh::ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
        }
        if scheme != wh::WINHTTP_AUTH_SCHEME_BASIC {
            return reply;
        }
        let value = auth::basic_authorization(
            user16.as_deref().unwrap_or_default(),
            pass16.as_deref().unwrap_or_default(),
        );
        let line = format!("{}: {value}", auth::authorization_header(target));
        let added = self.with_request(request, |req| {
            req.headers.add_request_headers(
                crate::headers::Api::WinHttp,
                &line,
                wh::WINHTTP_ADDREQ_FLAG_ADD | wh::WINHTTP_ADDREQ_FLAG_REPLACE,
            )
        });
        match added {
            Some(Ok(())) => reply,
            Some(Err(code)) => fail(code),
            None => fail(wh::ERROR_WINHTTP_INCORRECT_HANDLE_TYPE),
        }
    }

    /// `WinHttpCrackUrl(url, 0, flags, &components)`: `request` says which components the
    /// caller wants and how (pointers or buffers).
    pub fn crack_url(
        &self,
        url_text: &str,
        flags: u32,
        request: &CrackRequest,
    ) -> Answer<bool, Option<CrackedUrl>> {
        match url::win_http_crack_url(&url::to_wide(url_text), flags, request) {
            Ok(cracked) => ok(Some(cracked)),
            Err(err) => fail(err.code()),
        }
    }

    /// `WinHttpCreateUrl(&components, flags, buffer, &len)`: `capacity` is `*lpdwUrlLength` in
    /// characters, `has_buffer` whether a buffer was passed.
    pub fn create_url(
        &self,
        components: &UrlComponents<'_>,
        flags: u32,
        capacity: u32,
        has_buffer: bool,
    ) -> Answer<bool, CreateUrlOut> {
        match url::win_http_create_url(components, flags, capacity, has_buffer) {
            Ok(text) => {
                let length = u32::try_from(text.len()).unwrap_or(u32::MAX);
                ok(CreateUrlOut {
                    url: Some(text),
                    length: Some(length),
                })
            }
            Err(err) => {
                let code = err.code();
                let length = match err {
                    url::CreateUrlError::InsufficientBuffer { required } => Some(required),
                    _ => None,
                };
                Answer {
                    ret: false,
                    last_error: Some(code),
                    out: CreateUrlOut { url: None, length },
                }
            }
        }
    }

    /// `WinHttpGetDefaultProxyConfiguration(&info)`: the value set, else `$http_proxy`, else
    /// no proxy.
    pub fn get_default_proxy_configuration(&self) -> Answer<bool, ProxyInfo> {
        ok(self.default_proxy_configuration())
    }

    /// The default configuration as `WinHttpGetDefaultProxyConfiguration` answers it.
    pub(super) fn default_proxy_configuration(&self) -> ProxyInfo {
        let stored = lock(&self.default_proxy).clone();
        proxy::get_default_proxy_configuration(stored.as_ref(), &environment)
    }

    /// `WinHttpSetDefaultProxyConfiguration(&info)`.
    pub fn set_default_proxy_configuration(&self, info: &ProxyInfo) -> Answer<bool> {
        let mut stored = lock(&self.default_proxy);
        match proxy::set_default_proxy_configuration(&mut stored, info) {
            Ok(()) => ok(()),
            Err(code) => fail(code),
        }
    }

    /// `WinHttpGetIEProxyConfigForCurrentUser(&config)`: the usual Unix proxy variables when
    /// set, else Wine's answer without settings (auto-detect, no strings).
    pub fn get_ie_proxy_config_for_current_user(&self) -> Answer<bool, IeProxyConfig> {
        let user = proxy::ie_proxy_config_from_environment(&environment);
        ok(proxy::ie_proxy_config_for_current_user(user.as_ref()))
    }

    /// `WinHttpDetectAutoProxyConfigUrl(flags, &url)`: no DHCP or DNS source is reachable
    /// from here, so a valid request answers `ERROR_WINHTTP_AUTODETECTION_FAILED`.
    pub fn detect_auto_proxy_config_url(&self, flags: u32) -> Answer<bool, Option<String>> {
        match proxy::detect_auto_proxy_config_url(flags, &Unreachable) {
            Ok(url) => ok(Some(url)),
            Err(code) => fail(code),
        }
    }

    /// `WinHttpGetProxyForUrl(session, url, &options, &info)`: the handle goes through the
    /// engine (an operation: `GETPROXYFORURL_COMPLETE` in async sessions); the answer is
    /// decided without a network source (no PAC/WPAD reachable → the documented errors).
    /// `out` is the proxy information on success (synchronous sessions).
    pub fn get_proxy_for_url(
        &self,
        session: Handle,
        url_text: Option<&str>,
        options: Option<&AutoProxyOptions>,
    ) -> Answer<bool, Option<ProxyInfo>> {
        let decided = proxy::get_proxy_for_url(url_text, options, &Unreachable);
        let completion = match &decided {
            Ok(_) => Completion::Done,
            Err(code) => Completion::Error(*code),
        };
        let reply = self.call(
            Api::WinHttpGetProxyForUrl,
            session,
            CallArg::None,
            Some(CallData::Decided(completion)),
        );
        match decided {
            Ok(info) if reply.ret => Answer {
                ret: true,
                last_error: reply.last_error,
                out: Some(info),
            },
            _ => Answer {
                ret: reply.ret,
                last_error: reply.last_error,
                out: None,
            },
        }
    }
}
