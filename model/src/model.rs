//! The stateright [`Model`] of the real machine.
//!
//! Owns: the model's [`State`] (the real [`Machine`], the core's bounded [`LawMonitor`], a
//! creation counter, the "reached" bits of the last step and the first violation), its
//! actions (the core's own [`Input`]s, listed in a deterministic order), the one
//! [`HinternetModel::step`] that applies an input exactly as the engine would (through the
//! core's [`drain_into`] helper, callbacks left running so that their returns are
//! environment choices), and the properties: laws 1–13 and the structural invariants as
//! `always` properties, and the interesting scenarios as `sometimes` properties.
//!
//! Invariant: the state never carries a log. Everything in it is bounded by
//! [`Bounds`]: objects by `handles`, queues by `queue`, running callbacks by `callbacks`
//! (pitfall S1). The liveness laws (1, 3, 11) are checked as safety on quiescent states by
//! [`LawMonitor::on_quiescent`] after every step (pitfall S5).

use std::mem::size_of;
use std::sync::OnceLock;

use smallvec::SmallVec;

#[cfg(feature = "mutants")]
use hinternet_core::Mutant;
use hinternet_core::{
    check_invariants, drain_into, handle_closing, handle_created, is_completion, renamed_object,
    Api, CallArg, CallbackId, CallbackMode, Completion, CreateApi, DriveError, Family, HandleKind,
    Input, Lane, LawMonitor, Machine, Object, ObjectId, ObjectRenaming, OpId, Outcome, Output,
    OutputSink, Policy, ProtocolEvent, ReturnStyle, Shape, Trace, ValueRelease, ValueReuse,
    Violation, HIERARCHY,
};
use stateright::{Expectation, Model, Property};

use crate::symmetry::ValueSymmetry;

/// Which API functions the model calls on a live handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiSet {
    /// Per handle kind: the first operation of each lane the kind accepts (in [`Api::ALL`]
    /// order), one wrong-kind call, and no immediate call (an accepted immediate call
    /// changes nothing). Keeps the branching small.
    Representative,
    /// Every function of the family the kind accepts, one wrong-kind call and one
    /// wrong-kind creation, callback removal and context toggling.
    All,
}

/// The bounds of one model: what makes its state space finite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Bounds {
    /// Handles (objects) created over the whole run, roots included.
    pub handles: u8,
    /// Deepest level of the handle hierarchy created (1 = roots only; a WinHTTP websocket
    /// is level 4: session, connect, request, websocket).
    pub depth: u8,
    /// Roots opened over the whole run.
    pub roots: u8,
    /// Operations queued per object and lane.
    pub queue: u8,
    /// Callbacks running at once per object (states beyond are outside the boundary).
    pub callbacks: u8,
    /// Which functions are called.
    pub apis: ApiSet,
    /// Also open synchronous roots (operations then block their caller).
    pub sync_roots: bool,
}

impl Bounds {
    /// The bounds of the default `check` for `family`. WinHTTP gets 4 handles (session,
    /// connect, request, websocket: the websocket lanes and their cancel-on-close need all
    /// four), one root and one callback running at once per object (two took the check
    /// from 14.5 to 30.7 million states once a WinHTTP receive could pend). WinINet, whose
    /// roots have four kinds of children, gets 3 handles and 2 roots (so that a value can
    /// be reissued to a new root while the old one lives), queues of two per lane (an
    /// operation waiting behind a started one, and its cancellation on close) and three
    /// callbacks running at once per object. Together: 14,534,321 unique states over the
    /// seven default presets.
    pub const fn default_for(family: Family) -> Bounds {
        let (handles, roots, queue, callbacks) = match family {
            Family::WinHttp => (4, 1, 1, 1),
            Family::WinInet => (3, 2, 2, 3),
        };
        Bounds {
            handles,
            depth: 4,
            roots,
            queue,
            callbacks,
            apis: ApiSet::Representative,
            sync_roots: true,
        }
    }

    /// Small bounds for `family`: the pinned checks of `proofs/` and mutant hunting.
    pub const fn small_for(family: Family) -> Bounds {
        let handles = match family {
            Family::WinHttp => 4,
            Family::WinInet => 3,
        };
        Bounds {
            handles,
            depth: 4,
            roots: 1,
            queue: 1,
            callbacks: 1,
            apis: ApiSet::Representative,
            sync_roots: false,
        }
    }

    /// The `--deep` preset (not run in CI, use DFS): 5 handles, 2 roots, queues of 2,
    /// every function of the family. Aims at 50,000,000 unique states or more per family
    /// (WinINet at 4 handles and one root alone has 8.9 million).
    pub const fn deep_for(_family: Family) -> Bounds {
        Bounds {
            handles: 5,
            depth: 4,
            roots: 2,
            queue: 2,
            callbacks: 2,
            apis: ApiSet::All,
            sync_roots: true,
        }
    }
}

/// Bits of [`State::reached`]: what the step that produced a state did. Only the last
/// step's bits are kept, so they split few states (a sticky flag would double them).
pub mod reached {
    /// A close accepted while the closed object had an operation pending.
    pub const CLOSE_WHILE_PENDING: u8 = 1 << 0;
    /// A close accepted while the closed object still had live children.
    pub const PARENT_CLOSED_WITH_LIVE_CHILDREN: u8 = 1 << 1;
    /// A value reissued while the object that had it before still lives.
    pub const VALUE_REISSUED_WHILE_OLD_LIVES: u8 = 1 << 2;
    /// A value reissued after the object that had it before was destroyed.
    pub const VALUE_REISSUED: u8 = 1 << 3;
    /// A close accepted while a callback of the closed object was running.
    pub const CLOSE_INSIDE_CALLBACK: u8 = 1 << 4;
    /// A `HANDLE_CLOSING` followed, in the same step, by its parent's.
    pub const CLOSING_CASCADE: u8 = 1 << 5;
    /// A call on a stale (closed, not reissued) value was rejected.
    pub const STALE_VALUE_REJECTED: u8 = 1 << 6;
    /// A late completion of a cancelled or finished operation was answered stale while
    /// another operation was pending in the same lane (law 13).
    pub const LATE_COMPLETION_WITH_LANE_BUSY: u8 = 1 << 7;
}

/// How many cancelled or finished operations the environment remembers, for their late
/// completions (law 13): the most recent ones.
pub const LATE_MEMORY: usize = 1;

/// For how many further steps a cancelled or finished operation is remembered: its late
/// completion may come in the step after the one that retired it, or in the next one
/// (time for the application to start another operation in the same lane first).
/// Remembering longer multiplies the states without reaching a new situation.
pub const LATE_STEPS: u8 = 1;

/// An operation that was cancelled or finished, whose completion the executor may still
/// report late.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Retired {
    /// Its object.
    pub object: ObjectId,
    /// Its id.
    pub op: OpId,
    /// Its function (the late completion has the shape this function reports).
    pub api: Api,
    /// Steps since it was retired (at most [`LATE_STEPS`]).
    pub age: u8,
}

/// One state of the model, in its rich (working) form: the real machine plus a bounded
/// observer. The checker stores each state packed ([`crate::packed::Packed`]) and works on
/// this form; [`HinternetModel`] itself runs on it too (replay, random walks, tests).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct State {
    /// The real machine of `hinternet-core`.
    pub machine: Machine,
    /// The core's law monitor, fed every input, reply and output.
    pub monitor: LawMonitor,
    /// Handles created so far (bounded by [`Bounds::handles`]).
    pub created: u8,
    /// Roots opened so far (bounded by [`Bounds::roots`]).
    pub roots: u8,
    /// The [`reached`] bits of the step that produced this state.
    pub reached: u8,
    /// The most recently cancelled or finished operations (at most [`LATE_MEMORY`],
    /// newest first) whose late completion has not been reported yet.
    pub late: Vec<Retired>,
    /// The first law or invariant broken on the path to this state (a terminal state).
    pub violation: Option<Violation>,
}

/// Field by field; [`Clone::clone_from`] reuses the tables' buffers (the checker refills one
/// working state per successor).
impl Clone for State {
    fn clone(&self) -> Self {
        State {
            machine: self.machine.clone(),
            monitor: self.monitor.clone(),
            created: self.created,
            roots: self.roots,
            reached: self.reached,
            late: self.late.clone(),
            violation: self.violation.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.machine.clone_from(&source.machine);
        self.monitor.clone_from(&source.monitor);
        self.created = source.created;
        self.roots = source.roots;
        self.reached = source.reached;
        self.late.clone_from(&source.late);
        self.violation.clone_from(&source.violation);
    }
}

impl State {
    /// A fresh state around `machine`.
    pub fn new(machine: Machine) -> State {
        let monitor = LawMonitor::new(machine.policy());
        State {
            machine,
            monitor,
            created: 0,
            roots: 0,
            reached: 0,
            late: Vec::new(),
            violation: None,
        }
    }

    /// The bytes one copy of this rich form takes: its inline size, and the heap
    /// buffers behind it (the machine's and the monitor's tables, spilled child lists and
    /// lane queues, the late-operation memory, a violation's message), by capacity.
    pub fn rich_bytes(&self) -> (usize, usize) {
        let mut heap = self.machine.heap_bytes() + self.monitor.heap_bytes();
        heap += self.late.capacity() * size_of::<Retired>();
        if let Some(v) = &self.violation {
            heap += v.message.capacity();
        }
        (size_of::<State>(), heap)
    }
}

/// One model: a policy, its bounds and optionally a planted bug.
#[derive(Clone, Debug)]
pub struct HinternetModel {
    /// A label for reports (the preset's name and knobs).
    pub name: String,
    /// The machine's policy.
    pub policy: Policy,
    /// The bounds.
    pub bounds: Bounds,
    /// The planted bug, if any.
    #[cfg(feature = "mutants")]
    pub mutant: Option<Mutant>,
    /// Canonical object numbering (on by default): after every step the monitor forgets
    /// finished objects nothing can ask about again and object ids are renumbered onto
    /// `0..n` in creation order (`canonical_object_ids`). Off only to check that the
    /// reduction is sound (the reduced and unreduced checks must agree).
    pub canonical_objects: bool,
    /// Value symmetry reduction (on by default; it applies only where the policy's reuse
    /// order makes values interchangeable): after every step, handle values are renumbered
    /// to the state's representative ([`crate::symmetry`]).
    pub value_symmetry: ValueSymmetry,
}

/// The names of the `always` properties, index = law number (0 = structural invariants).
pub const LAW_PROPERTIES: [&str; 14] = [
    "invariants: the machine's structure is consistent",
    "law 1: HANDLE_CLOSING exactly once, once nothing holds the object",
    "law 2: nothing is emitted after HANDLE_CLOSING",
    "law 3: every accepted operation completes once, before HANDLE_CLOSING",
    "law 4: a closed value is invalid unless reissued",
    "law 5: parent close cascades or keeps children, per policy",
    "law 6: a child's HANDLE_CLOSING precedes its parent's",
    "law 7: no value is reissued while reserved",
    "law 8: a rejected call changes nothing; wrong kind gives the family's code",
    "law 9: HANDLE_CLOSING caused inside a callback comes after it returns",
    "law 10: one object's notifications arrive in emission order",
    "law 11: every handle closed and quiescent means an empty table",
    "law 12: progress notifications in protocol order",
    "law 13: a late completion changes nothing and completes no other operation",
];

/// `sometimes`: close while an operation is pending.
pub const SOMETIMES_CLOSE_PENDING: &str = "close while an operation is pending";
/// `sometimes`: a parent closed with live children.
pub const SOMETIMES_PARENT_CLOSED: &str = "a parent closed with live children";
/// `sometimes`: a value reissued while its old object lives.
pub const SOMETIMES_REISSUED_LIVE: &str = "a value reissued while the old object lives";
/// `sometimes`: a value reissued after its old object died (policies that reserve values).
pub const SOMETIMES_REISSUED: &str = "a value reissued after its old object died";
/// `sometimes`: a stale value rejected (policies that never reissue a value).
pub const SOMETIMES_STALE: &str = "a call on a stale value is rejected";
/// `sometimes`: close inside a callback.
pub const SOMETIMES_CLOSE_IN_CALLBACK: &str = "close inside a callback";
/// `sometimes`: a `HANDLE_CLOSING` cascade.
pub const SOMETIMES_CASCADE: &str = "a HANDLE_CLOSING cascade (child, then parent)";
/// `sometimes`: a late completion arrives while another operation waits in its lane.
pub const SOMETIMES_LATE_COMPLETION: &str =
    "a late completion arrives while another operation is pending in its lane";

/// What one property asks of a state. It reads only the state's violation and
/// [`reached`] bits, which the packed form keeps unpacked, so the checker evaluates it
/// without decoding a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropertyCheck {
    /// `always`: no violation of this law (0 = the structural invariants).
    Law(u8),
    /// `sometimes`: the step into the state set this [`reached`] bit.
    Reached(u8),
}

impl PropertyCheck {
    /// True when a state with `violation` and `reached` bits satisfies the check.
    pub fn holds(self, violation: Option<&Violation>, reached: u8) -> bool {
        match self {
            PropertyCheck::Law(law) => !matches!(violation, Some(v) if v.law == law),
            PropertyCheck::Reached(bit) => reached & bit != 0,
        }
    }
}

/// One property of the model: its expectation, name and check.
pub type PropertySpec = (Expectation, &'static str, PropertyCheck);

fn law_holds<const LAW: u8>(_: &HinternetModel, s: &State) -> bool {
    PropertyCheck::Law(LAW).holds(s.violation.as_ref(), s.reached)
}

fn reached_bit<const BIT: u8>(_: &HinternetModel, s: &State) -> bool {
    PropertyCheck::Reached(BIT).holds(s.violation.as_ref(), s.reached)
}

/// `law_holds::<N>` for law N (stateright wants plain function pointers).
const LAW_CONDITIONS: [fn(&HinternetModel, &State) -> bool; 14] = [
    law_holds::<0>,
    law_holds::<1>,
    law_holds::<2>,
    law_holds::<3>,
    law_holds::<4>,
    law_holds::<5>,
    law_holds::<6>,
    law_holds::<7>,
    law_holds::<8>,
    law_holds::<9>,
    law_holds::<10>,
    law_holds::<11>,
    law_holds::<12>,
    law_holds::<13>,
];

/// `reached_bit::<BIT>` for each [`reached`] bit, index = bit position.
const REACHED_CONDITIONS: [fn(&HinternetModel, &State) -> bool; 8] = [
    reached_bit::<{ 1 << 0 }>,
    reached_bit::<{ 1 << 1 }>,
    reached_bit::<{ 1 << 2 }>,
    reached_bit::<{ 1 << 3 }>,
    reached_bit::<{ 1 << 4 }>,
    reached_bit::<{ 1 << 5 }>,
    reached_bit::<{ 1 << 6 }>,
    reached_bit::<{ 1 << 7 }>,
];

/// The hierarchy level of a kind: 1 for roots, 1 + its source's level otherwise.
pub fn level(kind: HandleKind) -> u8 {
    let source = HIERARCHY
        .iter()
        .find(|r| r.child == kind)
        .and_then(|r| r.source.first().copied());
    match source {
        Some(src) if src != kind => 1 + level(src),
        _ => 1,
    }
}

/// The error the environment reports for a failed I/O.
fn io_error(family: Family) -> u32 {
    match family {
        Family::WinHttp => windows_sys::Win32::Networking::WinHttp::ERROR_WINHTTP_TIMEOUT,
        Family::WinInet => windows_sys::Win32::Networking::WinInet::ERROR_INTERNET_TIMEOUT,
    }
}

/// The lane an operation of `api` waits in.
fn api_lane(api: Option<Api>) -> Option<Lane> {
    api.and_then(Api::op_spec).map(|s| s.lane)
}

/// Symmetry reduction (law 13's operation ids would otherwise make every path's count
/// of accepted operations part of the state, and the space infinite: a request can be
/// re-sent forever): renumber the ids the remembered late operations, the monitor and
/// the machine hold to `0..n`, in that order (each by its structure: recency, then
/// object and lane, then object, lane and queue position), and `next_op` to `n`. The
/// machine only compares ids for equality and with `next_op`, so the renamed state
/// behaves the same, and two states that differ only in numbering become one. Returns
/// the ids that moved.
fn canonical_op_ids(state: &mut State) -> Vec<(OpId, OpId)> {
    let mut keep: SmallVec<[OpId; 16]> = state.late.iter().map(|r| r.op).collect();
    keep.extend(state.monitor.op_ids());
    let renamed = state.machine.compact_op_ids(&keep);
    if renamed.is_empty() {
        return renamed; // already canonical
    }
    state.monitor.rename_ops(&renamed);
    for r in &mut state.late {
        if let Some(&(_, new)) = renamed.iter().find(|(old, _)| *old == r.op) {
            r.op = new;
        }
    }
    renamed
}

/// Canonical object numbering (a sound reduction): the monitor forgets the objects whose
/// story is over and that nothing can name again ([`LawMonitor::forget_finished`]), then
/// every object id the machine, the monitor and the remembered late operations name is
/// renumbered onto `0..n` in increasing (creation) order, and the machine's next id
/// becomes `n` ([`Machine::compact_object_ids`]). The renaming keeps the ids' order and
/// the machine uses ids only as names compared for equality and order, so the renamed
/// state behaves as the original one up to the renaming; states that differ only in how
/// many objects lived and died before become one. Returns the renaming.
fn canonical_object_ids(state: &mut State) -> ObjectRenaming {
    state.monitor.forget_finished();
    let mut keep: SmallVec<[ObjectId; 16]> = state.monitor.object_ids().collect();
    keep.extend(state.late.iter().map(|r| r.object));
    let renamed = state.machine.compact_object_ids(&keep);
    if renamed.is_empty() {
        return renamed; // already canonical
    }
    state.monitor.rename_objects(&renamed);
    for r in &mut state.late {
        r.object = renamed_object(&renamed, r.object);
    }
    renamed
}

/// The success the environment reports for an operation of `api`: status 200, 200 bytes,
/// a 200-byte binary frame, or done, in the shape its API reports.
fn success(api: Api) -> Completion {
    api.completion_fit()
        .map_or(Completion::Done, |fit| fit.success(200))
}

fn is_operation(api: Api) -> bool {
    matches!(api.rule().shape, Shape::Operation(_))
}

/// The functions of `family` an application calls: every [`Api`] except the internal
/// halves of creating functions (the pending part of an asynchronous `InternetOpenUrl` is
/// started by `Input::Create` only).
fn family_apis(family: Family) -> impl Iterator<Item = Api> {
    static APIS: OnceLock<[Vec<Api>; 2]> = OnceLock::new();
    let [http, inet] = APIS.get_or_init(|| {
        let of = |family: Family| -> Vec<Api> {
            Api::ALL
                .iter()
                .copied()
                .filter(|&a| a.family() == family && !creates_handle(a))
                .collect()
        };
        [of(Family::WinHttp), of(Family::WinInet)]
    });
    match family {
        Family::WinHttp => http.iter().copied(),
        Family::WinInet => inet.iter().copied(),
    }
}

/// True for the functions that create a handle (named like a [`CreateApi`]); computed
/// once, since matching names costs string comparisons on every step.
fn creates_handle(api: Api) -> bool {
    static CREATING: OnceLock<Vec<Api>> = OnceLock::new();
    CREATING
        .get_or_init(|| {
            Api::ALL
                .iter()
                .copied()
                .filter(|a| CreateApi::from_name(a.name()).is_some())
                .collect()
        })
        .contains(&api)
}

impl HinternetModel {
    /// A model of `policy` within `bounds`, labelled `name`.
    pub fn new(name: impl Into<String>, policy: Policy, bounds: Bounds) -> HinternetModel {
        HinternetModel {
            name: name.into(),
            policy,
            bounds,
            #[cfg(feature = "mutants")]
            mutant: None,
            canonical_objects: true,
            value_symmetry: ValueSymmetry::On,
        }
    }

    /// This model with canonical object numbering on or off (see
    /// [`HinternetModel::canonical_objects`]).
    pub fn with_canonical_objects(mut self, on: bool) -> HinternetModel {
        self.canonical_objects = on;
        if !on {
            self.name = format!("{} [unreduced]", self.name);
        }
        self
    }

    /// This model with a planted bug.
    #[cfg(feature = "mutants")]
    pub fn with_mutant(mut self, mutant: Mutant) -> HinternetModel {
        self.name = format!("{} [mutant {}]", self.name, mutant.name());
        self.mutant = Some(mutant);
        self
    }

    /// The initial machine.
    pub fn machine(&self) -> Machine {
        #[cfg(feature = "mutants")]
        if let Some(m) = self.mutant {
            return Machine::with_mutant(self.policy, m);
        }
        Machine::new(self.policy)
    }

    /// The family.
    pub fn family(&self) -> Family {
        self.policy.family
    }

    fn root_api(&self) -> CreateApi {
        match self.family() {
            Family::WinHttp => CreateApi::WinHttpOpen,
            Family::WinInet => CreateApi::InternetOpen,
        }
    }

    /// The context argument the model passes to a creating function: WinINet creators take
    /// one (non-zero, so that WinINet's context-0 filter does not hide everything);
    /// WinHTTP's inherit per policy.
    fn create_context(&self) -> Option<u64> {
        match self.family() {
            Family::WinHttp => None,
            Family::WinInet => Some(1),
        }
    }

    /// The operations called on a live handle of `kind`.
    fn calls_for(&self, kind: HandleKind, out: &mut SmallVec<[Api; 32]>) {
        let family = self.family();
        match self.bounds.apis {
            ApiSet::All => out.extend(family_apis(family).filter(|a| a.accepts(kind))),
            ApiSet::Representative => {
                // A WinHTTP request also receives its response: the response phase, and
                // the redirects that only a pending receive can get.
                if kind == HandleKind::WinHttpRequest {
                    out.push(Api::WinHttpReceiveResponse);
                }
                for lane in Lane::ALL {
                    if let Some(api) = family_apis(family)
                        .find(|a| a.accepts(kind) && a.op_spec().is_some_and(|s| s.lane == lane))
                    {
                        out.push(api);
                    }
                }
            }
        }
    }

    /// Environment protocol facts about `object` (the machine refuses those its state does
    /// not allow, and the model then drops them): the send at the head (or the re-send of
    /// a redirect or an authentication re-send at the head) connects, the
    /// head reaches its next wire step, the response at the head is redirected or re-sent for authentication, the peer closes an idle request's connection.
    /// (A websocket frame for the pending receive is that receive's completion.) With every function, also
    /// buffered data and the end of the body.
    fn protocol_events(
        &self,
        object: ObjectId,
        o: &Object,
        resend_pending: bool,
        out: &mut Vec<Input>,
    ) {
        let mut event = |event| out.push(Input::Protocol { object, event });
        if let Some(head) = o.queue(Lane::Main).front() {
            if matches!(
                head.api,
                Api::WinHttpSendRequest | Api::HttpSendRequest | Api::HttpSendRequestEx
            ) {
                event(ProtocolEvent::Connecting { resolve: true });
                if self.bounds.apis == ApiSet::All {
                    event(ProtocolEvent::Connecting { resolve: false });
                    event(ProtocolEvent::Resolving);
                }
            }
            if matches!(
                head.api,
                Api::WinHttpReceiveResponse | Api::HttpSendRequest | Api::HttpEndRequest
            ) {
                // WH-R30 / WH-R42: the re-send of a redirect or an authentication re-send
                // on a new connection (a WinINet send is offered it above).
                if head.api != Api::HttpSendRequest {
                    event(ProtocolEvent::Connecting { resolve: true });
                    if self.bounds.apis == ApiSet::All {
                        event(ProtocolEvent::Connecting { resolve: false });
                        event(ProtocolEvent::Resolving);
                    }
                }
                event(ProtocolEvent::Redirect);
                // WH-R42: an authentication re-send, the same re-send without REDIRECT. One
                // at a time: a re-send whose first status was not seen yet is still counted
                // by the law monitor, and unbounded re-sends would make that count (and the
                // state space) grow without bound.
                if !resend_pending {
                    event(ProtocolEvent::Resend);
                }
            }
            // The head's next wire step, reported as it happens (the machine refuses it
            // once every step was reported). With the representative functions only the
            // first step is reported live (the rest at the completion): the interplay of
            // live and completion progress at about 60% of the states of every step.
            let first = o.protocol().progressed == 0;
            if head.api.op_spec().is_some_and(|s| !s.progress.is_empty())
                && (first || self.bounds.apis == ApiSet::All)
            {
                event(ProtocolEvent::Progress { bytes: 1 });
            }
        }
        let kind = o.kind();
        let request = matches!(
            kind,
            HandleKind::WinHttpRequest | HandleKind::HttpRequest | HandleKind::UrlResource
        );
        if request && o.is_open() && o.pending_ops() == 0 && o.running_callbacks() == 0 {
            event(ProtocolEvent::ConnectionClosed);
        }
        if self.bounds.apis == ApiSet::All && request && o.is_open() {
            event(ProtocolEvent::DataBuffered(1));
            event(ProtocolEvent::EndOfData);
        }
    }

    /// The `always` and `sometimes` properties of this model's policy, as checks on a
    /// state's violation and [`reached`] bits.
    pub fn property_specs(&self) -> Vec<PropertySpec> {
        let mut specs: Vec<PropertySpec> = LAW_PROPERTIES
            .iter()
            .zip(0u8..)
            .map(|(&name, law)| (Expectation::Always, name, PropertyCheck::Law(law)))
            .collect();
        let sometimes = |name, bit| (Expectation::Sometimes, name, PropertyCheck::Reached(bit));
        specs.push(sometimes(
            SOMETIMES_CLOSE_PENDING,
            reached::CLOSE_WHILE_PENDING,
        ));
        specs.push(sometimes(
            SOMETIMES_PARENT_CLOSED,
            reached::PARENT_CLOSED_WITH_LIVE_CHILDREN,
        ));
        let reuses = !matches!(
            self.policy.value_reuse,
            ValueReuse::Monotonic | ValueReuse::Strict
        );
        specs.push(match (reuses, self.policy.value_release) {
            (true, ValueRelease::AtClose) => sometimes(
                SOMETIMES_REISSUED_LIVE,
                reached::VALUE_REISSUED_WHILE_OLD_LIVES,
            ),
            (true, ValueRelease::AtDestroy) => {
                sometimes(SOMETIMES_REISSUED, reached::VALUE_REISSUED)
            }
            (false, _) => sometimes(SOMETIMES_STALE, reached::STALE_VALUE_REJECTED),
        });
        specs.push(sometimes(
            SOMETIMES_CLOSE_IN_CALLBACK,
            reached::CLOSE_INSIDE_CALLBACK,
        ));
        specs.push(sometimes(SOMETIMES_CASCADE, reached::CLOSING_CASCADE));
        specs.push(sometimes(
            SOMETIMES_LATE_COMPLETION,
            reached::LATE_COMPLETION_WITH_LANE_BUSY,
        ));
        specs
    }

    /// The `always` and `sometimes` properties of this model's policy
    /// ([`HinternetModel::property_specs`] as stateright properties of the rich state).
    pub fn property_list(&self) -> Vec<Property<HinternetModel>> {
        self.property_specs()
            .into_iter()
            .map(|(expectation, name, check)| {
                let condition = match check {
                    PropertyCheck::Law(law) => LAW_CONDITIONS[usize::from(law)],
                    PropertyCheck::Reached(bit) => {
                        REACHED_CONDITIONS[bit.trailing_zeros() as usize]
                    }
                };
                Property {
                    expectation,
                    name,
                    condition,
                }
            })
            .collect()
    }

    /// Apply `input` to a copy of `last` exactly as the engine would: the input, the law-8
    /// check of a rejection, the law monitor, the one drain helper (callbacks left
    /// running), the structural invariants and the quiescent-state liveness check. A broken
    /// law ends in [`State::violation`]. With `trace`, every input, reply and output is
    /// recorded in the core's text trace format. Returns `None` when `input` is a protocol
    /// event the machine's state does not allow (the environment could not have made it).
    pub fn try_step(&self, last: &State, input: Input, trace: Option<&mut Trace>) -> Option<State> {
        let mut next = last.clone();
        if !self.step_into(last, &mut next, input, trace) {
            return None;
        }
        // The state is kept: it holds no idle output buffer.
        next.machine.release_output_buffer();
        Some(next)
    }

    /// [`HinternetModel::try_step`] into `next`, which must equal `last` on entry (a copy,
    /// e.g. refilled with [`Clone::clone_from`] so that its buffers are reused; the
    /// machine's drained output buffer is kept for the next step, so a caller that stores
    /// `next` itself calls [`Machine::release_output_buffer`]). Returns
    /// false, leaving `next` unspecified, when `input` is a protocol event the machine's
    /// state does not allow.
    pub fn step_into(
        &self,
        last: &State,
        next: &mut State,
        input: Input,
        mut trace: Option<&mut Trace>,
    ) -> bool {
        next.reached = 0;
        let violation = match self.apply(last, next, input, trace.as_deref_mut()) {
            Ok(()) => return true,
            Err(StepError::NotApplicable) => return false,
            Err(StepError::Drive(DriveError::Law(v))) => v,
            Err(StepError::Drive(DriveError::Input(e))) => Violation {
                law: 0,
                message: format!("the machine refused an event its own state offered: {e}"),
            },
        };
        if let Some(t) = trace {
            t.comment(&violation.to_string());
        }
        next.violation = Some(violation);
        true
    }

    /// True when the step from `last` to `next` changed nothing a successor depends on: a
    /// rejected call that broke nothing and reached nothing (the last step's reached bits
    /// and the ages of the remembered operations aside, which such a step does not change).
    /// The checker is then told "no change" instead of hashing a copy.
    pub fn unchanged(last: &State, next: &State) -> bool {
        let same_late = next.late.len() == last.late.len()
            && next
                .late
                .iter()
                .zip(&last.late)
                .all(|(n, l)| (n.object, n.op, n.api) == (l.object, l.op, l.api));
        next.violation.is_none()
            && next.reached == 0
            && next.machine == last.machine
            && next.monitor == last.monitor
            && same_late
    }

    /// [`HinternetModel::try_step`] for an action the model offered in `last`; a protocol
    /// event that does not apply leaves the state as it was.
    pub fn step(&self, last: &State, input: Input, trace: Option<&mut Trace>) -> State {
        self.try_step(last, input, trace)
            .unwrap_or_else(|| last.clone())
    }

    fn apply(
        &self,
        last: &State,
        next: &mut State,
        input: Input,
        mut trace: Option<&mut Trace>,
    ) -> Result<(), StepError> {
        let result = next.machine.handle_input(input);
        // The environment offers protocol events liberally; the machine decides whether
        // one can happen (an event it refuses changes nothing).
        if result.is_err() && matches!(input, Input::Protocol { .. }) {
            return Err(StepError::NotApplicable);
        }
        if let Some(t) = trace.as_deref_mut() {
            t.input(&input);
        }
        let reply = result?;
        if let Some(t) = trace.as_deref_mut() {
            t.reply(&reply);
        }
        // Law 8: a rejected call leaves the machine unchanged (the previous state is the
        // copy to compare with; no extra clone).
        let rejected_unchanged = reply.is_rejected() && next.machine == last.machine;
        if reply.is_rejected() && !rejected_unchanged {
            return Err(Violation {
                law: 8,
                message: format!("rejected {input:?} changed the machine's state"),
            }
            .into());
        }
        // Law 13: the late completion of a cancelled or finished operation is stale and
        // changes nothing (outputs included: nothing is drained from an unchanged machine).
        if let Input::Complete { object, op, .. } = input {
            if let Some(at) = next
                .late
                .iter()
                .position(|r| r.op == op && r.object == object)
            {
                next.late.remove(at);
                let stale = matches!(reply.outcome, Outcome::Stale { .. });
                if !stale || next.machine != last.machine {
                    return Err(Violation {
                        law: 13,
                        message: format!(
                            "the late completion of finished {op} of {object} was not benign: {reply:?}"
                        ),
                    }
                    .into());
                }
                let lane = api_lane(last.late.iter().find(|r| r.op == op).map(|r| r.api));
                let busy = lane.is_some_and(|lane| {
                    last.machine
                        .object(object)
                        .is_some_and(|o| !o.queue(lane).is_empty())
                });
                if busy {
                    next.reached |= reached::LATE_COMPLETION_WITH_LANE_BUSY;
                }
            }
        }
        next.monitor.on_input(&input, &reply)?;
        next.reached |= self.input_events(last, &input, &reply.outcome);
        if let Outcome::Created { parent: None, .. } = reply.outcome {
            next.roots = next.roots.saturating_add(1);
        }
        // A rejection that left the machine and the monitor as they were in `last` (about
        // 40% of the steps the checker takes; not while tracing, so that a trace is always
        // the full step's): the rest of the step is known without running it.
        // - The drain has nothing to deliver and nothing is created: `last` was drained
        //   when it was made (every state the model produces is).
        // - `check_invariants` and `on_quiescent` are functions of the machine and the
        //   monitor alone, which equal those of `last`: they held there, since a state with
        //   a violation has no successors, and the initial state's empty machine satisfies
        //   both. Every generated state is still covered by them.
        // - `remember_retired` retires nothing (no operation left a queue, none completed
        //   inside the rejected call) and only ages the late operations.
        // When, in addition, no reached bit is set and every late operation survives its
        // aging, the canonical renumberings see what they saw in `last` (which they made
        // canonical) and move nothing: `late_kept` ages the late operations and the step
        // is complete. Otherwise the late operations and the renumberings run as usual.
        let quiet = trace.is_none()
            && rejected_unchanged
            && next.violation.is_none()
            && next.monitor == last.monitor;
        if quiet && self.late_kept(last, next) {
            return Ok(());
        }
        if !quiet {
            let mut sink = Sink {
                monitor: &mut next.monitor,
                trace: trace.as_deref_mut(),
                family: self.family(),
                last: &last.machine,
                classes: SmallVec::new(),
                closed: SmallVec::new(),
                reached: 0,
            };
            drain_into(&mut next.machine, CallbackMode::LeaveRunning, &mut sink)?;
            next.reached |= sink.reached;
            // Handles created so far, however they were created (an asynchronous
            // `InternetOpenUrl` creates its handle when its operation completes): the machine
            // issues object ids from a counter, so the counter's growth in this step is the
            // number of objects this step created (the counter is renumbered between steps).
            let made = next
                .machine
                .next_object()
                .0
                .saturating_sub(last.machine.next_object().0);
            next.created = next
                .created
                .saturating_add(u8::try_from(made).unwrap_or(u8::MAX));
            check_invariants(&next.machine)?;
            next.monitor.on_quiescent(&next.machine)?;
        }
        self.remember_retired(last, next, &input, &reply.outcome);
        if self.canonical_objects {
            let renamed = canonical_object_ids(next);
            if let Some(t) = trace.as_deref_mut() {
                let moved: Vec<String> = renamed
                    .iter()
                    .filter(|(old, new)| old != new)
                    .map(|(old, new)| format!("{old}->{new}"))
                    .collect();
                if !moved.is_empty() {
                    t.comment(&format!("model renumbers objects: {}", moved.join(", ")));
                }
            }
        }
        self.canonical_values(next, trace.as_deref_mut());
        let renamed = canonical_op_ids(next);
        if let Some(t) = trace {
            let moved: Vec<String> = renamed
                .iter()
                .filter(|(old, new)| old != new)
                .map(|(old, new)| format!("{old}->{new}"))
                .collect();
            if !moved.is_empty() {
                t.comment(&format!(
                    "model renumbers operation ids: {}",
                    moved.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// For a rejection that changed neither machine nor monitor: true, with the late
    /// operations aged, when no [`reached`] bit is set and every late operation survives
    /// its aging (then nothing else of the step can change the state: see the comment at
    /// its call in `apply`); false, changing nothing, otherwise.
    fn late_kept(&self, last: &State, next: &mut State) -> bool {
        if next.reached != 0 || next.late.len() != last.late.len() {
            return false;
        }
        let machine = &next.machine;
        let survive = next.late.iter().all(|r| {
            let age = r.age.saturating_add(1);
            age <= LATE_STEPS
                && api_lane(Some(r.api)).is_some_and(|lane| {
                    machine
                        .object(r.object)
                        .is_some_and(|o| !o.queue(lane).is_empty())
                })
        });
        if !survive {
            return false;
        }
        for r in &mut next.late {
            r.age = r.age.saturating_add(1);
        }
        true
    }

    /// Remember the operations this step cancelled or finished (newest first, at most
    /// [`LATE_MEMORY`]): those queued before and not after, and one completed inside its
    /// call.
    fn remember_retired(&self, last: &State, next: &mut State, input: &Input, outcome: &Outcome) {
        let mut retired: SmallVec<[Retired; 8]> = SmallVec::new();
        // Only an operation queued before can have been cancelled or finished (most steps
        // start with none queued: then nothing is listed).
        // One pass over the objects that had some, with the ids still queued after the
        // step listed once (only when there is something to compare them with).
        let mut still: Option<SmallVec<[OpId; 16]>> = None;
        for (object, o) in last.machine.objects() {
            if o.pending_ops() == 0 {
                continue;
            }
            let still = still.get_or_insert_with(|| {
                let mut ids = SmallVec::new();
                for (_, o) in next.machine.objects() {
                    ids.extend(o.queues().ops().map(|p| p.id));
                }
                ids
            });
            for p in o.queues().ops() {
                if !still.contains(&p.id) {
                    retired.push(Retired {
                        object,
                        op: p.id,
                        api: p.api,
                        age: 0,
                    });
                }
            }
        }
        if let (Input::Call { api, .. }, &Outcome::CompletedInline { object, op }) =
            (input, outcome)
        {
            retired.push(Retired {
                object,
                op,
                api: *api,
                age: 0,
            });
        }
        for r in &mut next.late {
            r.age = r.age.saturating_add(1);
        }
        // After the first step, keep only what can still meet another operation of its
        // object's lane (the situation law 13 is about): a late completion of an
        // operation whose object is idle or gone is stale even for a machine that
        // completes by lane head, and remembering it only multiplies states.
        let machine = &next.machine;
        next.late.retain(|r| {
            let busy = || {
                api_lane(Some(r.api)).is_some_and(|lane| {
                    machine
                        .object(r.object)
                        .is_some_and(|o| !o.queue(lane).is_empty())
                })
            };
            r.age <= LATE_STEPS && (r.age == 0 || busy())
        });
        retired.sort_by_key(|r| core::cmp::Reverse(r.op));
        for r in retired.into_iter().rev() {
            if next.machine.object(r.object).is_none() {
                // Destroyed: nothing can start in its lanes any more.
                continue;
            }
            next.late.retain(|l| l.op != r.op);
            next.late.insert(0, r);
        }
        next.late.truncate(LATE_MEMORY);
    }

    /// The [`reached`] bits an input sets, judged on the state before it.
    fn input_events(&self, last: &State, input: &Input, outcome: &Outcome) -> u8 {
        let m = &last.machine;
        let mut bits = 0;
        match (*input, outcome) {
            (Input::Close { handle }, Outcome::Closed { .. }) => {
                if let Some(o) = m.resolve(handle).and_then(|id| m.object(id)) {
                    if o.pending_ops() > 0 {
                        bits |= reached::CLOSE_WHILE_PENDING;
                    }
                    if o.children() > 0 {
                        bits |= reached::PARENT_CLOSED_WITH_LIVE_CHILDREN;
                    }
                    if o.running_callbacks() > 0 {
                        bits |= reached::CLOSE_INSIDE_CALLBACK;
                    }
                }
            }
            (_, &Outcome::Created { value, .. }) => {
                if m.objects().any(|(_, o)| o.value() == value) {
                    bits |= reached::VALUE_REISSUED_WHILE_OLD_LIVES;
                } else if last.monitor.issued_values().any(|v| v == value) {
                    bits |= reached::VALUE_REISSUED;
                }
            }
            (
                Input::Close { handle } | Input::Call { handle, .. },
                Outcome::Rejected(hinternet_core::ApiError::InvalidHandle(_)),
            ) if last.monitor.issued_values().any(|v| v == handle) => {
                bits |= reached::STALE_VALUE_REJECTED;
            }
            _ => {}
        }
        bits
    }
}

/// Why a step produced no ordinary next state.
enum StepError {
    /// A protocol event the machine's state does not allow.
    NotApplicable,
    /// A broken law, or an event the machine refused.
    Drive(DriveError),
}

impl<E: Into<DriveError>> From<E> for StepError {
    fn from(e: E) -> Self {
        StepError::Drive(e.into())
    }
}

/// The drain's sink: feeds the monitor, records the trace, checks law 10's order and notes
/// `HANDLE_CLOSING` cascades.
struct Sink<'a> {
    monitor: &'a mut LawMonitor,
    trace: Option<&'a mut Trace>,
    family: Family,
    /// The machine before the step (parents of objects destroyed in it).
    last: &'a Machine,
    /// Per object, the class of its last notification in this drain (law 10).
    classes: SmallVec<[(ObjectId, u8); 8]>,
    /// Objects whose `HANDLE_CLOSING` came in this drain.
    closed: SmallVec<[ObjectId; 8]>,
    reached: u8,
}

impl Sink<'_> {
    /// The place of a notification in the order one step emits them for one object:
    /// creation and progress, then completions, then `HANDLE_CLOSING`.
    fn class(&self, status: u32) -> u8 {
        if status == handle_closing(self.family) {
            3
        } else if is_completion(self.family, status) {
            2
        } else if status == handle_created(self.family) {
            0
        } else {
            1
        }
    }
}

impl OutputSink for Sink<'_> {
    type Error = DriveError;

    fn output(&mut self, _machine: &mut Machine, output: &Output) -> Result<(), DriveError> {
        if let Some(t) = self.trace.as_deref_mut() {
            t.output(self.family, output);
        }
        if let Output::Notify(n) = output {
            // Law 10 (order part): within one step, an object's notifications come in the
            // order the machine emits them — progress, then its completion, then
            // HANDLE_CLOSING. Concurrency of callbacks is the engine's (loom-checked).
            let class = self.class(n.status);
            match self.classes.iter_mut().find(|(id, _)| *id == n.object) {
                Some((_, previous)) if class < *previous => {
                    return Err(Violation {
                        law: 10,
                        message: format!(
                            "notification {:#x} on {} delivered after a later-stage one in the same step",
                            n.status, n.object
                        ),
                    }
                    .into());
                }
                Some((_, previous)) => *previous = class,
                None => self.classes.push((n.object, class)),
            }
            if n.status == handle_closing(self.family) {
                let last = self.last;
                if self
                    .closed
                    .iter()
                    .any(|c| last.object(*c).and_then(Object::parent) == Some(n.object))
                {
                    self.reached |= reached::CLOSING_CASCADE;
                }
                self.closed.push(n.object);
            }
        }
        self.monitor.on_output(output)?;
        Ok(())
    }
}

impl Model for HinternetModel {
    type State = State;
    type Action = Input;

    fn init_states(&self) -> Vec<State> {
        vec![State::new(self.machine())]
    }

    fn actions(&self, s: &State, out: &mut Vec<Input>) {
        if s.violation.is_some() {
            return;
        }
        let m = &s.machine;
        let family = self.family();
        let b = &self.bounds;
        // Environment: I/O completions (success or error) of every started operation (the
        // head of each lane), callback returns.
        for (object, o) in m.objects() {
            for lane in Lane::ALL {
                if let Some(head) = o.queue(lane).front() {
                    for completion in [success(head.api), Completion::Error(io_error(family))] {
                        out.push(Input::Complete {
                            object,
                            op: head.id,
                            completion,
                        });
                    }
                }
            }
            if o.running_callbacks() > 0 {
                out.push(Input::CallbackReturned { object });
            }
            let resend_pending = s.monitor.pending_resends(object) > 0;
            self.protocol_events(object, o, resend_pending, out);
        }
        // Environment: the late completion of a cancelled or finished operation (law 13).
        for r in &s.late {
            out.push(Input::Complete {
                object: r.object,
                op: r.op,
                completion: success(r.api),
            });
        }
        // The HANDLE_CLOSING callbacks of destroyed objects that keep their value reserved
        // until they return (WinINet, law 7).
        for (object, _) in m.lingering() {
            out.push(Input::CallbackReturned { object });
        }
        // Handles created, plus creations still pending (an asynchronous
        // `InternetOpenUrl` queues an operation that creates its handle on completion).
        let pending_creations = m
            .objects()
            .flat_map(|(_, o)| Lane::ALL.into_iter().flat_map(move |l| o.queue(l).iter()))
            .filter(|op| creates_handle(op.api))
            .count();
        let can_create = usize::from(s.created) + pending_creations < usize::from(b.handles);
        if can_create && s.roots < b.roots {
            out.push(Input::Open {
                api: self.root_api(),
                async_mode: true,
            });
            if b.sync_roots {
                out.push(Input::Open {
                    api: self.root_api(),
                    async_mode: false,
                });
            }
        }
        let mut apis = SmallVec::<[Api; 32]>::new();
        for (_, o) in m.objects().filter(|(_, o)| o.is_open()) {
            let (handle, kind) = (o.value(), o.kind());
            if can_create {
                for rule in HIERARCHY.iter().filter(|r| r.source.contains(&kind)) {
                    if level(rule.child) <= b.depth {
                        out.push(Input::Create {
                            api: rule.api,
                            source: handle,
                            context: self.create_context(),
                        });
                    }
                }
                if b.apis == ApiSet::All {
                    if let Some(rule) = HIERARCHY.iter().find(|r| {
                        r.child.family() == family
                            && !r.source.is_empty()
                            && !r.source.contains(&kind)
                    }) {
                        out.push(Input::Create {
                            api: rule.api,
                            source: handle,
                            context: self.create_context(),
                        });
                    }
                }
            }
            apis.clear();
            self.calls_for(kind, &mut apis);
            for &api in &apis {
                let full = api
                    .op_spec()
                    .is_some_and(|spec| o.queue(spec.lane).len() >= usize::from(b.queue));
                if !full {
                    out.push(Input::Call {
                        api,
                        handle,
                        arg: CallArg::None,
                    });
                    // WH-R21: a send whose body is still to be written ends at
                    // REQUEST_SENT, so the receive after it runs on its own (and can be
                    // redirected or re-sent, WH-R28, WH-R42) instead of finishing inside
                    // the call with the reply the send read.
                    if api == Api::WinHttpSendRequest {
                        out.push(Input::Call {
                            api,
                            handle,
                            arg: CallArg::BodyToWrite,
                        });
                    }
                }
            }
            // One wrong-kind call (law 8's code check).
            if let Some(api) = family_apis(family).find(|a| !a.accepts(kind)) {
                out.push(Input::Call {
                    api,
                    handle,
                    arg: CallArg::None,
                });
            }
            // Representative mode sets the callback on roots only (children inherit it at
            // creation) and the context only where it matters to delivery (WinINet roots:
            // the context-0 filter); every other combination multiplies states without
            // reaching new lifecycle behaviour.
            let root = o.parent().is_none() && level(kind) == 1;
            match (o.callback(), b.apis) {
                (None, ApiSet::All) => out.push(Input::SetStatusCallback {
                    handle,
                    callback: Some(CallbackId(1)),
                    mask: u32::MAX,
                }),
                (None, ApiSet::Representative) if root => out.push(Input::SetStatusCallback {
                    handle,
                    callback: Some(CallbackId(1)),
                    mask: u32::MAX,
                }),
                (Some(_), ApiSet::All) => out.push(Input::SetStatusCallback {
                    handle,
                    callback: None,
                    mask: 0,
                }),
                _ => {}
            }
            match (o.context(), b.apis) {
                (0, ApiSet::All) => out.push(Input::SetContext { handle, context: 1 }),
                (0, ApiSet::Representative) if root && self.policy.drop_zero_context => {
                    out.push(Input::SetContext { handle, context: 1 })
                }
                (_, ApiSet::All) => out.push(Input::SetContext { handle, context: 0 }),
                _ => {}
            }
            out.push(Input::Close { handle });
        }
        // Stale values: closed and not reissued (laws 4 and 5).
        let stale_api = family_apis(family)
            .find(|a| !is_operation(*a) && a.rule().returns == ReturnStyle::Bool)
            .or_else(|| family_apis(family).next());
        for handle in s.monitor.issued_values() {
            if m.resolve(handle).is_none() {
                out.push(Input::Close { handle });
                if let Some(api) = stale_api {
                    out.push(Input::Call {
                        api,
                        handle,
                        arg: CallArg::None,
                    });
                }
            }
        }
    }

    fn next_state(&self, last: &State, action: Input) -> Option<State> {
        let next = self.try_step(last, action, None)?;
        (!HinternetModel::unchanged(last, &next)).then_some(next)
    }

    fn format_action(&self, action: &Input) -> String {
        hinternet_core::format_input(action)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        self.property_list()
    }

    fn within_boundary(&self, s: &State) -> bool {
        let limit = u16::from(self.bounds.callbacks);
        s.machine
            .objects()
            .all(|(_, o)| o.running_callbacks() <= limit)
    }
}

/// Replay `actions` from the initial state, recording the text trace. Returns the trace
/// and the violation the path ends in, if any.
pub fn replay(model: &HinternetModel, actions: &[Input]) -> (Trace, Option<Violation>) {
    let mut trace = Trace::new();
    let mut state = State::new(model.machine());
    for &action in actions {
        state = model.step(&state, action, Some(&mut trace));
        if state.violation.is_some() {
            break;
        }
    }
    (trace, state.violation)
}
