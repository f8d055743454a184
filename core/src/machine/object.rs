//! The objects behind handles, and what holds them.
//!
//! Owns: [`ObjectId`], [`OpId`], [`Object`] (kind, parent, value, mode, callback, child
//! count, lane queues, protocol state), [`Queues`] and [`PendingOp`]. Invariants: an
//! object's hold count ([`Object::holds`]) is derived from its table entry, queued
//! operations, running callbacks and children, never stored (see the lifetime section of
//! the module docs); its child count is the length of its list in the machine's
//! children index; its [`Queues`] box exists exactly while an operation is queued.

use super::*;
use alloc::boxed::Box;

/// How many children an object's list ([`Machine::child_ids`]) holds inline before it
/// spills to the heap.
pub const KIDS_INLINE: usize = 4;

/// The identity of an object inside the machine. Never reused within one machine, so
/// it stays meaningful after the handle value is reissued.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
pub struct OpId(pub u32);

impl core::fmt::Display for OpId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "op{}", self.0)
    }
}

/// One queued operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

/// An optional [`ObjectId`] in four bytes: `u32::MAX` is none. The machine never issues
/// that id (its id counter stops below it), so every real id fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct MaybeObject(u32);

impl MaybeObject {
    /// No object.
    pub(crate) const NONE: MaybeObject = MaybeObject(u32::MAX);

    /// `id`, or none.
    pub(crate) fn new(id: Option<ObjectId>) -> MaybeObject {
        id.map_or(MaybeObject::NONE, |id| MaybeObject(id.0))
    }

    /// The id, if any.
    pub(crate) fn get(self) -> Option<ObjectId> {
        (self.0 != u32::MAX).then_some(ObjectId(self.0))
    }
}

/// An object's two lane queues ([`Lane::Main`] and [`Lane::Receive`]), on the heap while
/// either holds an operation and nothing otherwise: an idle object (most of them) carries
/// one null pointer instead of both queues.
///
/// Invariant (canonical equality): the box exists exactly while some lane is non-empty.
/// Every method that can empty a lane drops the box when both are empty, so two objects
/// with the same queued operations compare and hash alike.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub struct Queues {
    lanes: Option<Box<[LaneQueue; 2]>>,
}

/// [`Clone::clone_from`] refills an existing box lane by lane instead of allocating a new
/// one (the model checker refills a working machine from its parent for every successor).
/// The box is dropped when the source has none, so the invariant above holds for the copy.
impl Clone for Queues {
    fn clone(&self) -> Self {
        Queues {
            lanes: self.lanes.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        match (&mut self.lanes, &source.lanes) {
            (Some(mine), Some(theirs)) => {
                let [main, receive] = &mut **mine;
                main.clone_from(&theirs[0]);
                receive.clone_from(&theirs[1]);
            }
            (mine, theirs) => mine.clone_from(theirs),
        }
    }
}

/// The queue of a lane that holds nothing.
static EMPTY_LANE: LaneQueue = LaneQueue::EMPTY;

impl Queues {
    /// No operation queued (allocates nothing).
    pub const fn new() -> Queues {
        Queues { lanes: None }
    }
    /// The operations queued in `lane`, head first.
    pub fn lane(&self, lane: Lane) -> &LaneQueue {
        match &self.lanes {
            Some(lanes) => &lanes[lane.index()],
            None => &EMPTY_LANE,
        }
    }
    /// Queued operations in both lanes.
    pub fn len(&self) -> usize {
        self.lanes.as_ref().map_or(0, |l| l[0].len() + l[1].len())
    }
    /// True when no lane holds an operation.
    pub fn is_empty(&self) -> bool {
        self.lanes.is_none()
    }
    /// Queue `op` last in `lane` (allocates the box when the object had none queued).
    pub(crate) fn push_back(&mut self, lane: Lane, op: PendingOp) {
        let lanes = self
            .lanes
            .get_or_insert_with(|| Box::new([LaneQueue::new(), LaneQueue::new()]));
        lanes[lane.index()].push_back(op);
    }
    /// Remove the head of `lane`.
    pub(crate) fn pop_front(&mut self, lane: Lane) -> Option<PendingOp> {
        let head = self.lanes.as_mut()?[lane.index()].pop_front();
        self.tidy();
        head
    }
    /// Take every operation of `lane` out, head first.
    pub(crate) fn take_lane(&mut self, lane: Lane) -> SmallVec<[PendingOp; LANE_INLINE]> {
        let Some(lanes) = self.lanes.as_mut() else {
            return SmallVec::new();
        };
        let ops = lanes[lane.index()].take_all();
        self.tidy();
        ops
    }
    /// Drop every queued operation.
    pub(crate) fn clear(&mut self) {
        self.lanes = None;
    }
    /// Every queued operation, both lanes, mutable (their number cannot change).
    pub(crate) fn ops_mut(&mut self) -> impl Iterator<Item = &mut PendingOp> + '_ {
        self.lanes.iter_mut().flat_map(|l| l.iter_mut().flatten())
    }
    /// Every queued operation, main lane first.
    pub fn ops(&self) -> impl Iterator<Item = &PendingOp> + '_ {
        self.lanes.iter().flat_map(|l| l.iter().flatten())
    }
    /// Drop the box once both lanes are empty (the invariant above).
    fn tidy(&mut self) {
        if self
            .lanes
            .as_ref()
            .is_some_and(|l| l[0].is_empty() && l[1].is_empty())
        {
            self.lanes = None;
        }
    }
    /// Bytes of heap the queues hold: the box and any lane spilled past its inline room.
    pub fn heap_bytes(&self) -> usize {
        self.lanes.as_ref().map_or(0, |l| {
            core::mem::size_of::<[LaneQueue; 2]>() + l[0].heap_bytes() + l[1].heap_bytes()
        })
    }
}

/// One object behind a handle: 56 bytes. Its children are listed by the machine
/// ([`Machine::child_ids`]; the object keeps their count), its queued operations live
/// on the heap only while there are some ([`Queues`]), and optional ids are packed into
/// four bytes, so an idle handle costs one small entry.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Object {
    pub(super) context: u64,
    pub(super) queues: Queues,
    /// Protocol state (see [`protocol`]).
    pub(super) proto: ProtoState,
    pub(super) callback: Option<CallbackId>,
    pub(super) parent: MaybeObject,
    pub(super) value: HandleValue,
    pub(super) mask: u32,
    /// How many children (and websockets) hold this object: the length of its list in
    /// [`Machine::child_ids`].
    pub(super) kids: u32,
    /// Delivered notifications whose callback has not returned.
    pub(super) callbacks: u16,
    pub(super) kind: HandleKind,
    pub(super) open: bool,
    pub(super) async_mode: bool,
}

/// Field by field; [`Clone::clone_from`] reuses the queues' box ([`Queues`]), so
/// refilling a working machine's objects allocates nothing in the steady state.
impl Clone for Object {
    fn clone(&self) -> Self {
        let mut copy = Object {
            context: self.context,
            queues: Queues::new(),
            proto: self.proto,
            callback: self.callback,
            parent: self.parent,
            value: self.value,
            mask: self.mask,
            kids: self.kids,
            callbacks: self.callbacks,
            kind: self.kind,
            open: self.open,
            async_mode: self.async_mode,
        };
        copy.queues.clone_from(&self.queues);
        copy
    }

    fn clone_from(&mut self, source: &Self) {
        // Destructured so that a new field is a compile error here, not a silent miss.
        let Object {
            context,
            queues,
            proto,
            callback,
            parent,
            value,
            mask,
            kids,
            callbacks,
            kind,
            open,
            async_mode,
        } = source;
        self.context = *context;
        self.queues.clone_from(queues);
        self.proto = *proto;
        self.callback = *callback;
        self.parent = *parent;
        self.value = *value;
        self.mask = *mask;
        self.kids = *kids;
        self.callbacks = *callbacks;
        self.kind = *kind;
        self.open = *open;
        self.async_mode = *async_mode;
    }
}

impl Object {
    /// Its kind.
    pub fn kind(&self) -> HandleKind {
        self.kind
    }
    /// Its lifetime parent.
    pub fn parent(&self) -> Option<ObjectId> {
        self.parent.get()
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
    /// Children holding it (saturating at `u16::MAX`); the ids are
    /// [`Machine::child_ids`].
    pub fn children(&self) -> u16 {
        u16::try_from(self.kids).unwrap_or(u16::MAX)
    }
    /// The operations queued in `lane`, head first.
    pub fn queue(&self, lane: Lane) -> &LaneQueue {
        self.queues.lane(lane)
    }
    /// Both lanes' queues.
    pub fn queues(&self) -> &Queues {
        &self.queues
    }
    /// Queued operations in both lanes.
    pub fn pending_ops(&self) -> usize {
        self.queues.len()
    }
    /// Its protocol state (see [`protocol`]).
    pub fn protocol(&self) -> ProtoState {
        self.proto
    }
    /// Bytes of heap the object holds: its queues while operations are queued (zero
    /// otherwise).
    pub fn heap_bytes(&self) -> usize {
        self.queues.heap_bytes()
    }
    /// Everything holding the object alive; it is destroyed when this reaches zero.
    pub fn holds(&self) -> usize {
        usize::from(self.open)
            + self.pending_ops()
            + usize::from(self.callbacks)
            + self.kids as usize
    }
}

#[cfg(feature = "pack")]
mod packing {
    use super::{MaybeObject, Object, ObjectId, OpId, PendingOp, Queues};
    use crate::pack::{pack_struct, Pack, Reader, UnpackError};
    use alloc::vec::Vec;

    macro_rules! pack_newtype {
        ($($ty:ident),*) => {$(
            impl Pack for $ty {
                #[inline]
                fn pack(&self, out: &mut Vec<u8>) {
                    self.0.pack(out);
                }
                fn unpack(r: &mut Reader<'_>) -> Result<Self, UnpackError> {
                    Ok($ty(u32::unpack(r)?))
                }
            }
        )*};
    }
    pack_newtype!(ObjectId, OpId, MaybeObject);
    pack_struct!(PendingOp {
        id,
        api,
        blocking,
        arg
    });
    pack_struct!(Queues { lanes });
    pack_struct!(Object {
        context,
        queues,
        proto,
        callback,
        parent,
        value,
        mask,
        kids,
        callbacks,
        kind,
        open,
        async_mode,
    });
}
