//! Calls on an existing handle and their validation.
//!
//! Owns: [`Machine::call`] (lookup, kind check, protocol decision, then queue, inline
//! completion or immediate answer), the protocol [`Facts`] a decision reads, the status
//! callback and context options. Invariant: a rejected call changes nothing but the
//! reply (law 8).

use super::operation::completion;
use super::*;

impl Machine {
    // ----- calls ---------------------------------------------------------------------

    pub(super) fn call(
        &mut self,
        api: Api,
        handle: HandleValue,
        arg: CallArg,
    ) -> Result<Reply, InputError> {
        if api.family() != self.policy.family {
            return Err(InputError::WrongFamily(api.name()));
        }
        let rule = api.rule();
        let fail_ret = match rule.returns {
            ReturnStyle::Bool => |_| Ret::Bool(false),
            ReturnStyle::Dword => Ret::Dword,
        };
        let codes = rule.bad_handle;
        let object = match self.lookup(handle, |k| api.accepts(k), codes) {
            Ok(id) => id,
            Err((code, error)) => {
                if self.planted.is(Mutant::RejectMutatesState) {
                    self.next_object += 1;
                }
                let last_error = match rule.returns {
                    ReturnStyle::Bool => Some(code),
                    ReturnStyle::Dword => None,
                };
                return Ok(self.reject(fail_ret(code), last_error, error));
            }
        };
        let ok_ret = match rule.returns {
            ReturnStyle::Bool => Ret::Bool(true),
            ReturnStyle::Dword => Ret::Dword(ERROR_SUCCESS),
        };
        let family = self.policy.family;
        if matches!(rule.shape, Shape::Operation(_)) && self.ops_exhausted() {
            // No operation id left to name it by: refuse before anything changes.
            let code = out_of_handles(family);
            let last_error = match rule.returns {
                ReturnStyle::Bool => Some(code),
                ReturnStyle::Dword => None,
            };
            return Ok(self.reject(fail_ret(code), last_error, ApiError::OutOfHandles));
        }
        let facts = self.facts(object, arg);
        let reject_state = |m: &Machine, code: u32| {
            let last_error = match rule.returns {
                ReturnStyle::Bool => Some(code),
                ReturnStyle::Dword => None,
            };
            m.reject(fail_ret(code), last_error, ApiError::Protocol(code))
        };
        // The protocol table decides (module `protocol`); no row: legal, no change.
        let decision = protocol::decide(Call::Api(api), &facts);
        match decision.map(|r| r.verdict) {
            Some(Verdict::Fail(code)) => return Ok(reject_state(self, code)),
            Some(Verdict::PendCreate) => {
                return Ok(reject_state(self, ERROR_INVALID_PARAMETER));
            }
            Some(Verdict::FailInline(code)) => {
                let Some(spec) = api.op_spec().filter(|_| facts.async_mode) else {
                    return Ok(reject_state(self, code));
                };
                // WH-R23 / WI-R22: accepted, and the error completion is delivered inside
                // the call (law 3: accepted and completed in this step).
                let (value, context) = self.value_context(object);
                let op = self.issue_op();
                let (status, info) = completion(family, api, spec, Completion::Error(code), arg);
                self.emit(object, value, context, status, info);
                let (ret, last_error) = match family {
                    Family::WinHttp => (ok_ret, Some(ERROR_SUCCESS)),
                    Family::WinInet => (Ret::Bool(false), Some(code)),
                };
                return Ok(Reply {
                    ret,
                    last_error,
                    outcome: Outcome::CompletedInline { object, op },
                });
            }
            Some(Verdict::Proceed) | None => {}
        }
        let before = facts.state;
        if let Some(next) = decision.map(|r| r.next) {
            self.apply_next(object, &next, arg);
            if next.effect == Effect::CancelReceive {
                self.cancel_lane(object, Lane::Receive, Some(Api::WinHttpWebSocketReceive));
            }
        }
        let Shape::Operation(spec) = rule.shape else {
            // An immediate call; some emit progress on the calling thread (WI-R20).
            let (at_accept, _) = protocol::progress(api, facts.kind, &[]);
            let (value, context) = self.value_context(object);
            for &status in at_accept {
                self.emit(object, value, context, status, Info::None);
            }
            return Ok(Reply {
                ret: ok_ret,
                last_error: self.success_error(),
                outcome: Outcome::Done { object },
            });
        };
        let lane_empty = self
            .objects
            .get(&object)
            .is_some_and(|o| o.queue(spec.lane).is_empty());
        let ready = lane_empty && before.ready_inline(api);
        let notify = facts.async_mode && family == Family::WinHttp;
        // An operation finishing inside its call reports success like an immediate call;
        // DWORD-returning (websocket) functions leave the last error alone, as when they
        // pend.
        let inline_error = match rule.returns {
            ReturnStyle::Bool => self.success_error(),
            ReturnStyle::Dword => None,
        };
        let depth = self.objects.get(&object).map_or(0, |o| o.callbacks);
        if ready && (!notify || depth < protocol::INLINE_NESTING_LIMIT) {
            let op = PendingOp {
                id: self.issue_op(),
                api,
                blocking: false,
                arg,
            };
            let result = before.inline_completion(api, arg);
            if notify {
                // WH-R20/R24/R40: the completion callback runs before the call returns.
                self.finish_op(object, op, result, true, Finish::Full);
                return Ok(Reply {
                    ret: ok_ret,
                    last_error: inline_error,
                    outcome: Outcome::CompletedInline { object, op: op.id },
                });
            }
            // Synchronous, or WinINet reading its buffer (WI-R21): returns at once with
            // no completion notification.
            let finish = match family {
                Family::WinHttp => Finish::ProgressOnly,
                Family::WinInet => Finish::Silent,
            };
            self.finish_op(object, op, result, true, finish);
            return Ok(Reply {
                ret: ok_ret,
                last_error: inline_error,
                outcome: Outcome::Done { object },
            });
        }
        let blocking = !facts.async_mode;
        let (at_accept, _) = protocol::progress(api, facts.kind, spec.progress);
        let (value, context) = self.value_context(object);
        for &status in at_accept {
            self.emit(object, value, context, status, Info::None);
        }
        let op = self.issue_op();
        let pending = PendingOp {
            id: op,
            api,
            blocking,
            arg,
        };
        self.enqueue(object, spec.lane, pending);
        if blocking {
            return Ok(Reply {
                ret: Ret::Blocked,
                last_error: None,
                outcome: Outcome::InFlight {
                    object,
                    lane: spec.lane,
                    op,
                },
            });
        }
        // The asynchronous return convention of each family: WinHTTP returns TRUE with
        // last error 0 (WH-R22/R23), or ERROR_IO_PENDING for a queued read or
        // QueryDataAvailable (WH-R20); websocket functions return 0 (WH-R20); WinINet
        // returns FALSE with ERROR_IO_PENDING (WI-R18).
        let (ret, last_error) = match (family, rule.returns) {
            (Family::WinHttp, ReturnStyle::Bool)
                if protocol::WINHTTP_PENDING_997.contains(&api) =>
            {
                (Ret::Bool(true), Some(ERROR_IO_PENDING))
            }
            (Family::WinHttp, ReturnStyle::Bool) => (Ret::Bool(true), Some(ERROR_SUCCESS)),
            (Family::WinHttp, ReturnStyle::Dword) => (Ret::Dword(ERROR_SUCCESS), None),
            (Family::WinInet, _) => (Ret::Bool(false), Some(ERROR_IO_PENDING)),
        };
        Ok(Reply {
            ret,
            last_error,
            outcome: Outcome::Pending {
                object,
                lane: spec.lane,
                op,
            },
        })
    }

    /// The value and context notifications of `object` carry.
    pub(super) fn value_context(&self, object: ObjectId) -> (HandleValue, u64) {
        self.objects
            .get(&object)
            .map_or((HandleValue::NULL, 0), |o| (o.value, o.context))
    }

    /// What the protocol table looks at for a call on `object` (invariant P1).
    pub(super) fn facts(&self, object: ObjectId, arg: CallArg) -> Facts {
        let Some(obj) = self.objects.get(&object) else {
            // Callers pass a live object; a missing one decides like a fresh session.
            return Facts {
                kind: HandleKind::InternetRoot,
                state: ProtoState::new(HandleKind::InternetRoot),
                async_mode: false,
                lanes_busy: [false, false],
                ftp_busy: false,
                arg,
            };
        };
        let ftp_busy = obj.kind == HandleKind::InternetConnect(Service::Ftp)
            && self.child_ids(object).iter().any(|kid| {
                self.objects.get(kid).is_some_and(|c| {
                    c.open && matches!(c.kind, HandleKind::FtpFile | HandleKind::FtpFind)
                })
            });
        Facts {
            kind: obj.kind,
            state: obj.proto,
            async_mode: obj.async_mode,
            lanes_busy: Lane::ALL.map(|lane| !obj.queue(lane).is_empty()),
            ftp_busy,
            arg,
        }
    }

    /// Apply an accepted row's next state to `object`'s protocol state.
    pub(super) fn apply_next(&mut self, object: ObjectId, next: &protocol::Next, arg: CallArg) {
        if let Some(obj) = self.objects.get_mut(&object) {
            obj.proto.accept(next, arg);
        }
    }

    // ----- callbacks and context -----------------------------------------------------

    pub(super) fn set_status_callback(
        &mut self,
        handle: HandleValue,
        callback: Option<CallbackId>,
        mask: u32,
    ) -> Reply {
        let invalid = Ret::Callback(CallbackRet::Invalid);
        let object = match self.find_live(handle, |_| true) {
            Ok(id) => id,
            Err(error) => {
                // WH-R8/R17: WinHTTP sets 6; WinINet leaves the last error (WI-R10).
                let code = match self.policy.family {
                    Family::WinHttp => Some(ERROR_INVALID_HANDLE),
                    Family::WinInet => None,
                };
                return self.reject(invalid, code, error);
            }
        };
        let family = self.policy.family;
        let success = self.success_error();
        let Some(obj) = self.objects.get_mut(&object) else {
            return self.reject(invalid, None, ApiError::InvalidHandle(handle));
        };
        let previous = obj.callback;
        obj.callback = callback;
        if family == Family::WinHttp {
            obj.mask = mask;
        }
        Reply {
            ret: Ret::Callback(CallbackRet::Previous(previous)),
            last_error: success,
            outcome: Outcome::Done { object },
        }
    }

    pub(super) fn context_option(&mut self, handle: HandleValue, set: Option<u64>) -> Reply {
        let api = match (self.policy.family, set.is_some()) {
            (Family::WinHttp, true) => Api::WinHttpSetOption,
            (Family::WinHttp, false) => Api::WinHttpQueryOption,
            (Family::WinInet, true) => Api::InternetSetOption,
            (Family::WinInet, false) => Api::InternetQueryOption,
        };
        let rule = api.rule();
        let codes = rule.bad_handle;
        let object = match self.lookup(handle, |_| true, codes) {
            Ok(id) => id,
            Err((code, error)) => return self.reject(Ret::Bool(false), Some(code), error),
        };
        let success = self.success_error();
        let Some(obj) = self.objects.get_mut(&object) else {
            return self.reject(
                Ret::Bool(false),
                Some(ERROR_INVALID_HANDLE),
                ApiError::InvalidHandle(handle),
            );
        };
        let outcome = match set {
            Some(context) => {
                obj.context = context;
                Outcome::Done { object }
            }
            None => Outcome::Context {
                object,
                context: obj.context,
            },
        };
        Reply {
            ret: Ret::Bool(true),
            last_error: success,
            outcome,
        }
    }
}
