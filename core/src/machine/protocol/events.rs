//! Protocol facts only the executor knows, applied to an object.
//!
//! Owns: [`Machine::protocol_event`] (data buffered, end of data, redirect, re-send, connect,
//! connection closed, a wire step of the head operation's progress) and the held-back
//! start of a redirect's or re-send's request ([`protocol::flag::RESENDING`]). Websocket frames complete their receive (or close) operation
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
                let progress = head.api.op_spec().map_or(&[][..], |s| s.progress);
                let st = family.statuses();
                let (sending, redirect) = (st.sending_request, st.redirect);
                // A re-send still waiting for its SENDING_REQUEST was sent: its response
                // is here.
                self.flush_resend(object);
                let obj = self.objects.get_mut(&object).ok_or(bad)?;
                let (value, context) = (obj.value, obj.context);
                obj.proto.flags &= !(protocol::flag::CONNECT_REPORTED | protocol::flag::RESOLVING);
                let done = usize::from(obj.proto.progressed).min(progress.len());
                obj.proto.progressed = 0;
                // An operation whose own progress starts with SENDING_REQUEST (a WinINet
                // send) reports the re-send as its own steps; any other waits for the
                // re-send's new connection, if any, before its SENDING_REQUEST.
                if progress.first() != Some(&sending) {
                    obj.proto.flags |= protocol::flag::RESENDING;
                }
                // WH-R31 / WI-R20: the response so far (what was not reported live),
                // REDIRECT, then the re-send; WH-R42: an authentication re-send has no
                // REDIRECT.
                for &status in &progress[done..] {
                    self.emit(object, value, context, status, Info::None);
                }
                if event == ProtocolEvent::Redirect {
                    self.emit(object, value, context, redirect, Info::None);
                }
            }
            ProtocolEvent::Connecting { .. } | ProtocolEvent::Resolving => {
                let sending = obj.queue(Lane::Main).front().is_some_and(|op| {
                    matches!(
                        op.api,
                        Api::WinHttpSendRequest | Api::HttpSendRequest | Api::HttpSendRequestEx
                    )
                });
                // WH-R30 / WH-R42: or the new connection of a redirect's or an
                // authentication re-send's request, before its SENDING_REQUEST.
                let resending = obj.proto.has(protocol::flag::RESENDING)
                    || !sending && self.planted.is(Mutant::ConnectOutsideResend);
                let resolving = obj.proto.has(protocol::flag::RESOLVING);
                // Law 12: connecting comes before any send progress of the operation; a
                // started resolution goes on with NAME_RESOLVED only.
                let refused = match event {
                    ProtocolEvent::Resolving => resolving,
                    _ => resolving && event != (ProtocolEvent::Connecting { resolve: true }),
                };
                if !(resending || sending && obj.proto.progressed == 0)
                    || refused
                    || obj.proto.has(protocol::flag::CONNECT_REPORTED)
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
            ProtocolEvent::Progress { .. } if obj.proto.has(protocol::flag::RESENDING) => {
                // WH-R30 / WH-R42: the re-send's request is written.
                self.flush_resend(object);
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

    /// The `SENDING_REQUEST`, `REQUEST_SENT` of a redirect's or an authentication
    /// re-send's request that were held back for its connect progress
    /// ([`protocol::flag::RESENDING`]), now; nothing when none is held back.
    pub(in crate::machine) fn flush_resend(&mut self, object: ObjectId) {
        let Some(obj) = self
            .objects
            .get_mut(&object)
            .filter(|o| o.proto.has(protocol::flag::RESENDING))
        else {
            return;
        };
        // Law 12: the connect window of the re-send is over (the head is no send, so
        // `Connecting` is refused from now on).
        obj.proto.flags &= !protocol::flag::RESENDING;
        let (value, context) = (obj.value, obj.context);
        let st = self.policy.family.statuses();
        self.emit(object, value, context, st.sending_request, Info::None);
        self.emit(object, value, context, st.request_sent, Info::None);
    }
}
