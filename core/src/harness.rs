//! A checked, recording driver: the deterministic test harness.
//!
//! Owns: [`Driver`] (in the spirit of quinn-proto's `Pair`: it applies inputs, drains
//! through [`crate::drain`](mod@crate::drain), plays the application's callbacks, records the text trace
//! and checks the laws and invariants after every step). The shipped engine does not
//! use this module; it drains through [`crate::drain`](mod@crate::drain) directly.

use alloc::format;
use alloc::vec::Vec;

use crate::drain::{drain_into, CallbackMode, OutputSink};
use crate::laws::{check_invariants, LawMonitor, Violation};
use crate::machine::{Input, InputError, Machine, Notification, Outcome, Output, Policy, Reply};
use crate::trace::Trace;

/// Why a driven step failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DriveError {
    /// The embedder (the script) fed an event the machine rejects.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A law or invariant broke.
    #[error(transparent)]
    Law(#[from] Violation),
}

/// A deterministic, checking harness around a [`Machine`].
#[derive(Clone, Debug)]
pub struct Driver {
    /// The machine.
    pub machine: Machine,
    /// The law monitor fed by every step.
    pub monitor: LawMonitor,
    /// The trace of every input, reply and output.
    pub trace: Trace,
    /// Every output drained, in order.
    pub outputs: Vec<Output>,
    mode: CallbackMode,
    check_structure: bool,
}

impl Driver {
    /// A driver around a fresh machine under `policy`; callbacks return at once.
    pub fn new(policy: Policy) -> Driver {
        Driver::with_machine(Machine::new(policy), CallbackMode::ReturnAtOnce)
    }

    /// A driver around `machine`.
    pub fn with_machine(machine: Machine, mode: CallbackMode) -> Driver {
        let monitor = LawMonitor::new(machine.policy());
        Driver {
            machine,
            monitor,
            trace: Trace::new(),
            outputs: Vec::new(),
            mode,
            check_structure: true,
        }
    }

    /// Stop checking the structural invariants after each step, leaving only the laws:
    /// used to show that the law checks alone catch every mutant.
    pub fn laws_only(mut self) -> Driver {
        self.check_structure = false;
        self
    }

    /// Switch how callbacks end: returned at once by the drain, or left running until
    /// the script feeds [`Input::CallbackReturned`] itself.
    pub fn set_callback_mode(&mut self, mode: CallbackMode) {
        self.mode = mode;
    }

    /// Apply `input`, drain (callbacks do nothing), check every law.
    pub fn step(&mut self, input: Input) -> Result<Reply, DriveError> {
        self.step_with(input, &mut |_| Vec::new())
    }

    /// Apply `input` and drain; `callback` plays the application's status callback: for
    /// each delivered notification it returns the inputs the application makes from
    /// inside that callback.
    pub fn step_with(
        &mut self,
        input: Input,
        callback: &mut dyn FnMut(&Notification) -> Vec<Input>,
    ) -> Result<Reply, DriveError> {
        let reply = apply(&mut self.machine, &mut self.monitor, &mut self.trace, input)?;
        let mut sink = DriverSink {
            monitor: &mut self.monitor,
            trace: &mut self.trace,
            outputs: &mut self.outputs,
            callback,
        };
        drain_into(&mut self.machine, self.mode, &mut sink)?;
        // The laws first, then the structural invariants: a broken law is the more useful
        // report, and a broken invariant usually breaks a law too.
        self.monitor.on_quiescent(&self.machine)?;
        if self.check_structure {
            check_invariants(&self.machine)?;
        }
        Ok(reply)
    }

    /// The notifications drained so far, in order.
    pub fn notifications(&self) -> impl Iterator<Item = &Notification> {
        self.outputs.iter().filter_map(|o| match o {
            Output::Notify(n) => Some(n),
            _ => None,
        })
    }

    /// Forget the outputs recorded so far (the trace keeps them).
    pub fn take_outputs(&mut self) -> Vec<Output> {
        core::mem::take(&mut self.outputs)
    }
}

/// Apply one input with the law-8 check (a rejection leaves the state unchanged) and
/// feed it to the monitor.
fn apply(
    machine: &mut Machine,
    monitor: &mut LawMonitor,
    trace: &mut Trace,
    input: Input,
) -> Result<Reply, DriveError> {
    trace.input(&input);
    let completion = matches!(input, Input::Complete { .. });
    let before = (input.is_api_call() || completion).then(|| machine.clone());
    let reply = machine.handle_input(input)?;
    trace.reply(&reply);
    if reply.is_rejected() && before.as_ref() != Some(machine) {
        return Err(Violation {
            law: 8,
            message: format!("rejected {input:?} changed the machine's state"),
        }
        .into());
    }
    // Law 13: a stale completion changes nothing, outputs included.
    if matches!(reply.outcome, Outcome::Stale { .. }) && before.as_ref() != Some(machine) {
        return Err(Violation {
            law: 13,
            message: format!("stale completion {input:?} changed the machine's state"),
        }
        .into());
    }
    monitor.on_input(&input, &reply)?;
    Ok(reply)
}

struct DriverSink<'a> {
    monitor: &'a mut LawMonitor,
    trace: &'a mut Trace,
    outputs: &'a mut Vec<Output>,
    callback: &'a mut dyn FnMut(&Notification) -> Vec<Input>,
}

impl OutputSink for DriverSink<'_> {
    type Error = DriveError;

    fn output(&mut self, machine: &mut Machine, output: &Output) -> Result<(), DriveError> {
        self.trace.output(machine.family(), output);
        self.outputs.push(*output);
        self.monitor.on_output(output)?;
        if let Output::Notify(n) = output {
            if n.callback.is_some() {
                for input in (self.callback)(n) {
                    apply(machine, self.monitor, self.trace, input)?;
                }
            }
        }
        Ok(())
    }

    fn callback_returned(&mut self, input: &Input, reply: &Reply) -> Result<(), DriveError> {
        self.trace.input(input);
        self.trace.reply(reply);
        self.monitor.on_input(input, reply)?;
        Ok(())
    }
}
