//! Everything WinHTTP-specific: the typed API, its executor, and the pure decisions they use.
//!
//! The typed API answers each WinHTTP call with "return value + last error + out values".
//! This room holds, from the top down:
//!
//! * [`api`]: [`api::WinHttp`], one method per WinHTTP function over one engine (every
//!   lifecycle decision is the engine's; the API adds arguments, data and out values), and
//!   the `winhttp_server_bytes` fuzz body;
//! * [`exec`]: the engine's WinHTTP [`Executor`](hinternet_engine::Executor): runs the shared
//!   async operations of [`crate::executor`] on the runtime and keeps the notification
//!   payload FIFOs;
//! * [`names`]: names of callback statuses and error codes for people (trace tool, test
//!   messages).
//!
//! and the pure decisions — everything in an answer that depends only on the call's
//! arguments and on per-handle data, as small functions over Rust values:
//!
//! * [`options`]: the `WINHTTP_OPTION_*` catalogue (which handle kinds accept each option for
//!   query and for set, the value type, the buffer-size rules) and the per-handle option
//!   stores with WinHTTP's inheritance (a connect handle reads the session's timeouts live,
//!   a request takes a snapshot), plus `WinHttpSetTimeouts`;
//! * [`redirect`]: whether a response is followed as a redirect, where to, with which verb,
//!   and what is kept (connection, `Authorization`);
//! * [`auth`]: `WinHttpQueryAuthSchemes` and `WinHttpSetCredentials` (Basic);
//! * [`proxy`]: access types, named proxy lists and bypass lists, `WinHttpGetProxyForUrl`,
//!   `WinHttpDetectAutoProxyConfigUrl`, the default and IE proxy configurations;
//! * [`platform`]: `WinHttpCheckPlatform` and the argument conventions of `WinHttpConnect`,
//!   `WinHttpOpenRequest` and `WinHttpSendRequest`.
//!
//! Invariants: the pure decision modules do no I/O, touch no engine and keep no global state
//! (what WinHTTP keeps per process is a value the caller owns); no module panics on any input,
//! and every failure is a Windows error code taken from `windows-sys`. Where Wine and Windows
//! differ, the Windows behaviour (as asserted by Wine's conformance tests) is chosen and the
//! item's documentation says so.

pub mod api;
pub mod auth;
pub mod exec;
pub mod names;
pub mod options;
pub mod platform;
pub mod proxy;
pub mod redirect;

/// The kind of a WinHTTP handle, as the option and API checks see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandleKind {
    /// A `WinHttpOpen` handle.
    Session,
    /// A `WinHttpConnect` handle.
    Connect,
    /// A `WinHttpOpenRequest` handle.
    Request,
    /// A `WinHttpWebSocketCompleteUpgrade` handle.
    WebSocket,
}

impl HandleKind {
    /// The `WINHTTP_HANDLE_TYPE_*` value `WINHTTP_OPTION_HANDLE_TYPE` reports.
    pub fn handle_type(self) -> u32 {
        use windows_sys::Win32::Networking::WinHttp::{
            WINHTTP_HANDLE_TYPE_CONNECT, WINHTTP_HANDLE_TYPE_REQUEST, WINHTTP_HANDLE_TYPE_SESSION,
            WINHTTP_HANDLE_TYPE_WEBSOCKET,
        };
        match self {
            HandleKind::Session => WINHTTP_HANDLE_TYPE_SESSION,
            HandleKind::Connect => WINHTTP_HANDLE_TYPE_CONNECT,
            HandleKind::Request => WINHTTP_HANDLE_TYPE_REQUEST,
            HandleKind::WebSocket => WINHTTP_HANDLE_TYPE_WEBSOCKET,
        }
    }
}

#[cfg(test)]
mod robustness {
    //! Every decision function takes what a peer or an application may send without
    //! panicking, and its answers keep their invariants.

    use proptest::prelude::*;

    use super::{auth, proxy, redirect};

    proptest! {
        #[test]
        fn header_and_list_parsers_never_panic(text in "\\PC{0,64}", port in any::<u16>()) {
            let _ = auth::scheme_of_challenge(&text);
            let _ = proxy::parse_proxy_list(&text);
            let _ = proxy::should_bypass(&text, "host.example", port);
            let _ = proxy::parse_pac_result(&text);
            // A proxy entry always has a host.
            for entry in proxy::parse_proxy_list(&text) {
                prop_assert!(!entry.host.is_empty());
            }
        }

        #[test]
        fn redirect_decisions_keep_their_invariants(
            location in "[ -~]{0,40}",
            status in 300u32..310,
            followed in 0u32..12,
        ) {
            let input = redirect::RedirectInput {
                status,
                location: Some(&location),
                current_url: "http://host.example:8080/a/b?q",
                verb: "POST",
                policy: windows_sys::Win32::Networking::WinHttp::WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS,
                disable_flags: 0,
                redirects_followed: followed,
                max_redirects: 10,
            };
            if let Ok(redirect::RedirectDecision::Follow(plan)) = redirect::decide(&input) {
                prop_assert!(redirect::is_followed_status(status));
                prop_assert!(followed < 10);
                prop_assert!(!plan.host.is_empty());
                prop_assert!(plan.url.starts_with("http://") || plan.url.starts_with("https://"));
                prop_assert_eq!(plan.reuse_connection, !plan.drop_authorization);
            }
        }
    }
}
