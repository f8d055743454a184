//! Closing handles: the close decision, the cascade, and destruction.
//!
//! Owns: [`Machine::close_handle`] (decided before anything changes, then applied),
//! the cascade of invalidated descendants, [`Machine::lingering`] values, and
//! destruction once nothing holds an object. Invariant: `HANDLE_CLOSING` is an
//! object's last output, once, after its children's (laws 1, 2, 6, 7, 11).

use super::*;

/// What a close found, decided before anything changes.
#[must_use]
pub(super) struct CloseDecision {
    object: ObjectId,
    /// The objects that lose their table entry, deepest first (post-order; the closed
    /// object last).
    invalidated: ObjectList,
    io_outstanding: bool,
}

impl Machine {
    // ----- close ---------------------------------------------------------------------

    pub(super) fn decide_close(&self, handle: HandleValue) -> Result<CloseDecision, ApiError> {
        let object = self.find_live(handle, |_| true)?;
        if self.child_ids(object).is_empty() {
            // A leaf (the common close): its open subtree is itself, cascade or not, so
            // the walk below would find just this; skip it.
            let io_outstanding = self
                .objects
                .get(&object)
                .is_some_and(|o| o.pending_ops() > 0);
            let mut invalidated = ObjectList::new();
            invalidated.push(object);
            return Ok(CloseDecision {
                object,
                invalidated,
                io_outstanding,
            });
        }
        let cascade = self.policy.parent_close == ParentClose::Cascade;
        let cascade = cascade && !self.planted.is(Mutant::NoCascade);
        // The open subtree, deepest first: what a cascade invalidates.
        let mut invalidated = ObjectList::new();
        self.post_order(object, &mut invalidated);
        // Seed 000: "If GetLastError returns ERROR_IO_PENDING, there were outstanding
        // requests when the handle was closed" — the handle or any of its children.
        let io_outstanding = invalidated
            .iter()
            .filter_map(|id| self.objects.get(id))
            .any(|o| o.pending_ops() > 0);
        if !cascade {
            invalidated.clear();
            invalidated.push(object);
        }
        Ok(CloseDecision {
            object,
            invalidated,
            io_outstanding,
        })
    }

    /// The open descendants of `root` and `root` itself, deepest first.
    pub(super) fn post_order(&self, root: ObjectId, out: &mut ObjectList) {
        for &child in self.child_ids(root) {
            if self.objects.get(&child).is_some_and(|c| c.open) {
                self.post_order(child, out);
            }
        }
        out.push(root);
    }

    pub(super) fn close_handle(&mut self, handle: HandleValue) -> Reply {
        let decision = match self.decide_close(handle) {
            Ok(d) => d,
            Err(error) => {
                return self.reject(Ret::Bool(false), Some(ERROR_INVALID_HANDLE), error);
            }
        };
        let reserve = self.policy.value_release == ValueRelease::AtDestroy;
        let reserve = reserve && !self.planted.is(Mutant::ReleaseReservedAtClose);
        for &id in &decision.invalidated {
            let Some(obj) = self.objects.get_mut(&id) else {
                continue;
            };
            if self.planted.is(Mutant::CloseKeepsValue) && id == decision.object {
                obj.open = false;
                self.cancel_operations(id);
                continue;
            }
            obj.open = false;
            let value = obj.value;
            self.values.close(value, reserve);
            self.cancel_operations(id);
        }
        if self.planted.is(Mutant::ClosingDespitePending) {
            for &id in &decision.invalidated {
                if let Some(obj) = self.objects.get_mut(&id) {
                    obj.queues.clear();
                    obj.callbacks = 0;
                }
            }
        }
        for &id in &decision.invalidated {
            self.destroy_if_unheld(id);
        }
        let last_error = match self.policy.family {
            Family::WinHttp => Some(ERROR_SUCCESS),
            Family::WinInet if self.policy.close_reports_io_pending && decision.io_outstanding => {
                Some(ERROR_IO_PENDING)
            }
            Family::WinInet => None,
        };
        // The reply names the closed object first, then the cascade deepest first (the
        // post-order list ends with the closed object, once).
        let mut invalidated = decision.invalidated;
        if invalidated.len() > 1 {
            invalidated.rotate_right(1);
        }
        Reply {
            ret: Ret::Bool(true),
            last_error,
            outcome: Outcome::Closed {
                object: decision.object,
                invalidated,
            },
        }
    }

    /// Destroy `id` if nothing holds it, then its parent if that was its last hold
    /// (laws 1, 6, 11).
    pub(super) fn destroy_if_unheld(&mut self, id: ObjectId) {
        let mut current = Some(id);
        while let Some(id) = current.take() {
            let Some(obj) = self.objects.get(&id) else {
                return;
            };
            if self.planted.is(Mutant::ParentClosingFirst)
                && obj.holds() - obj.kids as usize == 0
                && obj.holds() > 0
            {
                let (value, context) = (obj.value, obj.context);
                self.emit(
                    id,
                    value,
                    context,
                    handle_closing(self.policy.family),
                    Info::Handle(value),
                );
                if let Some(o) = self.objects.get_mut(&id) {
                    o.callbacks = 0;
                }
                return;
            }
            if obj.holds() > 0 {
                return;
            }
            let (value, context, parent) = (obj.value, obj.context, obj.parent());
            let closing = handle_closing(self.policy.family);
            // Law 1: the one HANDLE_CLOSING of this object, its last output (law 2).
            self.emit(id, value, context, closing, Info::Handle(value));
            if self.planted.is(Mutant::ClosingTwice) {
                self.emit(id, value, context, closing, Info::Handle(value));
            }
            self.objects.remove(&id);
            if self.policy.value_release == ValueRelease::AtDestroy {
                // Law 7: still reserved until the HANDLE_CLOSING just emitted is handed
                // out (nobody receives it) or its callback returns.
                self.lingering.insert(id, value);
            } else {
                self.values.release(value);
            }
            if let Some(p) = parent {
                if self.planted.is(Mutant::ParentHoldLeaked) {
                    return;
                }
                if self.remove_child(p, id) {
                    current = Some(p);
                }
            }
        }
    }

    /// Destroyed objects whose `HANDLE_CLOSING` callback has not returned yet, with the
    /// value they keep reserved (`ValueRelease::AtDestroy`).
    pub fn lingering(&self) -> impl Iterator<Item = (ObjectId, HandleValue)> + '_ {
        self.lingering.iter().map(|(&id, &v)| (id, v))
    }

    pub(super) fn release_lingering(&mut self, object: ObjectId) {
        if let Some(value) = self.lingering.remove(&object) {
            self.values.release(value);
        }
    }
}
