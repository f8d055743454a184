//! The WinINet executor's use of the shared [`Runtime`]: I/O tasks on its tokio runtime,
//! completions and protocol events posted to its delivery threads (sharded by object, so
//! one object's events reach the engine in the order they were reported).
//!
//! Owns: [`Io`] and [`Event`]. Invariants: the completion of a blocking operation is
//! applied from the I/O task itself (the engine hands it to the blocked caller; no
//! callback runs there), so a callback blocked in a synchronous call on a delivery thread
//! never waits for its own shard; [`Io::block_on`] is never called on a runtime thread
//! (it answers `None` there instead of deadlocking).

use std::sync::mpsc;
use std::sync::{Arc, OnceLock, Weak};

use hinternet_core::{Completion, ObjectId, OpId, ProtocolEvent};
use hinternet_engine::Engine;

use super::executor::{InetExecutor, InetObject};
use crate::executor::runtime::{Runtime, RuntimeConfig};

/// One event for the engine.
pub(crate) enum Event {
    /// `engine.complete`.
    Complete(ObjectId, OpId, Completion),
    /// `engine.complete_with` (an asynchronous `InternetOpenUrl` creates its handle).
    CompleteWith(ObjectId, OpId, Completion, Box<InetObject>),
    /// `engine.protocol`.
    Protocol(ObjectId, ProtocolEvent),
}

/// The runtime and the engine events go to.
pub(crate) struct Io {
    runtime: Option<Runtime>,
    engine: Arc<OnceLock<Weak<Engine<InetExecutor>>>>,
}

impl Io {
    /// Builds the runtime with `config` (`None` inside when its threads cannot be
    /// created: every operation then fails with `ERROR_INTERNET_INTERNAL_ERROR`).
    pub(crate) fn start(
        engine: Arc<OnceLock<Weak<Engine<InetExecutor>>>>,
        config: RuntimeConfig,
    ) -> Io {
        Io {
            runtime: Runtime::new(config).ok(),
            engine,
        }
    }

    /// The tokio handle (to enter the runtime's context on the calling thread).
    pub(crate) fn handle(&self) -> Option<&tokio::runtime::Handle> {
        self.runtime.as_ref().map(Runtime::handle)
    }

    /// Runs `task` on the runtime.
    pub(crate) fn spawn<F>(&self, task: F) -> Option<tokio::task::AbortHandle>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        Some(self.runtime.as_ref()?.spawn(task))
    }

    /// Runs `task` on the runtime and waits for its result (a synchronous step outside any
    /// engine operation: an FTP login, a listing). `None` on a runtime thread or without
    /// a runtime.
    pub(crate) fn block_on<T: Send + 'static>(
        &self,
        task: impl std::future::Future<Output = T> + Send + 'static,
    ) -> Option<T> {
        let runtime = self.runtime.as_ref()?;
        if tokio::runtime::Handle::try_current().is_ok() {
            return None;
        }
        let (tx, rx) = mpsc::channel();
        runtime.spawn(async move {
            let _ = tx.send(task.await);
        });
        rx.recv().ok()
    }

    /// Posts `event` to `object`'s delivery thread.
    pub(crate) fn report(&self, object: ObjectId, event: Event) {
        let Some(runtime) = self.runtime.as_ref() else {
            return;
        };
        let engine = self.engine.clone();
        runtime.post(
            u64::from(object.0),
            Box::new(move || {
                if let Some(engine) = engine.get().and_then(Weak::upgrade) {
                    apply(&engine, event);
                }
            }),
        );
    }
}

/// Applies one event to the engine.
pub(crate) fn apply(engine: &Engine<InetExecutor>, event: Event) {
    match event {
        Event::Complete(object, op, completion) => {
            let _ = engine.complete(object, op, completion);
        }
        Event::CompleteWith(object, op, completion, data) => {
            let _ = engine.complete_with(object, op, completion, move |_, _| *data);
        }
        Event::Protocol(object, event) => {
            let _ = engine.protocol(object, event);
        }
    }
}
