//! Queued operations: the lane queues, their I/O requests, completion and cancellation.
//!
//! Owns: enqueueing (only a lane's head does I/O, WH-R19), [`Machine::complete_operation`]
//! (the executor's completion of one operation, named by its [`OpId`]; stale ones are
//! benign, law 13), the completion notification and
//! progress an operation emits, and cancellation at close. Invariant: every accepted
//! asynchronous operation completes exactly once, before its object's
//! `HANDLE_CLOSING` (law 3).

use super::*;

impl Machine {
    /// The protocol side of an operation's end ([`ProtoState::complete`]).
    pub(super) fn complete_protocol(
        &mut self,
        object: ObjectId,
        op: PendingOp,
        result: Completion,
        last: bool,
    ) {
        if let Some(obj) = self.objects.get_mut(&object) {
            obj.proto.complete(op.api, result, last);
        }
    }

    /// End one operation (already out of its queue): protocol transitions, progress
    /// (law 12), then the completion (law 3) — a notification, or the blocked call's
    /// return. `last`: nothing is queued behind it. `finish`: what is reported (see
    /// [`Finish`]). Returns the creation outcome of an asynchronous create (the pending part
    /// of `InternetOpenUrl`, `FtpFindFirstFile`, `FtpOpenFile`, `GopherFindFirstFile` or
    /// `GopherOpenFile`).
    pub(super) fn finish_op(
        &mut self,
        object: ObjectId,
        op: PendingOp,
        result: Completion,
        last: bool,
        finish: Finish,
    ) -> Option<Outcome> {
        let progress = finish != Finish::Silent;
        if let Some(create) = op.api.pending_create() {
            return self.finish_pending_create(object, op, result, create);
        }
        // The steps already reported as they happened: only the head of the main lane
        // reports them, and it is the one that ends first (FIFO, law 13).
        let main_lane = op.api.op_spec().is_some_and(|s| s.lane == Lane::Main);
        let progressed = self
            .objects
            .get(&object)
            .filter(|_| main_lane)
            .map_or(0, |o| usize::from(o.proto.progressed));
        // WH-R42 / WH-R28: a re-send whose SENDING_REQUEST was not out yet was sent, since
        // its response completes the operation (an error drops it: nothing was sent).
        if main_lane && result.is_success() && progress {
            self.flush_resend(object);
        }
        self.complete_protocol(object, op, result, last);
        let obj = self.objects.get(&object)?;
        let (value, context, kind, family) = (obj.value, obj.context, obj.kind, self.policy.family);
        let spec = op.api.op_spec();
        if let (Some(spec), true, true) = (spec, result.is_success(), progress) {
            let n = result.count();
            let (_, all) = protocol::progress(op.api, kind, spec.progress);
            // Law 12: what was emitted live is not emitted again.
            let done = if self.planted.is(Mutant::ProgressRepeated) {
                0
            } else {
                progressed.min(all.len())
            };
            let statuses = &all[done..];
            let info_of = |status: u32| {
                if family == Family::WinInet && status == wininet::RESPONSE_RECEIVED {
                    Info::Bytes(n)
                } else {
                    Info::None
                }
            };
            if self.planted.is(Mutant::ProgressOutOfOrder) {
                for &status in statuses.iter().rev() {
                    self.emit(object, value, context, status, info_of(status));
                }
            }
            let skip = self.planted.is(Mutant::ProgressOutOfOrder);
            // Law 12: progress in protocol order, before the completion.
            for &status in statuses.iter().filter(|_| !skip) {
                self.emit(object, value, context, status, info_of(status));
            }
        }
        if finish != Finish::Full {
            // Returned by the call itself: no completion to report.
        } else if op.blocking {
            self.outputs.push_back(Output::CallReturned {
                object,
                op: op.id,
                api: op.api,
                result,
            });
        } else if let Some(spec) = spec {
            // Law 3: the one completion of this operation.
            let (status, info) = completion(family, op.api, spec, result, op.arg);
            self.emit(object, value, context, status, info);
            if self.planted.is(Mutant::CompletionTwice) {
                self.emit(object, value, context, status, info);
            }
        }
        None
    }

    /// The end of an asynchronous `create` pending on its source `object` (the root of an
    /// `InternetOpenUrl`, the connect of an FTP or Gopher find or open): on success the
    /// handle is created now, `HANDLE_CREATED` is routed through the source as for the
    /// synchronous create, and `REQUEST_COMPLETE` carries the handle as `dwResult`, with
    /// the context given to the creator (WI-R18, WI-R19). A source closed meanwhile cancels
    /// the creation; a creation the protocol table refuses now (an FTP transfer that
    /// opened while this one was queued, WI-R11) completes with that error.
    pub(super) fn finish_pending_create(
        &mut self,
        object: ObjectId,
        op: PendingOp,
        result: Completion,
        create: CreateApi,
    ) -> Option<Outcome> {
        let ctx = match op.arg {
            CallArg::Context(c) => c,
            _ => 0,
        };
        let family = self.policy.family;
        let root = self.objects.get(&object)?;
        let (value, open, async_mode, callback, mask) = (
            root.value,
            root.open,
            root.async_mode,
            root.callback,
            root.mask,
        );
        let refused = match protocol::decide(Call::Create(create), &self.facts(object, op.arg)) {
            Some(r) => match r.verdict {
                Verdict::Fail(code) | Verdict::FailInline(code) => Some(code),
                Verdict::PendCreate | Verdict::Proceed => None,
            },
            None => None,
        };
        let mut error = match (result, refused) {
            (Completion::Error(e), _) => e,
            _ if !open => operation_cancelled(family),
            (_, Some(code)) => code,
            _ => ERROR_SUCCESS,
        };
        let mut created = None;
        if error == ERROR_SUCCESS {
            let kind = create.rule().child;
            match self.new_object(kind, Some(object), async_mode, ctx, callback, mask) {
                Ok((child, child_value)) => {
                    let status = handle_created(family);
                    self.emit(object, value, ctx, status, Info::Handle(child_value));
                    self.emit(
                        object,
                        value,
                        ctx,
                        wininet::REQUEST_COMPLETE,
                        Info::InternetResult {
                            result: u64::from(child_value.0),
                            error: ERROR_SUCCESS,
                        },
                    );
                    created = Some(Outcome::Created {
                        object: child,
                        kind,
                        parent: Some(object),
                        value: child_value,
                    });
                }
                Err(_) => error = out_of_handles(family),
            }
        }
        if created.is_none() {
            self.emit(
                object,
                value,
                ctx,
                wininet::REQUEST_COMPLETE,
                Info::InternetResult { result: 0, error },
            );
        }
        created
    }

    /// Start the operation at the head of `lane`. After a failure (`recheck`), each head
    /// is decided again by the protocol table first: one that is no longer legal
    /// completes at once with its error (invariant P4).
    pub(super) fn start_head(&mut self, object: ObjectId, lane: Lane, recheck: bool) {
        let family = self.policy.family;
        loop {
            let Some(obj) = self.objects.get(&object) else {
                return;
            };
            let Some(&head) = obj.queue(lane).front() else {
                return;
            };
            if recheck {
                let mut facts = self.facts(object, head.arg);
                // Judge the head as if it were being called now, behind nothing.
                facts.lanes_busy[lane.index()] = obj.queue(lane).len() > 1;
                let decision = protocol::decide(Call::Api(head.api), &facts);
                match decision.map(|r| r.verdict) {
                    Some(Verdict::Fail(code)) | Some(Verdict::FailInline(code)) => {
                        let (value, context) = (obj.value, obj.context);
                        if let Some(o) = self.objects.get_mut(&object) {
                            o.queues.pop_front(lane);
                        }
                        if head.blocking {
                            self.outputs.push_back(Output::CallReturned {
                                object,
                                op: head.id,
                                api: head.api,
                                result: Completion::Error(code),
                            });
                        } else if let Some(spec) = head.api.op_spec() {
                            let error = Completion::Error(code);
                            let (status, info) =
                                completion(family, head.api, spec, error, head.arg);
                            self.emit(object, value, context, status, info);
                        }
                        continue;
                    }
                    _ => {
                        if let Some(next) = decision.map(|r| r.next) {
                            self.apply_next(object, &next, head.arg);
                        }
                    }
                }
            }
            self.outputs.push_back(Output::StartIo {
                object,
                lane,
                op: head.id,
                api: head.api,
                blocking: head.blocking,
                arg: head.arg,
            });
            return;
        }
    }

    pub(super) fn enqueue(&mut self, object: ObjectId, lane: Lane, op: PendingOp) {
        let Some(obj) = self.objects.get_mut(&object) else {
            return;
        };
        obj.queues.push_back(lane, op);
        // One FIFO queue per lane (WH-R19): only the head does I/O.
        if obj.queue(lane).len() == 1 {
            self.outputs.push_back(Output::StartIo {
                object,
                lane,
                op: op.id,
                api: op.api,
                blocking: op.blocking,
                arg: op.arg,
            });
        }
    }

    /// The executor's completion of operation `op` of `object` (law 13): the started head
    /// of one of its lanes is completed, exactly that operation; an operation already
    /// cancelled or finished is stale (benign, nothing changes); one queued behind
    /// another, never issued, or pending on another object is an input error, as is a
    /// completion that does not fit the operation's API.
    pub(super) fn complete_operation(
        &mut self,
        object: ObjectId,
        op: OpId,
        result: Completion,
    ) -> Result<Reply, InputError> {
        let unknown = InputError::UnknownOperation { object, op };
        if op.0 >= self.next_op {
            return Err(unknown);
        }
        let position = |o: &Object| {
            Lane::ALL.into_iter().find_map(|lane| {
                o.queue(lane)
                    .iter()
                    .position(|p| p.id == op)
                    .map(|at| (lane, at))
            })
        };
        let mut found = self.objects.get(&object).and_then(position);
        if found.is_none() && self.planted.is(Mutant::CompleteByLaneHead) {
            // Planted: the op is ignored; the first busy lane's head takes the completion.
            found = self.objects.get(&object).and_then(|o| {
                Lane::ALL
                    .into_iter()
                    .find(|&l| !o.queue(l).is_empty())
                    .map(|l| (l, 0))
            });
        }
        let Some((lane, at)) = found else {
            if self.objects.values().any(|o| position(o).is_some()) {
                return Err(unknown);
            }
            // Law 13: a late completion of a cancelled or finished operation.
            return Ok(Reply {
                ret: Ret::None,
                last_error: None,
                outcome: Outcome::Stale { object, op },
            });
        };
        if at > 0 {
            return Err(InputError::NotStarted { object, op });
        }
        let obj = self.objects.get_mut(&object).ok_or(unknown)?;
        let head = *obj.queue(lane).front().ok_or(unknown)?;
        let fits = head.api.completion_fit().is_some_and(|f| f.fits(result))
            || (head.id != op && self.planted.is(Mutant::CompleteByLaneHead));
        let within = match (head.arg, result) {
            (
                CallArg::Buffer(len),
                Completion::Bytes(n) | Completion::WebSocket { bytes: n, .. },
            ) => !head.api.is_bounded_read() || n <= len,
            _ => true,
        };
        if !fits || !within {
            return Err(InputError::WrongCompletion {
                api: head.api,
                object,
                op,
                completion: result,
            });
        }
        obj.queues.pop_front(lane);
        let last = obj.queue(lane).is_empty();
        let created = self.finish_op(object, head, result, last, Finish::Full);
        self.start_head(object, lane, !result.is_success());
        self.destroy_if_unheld(object);
        Ok(Reply {
            ret: Ret::None,
            last_error: None,
            outcome: created.unwrap_or(Outcome::Event),
        })
    }

    /// The number of distinct operation ids when they are already numbered canonically
    /// (in the order [`Machine::compact_op_ids`] numbers them, each first occurrence is
    /// the next number), else `None`. One pass, no allocation: the model checker's common
    /// case.
    fn canonical_op_count(&self, keep: &[OpId]) -> Option<u32> {
        let mut count = 0u32;
        // The ids numbered so far are exactly `0..count`: an id below `count` repeats one,
        // `count` itself is the next new one, anything higher is out of order.
        let mut visit = |id: OpId| {
            if id.0 == count {
                // At `u32::MAX` the slow path decides.
                count.checked_add(1).map(|c| count = c).is_some()
            } else {
                id.0 < count
            }
        };
        for k in keep {
            if k.0 < self.next_op && !visit(*k) {
                return None;
            }
        }
        for obj in self.objects.values() {
            for p in obj.queues.ops() {
                if !visit(p.id) {
                    return None;
                }
            }
        }
        for output in &self.outputs {
            if let Output::StartIo { op, .. }
            | Output::CancelIo { op, .. }
            | Output::CallReturned { op, .. } = *output
            {
                if !visit(op) {
                    return None;
                }
            }
        }
        Some(count)
    }

    /// Renumber operation ids for a model checker's symmetry reduction: the issued ids of
    /// `keep` (ids the environment still holds, e.g. for late completions) get `0..k` in
    /// the order given, then the other queued operations the next ones by object, lane
    /// and queue position, and `next_op` becomes the count. Two states that differ only
    /// in how their ids were numbered become equal. The ids that moved are returned as
    /// (old, new) pairs (empty, and nothing allocated, when the numbering was already
    /// canonical) so the caller can rename its own copies; an id not listed keeps its
    /// number. The machine behaves the same after it, up to the renaming: it only compares
    /// ids for equality and with `next_op`. Any other id held outside would then alias a
    /// renamed one, so only a caller that holds no other id may use it; the engine never
    /// does.
    pub fn compact_op_ids(&mut self, keep: &[OpId]) -> Vec<(OpId, OpId)> {
        if let Some(count) = self.canonical_op_count(keep) {
            // Already canonical: nothing moves, only the counter may shrink.
            self.next_op = count;
            return Vec::new();
        }
        // The model checker calls this after every step: the working lists stay inline.
        let mut order: SmallVec<[OpId; 16]> = keep
            .iter()
            .copied()
            .filter(|k| k.0 < self.next_op)
            .collect();
        for obj in self.objects.values() {
            order.extend(obj.queues.ops().map(|p| p.id));
        }
        for output in &self.outputs {
            if let Output::StartIo { op, .. }
            | Output::CancelIo { op, .. }
            | Output::CallReturned { op, .. } = *output
            {
                order.push(op);
            }
        }
        let mut numbered: SmallVec<[OpId; 16]> = SmallVec::new();
        for old in order {
            if !numbered.contains(&old) {
                numbered.push(old);
            }
        }
        let count = u32::try_from(numbered.len()).unwrap_or(u32::MAX);
        let renamed: Vec<(OpId, OpId)> = numbered
            .iter()
            .zip(0u32..)
            .filter(|&(&old, new)| old.0 != new)
            .map(|(&old, new)| (old, OpId(new)))
            .collect();
        self.next_op = count;
        if renamed.is_empty() {
            return renamed;
        }
        let rename = |id: &mut OpId| {
            if let Some(&(_, new)) = renamed.iter().find(|&&(old, _)| old == *id) {
                *id = new;
            }
        };
        for obj in self.objects.values_mut() {
            for op in obj.queues.ops_mut() {
                rename(&mut op.id);
            }
        }
        for output in &mut self.outputs {
            if let Output::StartIo { op, .. }
            | Output::CancelIo { op, .. }
            | Output::CallReturned { op, .. } = output
            {
                rename(op);
            }
        }
        renamed
    }

    /// Cancel the operations a close cancels (websocket operations, WH-R40): each
    /// completes now with `REQUEST_ERROR`/`OPERATION_CANCELLED` (law 3), before the
    /// object's `HANDLE_CLOSING`.
    pub(super) fn cancel_operations(&mut self, object: ObjectId) {
        if self
            .objects
            .get(&object)
            .is_none_or(|o| o.queues.is_empty())
        {
            return;
        }
        for lane in Lane::ALL {
            let cancel = self
                .objects
                .get(&object)
                .and_then(|o| o.queue(lane).front())
                .and_then(|op| op.api.op_spec())
                .is_some_and(|s| s.cancel_on_close);
            if cancel {
                self.cancel_lane(object, lane, None);
            }
        }
    }

    /// Cancel every operation in `lane` (only if its head is `only`, when given): the
    /// head's I/O is abandoned and each completes with `OPERATION_CANCELLED`.
    pub(super) fn cancel_lane(&mut self, object: ObjectId, lane: Lane, only: Option<Api>) {
        let family = self.policy.family;
        let Some(obj) = self.objects.get_mut(&object) else {
            return;
        };
        if only.is_some_and(|api| obj.queue(lane).front().map(|op| op.api) != Some(api)) {
            return;
        }
        let ops = obj.queues.take_lane(lane);
        let (value, context) = (obj.value, obj.context);
        if let Some(head) = ops.first() {
            self.outputs.push_back(Output::CancelIo {
                object,
                lane,
                op: head.id,
                api: head.api,
            });
        }
        if self.planted.is(Mutant::CancelWithoutCompletion) {
            return;
        }
        let result = Completion::Error(operation_cancelled(family));
        for op in ops {
            if op.blocking {
                self.outputs.push_back(Output::CallReturned {
                    object,
                    op: op.id,
                    api: op.api,
                    result,
                });
            } else if let Some(spec) = op.api.op_spec() {
                let (status, info) = completion(family, op.api, spec, result, op.arg);
                self.emit(object, value, context, status, info);
            }
        }
    }
}

/// The completion notification of an operation of `spec` ending with `result`.
pub(super) fn completion(
    family: Family,
    api: Api,
    spec: OpSpec,
    result: Completion,
    arg: CallArg,
) -> (u32, Info) {
    let bytes = result.count();
    match (family, result) {
        (Family::WinHttp, Completion::Error(error)) => {
            let info = match spec.ws_operation {
                Some(operation) => Info::WebSocketResult {
                    result: spec.api_id,
                    error,
                    operation,
                },
                None => Info::AsyncResult {
                    api: spec.api_id,
                    error,
                },
            };
            (winhttp::REQUEST_ERROR, info)
        }
        // WH-R41 / §2.5: websocket reads and writes report WINHTTP_WEB_SOCKET_STATUS.
        (Family::WinHttp, _)
            if matches!(
                spec.success,
                winhttp::READ_COMPLETE | winhttp::WRITE_COMPLETE
            ) && spec.ws_operation.is_some() =>
        {
            let buffer_type = match (result, arg) {
                (Completion::WebSocket { buffer_type, .. }, _) => buffer_type,
                (_, CallArg::WsBuffer(t)) => t,
                _ => WsBufferType::BinaryMessage,
            };
            (spec.success, Info::WebSocketStatus { bytes, buffer_type })
        }
        (Family::WinHttp, _) => {
            let info = if matches!(
                spec.success,
                winhttp::DATA_AVAILABLE | winhttp::READ_COMPLETE | winhttp::WRITE_COMPLETE
            ) {
                Info::Bytes(bytes)
            } else {
                Info::None
            };
            (spec.success, info)
        }
        (Family::WinInet, Completion::Error(error)) => (
            wininet::REQUEST_COMPLETE,
            Info::InternetResult { result: 0, error },
        ),
        // WI-R19: dwResult 1 and dwError 0 on success (the byte count in dwError after
        // InternetQueryDataAvailable); 0 and the code on failure.
        (Family::WinInet, _) => (
            wininet::REQUEST_COMPLETE,
            Info::InternetResult {
                result: 1,
                error: if api == Api::InternetQueryDataAvailable {
                    bytes
                } else {
                    ERROR_SUCCESS
                },
            },
        ),
    }
}
