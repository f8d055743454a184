//! The executor port: the one seam between the engine and whatever does the I/O (the
//! network executor, a test's fake).
//!
//! Owns: [`Executor`] (the trait an executor implements), the two I/O requests it
//! receives, [`Start`] and [`Cancel`], and [`NoExecutor`] (an engine without I/O: tests,
//! benches, loom models).
//!
//! Invariants (kept by the engine, see the crate docs, "The port"): every request names
//! its operation by [`OpId`]; per operation, `cancel` is handed over only after `start`
//! for it has returned; no engine lock is held while a hook runs, so a hook may call
//! back into the engine; the embedder's per-object data and the call's data travel with
//! the request, kept beside the machine (keyed by object and operation), never in it.

use std::sync::Arc;

use hinternet_core::{Api, CallArg, Lane, ObjectId, OpId};

use crate::Engine;

/// What an embedder implements to do the I/O the machine asks for.
///
/// The engine calls the hooks outside every lock, on the thread whose engine call
/// produced the request (a call made inside a status callback included: I/O requests
/// are never held behind law 9's callback deferral). A hook may call back into the
/// engine (complete inline, report protocol events, close handles). A hook that panics
/// is caught and counted ([`Engine::callback_panics`]).
pub trait Executor: Send + Sync + Sized + 'static {
    /// Per-object state the embedder attaches when it creates the object
    /// ([`Engine::open_with`], [`Engine::create_with`]): URL, headers, options.
    type Object: Send + Sync + 'static;
    /// Per-operation data: the call's arguments and buffers, handed over at start
    /// ([`Engine::call`]).
    type Call: Send + 'static;

    /// Start an operation's I/O. Must not block (a synchronous caller, if any, is
    /// blocked by the engine, not here). Report its end with [`Engine::complete`] naming
    /// `io.op` — from any thread, inline included.
    fn start(&self, engine: &Engine<Self>, io: Start<Self>);

    /// Abandon an operation: it was cancelled and its cancellation already reported to
    /// the application. A completion still sent for it is stale
    /// ([`Engine::stale_completions`]) and changes nothing. Must not block.
    fn cancel(&self, engine: &Engine<Self>, io: Cancel<Self>);

    /// `object` was destroyed: its `HANDLE_CLOSING` was delivered (after that callback
    /// returned) or filtered out (no callback installed, masked, or context 0). `data` is
    /// what was attached at creation, handed back exactly once; also called, with
    /// `None`, for objects created without data. Objects still open when the engine is
    /// dropped are not reported: their data is dropped with it. Default: drop it.
    fn destroyed(&self, engine: &Engine<Self>, object: ObjectId, data: Option<Arc<Self::Object>>) {
        let _ = (engine, object, data);
    }
}

/// Start the I/O of operation `op` (the machine's `StartIo`).
pub struct Start<X: Executor> {
    /// The operation; name it in [`Engine::complete`].
    pub op: OpId,
    /// The object it works on.
    pub object: ObjectId,
    /// The lane it is the head of.
    pub lane: Lane,
    /// The function whose I/O it is.
    pub api: Api,
    /// True when a synchronous caller is blocked in [`Engine::call`] until it ends; the
    /// engine, not the executor, does the blocking.
    pub blocking: bool,
    /// The argument the call was accepted with (a read's buffer length).
    pub arg: CallArg,
    /// The object's data, attached at creation.
    pub data: Option<Arc<X::Object>>,
    /// The call's data, passed to [`Engine::call`].
    pub call: Option<X::Call>,
}

/// Abandon the I/O of operation `op` (the machine's `CancelIo`).
pub struct Cancel<X: Executor> {
    /// The operation.
    pub op: OpId,
    /// The object it worked on.
    pub object: ObjectId,
    /// Its lane.
    pub lane: Lane,
    /// The function whose I/O it was.
    pub api: Api,
    /// The object's data, attached at creation.
    pub data: Option<Arc<X::Object>>,
    /// The call's data, when the engine still held it (the operation's start was never
    /// handed over); `None` once [`Executor::start`] received it.
    pub call: Option<X::Call>,
}

impl<X: Executor> core::fmt::Debug for Start<X> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Start")
            .field("op", &self.op)
            .field("object", &self.object)
            .field("lane", &self.lane)
            .field("api", &self.api)
            .field("blocking", &self.blocking)
            .field("arg", &self.arg)
            .field("data", &self.data.is_some())
            .field("call", &self.call.is_some())
            .finish()
    }
}

impl<X: Executor> core::fmt::Debug for Cancel<X> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Cancel")
            .field("op", &self.op)
            .field("object", &self.object)
            .field("lane", &self.lane)
            .field("api", &self.api)
            .field("data", &self.data.is_some())
            .field("call", &self.call.is_some())
            .finish()
    }
}

/// An executor that does nothing: no per-object or per-call data, starts and cancels
/// ignored. The default of [`Engine`], so `Engine::new(policy)` serves tests, benches and
/// loom models that report completions themselves (through [`Engine::apply`] and
/// [`Engine::complete`]). A synchronous [`Engine::call`] on it blocks until someone
/// completes the operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoExecutor;

impl Executor for NoExecutor {
    type Object = ();
    type Call = ();

    fn start(&self, _engine: &Engine<Self>, _io: Start<Self>) {}

    fn cancel(&self, _engine: &Engine<Self>, _io: Cancel<Self>) {}
}
