//! The typed WinHTTP option functions: `SetTimeouts`, `SetOption`, `QueryOption`.
//!
//! The engine decides the handle and the machine-level option rules (WH-R29); the option
//! catalogue and stores of [`crate::winhttp::options`] decide the values, sizes and errors;
//! what the executor uses (timeouts, redirect policy, disabled features, security flags,
//! the websocket upgrade) is copied into its state after a successful set.

use super::*;

impl WinHttp {
    /// `WinHttpSetTimeouts(handle, resolve, connect, send, receive)`.
    pub fn set_timeouts(
        &self,
        handle: Handle,
        resolve: i32,
        connect: i32,
        send: i32,
        receive: i32,
    ) -> Answer<bool> {
        if let Err(code) = options::validate_set_timeouts(resolve, connect, send, receive) {
            return fail(code);
        }
        let reply = self.call(Api::WinHttpSetTimeouts, handle, CallArg::None, None);
        if !reply.ret {
            return reply;
        }
        let Some(data) = self.data(handle) else {
            return fail(ERROR_INVALID_HANDLE);
        };
        let result = match &data.state {
            HandleState::Session { state, options } => {
                let mut o = lock(options);
                let r = options::set_timeouts(
                    OptKind::Session,
                    &mut o.timeouts,
                    resolve,
                    connect,
                    send,
                    receive,
                );
                apply_session_timeouts(&mut lock(&state.settings), &o);
                r
            }
            HandleState::Request { options, .. } => {
                let mut o = lock(options);
                let r = options::set_timeouts(
                    OptKind::Request,
                    &mut o.timeouts,
                    resolve,
                    connect,
                    send,
                    receive,
                );
                let timeouts = o.timeouts;
                drop(o);
                self.with_request(handle, |req| apply_request_timeouts(req, &timeouts));
                r
            }
            _ => Err(wh::ERROR_WINHTTP_INCORRECT_HANDLE_TYPE),
        };
        match result {
            Ok(()) => reply,
            Err(code) => fail(code),
        }
    }

    /// `WinHttpSetOption(handle, option, buffer, len)`: `value` is the decoded buffer (`None`
    /// = NULL), `len` the caller's length.
    pub fn set_option(
        &self,
        handle: Handle,
        option: u32,
        value: Option<&OptionValue>,
        len: u32,
    ) -> Answer<bool> {
        if handle.is_null() {
            return fail(ERROR_INVALID_HANDLE);
        }
        let reply = self.call(Api::WinHttpSetOption, handle, CallArg::Option(option), None);
        if !reply.ret {
            return reply;
        }
        let Some(data) = self.data(handle) else {
            return fail(ERROR_INVALID_HANDLE);
        };
        let result = match &data.state {
            HandleState::Session { state, options } => {
                let mut o = lock(options);
                let r = options::set_option(SetTarget::Session(&mut o), option, value, len);
                let mut s = lock(&state.settings);
                apply_session_timeouts(&mut s, &o);
                s.max_redirects = o.max_redirects;
                if r.is_ok() && option == wh::WINHTTP_OPTION_PROXY {
                    s.access = crate::executor::state::Access::from_proxy_info(&o.proxy);
                }
                if let Some(p) =
                    crate::executor::state::RedirectPolicy::from_winhttp(o.redirect_policy)
                {
                    s.redirect_policy = p;
                }
                r
            }
            HandleState::Connect { options, .. } => {
                options::set_option(SetTarget::Connect(&mut lock(options)), option, value, len)
            }
            HandleState::Request { options, .. } => {
                let mut o = lock(options);
                let r = options::set_option(SetTarget::Request(&mut o), option, value, len);
                let snapshot = o.clone();
                drop(o);
                if r.is_ok() {
                    self.with_request(handle, |req| apply_request_options(req, &snapshot));
                }
                r
            }
            HandleState::WebSocket { options, .. } => {
                options::set_option(SetTarget::WebSocket(&mut lock(options)), option, value, len)
            }
        };
        if result.is_ok() && option == wh::WINHTTP_OPTION_CONTEXT_VALUE {
            if let Some(OptionValue::Pointer(context)) = value {
                let _ = self.engine.set_context(handle, *context);
            }
        }
        match result {
            Ok(()) => reply,
            Err(code) => fail(code),
        }
    }

    /// `WinHttpQueryOption(handle, option, buffer, &len)`: `buffer_length` is `None` for a
    /// NULL length pointer, `Some(0)` for a NULL buffer.
    pub fn query_option(
        &self,
        handle: Handle,
        option: u32,
        buffer_length: Option<u32>,
    ) -> Answer<bool, QueryOptionOut> {
        if handle.is_null() {
            return fail(ERROR_INVALID_HANDLE);
        }
        let reply = self.call(
            Api::WinHttpQueryOption,
            handle,
            CallArg::Option(option),
            None,
        );
        if !reply.ret {
            return fail(reply.last_error.unwrap_or(ERROR_INVALID_PARAMETER));
        }
        let Some(data) = self.data(handle) else {
            return fail(ERROR_INVALID_HANDLE);
        };
        if option == wh::WINHTTP_OPTION_CONTEXT_VALUE {
            if let Ok(Reply {
                outcome: Outcome::Context { context, .. },
                ..
            }) = self.engine.query_context(handle)
            {
                return query_out(options::query_option(
                    QueryTarget::Session(&SessionOptions {
                        context,
                        ..SessionOptions::new(None, ProxyInfo::default(), 0)
                    }),
                    option,
                    buffer_length,
                ));
            }
        }
        let answer = match &data.state {
            HandleState::Session { options, .. } => {
                options::query_option(QueryTarget::Session(&lock(options)), option, buffer_length)
            }
            HandleState::Connect {
                options, session, ..
            } => {
                let HandleState::Session { options: so, .. } = &session.state else {
                    return fail(wh::ERROR_WINHTTP_INTERNAL_ERROR);
                };
                let so = lock(so).clone();
                options::query_option(
                    QueryTarget::Connect {
                        connect: &lock(options),
                        session: &so,
                    },
                    option,
                    buffer_length,
                )
            }
            HandleState::Request { options, view, .. } => {
                let mut o = lock(options).clone();
                let v = lock(view).clone();
                o.url = crate::url::to_wide(&v.url);
                if !v.certificates.is_empty() {
                    o.connection.server_certificates = Some(v.certificates);
                }
                if v.addresses.is_some() {
                    o.connection.info = v.addresses;
                }
                options::query_option(QueryTarget::Request(&o), option, buffer_length)
            }
            HandleState::WebSocket { options, .. } => options::query_option(
                QueryTarget::WebSocket(&lock(options)),
                option,
                buffer_length,
            ),
        };
        query_out(answer)
    }
}
