//! Driving the machine: the one drain helper, and a checked, recording driver.
//!
//! Owns: [`drain`]/[`drain_into`] (the only code that empties the output stream; the
//! engine, the model, the tests and the fuzz targets all go through it) and [`Driver`]
//! (a deterministic harness in the spirit of quinn-proto's `Pair`: it applies inputs,
//! drains, plays the application's callbacks, records the text trace and checks the laws
//! and invariants after every step).
//!
//! Invariant: callbacks are never invoked re-entrantly. An input made inside a callback
//! is applied at once, but the outputs it causes are queued behind the ones being drained
//! and delivered after the callback returns (law 9); for each object, callbacks run one
//! at a time in emission order (law 10).

use crate::laws::{check_invariants, LawMonitor, Violation};
use crate::machine::{Input, InputError, Machine, Notification, Output, Policy, Reply};
use crate::trace::Trace;

/// What the drain does after handing a delivered notification to the sink.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallbackMode {
    /// The callback has returned when the sink returns: feed
    /// [`Input::CallbackReturned`] at once.
    ReturnAtOnce,
    /// The callback keeps running; the caller reports its return later (the model
    /// checker makes that an environment choice).
    LeaveRunning,
}

/// Where drained outputs go.
pub trait OutputSink {
    /// The sink's error; machine input errors convert into it.
    type Error: From<InputError>;
    /// One output, in order. A `Notify` with a callback is the callback's invocation:
    /// the sink may feed further inputs to `machine` (an application calling the API
    /// from inside its callback).
    fn output(&mut self, machine: &mut Machine, output: &Output) -> Result<(), Self::Error>;
    /// A callback return the drain fed (mode [`CallbackMode::ReturnAtOnce`]).
    fn callback_returned(&mut self, _input: &Input, _reply: &Reply) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Drain every queued output into `sink`, in order, until the stream is empty.
pub fn drain_into<S: OutputSink>(
    machine: &mut Machine,
    mode: CallbackMode,
    sink: &mut S,
) -> Result<(), S::Error> {
    while let Some(output) = machine.poll_output() {
        sink.output(machine, &output)?;
        if let (CallbackMode::ReturnAtOnce, Output::Notify(n)) = (mode, output) {
            if n.needs_return {
                let input = Input::CallbackReturned { object: n.object };
                let reply = machine.handle_input(input)?;
                sink.callback_returned(&input, &reply)?;
            }
        }
    }
    Ok(())
}

struct FnSink<F>(F);

impl<F: FnMut(&mut Machine, &Output)> OutputSink for FnSink<F> {
    type Error = InputError;
    fn output(&mut self, machine: &mut Machine, output: &Output) -> Result<(), InputError> {
        (self.0)(machine, output);
        Ok(())
    }
}

/// Drain every queued output, calling `on_output` for each (callbacks return at once),
/// and return them all in order.
pub fn drain(
    machine: &mut Machine,
    mut on_output: impl FnMut(&mut Machine, &Output),
) -> Result<Vec<Output>, InputError> {
    let mut seen = Vec::new();
    drain_into(
        machine,
        CallbackMode::ReturnAtOnce,
        &mut FnSink(|m: &mut Machine, o: &Output| {
            seen.push(*o);
            on_output(m, o);
        }),
    )?;
    Ok(seen)
}

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
        std::mem::take(&mut self.outputs)
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
    let before = input.is_api_call().then(|| machine.clone());
    let reply = machine.handle_input(input)?;
    trace.reply(&reply);
    if reply.is_rejected() && before.as_ref() != Some(machine) {
        return Err(Violation {
            law: 8,
            message: format!("rejected {input:?} changed the machine's state"),
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
