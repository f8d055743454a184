//! The executor's threads: one tokio runtime for the I/O and the delivery threads that
//! apply what the I/O reports to the engine.
//!
//! Owns: [`Runtime`] (a current-thread tokio runtime driven by one I/O thread, plus N
//! delivery threads), [`ThreadSpawner`] (how those threads are created: the default
//! [`StdSpawner`] uses `std::thread`; a Winelib host replaces it to create threads through
//! its own `CreateThread`), and [`RuntimeConfig`].
//!
//! The I/O tasks never touch the engine: they post *jobs* (a completion or a protocol event
//! to apply, as a closure) with [`Runtime::post`], keyed by the object they concern. Jobs
//! are sharded by that key over the delivery threads, so the jobs of one object run on one
//! thread, one at a time, in the order they were posted; jobs of different objects run in
//! parallel. A delivery thread applying a completion runs the resulting status callbacks
//! (as WinHTTP's worker threads do); for a blocked synchronous caller the engine hands the
//! input over to that caller's thread itself, so the job returns at once.
//!
//! Invariants: [`Runtime::post`] never blocks (unbounded channels) and never runs the job
//! inline; after [`Runtime`] is dropped no job runs any more and no task is polled; the drop
//! waits for its threads at most [`RuntimeConfig::shutdown_wait`] and never waits for the
//! thread it runs on (a runtime may be dropped from one of its own delivery threads).

use std::future::Future;
use std::io;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use tokio::task::AbortHandle;

/// A job for a delivery thread.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Creates the runtime's threads. The C ABI implements it over the host's thread-creation
/// hook; [`StdSpawner`] is the default.
pub trait ThreadSpawner: Send + Sync + 'static {
    /// Start a thread named `name` running `body`; it must run `body` exactly once. An
    /// error means the thread was not created (the runtime then fails to build).
    fn spawn(&self, name: String, body: Job) -> io::Result<()>;
}

/// Threads from `std::thread::Builder` (detached; the runtime tracks their end itself).
#[derive(Debug, Default, Clone, Copy)]
pub struct StdSpawner;

impl ThreadSpawner for StdSpawner {
    fn spawn(&self, name: String, body: Job) -> io::Result<()> {
        std::thread::Builder::new().name(name).spawn(body).map(drop)
    }
}

/// How a [`Runtime`] is built.
#[derive(Clone)]
pub struct RuntimeConfig {
    /// The delivery threads (at least 1; default 2).
    pub delivery_threads: usize,
    /// The thread spawner (default [`StdSpawner`]).
    pub spawner: Arc<dyn ThreadSpawner>,
    /// The most the drop waits for the threads to end (default 5 s).
    pub shutdown_wait: Duration,
    /// A prefix for the thread names.
    pub name: String,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            delivery_threads: 2,
            spawner: Arc::new(StdSpawner),
            shutdown_wait: Duration::from_secs(5),
            name: "hinternet".to_owned(),
        }
    }
}

impl std::fmt::Debug for RuntimeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeConfig")
            .field("delivery_threads", &self.delivery_threads)
            .field("shutdown_wait", &self.shutdown_wait)
            .field("name", &self.name)
            .finish()
    }
}

/// One tokio runtime (driven by one I/O thread) and the delivery threads; see the module
/// docs.
pub struct Runtime {
    handle: tokio::runtime::Handle,
    shards: Vec<mpsc::Sender<Job>>,
    stop_io: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    ended: Mutex<mpsc::Receiver<ThreadId>>,
    threads: Mutex<Vec<ThreadId>>,
    shutdown_wait: Duration,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("delivery_threads", &self.shards.len())
            .finish()
    }
}

/// Reports the end of a runtime thread (sent from the thread's last statement, also when
/// its body unwinds).
struct EndGuard(mpsc::Sender<ThreadId>);

impl Drop for EndGuard {
    fn drop(&mut self) {
        let _ = self.0.send(std::thread::current().id());
    }
}

impl Runtime {
    /// Builds the runtime with `config`: creates the I/O thread and the delivery threads
    /// through its spawner.
    pub fn new(config: RuntimeConfig) -> io::Result<Runtime> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = rt.handle().clone();
        let (ended_tx, ended_rx) = mpsc::channel::<ThreadId>();
        let (started_tx, started_rx) = mpsc::channel::<ThreadId>();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let mut expected = 0usize;
        {
            let ended = ended_tx.clone();
            let started = started_tx.clone();
            config.spawner.spawn(
                format!("{}-io", config.name),
                Box::new(move || {
                    let _guard = EndGuard(ended);
                    let _ = started.send(std::thread::current().id());
                    // Runs the I/O until the runtime is dropped; dropping `rt` afterwards
                    // drops every task still pending (their sockets close).
                    rt.block_on(async {
                        let _ = stop_rx.await;
                    });
                    rt.shutdown_timeout(Duration::from_millis(100));
                }),
            )?;
            expected += 1;
        }
        let mut shards = Vec::new();
        for index in 0..config.delivery_threads.max(1) {
            let (tx, rx) = mpsc::channel::<Job>();
            let ended = ended_tx.clone();
            let started = started_tx.clone();
            config.spawner.spawn(
                format!("{}-deliver-{index}", config.name),
                Box::new(move || {
                    let _guard = EndGuard(ended);
                    let _ = started.send(std::thread::current().id());
                    // Ends when every sender is gone (the runtime was dropped).
                    while let Ok(job) = rx.recv() {
                        // A job that panics must not end the shard: later jobs of its
                        // objects still have to run.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    }
                }),
            )?;
            expected += 1;
            shards.push(tx);
        }
        drop(started_tx);
        let mut threads = Vec::with_capacity(expected);
        for _ in 0..expected {
            match started_rx.recv_timeout(config.shutdown_wait) {
                Ok(id) => threads.push(id),
                Err(_) => break,
            }
        }
        Ok(Runtime {
            handle,
            shards,
            stop_io: Mutex::new(Some(stop_tx)),
            ended: Mutex::new(ended_rx),
            threads: Mutex::new(threads),
            shutdown_wait: config.shutdown_wait,
        })
    }

    /// A runtime with the default configuration.
    pub fn with_defaults() -> io::Result<Runtime> {
        Runtime::new(RuntimeConfig::default())
    }

    /// The tokio handle (to spawn I/O tasks, enter the runtime for socket creation).
    pub fn handle(&self) -> &tokio::runtime::Handle {
        &self.handle
    }

    /// Spawns an I/O task; the returned handle aborts it (the task is then dropped at its
    /// next await point, never polled again).
    pub fn spawn<F>(&self, task: F) -> AbortHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.handle.spawn(task).abort_handle()
    }

    /// The number of delivery threads.
    pub fn delivery_threads(&self) -> usize {
        self.shards.len()
    }

    /// Queues `job` on the delivery thread of `key` (an object id): jobs with one key run
    /// in posting order, one at a time. Never blocks, never runs the job inline. After the
    /// runtime is shut down the job is dropped without running.
    pub fn post(&self, key: u64, job: Job) {
        let len = self.shards.len().max(1) as u64;
        let index = (mix(key) % len) as usize;
        if let Some(shard) = self.shards.get(index) {
            let _ = shard.send(job);
        }
    }

    /// True when called on one of this runtime's threads.
    pub fn is_own_thread(&self) -> bool {
        let me = std::thread::current().id();
        crate::executor::state::lock(&self.threads).contains(&me)
    }
}

/// Spreads sequential object ids over the shards.
fn mix(key: u64) -> u64 {
    let mut x = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Stop: the delivery threads end when their channel closes, the I/O thread when
        // told to.
        self.shards.clear();
        if let Some(stop) = crate::executor::state::lock(&self.stop_io).take() {
            let _ = stop.send(());
        }
        let me = std::thread::current().id();
        let mut waiting: Vec<ThreadId> = crate::executor::state::lock(&self.threads)
            .iter()
            .copied()
            .filter(|id| *id != me)
            .collect();
        let deadline = Instant::now() + self.shutdown_wait;
        let ended = crate::executor::state::lock(&self.ended);
        while !waiting.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            match ended.recv_timeout(left) {
                Ok(id) => waiting.retain(|w| *w != id),
                Err(_) => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn jobs_of_one_key_run_in_order_on_one_thread() {
        let rt = Runtime::with_defaults().expect("runtime");
        let (tx, rx) = mpsc::channel();
        for i in 0..100u32 {
            let tx = tx.clone();
            rt.post(
                7,
                Box::new(move || {
                    let _ = tx.send((i, std::thread::current().id()));
                }),
            );
        }
        let got: Vec<_> = (0..100)
            .map(|_| rx.recv_timeout(Duration::from_secs(5)).expect("job ran"))
            .collect();
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            (0..100).collect::<Vec<_>>()
        );
        assert!(got.iter().all(|g| g.1 == got[0].1));
        assert_ne!(got[0].1, std::thread::current().id());
    }

    #[test]
    fn tasks_run_and_drop_stops_every_thread() {
        struct Counting(Arc<AtomicUsize>);
        impl ThreadSpawner for Counting {
            fn spawn(&self, name: String, body: Job) -> io::Result<()> {
                self.0.fetch_add(1, Ordering::SeqCst);
                StdSpawner.spawn(name, body)
            }
        }
        let spawned = Arc::new(AtomicUsize::new(0));
        let config = RuntimeConfig {
            delivery_threads: 3,
            spawner: Arc::new(Counting(spawned.clone())),
            ..RuntimeConfig::default()
        };
        let rt = Runtime::new(config).expect("runtime");
        assert_eq!(spawned.load(Ordering::SeqCst), 4);
        let (tx, rx) = mpsc::channel();
        rt.spawn(async move {
            tokio::time::sleep(Duration::from_millis(1)).await;
            let _ = tx.send(42);
        });
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(42));
        let started = Instant::now();
        drop(rt);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
