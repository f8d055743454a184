//! The objects behind handles, and what holds them.
//!
//! Owns: [`ObjectId`], [`OpId`], [`Object`] (kind, parent, value, mode, callback, children, lane
//! queues, protocol state) and [`PendingOp`]. Invariant: an object's hold count
//! ([`Object::holds`]) is derived from its table entry, queued operations, running
//! callbacks and children, never stored (see the lifetime section of the module docs).

use super::*;

/// How many children an object holds inline before its child list spills to the heap.
pub const KIDS_INLINE: usize = 4;

/// The identity of an object inside the machine. Never reused within one machine, so
/// it stays meaningful after the handle value is reissued.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ObjectId(pub u32);

impl core::fmt::Display for ObjectId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The identity of one accepted operation (pending, in flight, or completed inside its
/// call). The machine numbers operations from a counter when it accepts them; an id is
/// never reused within one machine, so a late completion naming a finished operation can
/// never complete another one (law 13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OpId(pub u32);

impl core::fmt::Display for OpId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "op{}", self.0)
    }
}

/// One queued operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PendingOp {
    /// Its identity.
    pub id: OpId,
    /// The function that started it.
    pub api: Api,
    /// True when a synchronous caller is blocked on it (a call in flight); false for an
    /// accepted asynchronous operation.
    pub blocking: bool,
    /// The argument the protocol rules looked at (re-checked when the operation
    /// reaches the head of its lane after a failure, protocol invariant P4).
    pub arg: CallArg,
}

/// One object behind a handle.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Object {
    pub(super) kind: HandleKind,
    pub(super) parent: Option<ObjectId>,
    pub(super) value: HandleValue,
    pub(super) open: bool,
    pub(super) async_mode: bool,
    pub(super) context: u64,
    pub(super) callback: Option<CallbackId>,
    pub(super) mask: u32,
    /// Delivered notifications whose callback has not returned.
    pub(super) callbacks: u16,
    /// Children (and websockets) holding this object.
    /// Inline up to [`KIDS_INLINE`], then on the heap.
    pub(super) kids: SmallVec<[ObjectId; KIDS_INLINE]>,
    pub(super) queues: [LaneQueue; 2],
    /// Protocol state (see [`protocol`]).
    pub(super) proto: ProtoState,
}

impl Object {
    /// Its kind.
    pub fn kind(&self) -> HandleKind {
        self.kind
    }
    /// Its lifetime parent.
    pub fn parent(&self) -> Option<ObjectId> {
        self.parent
    }
    /// The value it was issued (kept after close: late notifications carry it).
    pub fn value(&self) -> HandleValue {
        self.value
    }
    /// True until its handle is closed or invalidated.
    pub fn is_open(&self) -> bool {
        self.open
    }
    /// Asynchronous mode (inherited from the root).
    pub fn is_async(&self) -> bool {
        self.async_mode
    }
    /// Its context value.
    pub fn context(&self) -> u64 {
        self.context
    }
    /// Its status callback.
    pub fn callback(&self) -> Option<CallbackId> {
        self.callback
    }
    /// Its notification mask (WinHTTP).
    pub fn mask(&self) -> u32 {
        self.mask
    }
    /// Delivered notifications whose callback has not returned.
    pub fn running_callbacks(&self) -> u16 {
        self.callbacks
    }
    /// Children holding it.
    pub fn children(&self) -> u16 {
        u16::try_from(self.kids.len()).unwrap_or(u16::MAX)
    }
    /// The children (and websockets) holding it, in creation order.
    pub fn child_ids(&self) -> &[ObjectId] {
        &self.kids
    }
    /// The operations queued in `lane`, head first.
    pub fn queue(&self, lane: Lane) -> &LaneQueue {
        &self.queues[lane.index()]
    }
    /// Queued operations in both lanes.
    pub fn pending_ops(&self) -> usize {
        self.queues.iter().map(LaneQueue::len).sum()
    }
    /// Its protocol state (see [`protocol`]).
    pub fn protocol(&self) -> ProtoState {
        self.proto
    }
    /// Bytes of heap the object holds: its child list and lane queues once they spill
    /// past their inline room (zero otherwise).
    pub fn heap_bytes(&self) -> usize {
        let kids = if self.kids.spilled() {
            self.kids.capacity() * core::mem::size_of::<ObjectId>()
        } else {
            0
        };
        kids + self.queues.iter().map(LaneQueue::heap_bytes).sum::<usize>()
    }
    /// Everything holding the object alive; it is destroyed when this reaches zero.
    pub fn holds(&self) -> usize {
        usize::from(self.open) + self.pending_ops() + usize::from(self.callbacks) + self.kids.len()
    }
}
