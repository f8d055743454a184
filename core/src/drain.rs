//! Draining the machine's output stream: the one drain helper.
//!
//! Owns: [`drain`]/[`drain_into`], the only code that empties the output stream. The
//! engine (`hinternet-engine`), the model, the test harness ([`crate::harness`]) and the
//! fuzz targets all go through it, so they all feed callback returns the same way.
//!
//! Invariant: callbacks are never invoked re-entrantly. An input made inside a callback
//! is applied at once, but the outputs it causes are queued behind the ones being drained
//! and delivered after the callback returns (law 9); for each object, callbacks run one
//! at a time in emission order (law 10).

use alloc::vec::Vec;

use crate::machine::{Input, InputError, Machine, Output, Reply};

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
