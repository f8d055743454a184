//! The typed WinHTTP websocket functions: `WebSocketCompleteUpgrade`, `Send`, `Receive`,
//! `Shutdown`, `Close`, `QueryCloseStatus`. They answer a DWORD error and leave the last
//! error alone; the machine decides legality (WH-R37…R41, cancel on close).

use super::*;

impl WinHttp {
    /// `WinHttpWebSocketCompleteUpgrade(request, context)`.
    pub fn web_socket_complete_upgrade(&self, request: Handle, context: u64) -> Answer<Handle> {
        let Some(data) = self.data(request) else {
            return handle_answer(self.engine.create(
                CreateApi::WinHttpWebSocketCompleteUpgrade,
                request,
                Some(context),
            ));
        };
        let HandleState::Request { state, options, .. } = &data.state else {
            return handle_answer(self.engine.create(
                CreateApi::WinHttpWebSocketCompleteUpgrade,
                request,
                Some(context),
            ));
        };
        let ws: Result<WebSocketState, u32> = {
            let mut req = state.blocking_lock();
            websocket_ops::complete_upgrade(&mut req).map_err(|e| e.code())
        };
        let ws = match ws {
            Ok(ws) => ws,
            Err(code) => return Answer::new(HandleValue::NULL, Some(code)),
        };
        let ws_options = WebSocketOptions::new(&lock(options), context);
        let mask = data.callback_mask();
        handle_answer(self.engine.create_with(
            CreateApi::WinHttpWebSocketCompleteUpgrade,
            request,
            Some(context),
            move |_, _| {
                HandleData::new(
                    HandleState::WebSocket {
                        state: Arc::new(tokio::sync::Mutex::new(ws)),
                        close: Mutex::new(None),
                        options: Mutex::new(ws_options),
                    },
                    mask,
                )
            },
        ))
    }

    /// `WinHttpWebSocketSend(websocket, buffer_type, data)`: a DWORD error.
    pub fn web_socket_send(
        &self,
        websocket: Handle,
        buffer_type: wh::WINHTTP_WEB_SOCKET_BUFFER_TYPE,
        data: &[u8],
    ) -> Answer<u32> {
        let Some(t) = buffer_type_of(buffer_type) else {
            return Answer::new(ERROR_INVALID_PARAMETER, None);
        };
        let arg = CallArg::WsBuffer(ws_type(t));
        let call = CallData::WsSend(t, data.to_vec());
        dword_answer(
            self.engine
                .call(Api::WinHttpWebSocketSend, websocket, arg, Some(call))
                .ok(),
        )
    }

    /// `WinHttpWebSocketReceive(websocket, buffer, len, &read, &type)`.
    pub fn web_socket_receive(
        &self,
        websocket: Handle,
        buffer: Arc<dyn AppBuffer>,
        len: u32,
    ) -> Answer<u32, WsReceiveOut> {
        let len = len.min(u32::try_from(buffer.len()).unwrap_or(u32::MAX));
        let reply = self
            .engine
            .call(
                Api::WinHttpWebSocketReceive,
                websocket,
                CallArg::Buffer(len),
                Some(CallData::WsReceive(buffer, len)),
            )
            .ok();
        let out = match reply.as_ref().map(|r| &r.outcome) {
            Some(Outcome::Returned {
                result: hinternet_core::Completion::WebSocket { buffer_type, bytes },
                ..
            }) => WsReceiveOut {
                bytes: *bytes,
                buffer_type: buffer_type.value(),
            },
            _ => WsReceiveOut::default(),
        };
        let a = dword_answer(reply);
        Answer {
            ret: a.ret,
            last_error: a.last_error,
            out,
        }
    }

    /// `WinHttpWebSocketShutdown(websocket, status, reason)`.
    pub fn web_socket_shutdown(
        &self,
        websocket: Handle,
        status: u16,
        reason: &[u8],
    ) -> Answer<u32> {
        let call = CallData::WsShutdown(status, reason.to_vec());
        dword_answer(
            self.engine
                .call(
                    Api::WinHttpWebSocketShutdown,
                    websocket,
                    CallArg::None,
                    Some(call),
                )
                .ok(),
        )
    }

    /// `WinHttpWebSocketClose(websocket, status, reason)`.
    pub fn web_socket_close(&self, websocket: Handle, status: u16, reason: &[u8]) -> Answer<u32> {
        let call = CallData::WsClose(status, reason.to_vec());
        dword_answer(
            self.engine
                .call(
                    Api::WinHttpWebSocketClose,
                    websocket,
                    CallArg::None,
                    Some(call),
                )
                .ok(),
        )
    }

    /// `WinHttpWebSocketQueryCloseStatus(websocket, &status, reason, len, &consumed)`: `out`
    /// is the status and the reason bytes.
    pub fn web_socket_query_close_status(
        &self,
        websocket: Handle,
    ) -> Answer<u32, Option<(u16, Vec<u8>)>> {
        let reply = self
            .engine
            .call(
                Api::WinHttpWebSocketQueryCloseStatus,
                websocket,
                CallArg::None,
                None,
            )
            .ok();
        let a = dword_answer(reply);
        if a.ret != ERROR_SUCCESS {
            return Answer {
                ret: a.ret,
                last_error: None,
                out: None,
            };
        }
        let status = self.data(websocket).and_then(|d| match &d.state {
            HandleState::WebSocket { close, .. } => lock(close).clone(),
            _ => None,
        });
        match status {
            Some(s) => Answer {
                ret: ERROR_SUCCESS,
                last_error: None,
                out: Some((s.status, s.reason)),
            },
            None => Answer {
                ret: windows_sys::Win32::Foundation::ERROR_INVALID_OPERATION,
                last_error: None,
                out: None,
            },
        }
    }
}
