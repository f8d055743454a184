//! `WinHttpQueryAuthSchemes`, `WinHttpSetCredentials` and the automatic answer to a 401/407,
//! as pure functions over header values and a per-request credential store.
//!
//! Facts (Wine `dlls/winhttp/request.c`, its conformance tests):
//! * a challenge's scheme is its first token, matched without regard to case against
//!   `Basic`, `NTLM`, `Passport`, `Digest`, `Negotiate`, and must be followed by a space or
//!   the end of the value;
//! * `WinHttpQueryAuthSchemes` looks at the `WWW-Authenticate` headers first (target
//!   `WINHTTP_AUTH_TARGET_SERVER`), then `Proxy-Authenticate` (`…_PROXY`); with neither →
//!   `ERROR_INVALID_OPERATION` (WH-R29). Headers whose scheme is unknown count as present but
//!   add no bit. A NULL out pointer → 87;
//! * `WinHttpSetCredentials`: a scheme that is not exactly one known `WINHTTP_AUTH_SCHEME_*`
//!   bit → 87; Basic or Digest without user name or password → 87; a target other than
//!   SERVER/PROXY → 87. Credentials are kept per target and scheme;
//! * server Basic credentials set on the request are sent with every send (pre-emptively);
//!   on a 401/407 the first offered scheme is tried, then the others in the order above.
//!
//! Only Basic is implemented. NTLM, Negotiate, Digest and Passport are accepted by
//! `WinHttpSetCredentials` (as on Windows), but a challenge that offers only them cannot be
//! answered: [`respond_to_challenge`] then hands the 401/407 to the application, exactly as
//! Wine does when no scheme can be used, and reports `ERROR_WINHTTP_LOGIN_FAILURE` (12015) —
//! the code Wine's `handle_authorization` computes for that case — for callers that want it.
//!
//! Invariants: no credential leaves the store except inside the header value built for the
//! target it was set for; Basic is answered at most once per send (a second 401 after Basic
//! was sent is delivered).

use base64::Engine as _;
use windows_sys::Win32::Foundation::{ERROR_INVALID_OPERATION, ERROR_INVALID_PARAMETER};
use windows_sys::Win32::Networking::WinHttp::{
    ERROR_WINHTTP_LOGIN_FAILURE, HTTP_STATUS_DENIED, HTTP_STATUS_PROXY_AUTH_REQ,
    WINHTTP_AUTH_SCHEME_BASIC, WINHTTP_AUTH_SCHEME_DIGEST, WINHTTP_AUTH_SCHEME_NEGOTIATE,
    WINHTTP_AUTH_SCHEME_NTLM, WINHTTP_AUTH_SCHEME_PASSPORT, WINHTTP_AUTH_TARGET_PROXY,
    WINHTTP_AUTH_TARGET_SERVER, WINHTTP_DISABLE_AUTHENTICATION,
};

/// The schemes WinHTTP recognises, in the order it tries them.
pub const SCHEMES: [(&str, u32); 5] = [
    ("Basic", WINHTTP_AUTH_SCHEME_BASIC),
    ("NTLM", WINHTTP_AUTH_SCHEME_NTLM),
    ("Passport", WINHTTP_AUTH_SCHEME_PASSPORT),
    ("Digest", WINHTTP_AUTH_SCHEME_DIGEST),
    ("Negotiate", WINHTTP_AUTH_SCHEME_NEGOTIATE),
];

/// The `WINHTTP_AUTH_SCHEME_*` bit of one challenge header value, 0 when the scheme is not
/// one WinHTTP knows.
pub fn scheme_of_challenge(value: &str) -> u32 {
    for (name, bit) in SCHEMES {
        let Some(prefix) = value.get(..name.len()) else {
            continue;
        };
        let rest = &value.as_bytes()[name.len()..];
        if prefix.eq_ignore_ascii_case(name) && (rest.is_empty() || rest[0] == b' ') {
            return bit;
        }
    }
    0
}

/// The out values of `WinHttpQueryAuthSchemes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthSchemes {
    /// `lpdwSupportedSchemes`: every recognised scheme offered.
    pub supported: u32,
    /// `lpdwFirstScheme`: the first recognised scheme offered (0 if none).
    pub first: u32,
    /// `pdwAuthTarget`: `WINHTTP_AUTH_TARGET_SERVER` or `…_PROXY`.
    pub target: u32,
}

fn schemes_of(values: &[&str]) -> (u32, u32) {
    let mut supported = 0;
    let mut first = 0;
    for value in values {
        let bit = scheme_of_challenge(value);
        if bit != 0 && first == 0 {
            first = bit;
        }
        supported |= bit;
    }
    (supported, first)
}

/// `WinHttpQueryAuthSchemes(request, &supported, &first, &target)` over the response's
/// `WWW-Authenticate` and `Proxy-Authenticate` values (in wire order). `out_pointers_present`
/// is false when any of the three out pointers is NULL (→ 87).
pub fn query_auth_schemes(
    www_authenticate: &[&str],
    proxy_authenticate: &[&str],
    out_pointers_present: bool,
) -> Result<AuthSchemes, u32> {
    if !out_pointers_present {
        return Err(ERROR_INVALID_PARAMETER);
    }
    let (values, target) = if !www_authenticate.is_empty() {
        (www_authenticate, WINHTTP_AUTH_TARGET_SERVER)
    } else if !proxy_authenticate.is_empty() {
        (proxy_authenticate, WINHTTP_AUTH_TARGET_PROXY)
    } else {
        return Err(ERROR_INVALID_OPERATION);
    };
    let (supported, first) = schemes_of(values);
    Ok(AuthSchemes {
        supported,
        first,
        target,
    })
}

/// One user name and password (UTF-16, no NUL; `None` = NULL).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Credential {
    /// The user name (`domain\user` for NTLM/Negotiate).
    pub username: Option<Vec<u16>>,
    /// The password.
    pub password: Option<Vec<u16>>,
}

/// The credentials `WinHttpSetCredentials` stored on one request, per target and scheme.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CredentialStore {
    entries: Vec<(u32, u32, Credential)>,
}

impl CredentialStore {
    /// The credential for `target` and `scheme` bit, if one was set.
    pub fn get(&self, target: u32, scheme: u32) -> Option<&Credential> {
        self.entries
            .iter()
            .find(|(t, s, _)| *t == target && *s == scheme)
            .map(|(_, _, c)| c)
            .filter(|c| c.username.is_some())
    }

    /// `WinHttpSetCredentials(request, target, scheme, username, password, NULL)`.
    pub fn set(
        &mut self,
        target: u32,
        scheme: u32,
        username: Option<&[u16]>,
        password: Option<&[u16]>,
    ) -> Result<(), u32> {
        if !SCHEMES.iter().any(|(_, bit)| *bit == scheme) {
            return Err(ERROR_INVALID_PARAMETER);
        }
        let needs_both =
            scheme == WINHTTP_AUTH_SCHEME_BASIC || scheme == WINHTTP_AUTH_SCHEME_DIGEST;
        if needs_both && (username.is_none() || password.is_none()) {
            return Err(ERROR_INVALID_PARAMETER);
        }
        if target != WINHTTP_AUTH_TARGET_SERVER && target != WINHTTP_AUTH_TARGET_PROXY {
            return Err(ERROR_INVALID_PARAMETER);
        }
        let credential = Credential {
            username: username.map(<[u16]>::to_vec),
            password: password.map(<[u16]>::to_vec),
        };
        self.entries
            .retain(|(t, s, _)| !(*t == target && *s == scheme));
        self.entries.push((target, scheme, credential));
        Ok(())
    }
}

/// The `Authorization` / `Proxy-Authorization` value for Basic: `Basic ` and the base64 of
/// the UTF-8 `user:password` (unpaired surrogates become U+FFFD).
pub fn basic_authorization(username: &[u16], password: &[u16]) -> String {
    let mut plain = String::from_utf16_lossy(username);
    plain.push(':');
    plain.push_str(&String::from_utf16_lossy(password));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(plain.as_bytes())
    )
}

/// The header name a target's answer goes in.
pub fn authorization_header(target: u32) -> &'static str {
    if target == WINHTTP_AUTH_TARGET_PROXY {
        "Proxy-Authorization"
    } else {
        "Authorization"
    }
}

/// The pre-emptive `Authorization` value `WinHttpSendRequest` adds when server Basic
/// credentials were set on the request.
pub fn preemptive_authorization(store: &CredentialStore) -> Option<String> {
    let credential = store.get(WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC)?;
    Some(basic_authorization(
        credential.username.as_deref()?,
        credential.password.as_deref()?,
    ))
}

/// What the request does with a 401 or 407.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChallengeOutcome {
    /// Hand the response to the application. `reason` is 0 when authentication is simply
    /// not WinHTTP's to do (disabled, not a challenge status), else why it could not be
    /// answered (`ERROR_WINHTTP_LOGIN_FAILURE`, or the `QueryAuthSchemes` error).
    Deliver {
        /// Why no answer was sent (0 = not attempted).
        reason: u32,
    },
    /// Re-send the request with this header set (add or replace).
    Resend {
        /// `Authorization` or `Proxy-Authorization`.
        header: &'static str,
        /// The header value.
        value: String,
        /// The scheme used.
        scheme: u32,
    },
}

/// Everything the automatic answer to a challenge looks at.
#[derive(Clone, Copy, Debug)]
pub struct Challenge<'a> {
    /// The response status.
    pub status: u32,
    /// `WWW-Authenticate` values.
    pub www_authenticate: &'a [&'a str],
    /// `Proxy-Authenticate` values.
    pub proxy_authenticate: &'a [&'a str],
    /// The request's `WINHTTP_OPTION_DISABLE_FEATURE` bits.
    pub disable_flags: u32,
    /// Credentials from `WinHttpSetCredentials`.
    pub credentials: &'a CredentialStore,
    /// Fallback for the server: `WINHTTP_OPTION_USERNAME` / `PASSWORD` (or the URL's).
    pub server_fallback: &'a Credential,
    /// Fallback for the proxy: `WINHTTP_OPTION_PROXY_USERNAME` / `PROXY_PASSWORD`.
    pub proxy_fallback: &'a Credential,
    /// Basic was already sent to this target during this send (Basic is one-shot).
    pub basic_already_sent: bool,
}

fn try_scheme(
    challenge: &Challenge<'_>,
    target: u32,
    scheme: u32,
    offered: bool,
) -> Option<String> {
    if scheme != WINHTTP_AUTH_SCHEME_BASIC {
        // NTLM, Negotiate, Digest and Passport are not implemented.
        return None;
    }
    if challenge.basic_already_sent {
        return None;
    }
    let credential = match challenge.credentials.get(target, scheme) {
        Some(c) => c,
        None if target == WINHTTP_AUTH_TARGET_SERVER && !offered => return None,
        None if target == WINHTTP_AUTH_TARGET_SERVER => challenge.server_fallback,
        None => challenge.proxy_fallback,
    };
    Some(basic_authorization(
        credential.username.as_deref()?,
        credential.password.as_deref()?,
    ))
}

/// The automatic answer to a 401 (server) or 407 (proxy) inside `WinHttpReceiveResponse`.
pub fn respond_to_challenge(challenge: &Challenge<'_>) -> ChallengeOutcome {
    let (target, values) = match challenge.status {
        HTTP_STATUS_DENIED => (WINHTTP_AUTH_TARGET_SERVER, challenge.www_authenticate),
        HTTP_STATUS_PROXY_AUTH_REQ => (WINHTTP_AUTH_TARGET_PROXY, challenge.proxy_authenticate),
        _ => return ChallengeOutcome::Deliver { reason: 0 },
    };
    if challenge.disable_flags & WINHTTP_DISABLE_AUTHENTICATION != 0 {
        return ChallengeOutcome::Deliver { reason: 0 };
    }
    if values.is_empty() {
        return ChallengeOutcome::Deliver {
            reason: ERROR_INVALID_OPERATION,
        };
    }
    let (supported, first) = schemes_of(values);
    let order = std::iter::once(first).chain(
        SCHEMES
            .iter()
            .map(|(_, bit)| *bit)
            .filter(|bit| *bit != first && supported & bit != 0),
    );
    for scheme in order.filter(|s| *s != 0) {
        if let Some(value) = try_scheme(challenge, target, scheme, supported & scheme != 0) {
            return ChallengeOutcome::Resend {
                header: authorization_header(target),
                value,
                scheme,
            };
        }
    }
    ChallengeOutcome::Deliver {
        reason: ERROR_WINHTTP_LOGIN_FAILURE,
    }
}

/// What one request keeps for the automatic answer to a 401/407 inside
/// `WinHttpReceiveResponse`: the credentials set on it and which targets Basic was already
/// sent to during the current send.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthState {
    /// `WinHttpSetCredentials`.
    pub credentials: CredentialStore,
    /// `WINHTTP_OPTION_USERNAME` / `PASSWORD`.
    pub server_fallback: Credential,
    /// `WINHTTP_OPTION_PROXY_USERNAME` / `PROXY_PASSWORD`.
    pub proxy_fallback: Credential,
    basic_sent_to_server: bool,
    basic_sent_to_proxy: bool,
}

impl AuthState {
    /// A new send starts: Basic counts as sent to a target whose authorization header the
    /// request already carries (set by the application or pre-emptively).
    pub fn begin_send(&mut self, has_authorization: bool, has_proxy_authorization: bool) {
        self.basic_sent_to_server = has_authorization;
        self.basic_sent_to_proxy = has_proxy_authorization;
    }

    /// The answer to a response with `status` and its challenge headers: the header to set
    /// before re-sending, or `None` to hand the response to the application. Basic is
    /// answered at most once per target per send.
    pub fn answer(
        &mut self,
        status: u16,
        www_authenticate: &[&str],
        proxy_authenticate: &[&str],
        disable_flags: u32,
    ) -> Option<(&'static str, String)> {
        let status = u32::from(status);
        let already = match status {
            HTTP_STATUS_DENIED => self.basic_sent_to_server,
            HTTP_STATUS_PROXY_AUTH_REQ => self.basic_sent_to_proxy,
            _ => return None,
        };
        let outcome = respond_to_challenge(&Challenge {
            status,
            www_authenticate,
            proxy_authenticate,
            disable_flags,
            credentials: &self.credentials,
            server_fallback: &self.server_fallback,
            proxy_fallback: &self.proxy_fallback,
            basic_already_sent: already,
        });
        let ChallengeOutcome::Resend { header, value, .. } = outcome else {
            return None;
        };
        if status == HTTP_STATUS_DENIED {
            self.basic_sent_to_server = true;
        } else {
            self.basic_sent_to_proxy = true;
        }
        Some((header, value))
    }

    /// The `Proxy-Authorization` value for a `CONNECT`: Basic proxy credentials from
    /// `WinHttpSetCredentials`, else the proxy user name and password options.
    pub fn proxy_basic(&self) -> Option<String> {
        let credential = self
            .credentials
            .get(WINHTTP_AUTH_TARGET_PROXY, WINHTTP_AUTH_SCHEME_BASIC)
            .unwrap_or(&self.proxy_fallback);
        Some(basic_authorization(
            credential.username.as_deref()?,
            credential.password.as_deref()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::to_wide;

    #[test]
    fn scheme_tokens_are_matched_case_insensitively_and_whole() {
        assert_eq!(
            scheme_of_challenge("Basic realm=\"x\""),
            WINHTTP_AUTH_SCHEME_BASIC
        );
        assert_eq!(scheme_of_challenge("basic"), WINHTTP_AUTH_SCHEME_BASIC);
        assert_eq!(
            scheme_of_challenge("NEGOTIATE abc"),
            WINHTTP_AUTH_SCHEME_NEGOTIATE
        );
        assert_eq!(
            scheme_of_challenge("Digest realm=x"),
            WINHTTP_AUTH_SCHEME_DIGEST
        );
        assert_eq!(scheme_of_challenge("NTLM"), WINHTTP_AUTH_SCHEME_NTLM);
        assert_eq!(
            scheme_of_challenge("Passport1.4 x"),
            0,
            "not followed by a space"
        );
        assert_eq!(scheme_of_challenge("Basicx"), 0);
        assert_eq!(scheme_of_challenge("Bearer x"), 0);
        assert_eq!(scheme_of_challenge(""), 0);
        assert_eq!(scheme_of_challenge("Bas"), 0);
        assert_eq!(
            scheme_of_challenge("Ba\u{e9}ic"),
            0,
            "non-ASCII does not panic"
        );
    }

    #[test]
    fn query_auth_schemes_targets_and_errors_wh_r29() {
        let r = query_auth_schemes(&["NTLM", "Basic realm=a", "Negotiate"], &["Basic"], true);
        assert_eq!(
            r,
            Ok(AuthSchemes {
                supported: WINHTTP_AUTH_SCHEME_NTLM
                    | WINHTTP_AUTH_SCHEME_BASIC
                    | WINHTTP_AUTH_SCHEME_NEGOTIATE,
                first: WINHTTP_AUTH_SCHEME_NTLM,
                target: WINHTTP_AUTH_TARGET_SERVER,
            })
        );
        let r = query_auth_schemes(&[], &["Digest x", "Basic"], true);
        assert_eq!(
            r.map(|s| (s.supported, s.first, s.target)),
            Ok((
                WINHTTP_AUTH_SCHEME_DIGEST | WINHTTP_AUTH_SCHEME_BASIC,
                WINHTTP_AUTH_SCHEME_DIGEST,
                WINHTTP_AUTH_TARGET_PROXY
            ))
        );
        // No challenge at all (test_basic_request) → ERROR_INVALID_OPERATION.
        assert_eq!(query_auth_schemes(&[], &[], true), Err(4317));
        assert_eq!(query_auth_schemes(&["Basic"], &[], false), Err(87));
        // An unknown scheme is a challenge with no bits.
        assert_eq!(
            query_auth_schemes(&["Bearer"], &[], true).map(|s| (s.supported, s.first)),
            Ok((0, 0))
        );
    }

    #[test]
    fn set_credentials_validation() {
        let mut store = CredentialStore::default();
        let user = to_wide("user");
        let pass = to_wide("pwd");
        let server = WINHTTP_AUTH_TARGET_SERVER;
        let basic = WINHTTP_AUTH_SCHEME_BASIC;
        assert_eq!(store.set(server, 0, Some(&user), Some(&pass)), Err(87));
        assert_eq!(
            store.set(
                server,
                basic | WINHTTP_AUTH_SCHEME_NTLM,
                Some(&user),
                Some(&pass)
            ),
            Err(87)
        );
        assert_eq!(store.set(server, basic, None, Some(&pass)), Err(87));
        assert_eq!(
            store.set(server, WINHTTP_AUTH_SCHEME_DIGEST, Some(&user), None),
            Err(87)
        );
        assert_eq!(store.set(7, basic, Some(&user), Some(&pass)), Err(87));
        assert_eq!(store, CredentialStore::default(), "failures store nothing");
        // NTLM/Negotiate accept NULL credentials (the logged-on user).
        assert_eq!(
            store.set(server, WINHTTP_AUTH_SCHEME_NTLM, None, None),
            Ok(())
        );
        assert_eq!(store.set(server, basic, Some(&user), Some(&pass)), Ok(()));
        assert_eq!(
            preemptive_authorization(&store).as_deref(),
            Some("Basic dXNlcjpwd2Q=")
        );
        // Replacing keeps one entry.
        assert_eq!(
            store.set(server, basic, Some(&to_wide("u2")), Some(&pass)),
            Ok(())
        );
        assert_eq!(
            preemptive_authorization(&store).as_deref(),
            Some("Basic dTI6cHdk")
        );
    }

    #[test]
    fn basic_value_is_utf8_base64() {
        assert_eq!(
            basic_authorization(&to_wide("user"), &to_wide("pwd")),
            "Basic dXNlcjpwd2Q="
        );
        assert_eq!(
            basic_authorization(&to_wide("\u{e9}"), &to_wide("")),
            "Basic w6k6"
        );
        assert_eq!(basic_authorization(&[0xd800], &[]), "Basic 77+9Og==");
    }

    fn challenge<'a>(
        status: u32,
        www: &'a [&'a str],
        store: &'a CredentialStore,
        fallback: &'a Credential,
    ) -> Challenge<'a> {
        Challenge {
            status,
            www_authenticate: www,
            proxy_authenticate: www,
            disable_flags: 0,
            credentials: store,
            server_fallback: fallback,
            proxy_fallback: fallback,
            basic_already_sent: false,
        }
    }

    #[test]
    fn challenge_answers_basic_and_delivers_otherwise() {
        let none = Credential::default();
        let mut store = CredentialStore::default();
        let user = to_wide("user");
        let pass = to_wide("pwd");
        // No credentials: deliver the 401 with LOGIN_FAILURE as the reason.
        let c = challenge(401, &["Basic realm=x"], &store, &none);
        assert_eq!(
            respond_to_challenge(&c),
            ChallengeOutcome::Deliver { reason: 12015 }
        );
        // Server credentials from SetCredentials.
        store
            .set(
                WINHTTP_AUTH_TARGET_SERVER,
                WINHTTP_AUTH_SCHEME_BASIC,
                Some(&user),
                Some(&pass),
            )
            .expect("valid credentials");
        let c = challenge(401, &["NTLM", "Basic realm=x"], &store, &none);
        assert_eq!(
            respond_to_challenge(&c),
            ChallengeOutcome::Resend {
                header: "Authorization",
                value: "Basic dXNlcjpwd2Q=".into(),
                scheme: WINHTTP_AUTH_SCHEME_BASIC
            }
        );
        // Only NTLM offered: not implemented → delivered.
        let c = challenge(401, &["NTLM"], &store, &none);
        assert_eq!(
            respond_to_challenge(&c),
            ChallengeOutcome::Deliver { reason: 12015 }
        );
        // Basic already sent once → delivered.
        let mut c = challenge(401, &["Basic"], &store, &none);
        c.basic_already_sent = true;
        assert_eq!(
            respond_to_challenge(&c),
            ChallengeOutcome::Deliver { reason: 12015 }
        );
        // Disabled authentication, and statuses that are not challenges.
        let mut c = challenge(401, &["Basic"], &store, &none);
        c.disable_flags = WINHTTP_DISABLE_AUTHENTICATION;
        assert_eq!(
            respond_to_challenge(&c),
            ChallengeOutcome::Deliver { reason: 0 }
        );
        let c = challenge(200, &["Basic"], &store, &none);
        assert_eq!(
            respond_to_challenge(&c),
            ChallengeOutcome::Deliver { reason: 0 }
        );
    }

    #[test]
    fn set_credentials_win_over_username_password_options() {
        // test_basic_authentication: SetCredentials(user, pwd) plus the options user/pwd2
        // authenticates with pwd; the options alone are used when no credentials were set.
        let mut store = CredentialStore::default();
        let options = Credential {
            username: Some(to_wide("user")),
            password: Some(to_wide("pwd2")),
        };
        let c = challenge(401, &["Basic realm=x"], &store, &options);
        let from_options = basic_authorization(&to_wide("user"), &to_wide("pwd2"));
        assert!(
            matches!(respond_to_challenge(&c), ChallengeOutcome::Resend { value, .. } if value == from_options)
        );
        store
            .set(
                WINHTTP_AUTH_TARGET_SERVER,
                WINHTTP_AUTH_SCHEME_BASIC,
                Some(&to_wide("user")),
                Some(&to_wide("pwd")),
            )
            .expect("valid credentials");
        let c = challenge(401, &["Basic realm=x"], &store, &options);
        let from_store = basic_authorization(&to_wide("user"), &to_wide("pwd"));
        assert!(
            matches!(respond_to_challenge(&c), ChallengeOutcome::Resend { value, .. } if value == from_store)
        );
        // The same credentials went out pre-emptively; a second 401 is delivered.
        assert_eq!(preemptive_authorization(&store), Some(from_store));
    }

    #[test]
    fn proxy_challenge_uses_proxy_credentials_and_header() {
        let store = CredentialStore::default();
        let fallback = Credential {
            username: Some(to_wide("p")),
            password: Some(to_wide("q")),
        };
        let c = challenge(407, &["Basic realm=proxy"], &store, &fallback);
        assert_eq!(
            respond_to_challenge(&c),
            ChallengeOutcome::Resend {
                header: "Proxy-Authorization",
                value: "Basic cDpx".into(),
                scheme: WINHTTP_AUTH_SCHEME_BASIC
            }
        );
        // 407 without Proxy-Authenticate.
        let mut c = challenge(407, &[], &store, &fallback);
        c.www_authenticate = &["Basic"];
        assert_eq!(
            respond_to_challenge(&c),
            ChallengeOutcome::Deliver { reason: 4317 }
        );
    }

    #[test]
    fn auth_state_answers_basic_once_per_send() {
        let mut state = AuthState {
            server_fallback: Credential {
                username: Some(to_wide("u")),
                password: Some(to_wide("p")),
            },
            ..AuthState::default()
        };
        state.begin_send(false, false);
        let basic = ["Basic realm=\"x\""];
        let first = state.answer(401, &basic, &[], 0);
        assert_eq!(
            first,
            Some((
                "Authorization",
                basic_authorization(&to_wide("u"), &to_wide("p"))
            ))
        );
        assert_eq!(state.answer(401, &basic, &[], 0), None, "Basic is one-shot");
        state.begin_send(false, false);
        assert_eq!(
            state.answer(401, &basic, &[], WINHTTP_DISABLE_AUTHENTICATION),
            None
        );
        assert_eq!(state.answer(200, &basic, &[], 0), None);
        state.begin_send(true, false);
        assert_eq!(
            state.answer(401, &basic, &[], 0),
            None,
            "already sent by the app"
        );
        assert_eq!(
            state.answer(407, &[], &basic, 0),
            None,
            "no proxy credentials"
        );
        assert_eq!(state.proxy_basic(), None);
        state
            .credentials
            .set(
                WINHTTP_AUTH_TARGET_PROXY,
                WINHTTP_AUTH_SCHEME_BASIC,
                Some(&to_wide("pu")),
                Some(&to_wide("pp")),
            )
            .expect("valid credentials");
        let proxy = basic_authorization(&to_wide("pu"), &to_wide("pp"));
        assert_eq!(state.proxy_basic(), Some(proxy.clone()));
        assert_eq!(
            state.answer(407, &[], &basic, 0),
            Some(("Proxy-Authorization", proxy))
        );
    }
}
