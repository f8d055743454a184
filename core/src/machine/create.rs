//! Creating objects: `InternetOpen`/`WinHttpOpen` and every call that makes a child handle.
//!
//! Owns: [`Machine::open`] (a root), [`Machine::create_child`] (a child of a live parent,
//! judged by the creation rules of [`super::HIERARCHY`] and the protocol tables) and the
//! object constructor. Invariant: a new object is entered in the value table and its
//! parent's child list in the same step, so it holds its parent from birth (laws 5, 6).

use super::*;

impl Machine {
    // ----- creation ------------------------------------------------------------------

    pub(super) fn open(&mut self, api: CreateApi, async_mode: bool) -> Result<Reply, InputError> {
        if api.family() != self.policy.family {
            return Err(InputError::WrongFamily(api.name()));
        }
        if !api.is_root() {
            return Err(InputError::NotACreator(api.name()));
        }
        let rule = api.rule();
        match self.new_object(rule.child, None, async_mode, 0, None, 0) {
            Ok((object, value)) => Ok(Reply {
                ret: Ret::Handle(value),
                last_error: self.success_error(),
                outcome: Outcome::Created {
                    object,
                    kind: rule.child,
                    parent: None,
                    value,
                },
            }),
            Err(error) => Ok(self.reject(
                Ret::Handle(HandleValue::NULL),
                Some(out_of_handles(self.policy.family)),
                error,
            )),
        }
    }

    pub(super) fn create_child(
        &mut self,
        api: CreateApi,
        source: HandleValue,
        context: Option<u64>,
    ) -> Result<Reply, InputError> {
        if api.family() != self.policy.family {
            return Err(InputError::WrongFamily(api.name()));
        }
        if api.is_root() {
            return Err(InputError::NotACreator(api.name()));
        }
        let rule = api.rule();
        let null = Ret::Handle(HandleValue::NULL);
        let codes = BadHandleCodes {
            null: rule.invalid_handle,
            invalid: rule.invalid_handle,
            wrong_kind: rule.wrong_kind,
        };
        let src = match self.lookup(source, |k| rule.source.contains(&k), codes) {
            Ok(id) => id,
            Err((code, error)) => return Ok(self.reject(null, Some(code), error)),
        };
        let decision = protocol::decide(Call::Create(api), &self.facts(src, CallArg::None));
        if decision.is_some_and(|r| r.verdict == Verdict::PendCreate) && self.ops_exhausted() {
            let code = out_of_handles(self.policy.family);
            return Ok(self.reject(null, Some(code), ApiError::OutOfHandles));
        }
        if let Some(r) = decision {
            match r.verdict {
                Verdict::Fail(code) | Verdict::FailInline(code) => {
                    return Ok(self.reject(null, Some(code), ApiError::Protocol(code)));
                }
                Verdict::PendCreate => {
                    // WI-R18: the handle comes with REQUEST_COMPLETE; the operation (the
                    // creator's pending part) pends on the source and carries the new
                    // handle's context.
                    let Some(pending) = api.pending_part() else {
                        let code = ERROR_INVALID_PARAMETER;
                        return Ok(self.reject(null, Some(code), ApiError::Protocol(code)));
                    };
                    let id = self.issue_op();
                    let op = PendingOp {
                        id,
                        api: pending,
                        blocking: false,
                        arg: CallArg::Context(context.unwrap_or(0)),
                    };
                    self.enqueue(src, Lane::Main, op);
                    return Ok(Reply {
                        ret: null,
                        last_error: Some(ERROR_IO_PENDING),
                        outcome: Outcome::Pending {
                            object: src,
                            lane: Lane::Main,
                            op: id,
                        },
                    });
                }
                Verdict::Proceed => {}
            }
        }
        let Some(src_obj) = self.objects.get(&src) else {
            return Ok(self.reject(null, Some(codes.invalid), ApiError::InvalidHandle(source)));
        };
        let parent = match rule.parent {
            LifetimeParent::None => None,
            LifetimeParent::Source => Some(src),
            LifetimeParent::SourceParent => src_obj.parent(),
        };
        let inherited = if self.policy.inherit_context {
            src_obj.context
        } else {
            0
        };
        let ctx = context.unwrap_or(inherited);
        let (async_mode, callback, mask, src_ctx, src_value) = (
            src_obj.async_mode,
            src_obj.callback,
            src_obj.mask,
            src_obj.context,
            src_obj.value,
        );
        let (object, value) =
            match self.new_object(rule.child, parent, async_mode, ctx, callback, mask) {
                Ok(pair) => pair,
                Err(error) => {
                    return Ok(self.reject(null, Some(out_of_handles(self.policy.family)), error))
                }
            };
        let created = handle_created(self.policy.family);
        let info = Info::Handle(value);
        match rule.created {
            CreatedRouting::None => {}
            CreatedRouting::SourceWithSourceContext => {
                self.emit(src, src_value, src_ctx, created, info)
            }
            CreatedRouting::SourceWithChildContext => self.emit(src, src_value, ctx, created, info),
            CreatedRouting::Child => self.emit(object, value, ctx, created, info),
        }
        Ok(Reply {
            ret: Ret::Handle(value),
            last_error: self.success_error(),
            outcome: Outcome::Created {
                object,
                kind: rule.child,
                parent,
                value,
            },
        })
    }

    // Inlined into its callers: its `Result` is then kept in registers instead of
    // being read back from memory right after it was written (a store-forwarding
    // stall that was the hottest spot of an open in `perf annotate`).
    #[inline]
    pub(super) fn new_object(
        &mut self,
        kind: HandleKind,
        parent: Option<ObjectId>,
        async_mode: bool,
        context: u64,
        callback: Option<CallbackId>,
        mask: u32,
    ) -> Result<(ObjectId, HandleValue), ApiError> {
        let id = ObjectId(self.next_object);
        let next = self
            .next_object
            .checked_add(1)
            .ok_or(ApiError::OutOfHandles)?;
        let value = self.values.issue(id).ok_or(ApiError::OutOfHandles)?;
        self.next_object = next;
        if let Some(p) = parent {
            // The parent exists: it is the live source or the source's parent, which the
            // source holds (children hold their parent).
            self.add_child(p, id);
        }
        self.objects.insert(
            id,
            Object {
                kind,
                parent: MaybeObject::new(parent),
                value,
                open: true,
                async_mode,
                context,
                callback,
                mask: if self.policy.family == Family::WinInet {
                    u32::MAX
                } else {
                    mask
                },
                callbacks: 0,
                kids: 0,
                queues: Queues::new(),
                proto: ProtoState::new(kind),
            },
        );
        Ok((id, value))
    }
}
