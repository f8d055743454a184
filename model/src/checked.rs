//! The model as the checker and the explorer run it: [`CheckedModel`] wraps a
//! [`HinternetModel`] with a stop switch (so a run can be ended cleanly from outside, by a
//! timeout or the memory guard) and with explorer output in the core's trace notation.
//!
//! Owns: [`CheckedModel`] (whose states are [`Packed`]: stored as canonical bytes, shown
//! in the trace notation, see [`format_state`]) and [`StopSwitch`].
//!
//! Invariants:
//! - The wrapper changes nothing the checker decides on while the switch is off: the same
//!   initial states, actions, successors, boundary and properties (in the same order), and
//!   [`Packed`] states are equal exactly when the rich [`State`]s they pack are, so the
//!   state counts are those of the plain model (its fingerprints differ: they hash the
//!   bytes).
//! - Once the switch is on, every state still popped by the checker is checked against
//!   every property, but gets no successors: the checker drains its queue and stops. If
//!   that may have withheld a successor (any state without a violation), then
//!   [`StopSwitch::cut`] says so and the run is incomplete.
//!   The switch is released once the checker's threads have ended (before its paths are
//!   rebuilt, which asks the model for actions again).

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use hinternet_core::{format_input, Lane, SlotState, Trace};
use stateright::{Model, Path, Property};

use crate::model::{HinternetModel, PropertySpec, State};
use crate::packed::{with_scratch, Packed};

/// Turns a running check off from another thread.
#[derive(Debug, Default)]
pub struct StopSwitch {
    stop: AtomicBool,
    cut: AtomicBool,
}

impl StopSwitch {
    /// Ask the checker to stop expanding states.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Turn the switch back off once every checker thread has ended: the checker rebuilds
    /// its discoveries' paths by asking the model for actions again, and must get the real
    /// ones. [`StopSwitch::cut`] stays as it was.
    pub fn release(&self) {
        self.stop.store(false, Ordering::Relaxed);
    }

    /// Record that a stop withheld the successors of a state (see [`StopSwitch::cut`]).
    pub fn mark_cut(&self) {
        self.cut.store(true, Ordering::Relaxed);
    }

    /// True while [`StopSwitch::stop`] is in force.
    pub fn is_stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// True when the stop may have withheld the successors of a state (it met one without
    /// a violation): the bounded space may not have been exhausted.
    pub fn cut(&self) -> bool {
        self.cut.load(Ordering::Relaxed)
    }
}

/// The wrapped model (see the module docs).
#[derive(Clone)]
pub struct CheckedModel {
    /// The plain model.
    pub model: HinternetModel,
    /// The plain model's properties, in order (forwarded by index: stateright wants plain
    /// function pointers, so each index has its own forwarding function).
    conditions: Arc<Vec<PropertySpec>>,
    /// The stop switch of the run.
    pub switch: Arc<StopSwitch>,
}

impl fmt::Debug for CheckedModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckedModel")
            .field("model", &self.model)
            .field("switch", &self.switch)
            .finish_non_exhaustive()
    }
}

/// How many properties the wrapper can forward (the model has 20).
const MAX_PROPERTIES: usize = 32;

fn forward<const I: usize>(m: &CheckedModel, s: &Packed) -> bool {
    // `conditions.len() <= MAX_PROPERTIES` is checked in `CheckedModel::new`, and
    // `properties` only hands out forwarders for indices below `conditions.len()`.
    m.conditions[I].2.holds(s.violation(), s.reached())
}

macro_rules! forwarders {
    ($($i:literal)*) => { [$(forward::<$i> as fn(&CheckedModel, &Packed) -> bool),*] };
}

const FORWARDERS: [fn(&CheckedModel, &Packed) -> bool; MAX_PROPERTIES] = forwarders!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);

impl CheckedModel {
    /// Wrap `model` with a fresh stop switch.
    ///
    /// Panics if the model has more than 32 properties (a programming error in this crate,
    /// caught by its tests: the model has 20).
    pub fn new(model: HinternetModel) -> CheckedModel {
        let conditions = model.property_specs();
        assert!(
            conditions.len() <= MAX_PROPERTIES,
            "the model has {} properties; raise MAX_PROPERTIES",
            conditions.len()
        );
        CheckedModel {
            model,
            conditions: Arc::new(conditions),
            switch: Arc::new(StopSwitch::default()),
        }
    }

    /// The step from `last` by `action` in trace notation (inputs, replies, outputs and
    /// comments), or `None` when the model does not take it.
    pub fn step_trace(&self, last: &State, action: hinternet_core::Input) -> Option<String> {
        let mut trace = Trace::new();
        self.model.try_step(last, action, Some(&mut trace))?;
        Some(trace.to_string())
    }
}

impl Model for CheckedModel {
    type State = Packed;
    type Action = hinternet_core::Input;

    fn init_states(&self) -> Vec<Packed> {
        self.model
            .init_states()
            .iter()
            .map(|s| Packed::pack(&self.model, s))
            .collect()
    }

    fn actions(&self, s: &Packed, out: &mut Vec<hinternet_core::Input>) {
        if self.switch.is_stopped() {
            // Draining: do not even compute the successors (a large breadth-first frontier
            // would take seconds). A state without a violation may have had some, so the
            // run counts as cut (conservatively: a state with none at all also counts).
            if s.violation().is_none() {
                self.switch.cut.store(true, Ordering::Relaxed);
            }
            return;
        }
        if s.violation().is_some() {
            return; // a terminal state (as the plain model's `actions` says), not decoded
        }
        with_scratch(&self.model, |scratch| {
            self.model.actions(scratch.parent(s), out);
        });
    }

    fn next_state(&self, last: &Packed, action: hinternet_core::Input) -> Option<Packed> {
        with_scratch(&self.model, |scratch| {
            scratch.next(&self.model, last, action)
        })
    }

    fn format_action(&self, action: &hinternet_core::Input) -> String {
        format_input(action)
    }

    fn format_step(&self, last: &Packed, action: hinternet_core::Input) -> Option<String> {
        let last = last.unpack();
        let next = self.model.next_state(&last, action)?;
        let steps = self.step_trace(&last, action).unwrap_or_default();
        Some(format!(
            "model {}\n{steps}\n{}",
            self.model.name,
            format_state(&next)
        ))
    }

    fn as_svg(&self, path: Path<Packed, hinternet_core::Input>) -> Option<String> {
        // The explorer shows this above the state: the model's name and bounds, and the
        // path's length.
        let b = &self.model.bounds;
        let title = format!(
            "model {} (handles {}, depth {}, roots {}, queue {}, callbacks {}, {:?} APIs), {} actions",
            self.model.name,
            b.handles,
            b.depth,
            b.roots,
            b.queue,
            b.callbacks,
            b.apis,
            path.into_actions().len()
        );
        let escaped = title
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        Some(format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"24\">\
             <text x=\"4\" y=\"16\" font-family=\"monospace\" font-size=\"13\" fill=\"currentColor\">{escaped}</text></svg>"
        ))
    }

    fn properties(&self) -> Vec<Property<Self>> {
        self.conditions
            .iter()
            .zip(FORWARDERS)
            .map(|((expectation, name, _), condition)| Property {
                expectation: expectation.clone(),
                name,
                condition,
            })
            .collect()
    }

    fn within_boundary(&self, s: &Packed) -> bool {
        s.in_bounds()
    }
}

/// A model state in the core's trace notation: one line per object (`#1 connect h=2
/// parent=#0 …`, then its queued operations as `main op0 WinHttpReadData`), the handle
/// table, the values the monitor has issued, the remembered late operations, the
/// counters and the violation the path ends in.
pub fn format_state(s: &State) -> String {
    let mut out = String::new();
    let m = &s.machine;
    for (id, o) in m.objects() {
        let _ = write!(out, "{id} {} h={}", o.kind(), o.value());
        if let Some(p) = o.parent() {
            let _ = write!(out, " parent={p}");
        }
        out.push_str(if o.is_open() { " open" } else { " closed" });
        out.push_str(if o.is_async() { " async" } else { " sync" });
        let _ = write!(out, " ctx={:#x}", o.context());
        match o.callback() {
            Some(cb) => {
                let _ = write!(out, " cb={} mask={:#x}", cb.0, o.mask());
            }
            None => out.push_str(" cb=null"),
        }
        let _ = write!(
            out,
            " children={} holds={} callbacks-running={}",
            o.children(),
            o.holds(),
            o.running_callbacks()
        );
        let proto = o.protocol();
        let _ = write!(out, " phase={}", proto.phase.name());
        if proto.flags != 0 {
            let _ = write!(out, " flags={:#x}", proto.flags);
        }
        if proto.avail != 0 {
            let _ = write!(out, " avail={}", proto.avail);
        }
        out.push('\n');
        for lane in Lane::ALL {
            for op in o.queue(lane) {
                let _ = writeln!(
                    out,
                    "  {} {} {}{}",
                    lane.name(),
                    op.id,
                    op.api,
                    if op.blocking { " blocking" } else { "" }
                );
            }
        }
    }
    if m.objects().next().is_none() {
        out.push_str("no objects\n");
    }
    let values: Vec<String> = m
        .values()
        .iter()
        .map(|(v, slot)| match slot {
            SlotState::Live(id) => format!("h={v}:{id}"),
            SlotState::Reserved(id) => format!("h={v}:reserved-{id}"),
        })
        .collect();
    let _ = writeln!(out, "values {}", join_or_none(&values));
    let issued: Vec<String> = s
        .monitor
        .issued_values()
        .map(|v| format!("h={v}"))
        .collect();
    let _ = writeln!(out, "issued {}", join_or_none(&issued));
    let late: Vec<String> = s
        .late
        .iter()
        .map(|r| format!("{} {} {} age={}", r.object, r.op, r.api, r.age))
        .collect();
    let _ = writeln!(out, "late {}", join_or_none(&late));
    let _ = writeln!(
        out,
        "next {} created={} roots={} reached={:#04x}",
        m.next_op(),
        s.created,
        s.roots,
        s.reached
    );
    if let Some(v) = &s.violation {
        let _ = writeln!(out, "# {v}");
    }
    out
}

fn join_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}
