//! Protocol facts only the executor knows, applied to an object.
//!
//! Owns: [`Machine::protocol_event`] (data buffered, end of data, redirect, re-send, connect,
//! connection closed, a wire step of the head operation's progress). Websocket frames complete their receive (or close) operation
//! through [`Input::Complete`] with [`Completion::WebSocket`]. Invariant: an event that does not fit the
//! object's kind or queue is an input error and changes nothing. Progress reported live
//! ([`ProtocolEvent::Progress`]) is counted in `ProtoState::progressed`, so the
//! completion emits only the rest: each status once, in protocol order (law 12).

use crate::machine::*;

impl Machine {
    /// A protocol fact from the executor ([`ProtocolEvent`]).
    pub(in crate::machine) fn protocol_event(
        &mut self,
        object: ObjectId,
        event: ProtocolEvent,
    ) -> Result<Reply, InputError> {
        let bad = InputError::UnexpectedEvent(object);
        let family = self.policy.family;
        let obj = self.objects.get_mut(&object).ok_or(bad)?;
        let streams = matches!(
            obj.kind,
            HandleKind::WinHttpRequest
                | HandleKind::HttpRequest
                | HandleKind::UrlResource
                | HandleKind::FtpFile
                | HandleKind::GopherFile
        );
        match event {
            ProtocolEvent::DataBuffered(n) if streams => obj.proto.avail = n,
            ProtocolEvent::EndOfData if streams => obj.proto.flags |= protocol::flag::EOF,
            ProtocolEvent::Redirect | ProtocolEvent::Resend => {
                let head = obj
                    .queue(Lane::Main)
                    .front()
                    .copied()
                    .filter(|op| {
                        matches!(
                            op.api,
                            Api::WinHttpReceiveResponse
                                | Api::HttpSendRequest
                                | Api::HttpEndRequest
                        )
                    })
                    .ok_or(bad)?;
                let (value, context) = (obj.value, obj.context);
                let progress = head.api.op_spec().map_or(&[][..], |s| s.progress);
                let st = family.statuses();
                let (sending, sent, redirect) = (st.sending_request, st.request_sent, st.redirect);
                obj.proto.flags &= !(protocol::flag::CONNECT_REPORTED | protocol::flag::RESOLVING);
                let done = usize::from(obj.proto.progressed).min(progress.len());
                obj.proto.progressed = 0;
                // WH-R31 / WI-R20: the response so far (what was not reported live),
                // REDIRECT, then the re-send; WH-R42: an authentication re-send has no
                // REDIRECT.
                for &status in &progress[done..] {
                    self.emit(object, value, context, status, Info::None);
                }
                if event == ProtocolEvent::Redirect {
                    self.emit(object, value, context, redirect, Info::None);
                }
                if progress.first() != Some(&sending) {
                    self.emit(object, value, context, sending, Info::None);
                    self.emit(object, value, context, sent, Info::None);
                }
            }
            ProtocolEvent::Connecting { .. } | ProtocolEvent::Resolving => {
                let sending = obj.queue(Lane::Main).front().is_some_and(|op| {
                    matches!(
                        op.api,
                        Api::WinHttpSendRequest | Api::HttpSendRequest | Api::HttpSendRequestEx
                    )
                });
                let resolving = obj.proto.has(protocol::flag::RESOLVING);
                // Law 12: connecting comes before any send progress of the operation; a
                // started resolution goes on with NAME_RESOLVED only.
                let refused = match event {
                    ProtocolEvent::Resolving => resolving,
                    _ => resolving && event != (ProtocolEvent::Connecting { resolve: true }),
                };
                if !sending
                    || refused
                    || obj.proto.has(protocol::flag::CONNECT_REPORTED)
                    || obj.proto.progressed > 0
                {
                    return Err(bad);
                }
                let (value, context) = (obj.value, obj.context);
                let st = family.statuses();
                if event == ProtocolEvent::Resolving {
                    obj.proto.flags |= protocol::flag::RESOLVING;
                    // WH-R30 / WI-R20: the resolution starts now.
                    self.emit(object, value, context, st.resolving_name, Info::None);
                    return Ok(Reply {
                        ret: Ret::None,
                        last_error: None,
                        outcome: Outcome::Event,
                    });
                }
                let resolve = event == (ProtocolEvent::Connecting { resolve: true });
                obj.proto.flags |= protocol::flag::CONNECT_REPORTED;
                let statuses: [u32; 4] = [
                    st.resolving_name,
                    st.name_resolved,
                    st.connecting_to_server,
                    st.connected_to_server,
                ];
                // WH-R30 / WI-R20: [resolve] connect, before the send progress (law 12).
                let skip = match (resolve, resolving) {
                    (true, false) => 0,
                    (true, true) => 1,
                    (false, _) => 2,
                };
                for &status in &statuses[skip..] {
                    self.emit(object, value, context, status, Info::None);
                }
            }
            ProtocolEvent::ConnectionClosed
                if matches!(
                    obj.kind,
                    HandleKind::WinHttpRequest | HandleKind::HttpRequest | HandleKind::UrlResource
                ) =>
            {
                let (value, context) = (obj.value, obj.context);
                let st = family.statuses();
                let (closing, closed) = (st.closing_connection, st.connection_closed);
                self.emit(object, value, context, closing, Info::None);
                self.emit(object, value, context, closed, Info::None);
            }
            ProtocolEvent::Progress { bytes } => {
                let head = obj.queue(Lane::Main).front().copied().ok_or(bad)?;
                let statuses = protocol::completion_progress(head.api, obj.kind);
                let done = usize::from(obj.proto.progressed);
                let &status = statuses.get(done).ok_or(bad)?;
                obj.proto.progressed = obj.proto.progressed.saturating_add(1);
                let (value, context) = (obj.value, obj.context);
                // WI-R21: WinINet's RESPONSE_RECEIVED of a read carries the bytes taken.
                let info = if family == Family::WinInet && status == wininet::RESPONSE_RECEIVED {
                    Info::Bytes(bytes)
                } else {
                    Info::None
                };
                // WH-R30 / WH-R31 / WI-R20 / WI-R21: the step as it happens (law 12: in
                // the completion progress order, before the completion).
                self.emit(object, value, context, status, info);
            }
            _ => return Err(bad),
        }
        Ok(Reply {
            ret: Ret::None,
            last_error: None,
            outcome: Outcome::Event,
        })
    }
}
