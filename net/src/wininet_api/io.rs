//! The WinINet executor's threads: one I/O thread driving a current-thread tokio runtime,
//! and delivery threads that apply completions and protocol events to the engine.
//!
//! Owns: [`Io`] (start, spawn, report, shutdown). Invariants: events of one object go to
//! one delivery thread (sharded by object id), so they reach the engine in the order they
//! were reported; the completion of a blocking operation is applied from the I/O thread
//! itself (the engine hands it to the blocked caller, no callback runs there), so a
//! callback blocked in a synchronous call on a delivery thread can never wait for its own
//! shard. Dropping [`Io`] stops the runtime (tasks are dropped, closing their sockets) and
//! joins every thread except the current one.
//!
//! This is the WinINet side's own small runtime; the WinHTTP side's shared `runtime`
//! module was not available on this branch when it was written.

use std::sync::mpsc;
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use hinternet_core::{Completion, ObjectId, OpId, ProtocolEvent};
use hinternet_engine::Engine;

use super::executor::{InetExecutor, InetObject};

/// Delivery threads.
pub const DELIVERY_THREADS: usize = 2;

/// One event for the engine.
pub(crate) enum Event {
    /// `engine.complete`.
    Complete(ObjectId, OpId, Completion),
    /// `engine.complete_with` (an asynchronous `InternetOpenUrl` creates its handle).
    CompleteWith(ObjectId, OpId, Completion, Box<InetObject>),
    /// `engine.protocol`.
    Protocol(ObjectId, ProtocolEvent),
}

/// The threads (see the module docs).
pub(crate) struct Io {
    handle: Option<tokio::runtime::Handle>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    io_thread: Option<JoinHandle<()>>,
    shards: Vec<mpsc::Sender<Event>>,
    delivery: Vec<JoinHandle<()>>,
}

impl Io {
    /// Starts the I/O thread and the delivery threads; events go to `engine` while it lives.
    pub(crate) fn start(engine: Arc<std::sync::OnceLock<Weak<Engine<InetExecutor>>>>) -> Io {
        let (handle_tx, handle_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let io_thread = std::thread::Builder::new()
            .name("wininet-io".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(_) => return,
                };
                let _ = handle_tx.send(runtime.handle().clone());
                let _ = runtime.block_on(stop_rx);
                runtime.shutdown_timeout(Duration::from_secs(2));
            })
            .ok();
        // None when the runtime could not be built: tasks are then refused (their
        // operations complete with ERROR_INTERNET_INTERNAL_ERROR, see the executor).
        let handle = handle_rx.recv().ok();
        let mut shards = Vec::new();
        let mut delivery = Vec::new();
        for i in 0..DELIVERY_THREADS {
            let (tx, rx) = mpsc::channel::<Event>();
            let engine = engine.clone();
            if let Ok(t) = std::thread::Builder::new()
                .name(format!("wininet-delivery-{i}"))
                .spawn(move || {
                    while let Ok(event) = rx.recv() {
                        if let Some(engine) = engine.get().and_then(Weak::upgrade) {
                            apply(&engine, event);
                        }
                    }
                })
            {
                shards.push(tx);
                delivery.push(t);
            }
        }
        Io {
            handle,
            stop: Some(stop_tx),
            io_thread,
            shards,
            delivery,
        }
    }

    /// Runs `task` on the runtime.
    pub(crate) fn spawn<F>(&self, task: F) -> Option<tokio::task::AbortHandle>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        Some(self.handle.as_ref()?.spawn(task).abort_handle())
    }

    /// Runs `task` on the runtime and waits for its result (a synchronous step outside any
    /// engine operation: an FTP login, a listing). Must not be called on the I/O thread.
    pub(crate) fn block_on<T: Send + 'static>(
        &self,
        task: impl std::future::Future<Output = T> + Send + 'static,
    ) -> Option<T> {
        let (tx, rx) = mpsc::channel();
        self.handle.as_ref()?.spawn(async move {
            let _ = tx.send(task.await);
        });
        rx.recv().ok()
    }

    /// Queues `event` for `object`'s delivery thread.
    pub(crate) fn report(&self, object: ObjectId, event: Event) {
        if self.shards.is_empty() {
            return;
        }
        let shard = (object.0 as usize) % self.shards.len();
        let _ = self.shards[shard].send(event);
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

impl Drop for Io {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.shards.clear();
        let me = std::thread::current().id();
        for t in self.delivery.drain(..).chain(self.io_thread.take()) {
            if t.thread().id() != me {
                let _ = t.join();
            }
        }
    }
}
