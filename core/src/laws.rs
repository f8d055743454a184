//! The law monitor: a bounded observer that checks laws 1–13 on any run of the machine,
//! and the structural invariant check of the machine's state.
//!
//! Owns: [`LawMonitor`] (fed every input with its reply and every output; keeps a small
//! summary per object and per value, never a log, so the model checker can store it in
//! its state; for law 13 it remembers the started operation of each busy lane, named by
//! `StartIo` and forgotten at its completion or `CancelIo`), [`Violation`], and
//! [`check_invariants`]. The monitor knows nothing of the
//! machine's internals: it rebuilds what it needs from replies and outputs, so a broken
//! machine cannot hide from it. The proptests, the model checker and the fuzz targets all
//! use these two checks.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::machine::VecMap;
use smallvec::SmallVec;

use crate::machine::{
    handle_closing, is_completion, winhttp, wininet, ApiError, Family, HandleKind, HandleValue,
    Input, Lane, Machine, ObjectId, OpId, Outcome, Output, ParentClose, Policy, ProtocolEvent,
    Reply, Ret, ValueRelease, ValueReuse,
};

/// A broken law (or invariant), with what was seen.
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("law {law} broken: {message}")]
pub struct Violation {
    /// The law number (1–13), or 0 for a structural invariant of the machine's state.
    pub law: u8,
    /// What happened.
    pub message: String,
}

fn violation(law: u8, message: String) -> Result<(), Violation> {
    Err(Violation { law, message })
}

/// What the monitor remembers of one object.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Watch {
    kind: HandleKind,
    parent: Option<ObjectId>,
    value: HandleValue,
    /// Closed by the application or invalidated by a cascade.
    closed: bool,
    /// Invalidated because an ancestor was closed (cascade policy).
    by_cascade: bool,
    /// Its `HANDLE_CLOSING` was seen.
    gone: bool,
    /// Its `HANDLE_CLOSING` was filtered, or delivered and its callback has returned.
    closing_returned: bool,
    /// Accepted operations not yet completed (async) or returned (blocking).
    ops: u16,
    /// Delivered notifications whose callback has not returned.
    running: u16,
    /// Rank of the last progress notification of the current operation (law 12).
    progress: u8,
    /// Accepted `ProtocolEvent::Resend`s whose re-send has not shown its first status
    /// (resolve, connect or `SENDING_REQUEST`) yet: each lets one such status start the
    /// progress over (law 12, WH-R42). A receive's re-send holds its `SENDING_REQUEST`
    /// back only until its next wire step, a further redirect or re-send (which emits it
    /// first) or the completion, so this stays small (a WinINet send re-sent twice before any live step
    /// holds 2).
    resends: u8,
    /// Operations completed inside their call while an earlier operation of the object
    /// was outstanding, whose completion notification (drained in the same step) has not
    /// been seen yet. Their completion ends only themselves: it must not restart the
    /// progress sequence of the operation still running (law 12; e.g. a second
    /// `WinHttpReceiveResponse` failing inline with 12019 between the running send's
    /// `SENDING_REQUEST` and its `REQUEST_SENT`). Zero between steps.
    inline_done: u8,
}

/// Checks the laws on a run. Feed it every input with its reply ([`LawMonitor::on_input`])
/// and every output ([`LawMonitor::on_output`]) in order; call
/// [`LawMonitor::on_quiescent`] when nothing waits on the environment.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct LawMonitor {
    family: Family,
    cascade: bool,
    reserve_until_destroyed: bool,
    strict: bool,
    objects: VecMap<ObjectId, Watch>,
    /// The object each value was last issued to.
    values: VecMap<HandleValue, ObjectId>,
    /// Law 13: the operation whose I/O was started (`StartIo`) in each busy lane, until
    /// its completion or `CancelIo`.
    started: VecMap<(ObjectId, Lane), OpId>,
}

/// Field by field; [`Clone::clone_from`] reuses the tables' buffers.
impl Clone for LawMonitor {
    fn clone(&self) -> Self {
        LawMonitor {
            family: self.family,
            cascade: self.cascade,
            reserve_until_destroyed: self.reserve_until_destroyed,
            strict: self.strict,
            objects: self.objects.clone(),
            values: self.values.clone(),
            started: self.started.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        // Destructured so that a new field is a compile error here, not a silent miss.
        let LawMonitor {
            family,
            cascade,
            reserve_until_destroyed,
            strict,
            objects,
            values,
            started,
        } = source;
        self.family = *family;
        self.cascade = *cascade;
        self.reserve_until_destroyed = *reserve_until_destroyed;
        self.strict = *strict;
        self.objects.clone_from(objects);
        self.values.clone_from(values);
        self.started.clone_from(started);
    }
}

impl LawMonitor {
    /// A monitor for a machine under `policy`.
    pub fn new(policy: &Policy) -> LawMonitor {
        LawMonitor {
            family: policy.family,
            cascade: policy.parent_close == ParentClose::Cascade,
            reserve_until_destroyed: policy.value_release == ValueRelease::AtDestroy,
            strict: policy.value_reuse == ValueReuse::Strict,
            objects: VecMap::new(),
            values: VecMap::new(),
            started: VecMap::new(),
        }
    }

    /// Authentication re-sends of `object` whose first status has not been seen yet
    /// (WH-R42; 0 for an unknown object). A model checker offers a further re-send only
    /// when none is pending, which keeps the count, and so the state space, bounded.
    pub fn pending_resends(&self, object: ObjectId) -> u8 {
        self.objects.get(&object).map_or(0, |w| w.resends)
    }

    /// The operation ids the monitor remembers (the started operations), for a model
    /// checker that renumbers them ([`LawMonitor::rename_ops`]).
    pub fn op_ids(&self) -> impl Iterator<Item = OpId> + '_ {
        self.started.values().copied()
    }

    /// Rename the remembered operation ids by `map` (old, new), as
    /// [`Machine::compact_op_ids`] renamed the machine's.
    pub fn rename_ops(&mut self, map: &[(OpId, OpId)]) {
        for op in self.started.values_mut() {
            if let Some(&(_, new)) = map.iter().find(|(old, _)| old == op) {
                *op = new;
            }
        }
    }

    /// Every object id the monitor names (objects watched, started operations' objects),
    /// for a model checker that renumbers objects ([`LawMonitor::rename_objects`]).
    pub fn object_ids(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.objects
            .keys()
            .copied()
            .chain(self.started.keys().map(|&(o, _)| o))
    }

    /// Forget the objects whose story is over and that nothing can ask about again: their
    /// `HANDLE_CLOSING` is out (and its callback returned), no operation of theirs is
    /// outstanding or started, no value still names them (a value reissued to another
    /// object no longer does) and no remembered object names them as its parent. Any later
    /// output naming such an object is still a violation (law 2: an output for an object
    /// the monitor does not know). Keeps the monitor's state a function of what can still
    /// matter, so that a model checker merges states that differ only in finished history.
    pub fn forget_finished(&mut self) {
        loop {
            let forgettable = self.objects.iter().find_map(|(&id, w)| {
                let finished = w.gone && w.closing_returned && w.ops == 0 && w.running == 0;
                let named = self.values.values().any(|&o| o == id)
                    || self.started.keys().any(|&(o, _)| o == id)
                    || self.objects.values().any(|c| c.parent == Some(id));
                (finished && !named).then_some(id)
            });
            match forgettable {
                Some(id) => {
                    self.objects.remove(&id);
                }
                None => return,
            }
        }
    }

    /// Rename the remembered object ids by `map` (sorted `(old, new)` pairs, strictly
    /// increasing), as [`Machine::compact_object_ids`] renamed the machine's.
    pub fn rename_objects(&mut self, map: &[(ObjectId, ObjectId)]) {
        let rename = |id: ObjectId| crate::machine::renamed_object(map, id);
        self.objects.rename_keys(|&id| rename(id));
        for w in self.objects.values_mut() {
            w.parent = w.parent.map(rename);
        }
        for o in self.values.values_mut() {
            *o = rename(*o);
        }
        self.started.rename_keys(|&(o, lane)| (rename(o), lane));
    }

    /// Rename the remembered handle values by `map` (a
    /// [`ValuePermutation`](crate::ValuePermutation)), as [`Machine::permute_values`]
    /// renamed the machine's. The monitor compares values only for equality, so its
    /// verdicts on the renamed run are those on the original one.
    pub fn permute_values(&mut self, map: &[(HandleValue, HandleValue)]) {
        if map.is_empty() {
            return;
        }
        let rename = |v: HandleValue| crate::machine::renamed_value(map, v);
        self.values.rename_keys(|&v| rename(v));
        for w in self.objects.values_mut() {
            w.value = rename(w.value);
        }
    }

    /// The value each remembered object was issued, in object order (watched objects,
    /// then the objects the value map names), for a model checker that renumbers values
    /// ([`LawMonitor::permute_values`]).
    pub fn values_by_object(&self) -> impl Iterator<Item = (ObjectId, HandleValue)> + '_ {
        self.objects.iter().map(|(&id, w)| (id, w.value))
    }

    /// Every remembered value with the object it was last issued to, in value order.
    pub fn value_owners(&self) -> impl Iterator<Item = (HandleValue, ObjectId)> + '_ {
        self.values.iter().map(|(&v, &id)| (v, id))
    }

    /// Bytes of heap the monitor holds (its tables' buffers).
    pub fn heap_bytes(&self) -> usize {
        self.objects.heap_bytes() + self.values.heap_bytes() + self.started.heap_bytes()
    }

    /// Law 13: a completion names its operation. A completion that completed something
    /// must name the started operation of one of the object's lanes (and that operation
    /// is then finished); one answered stale must not name a started operation (which
    /// could then never complete).
    fn check_completion(
        &mut self,
        object: ObjectId,
        op: OpId,
        reply: &Reply,
    ) -> Result<(), Violation> {
        let lane = Lane::ALL
            .into_iter()
            .find(|&l| self.started.get(&(object, l)) == Some(&op));
        match (&reply.outcome, lane) {
            (Outcome::Stale { .. }, None) => Ok(()),
            (Outcome::Stale { .. }, Some(lane)) => violation(
                13,
                format!("the completion of {op}, started in {object}'s {lane:?} lane, was answered stale"),
            ),
            (_, Some(lane)) => {
                self.started.remove(&(object, lane));
                Ok(())
            }
            (_, None) => {
                let heads: Vec<OpId> = Lane::ALL
                    .into_iter()
                    .filter_map(|l| self.started.get(&(object, l)).copied())
                    .collect();
                violation(
                    13,
                    format!("a completion of {op}, not a started operation of {object} (started: {heads:?}), completed something: {reply:?}"),
                )
            }
        }
    }

    fn watch(&self, value: HandleValue) -> Option<(ObjectId, &Watch)> {
        let id = *self.values.get(&value)?;
        self.objects.get(&id).map(|w| (id, w))
    }

    /// The error code a rejection reported (last error, or the DWORD return).
    fn reported_code(reply: &Reply) -> Option<u32> {
        match reply.ret {
            Ret::Dword(code) => Some(code),
            _ => reply.last_error,
        }
    }

    /// Check one API call or event and its reply (laws 4, 5, 7, 8).
    pub fn on_input(&mut self, input: &Input, reply: &Reply) -> Result<(), Violation> {
        let handle = match *input {
            Input::Create { source, .. } => Some(source),
            Input::Call { handle, .. }
            | Input::Close { handle }
            | Input::SetStatusCallback { handle, .. }
            | Input::SetContext { handle, .. }
            | Input::QueryContext { handle } => Some(handle),
            Input::Open { .. }
            | Input::Complete { .. }
            | Input::CallbackReturned { .. }
            | Input::Protocol { .. } => None,
        };
        if let Some(value) = handle.filter(|v| !v.is_null()) {
            match self.watch(value).map(|(id, w)| (id, w.closed, w.kind)) {
                // Laws 4 and 5: a closed (or cascade-invalidated) value must be invalid.
                Some((id, true, _)) => {
                    let law = if self.objects.get(&id).is_some_and(|w| w.by_cascade) {
                        5
                    } else {
                        4
                    };
                    if reply.object() == Some(id) {
                        return violation(
                            law,
                            format!("call on closed handle {value} reached object {id}: {input:?}"),
                        );
                    }
                    if !matches!(reply.outcome, Outcome::Rejected(ApiError::InvalidHandle(_))) {
                        return violation(
                            law,
                            format!("call on closed handle {value} was not rejected as invalid: {reply:?}"),
                        );
                    }
                    if let Input::Call { api, .. } = *input {
                        let want = api.bad_handle_error(false);
                        if Self::reported_code(reply) != Some(want) {
                            return violation(
                                law,
                                format!("{api} on closed handle {value} gave {reply:?}, want error {want}"),
                            );
                        }
                    }
                }
                // A live value (law 5 keep-children included) must reach its object.
                Some((id, false, kind)) => {
                    if matches!(reply.outcome, Outcome::Rejected(ApiError::InvalidHandle(_))) {
                        return violation(
                            5,
                            format!("live handle {value} (object {id}) was rejected as invalid"),
                        );
                    }
                    // Law 8: wrong kind gives the family's code for that API.
                    if let Some(want) = wrong_kind_code(input, kind) {
                        if !reply.is_rejected() || Self::reported_code(reply) != Some(want) {
                            return violation(
                                8,
                                format!("{kind} handle {value} given to {input:?}: {reply:?}, want error {want}"),
                            );
                        }
                    }
                }
                None => {}
            }
        }
        // Law 12: an authentication re-send starts the progress over at its first status,
        // without the REDIRECT that marks a redirect's (WH-R42).
        if let Input::Protocol {
            object,
            event: ProtocolEvent::Resend,
        } = *input
        {
            if reply.outcome == Outcome::Event {
                if let Some(w) = self.objects.get_mut(&object) {
                    w.resends = w.resends.saturating_add(1);
                }
            }
        }
        match reply.outcome {
            Outcome::Created {
                object,
                kind,
                parent,
                value,
            } => {
                // Law 7: the value must be free.
                if let Some((old, w)) = self.watch(value) {
                    // Reserved until destroyed means: until its HANDLE_CLOSING is out and
                    // no callback still runs that may carry the value (WI-R2).
                    let free = if self.reserve_until_destroyed {
                        w.gone && w.closing_returned
                    } else {
                        w.closed
                    };
                    if !free || self.strict {
                        return violation(
                            7,
                            format!("value {value} reissued to {object} while object {old} still holds it"),
                        );
                    }
                }
                if self.objects.contains_key(&object) {
                    return violation(0, format!("object id {object} issued twice"));
                }
                self.objects.insert(
                    object,
                    Watch {
                        kind,
                        parent,
                        value,
                        closed: false,
                        by_cascade: false,
                        gone: false,
                        closing_returned: false,
                        ops: 0,
                        running: 0,
                        progress: 0,
                        resends: 0,
                        inline_done: 0,
                    },
                );
                self.values.insert(value, object);
            }
            // Law 3: an operation completed inline counts as accepted here and completed
            // by the completion notification drained after this reply.
            Outcome::Pending { object, .. }
            | Outcome::InFlight { object, .. }
            | Outcome::CompletedInline { object, .. } => {
                let Some(w) = self.objects.get_mut(&object) else {
                    return violation(3, format!("operation accepted on unknown object {object}"));
                };
                // Law 12: with nothing else outstanding, a new operation starts its own
                // progress sequence (an immediate call before it may have reported some).
                if w.ops == 0 {
                    w.progress = 0;
                } else if matches!(reply.outcome, Outcome::CompletedInline { .. }) {
                    w.inline_done = w.inline_done.saturating_add(1);
                }
                w.ops += 1;
            }
            // Law 12: an immediate call (or an operation returning at once) on an object
            // with nothing outstanding starts a new progress sequence (WI-R20: each
            // InternetWriteFile reports SENDING_REQUEST, REQUEST_SENT).
            Outcome::Done { object } => {
                if let Some(w) = self.objects.get_mut(&object).filter(|w| w.ops == 0) {
                    w.progress = 0;
                }
            }
            Outcome::Closed { object, .. } => {
                let mut closing = vec![object];
                if self.cascade {
                    // Law 5: every descendant is invalid from now on.
                    let mut i = 0;
                    while i < closing.len() {
                        let p = closing[i];
                        closing.extend(
                            self.objects
                                .iter()
                                .filter(|(_, w)| w.parent == Some(p) && !w.gone)
                                .map(|(&id, _)| id),
                        );
                        i += 1;
                    }
                }
                for id in closing {
                    if let Some(w) = self.objects.get_mut(&id) {
                        w.by_cascade |= !w.closed && id != object;
                        w.closed = true;
                    }
                }
            }
            _ => {}
        }
        if let Input::Complete { object, op, .. } = *input {
            self.check_completion(object, op, reply)?;
        }
        if let Input::CallbackReturned { object } = *input {
            if let Some(w) = self.objects.get_mut(&object) {
                if w.gone {
                    w.closing_returned = true;
                } else {
                    w.running = w.running.saturating_sub(1);
                }
            }
        }
        Ok(())
    }

    fn progress_rank(&self, status: u32) -> Option<(u8, Option<u8>)> {
        // (rank, rank that must come immediately before)
        let table: [(u32, u8, Option<u8>); 8] = match self.family {
            Family::WinHttp => [
                (winhttp::RESOLVING_NAME, 1, None),
                (winhttp::NAME_RESOLVED, 2, Some(1)),
                (winhttp::CONNECTING_TO_SERVER, 3, None),
                (winhttp::CONNECTED_TO_SERVER, 4, Some(3)),
                (winhttp::SENDING_REQUEST, 5, None),
                (winhttp::REQUEST_SENT, 6, Some(5)),
                (winhttp::RECEIVING_RESPONSE, 7, None),
                (winhttp::RESPONSE_RECEIVED, 8, Some(7)),
            ],
            Family::WinInet => [
                (wininet::RESOLVING_NAME, 1, None),
                (wininet::NAME_RESOLVED, 2, Some(1)),
                (wininet::CONNECTING_TO_SERVER, 3, None),
                (wininet::CONNECTED_TO_SERVER, 4, Some(3)),
                (wininet::SENDING_REQUEST, 5, None),
                (wininet::REQUEST_SENT, 6, Some(5)),
                (wininet::RECEIVING_RESPONSE, 7, None),
                (wininet::RESPONSE_RECEIVED, 8, Some(7)),
            ],
        };
        table
            .iter()
            .find(|(s, _, _)| *s == status)
            .map(|&(_, r, before)| (r, before))
    }

    /// Check one output (laws 1, 2, 3, 6, 9, 12, 13).
    pub fn on_output(&mut self, output: &Output) -> Result<(), Violation> {
        let (object, status) = match *output {
            Output::Notify(n) => (n.object, Some(n)),
            Output::StartIo {
                object, lane, op, ..
            } => {
                // Law 13: one started operation per lane (WH-R19: only the head does I/O).
                if let Some(busy) = self.started.insert((object, lane), op) {
                    return violation(
                        13,
                        format!("{op} started in {object}'s {lane:?} lane while {busy} runs there"),
                    );
                }
                (object, None)
            }
            Output::CancelIo {
                object, lane, op, ..
            } => {
                if self.started.remove(&(object, lane)) != Some(op) {
                    return violation(
                        13,
                        format!("CancelIo names {op}, not the started operation of {object}'s {lane:?} lane"),
                    );
                }
                (object, None)
            }
            Output::CallReturned { object, op, .. } => {
                // A blocked call cancelled or failed before its I/O ends here; one whose
                // I/O ran ended with its completion.
                self.started
                    .retain(|&(o, _), &mut s| o != object || s != op);
                let Some(w) = self.objects.get_mut(&object) else {
                    return violation(3, format!("call returned on unknown object {object}"));
                };
                if w.ops == 0 {
                    return violation(3, format!("call returned twice on {object}"));
                }
                w.ops -= 1;
                w.progress = 0;
                (object, None)
            }
        };
        let family = self.family;
        let closing_status = handle_closing(family);
        let Some(w) = self.objects.get(&object) else {
            return violation(2, format!("output for unknown object {object}: {output:?}"));
        };
        // Law 1 (at most once), then law 2.
        if w.gone && status.is_some_and(|n| n.status == closing_status) {
            return violation(1, format!("second HANDLE_CLOSING for {object}"));
        }
        if w.gone {
            return violation(
                2,
                format!("output after HANDLE_CLOSING of {object}: {output:?}"),
            );
        }
        let Some(n) = status else { return Ok(()) };
        if n.status == closing_status {
            // Law 1: only for a closed object; law 3: after its completions; law 9: not
            // while one of its callbacks runs; law 6: after every child's.
            if !w.closed {
                return violation(
                    1,
                    format!("HANDLE_CLOSING for {object}, whose handle was never closed"),
                );
            }
            if w.ops > 0 {
                return violation(
                    3,
                    format!(
                        "HANDLE_CLOSING for {object} with {} operation(s) outstanding",
                        w.ops
                    ),
                );
            }
            if w.running > 0 {
                return violation(
                    9,
                    format!("HANDLE_CLOSING for {object} while its callback runs"),
                );
            }
            if let Some((child, _)) = self
                .objects
                .iter()
                .find(|(_, c)| c.parent == Some(object) && !c.gone)
            {
                return violation(
                    6,
                    format!("HANDLE_CLOSING for {object} before its child {child}'s"),
                );
            }
            if let Some(w) = self.objects.get_mut(&object) {
                w.gone = true;
                w.closing_returned = !n.needs_return;
            }
            if let Some((&(_, lane), &op)) = self.started.iter().find(|((o, _), _)| *o == object) {
                return violation(
                    3,
                    format!("HANDLE_CLOSING for {object} while {op} runs in its {lane:?} lane"),
                );
            }
            return Ok(());
        }
        let rank = self.progress_rank(n.status);
        let Some(w) = self.objects.get_mut(&object) else {
            return Ok(());
        };
        if n.needs_return {
            w.running += 1;
        }
        if is_completion(family, n.status) {
            if w.ops == 0 {
                return violation(
                    3,
                    format!("completion with no operation outstanding on {object}: {n:?}"),
                );
            }
            w.ops -= 1;
            if w.inline_done > 0 {
                // An operation that completed inside its call, behind another: the
                // running operation's progress goes on.
                w.inline_done -= 1;
            } else {
                w.progress = 0;
                w.resends = 0;
            }
        } else if let Some((rank, before)) = rank {
            // The re-send's first status (its resolve, connect or SENDING_REQUEST, ranks 1,
            // 3 and 5) after the response so far.
            if w.resends > 0 && before.is_none() && rank <= 5 && w.progress >= rank {
                w.progress = 0;
                w.resends -= 1;
            }
            let ok = match before {
                Some(b) => w.progress == b,
                None => rank > w.progress,
            };
            if !ok {
                return violation(
                    12,
                    format!(
                        "progress status {:#x} on {object} after rank {}",
                        n.status, w.progress
                    ),
                );
            }
            w.progress = rank;
        } else if matches!(n.status, winhttp::REDIRECT | wininet::REDIRECT) {
            w.progress = 0;
        }
        Ok(())
    }

    /// Check the liveness laws on a quiescent machine (laws 1 and 11): every closed object
    /// that no open child holds has had its `HANDLE_CLOSING`, and when every handle is
    /// closed the machine is empty.
    pub fn on_quiescent(&self, machine: &Machine) -> Result<(), Violation> {
        if !machine.is_quiescent() {
            return Ok(());
        }
        for (&id, w) in &self.objects {
            if !w.closed || w.gone {
                continue;
            }
            let held_by_open_child = self
                .objects
                .values()
                .any(|c| c.parent == Some(id) && !c.gone);
            if !held_by_open_child {
                // An object the cascade should have invalidated points at law 5 first.
                let law = if w.by_cascade { 5 } else { 1 };
                return violation(
                    law,
                    format!("object {id} was closed but never got HANDLE_CLOSING"),
                );
            }
        }
        if self.objects.values().all(|w| w.closed) && !machine.is_empty() {
            return violation(
                11,
                "every handle is closed and all I/O done, but the table is not empty".into(),
            );
        }
        Ok(())
    }

    /// True when every object seen has been closed.
    pub fn all_closed(&self) -> bool {
        self.objects.values().all(|w| w.closed)
    }

    /// The live (not closed) values the monitor knows, with their kinds.
    pub fn open_values(&self) -> impl Iterator<Item = (HandleValue, HandleKind)> + '_ {
        self.values.iter().filter_map(|(&v, id)| {
            let w = self.objects.get(id)?;
            (!w.closed && w.value == v).then_some((v, w.kind))
        })
    }

    /// Every value ever issued (live or not), for tests that replay stale values.
    pub fn issued_values(&self) -> impl Iterator<Item = HandleValue> + '_ {
        self.values.keys().copied()
    }
}

/// Structural invariants of a machine's state: child counts match, every live or
/// reserved value names an existing object that carries it, open objects are live in
/// the table, and nothing references a destroyed object.
pub fn check_invariants(machine: &Machine) -> Result<(), Violation> {
    // Children counted per parent: a short inline list (the model checker runs this after
    // every step; a map would allocate each time).
    let mut children: SmallVec<[(ObjectId, u16); 16]> = SmallVec::new();
    for (id, o) in machine.objects() {
        if let Some(p) = o.parent() {
            if machine.object(p).is_none() {
                return violation(0, format!("object {id} has a destroyed parent {p}"));
            }
            match children.iter_mut().find(|(parent, _)| *parent == p) {
                Some((_, count)) => *count = count.saturating_add(1),
                None => children.push((p, 1)),
            }
        }
        if o.holds() == 0 {
            return violation(0, format!("object {id} exists with nothing holding it"));
        }
        if o.is_open() && machine.resolve(o.value()) != Some(id) {
            return violation(
                0,
                format!(
                    "open object {id} is not addressed by its value {}",
                    o.value()
                ),
            );
        }
        if !o.is_open() && machine.resolve(o.value()) == Some(id) {
            return violation(
                0,
                format!("closed object {id} is still addressed by {}", o.value()),
            );
        }
    }
    for (id, o) in machine.objects() {
        let want = children
            .iter()
            .find(|(parent, _)| *parent == id)
            .map_or(0, |&(_, count)| count);
        if o.children() != want {
            return violation(
                0,
                format!("object {id} counts {} children, has {want}", o.children()),
            );
        }
        if let Some(kid) = machine
            .child_ids(id)
            .iter()
            .find(|k| machine.object(**k).and_then(|c| c.parent()) != Some(id))
        {
            return violation(
                0,
                format!("object {id} lists {kid} as a child, which is not its child"),
            );
        }
    }
    for (value, state) in machine.values().iter() {
        let id = match state {
            crate::machine::SlotState::Live(id) | crate::machine::SlotState::Reserved(id) => id,
        };
        let lingering = matches!(state, crate::machine::SlotState::Reserved(_))
            && machine.lingering().any(|(l, v)| l == id && v == value);
        match machine.object(id) {
            Some(o) if o.value() == value => {}
            None if lingering => {}
            _ => {
                return violation(
                    0,
                    format!("value {value} names missing or mismatched object {id}"),
                )
            }
        }
    }
    Ok(())
}

/// The error `input` must give when its handle is a live object of `kind`, if the
/// function does not accept that kind.
fn wrong_kind_code(input: &Input, kind: HandleKind) -> Option<u32> {
    match *input {
        Input::Call { api, .. } if !api.accepts(kind) => Some(api.rule().bad_handle.wrong_kind),
        Input::Create { api, .. } if !api.rule().source.contains(&kind) => {
            Some(api.rule().wrong_kind)
        }
        _ => None,
    }
}

#[cfg(feature = "pack")]
mod packing {
    use super::{LawMonitor, Watch};
    use crate::pack::pack_struct;

    pack_struct!(Watch {
        kind,
        parent,
        value,
        closed,
        by_cascade,
        gone,
        closing_returned,
        ops,
        running,
        progress,
        resends,
        inline_done,
    });
    pack_struct!(LawMonitor {
        family,
        cascade,
        reserve_until_destroyed,
        strict,
        objects,
        values,
        started,
    });
}
