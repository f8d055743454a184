//! Emission: the output queue, notification filtering and callback returns.
//!
//! Owns: [`Machine::poll_output`], the one place notifications are emitted (the
//! object's mask and callback decide delivery) and [`Machine::callback_returned`].
//! Invariant: outputs leave in emission order; a delivered notification holds its
//! object until its callback returns (laws 9, 10).

use super::*;

impl Machine {
    /// The next output, in emission order.
    pub fn poll_output(&mut self) -> Option<Output> {
        let output = if self.planted.is(Mutant::OutputsLifo) {
            self.outputs.pop_back()
        } else {
            self.outputs.pop_front()
        };
        // Law 7: a HANDLE_CLOSING nobody receives frees its reserved value as it leaves.
        if let Some(Output::Notify(n)) = output {
            if n.status == handle_closing(self.policy.family) && !n.needs_return {
                self.release_lingering(n.object);
            }
        }
        output
    }

    pub(super) fn callback_returned(&mut self, object: ObjectId) -> Result<Reply, InputError> {
        if !self.objects.contains_key(&object) && self.lingering.contains_key(&object) {
            // The HANDLE_CLOSING callback returned: the reserved value is free (law 7).
            self.release_lingering(object);
            return Ok(Reply {
                ret: Ret::None,
                last_error: None,
                outcome: Outcome::Event,
            });
        }
        if self.planted.is(Mutant::CallbackHoldIgnored) {
            // The planted bug took no hold, so there is nothing to release.
            return Ok(Reply {
                ret: Ret::None,
                last_error: None,
                outcome: Outcome::Event,
            });
        }
        let obj = self
            .objects
            .get_mut(&object)
            .filter(|o| o.callbacks > 0)
            .ok_or(InputError::NoRunningCallback(object))?;
        obj.callbacks -= 1;
        // Law 9: a close made inside the callback destroys the object only now.
        self.destroy_if_unheld(object);
        Ok(Reply {
            ret: Ret::None,
            last_error: None,
            outcome: Outcome::Event,
        })
    }

    // ----- emission ------------------------------------------------------------------

    /// Queue one notification through `object`, deciding its delivery (WH-R18, WI-R12)
    /// and taking the callback hold that law 9 relies on.
    pub(super) fn emit(
        &mut self,
        object: ObjectId,
        handle: HandleValue,
        context: u64,
        status: u32,
        info: Info,
    ) {
        let family = self.policy.family;
        let drop_zero = self.policy.drop_zero_context;
        let closing = status == handle_closing(family);
        let linger = self.policy.value_release == ValueRelease::AtDestroy;
        let Some(obj) = self.objects.get_mut(&object) else {
            return;
        };
        let masked_out = family == Family::WinHttp && obj.mask & status == 0;
        let callback = obj
            .callback
            .filter(|_| !(masked_out || (drop_zero && context == 0)));
        // A delivered HANDLE_CLOSING holds nothing (the object is gone), but under
        // `AtDestroy` its return frees the reserved value (law 7).
        let needs_return = callback.is_some() && (!closing || linger);
        let hold = needs_return && !closing;
        let hold = hold && !self.planted.is(Mutant::CallbackHoldIgnored);
        if hold {
            obj.callbacks += 1;
        }
        self.outputs.push_back(Output::Notify(Notification {
            object,
            handle,
            context,
            status,
            info,
            callback,
            needs_return,
        }));
    }
}
