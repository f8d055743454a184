//! Our own exhaustive explorer for big runs (`check --explorer parallel-dfs`, the default
//! of `check --deep`): a parallel depth-first search over [`Packed`] states whose memory is
//! about one fingerprint per unique state, not the paths or the frontier.
//!
//! Owns: [`run_with_progress`] (the same [`RunReport`], properties, timeout, memory guard
//! and progress as the stateright runs of [`crate::check`]), [`Visited`] (the fingerprint
//! set) and [`fingerprint`].
//!
//! **How it searches.** The visited set holds only a 128-bit fingerprint of each unique
//! state (xxh3-128 of the packed bytes and the plain fields, [`fingerprint`]), in
//! [`SHARDS`] hash sets behind mutexes, chosen by the fingerprint's top bits (so two
//! threads rarely want the same lock; measured on two threads only). Each thread runs a depth-first
//! search with its own stack of levels: a level is the action that led to the state being
//! expanded there and that state's new successors still to explore (packed). The stack is
//! the path, so a discovery's path is the thread's seed path plus the stack's actions.
//! Threads take seeds (a path and its packed state) from a shared pool; the initial states
//! are the first seeds. A busy thread that sees an idle one while the pool is empty donates
//! half of the pending successors of its shallowest level (each with its path), so idle
//! threads get big subtrees. The run ends when every thread is idle and the pool is empty.
//!
//! Invariants:
//! - Exhaustive: a state is expanded by the thread whose insertion of its fingerprint
//!   succeeded first, exactly once (it lives in exactly one stack level or the pool until
//!   it is expanded); so every reachable state within the boundary is expanded once, and
//!   both the unique-state count and the generated-state count equal stateright's exactly
//!   on a space the run exhausts (the tests check this).
//! - Same semantics as stateright 0.31's checkers: initial states and successors outside
//!   [`Packed::in_bounds`] are dropped uncounted; every other successor counts as a
//!   generated state; a state with a violation has no successors; properties are evaluated
//!   once on every unique state (here when it is first inserted, stateright when it is
//!   popped: the same set of states); states at `max_depth` or deeper (initial state = 1)
//!   are counted but neither evaluated nor expanded. An `always` property records the first
//!   counterexample found, a `sometimes` property the first example.
//! - A stop (timeout or memory guard, through [`StopSwitch`]) ends every thread at its next
//!   expansion; if any successor was left unexpanded the switch is marked cut and the
//!   report is incomplete. `stop_at_failure` ends the run at the first broken `always`
//!   (like stateright's `finish_when`, the run then is not marked cut).
//!
//! **Fingerprint collisions.** Two distinct states with one fingerprint would make the
//! second look visited, and the subtree only it reaches would be missed. With `n` unique
//! states and 128-bit fingerprints the chance of any collision in a run is at most about
//! `n² / 2¹²⁹`: 1.5 × 10⁻²³ at 10⁸ states and 1.5 × 10⁻²¹ at 10⁹ (stateright's 64-bit
//! fingerprints: 2.7 × 10⁻⁴ at 10⁸, and likely at 10¹⁰).
//!
//! **Memory.** One fingerprint is 16 bytes plus a control byte in a hash table filled to
//! between 44% and 88% (tables double when full): 19 to 39 bytes per unique state, about
//! 27 on average; the allocator may keep the freed halves of grown tables, so the peak
//! resident memory was about 1.5 times the tables (41 bytes per state at 10.6 million). The stacks hold the current path's pending successors (a few hundred
//! bytes each), which is megabytes even at depths of tens of thousands.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use hinternet_core::Input;
use stateright::{Expectation, Model as _};

use crate::check::{Progress, PropertyReport, RunOptions, RunReport, Watch};
use crate::checked::StopSwitch;
use crate::model::{HinternetModel, PropertySpec};
use crate::packed::{with_scratch, Packed};

/// The 128-bit fingerprint of a packed state: xxh3-128 over what the state's `Hash` writes
/// (its canonical bytes and plain fields), so equal states have equal fingerprints.
pub fn fingerprint(state: &Packed) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    state.hash(&mut hasher);
    hasher.digest128()
}

/// How many shards the visited set has (a power of two).
pub const SHARDS: usize = 1024;

/// A hasher for keys that are already uniform hashes: it keeps the low 64 bits of the
/// fingerprint (the shard is chosen by its top bits, so the two are independent).
#[derive(Default)]
struct LowBits(u64);

impl Hasher for LowBits {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u128` keys are hashed (`write_u128`); anything else is folded in so that
        // the hasher stays correct if that ever changes.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u128(&mut self, value: u128) {
        // Truncation intended: the low 64 bits of the fingerprint.
        self.0 = value as u64;
    }
}

type Shard = HashSet<u128, BuildHasherDefault<LowBits>>;

/// The set of fingerprints of the states inserted so far (see the module docs).
pub struct Visited {
    shards: Vec<Mutex<Shard>>,
    len: AtomicUsize,
}

impl Default for Visited {
    fn default() -> Self {
        Visited {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            len: AtomicUsize::new(0),
        }
    }
}

impl Visited {
    /// Insert `fp`; true when it was not there before (the caller then owns the state's
    /// expansion).
    pub fn insert(&self, fp: u128) -> bool {
        // The top bits choose the shard; `SHARDS` is a power of two below 2^64.
        let index = (fp >> 64) as usize & (SHARDS - 1);
        let fresh = lock(&self.shards[index]).insert(fp);
        if fresh {
            self.len.fetch_add(1, Ordering::Relaxed);
        }
        fresh
    }

    /// How many fingerprints are in the set.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    /// True when nothing has been inserted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Lock a mutex, whatever a panicking thread left in it: every value behind these locks is
/// valid after any partial update (a set of fingerprints, a pool of seeds), and a worker's
/// panic is re-raised by the watcher anyway.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A subtree to explore: the path from an initial state, the state it reaches, and that
/// state's depth (initial states are depth 1, as in stateright).
struct Seed {
    path: Vec<Input>,
    state: Packed,
    depth: usize,
}

/// The pool of seeds and the idle threads.
#[derive(Default)]
struct Pool {
    seeds: Vec<Seed>,
    idle: usize,
    done: bool,
}

/// Everything the worker threads share.
struct Shared {
    model: HinternetModel,
    specs: Vec<PropertySpec>,
    threads: usize,
    max_depth: Option<usize>,
    stop_at_failure: bool,
    switch: Arc<StopSwitch>,
    visited: Visited,
    states: AtomicUsize,
    deepest: AtomicUsize,
    /// Bit `i`: property `i` has its discovery.
    found: AtomicUsize,
    discoveries: Mutex<Vec<Option<Vec<Input>>>>,
    /// Set when `stop_at_failure` met a broken `always`.
    finished: AtomicBool,
    pool: Mutex<Pool>,
    wake: Condvar,
    /// Mirrors of `pool.idle` and `pool.seeds.len()`, read without the lock.
    hungry: AtomicUsize,
    pooled: AtomicUsize,
}

/// How many expansions a worker makes between looks at the idle threads.
const DONATE_EVERY: u32 = 64;

impl Shared {
    fn stopping(&self) -> bool {
        self.switch.is_stopped() || self.finished.load(Ordering::Relaxed)
    }

    /// The next seed, waiting while other threads work; `None` when the run is over.
    fn take(&self) -> Option<Seed> {
        let mut pool = lock(&self.pool);
        loop {
            if pool.done {
                return None;
            }
            if self.stopping() {
                pool.done = true;
                // Seeds left unexpanded by the timeout or the memory guard make the run
                // incomplete (a stop at a failure does not: see the module docs).
                if !self.finished.load(Ordering::Relaxed)
                    && pool.seeds.iter().any(|s| s.state.violation().is_none())
                {
                    self.switch.mark_cut();
                }
                self.wake.notify_all();
                return None;
            }
            if let Some(seed) = pool.seeds.pop() {
                self.pooled.store(pool.seeds.len(), Ordering::Relaxed);
                return Some(seed);
            }
            pool.idle += 1;
            self.hungry.store(pool.idle, Ordering::Relaxed);
            if pool.idle == self.threads {
                pool.done = true;
                self.wake.notify_all();
                return None;
            }
            pool = self.wake.wait(pool).unwrap_or_else(PoisonError::into_inner);
            pool.idle -= 1;
            self.hungry.store(pool.idle, Ordering::Relaxed);
        }
    }

    fn give(&self, seeds: Vec<Seed>) {
        let mut pool = lock(&self.pool);
        pool.seeds.extend(seeds);
        self.pooled.store(pool.seeds.len(), Ordering::Relaxed);
        self.wake.notify_all();
    }

    /// Evaluate every property not yet discovered on a new state; `path` builds its path
    /// (only when something is discovered).
    fn evaluate(&self, state: &Packed, path: &dyn Fn() -> Vec<Input>) {
        let found = self.found.load(Ordering::Relaxed);
        for (i, (expectation, _, check)) in self.specs.iter().enumerate() {
            if found & (1 << i) != 0 {
                continue;
            }
            let holds = check.holds(state.violation(), state.reached());
            let discovered = match expectation {
                Expectation::Always => !holds,
                Expectation::Sometimes => holds,
                // The model has no `eventually` properties (liveness is checked as safety).
                Expectation::Eventually => false,
            };
            if discovered {
                let mut discoveries = lock(&self.discoveries);
                if discoveries[i].is_none() {
                    discoveries[i] = Some(path());
                    self.found.fetch_or(1 << i, Ordering::Relaxed);
                }
                if *expectation == Expectation::Always && self.stop_at_failure {
                    self.finished.store(true, Ordering::Relaxed);
                }
            }
        }
    }

    /// True when a state at `depth` is evaluated and expanded (stateright skips states at
    /// its target depth or deeper).
    fn within_depth(&self, depth: usize) -> bool {
        self.max_depth.is_none_or(|limit| depth < limit)
    }
}

/// One level of a worker's stack: the action into the state expanded there (none for the
/// seed's state) and that state's new successors still to explore.
struct Level {
    action: Option<Input>,
    depth: usize,
    pending: Vec<(Input, Packed)>,
}

/// One worker thread's search: its reused action buffer, the seed it explores, its stack
/// of levels, and the deepest state it has inserted.
struct Worker<'a> {
    shared: &'a Shared,
    actions: Vec<Input>,
    seed_path: Vec<Input>,
    levels: Vec<Level>,
    deepest: usize,
}

impl Worker<'_> {
    /// The path to the state expanded at the top level, then `last`.
    fn path_to(&self, last: Input) -> Vec<Input> {
        let mut path = self.seed_path.clone();
        path.extend(self.levels.iter().filter_map(|l| l.action));
        path.push(last);
        path
    }

    /// Expand `state` (at `depth`, reached by `action` from the top level's state, or the
    /// seed's state when `action` is `None`): generate its successors, insert them, evaluate
    /// the new ones and push them as a new level.
    fn expand(&mut self, action: Option<Input>, state: &Packed, depth: usize) {
        let shared = self.shared;
        // The new level's action is part of its successors' paths.
        self.levels.push(Level {
            action,
            depth,
            pending: Vec::new(),
        });
        if state.violation().is_some() {
            return; // terminal, as in the model's `actions`
        }
        let model = &shared.model;
        let mut actions = std::mem::take(&mut self.actions);
        actions.clear();
        with_scratch(model, |scratch| {
            model.actions(scratch.parent(state), &mut actions);
        });
        let mut generated = 0;
        let child_depth = depth + 1;
        let evaluate = shared.within_depth(child_depth);
        for &a in &actions {
            let Some(next) = with_scratch(model, |scratch| scratch.next(model, state, a)) else {
                continue;
            };
            if !next.in_bounds() {
                continue;
            }
            generated += 1;
            if !shared.visited.insert(fingerprint(&next)) {
                continue;
            }
            if child_depth > self.deepest {
                self.deepest = child_depth;
            }
            if !evaluate {
                continue;
            }
            shared.evaluate(&next, &|| self.path_to(a));
            if next.violation().is_none() {
                // The top level is the one pushed above.
                if let Some(top) = self.levels.last_mut() {
                    top.pending.push((a, next));
                }
            }
        }
        self.actions = actions;
        shared.states.fetch_add(generated, Ordering::Relaxed);
        shared.deepest.fetch_max(self.deepest, Ordering::Relaxed);
    }

    /// Explore everything below `seed`.
    fn run_seed(&mut self, seed: Seed) {
        self.seed_path = seed.path;
        self.levels.clear();
        let shared = self.shared;
        if shared.stopping() {
            self.note_cut_at_stop(Some(&seed.state));
            return;
        }
        self.expand(None, &seed.state, seed.depth);
        let mut until_donation = DONATE_EVERY;
        loop {
            let Some(top) = self.levels.last_mut() else {
                return;
            };
            let Some((a, next)) = top.pending.pop() else {
                self.levels.pop();
                continue;
            };
            let depth = top.depth + 1;
            if shared.stopping() {
                self.note_cut_at_stop(Some(&next));
                return;
            }
            self.expand(Some(a), &next, depth);
            until_donation -= 1;
            if until_donation == 0 {
                until_donation = DONATE_EVERY;
                if shared.hungry.load(Ordering::Relaxed) > 0
                    && shared.pooled.load(Ordering::Relaxed) == 0
                {
                    self.donate();
                }
            }
        }
    }

    /// Give half of the shallowest level's pending successors (with their paths) to the
    /// pool, keeping at least one state to explore here.
    fn donate(&mut self) {
        let Some(i) = self.levels.iter().position(|l| !l.pending.is_empty()) else {
            return;
        };
        let pending = self.levels[i].pending.len();
        let deeper = self.levels[i + 1..].iter().any(|l| !l.pending.is_empty());
        let give = if pending >= 2 {
            pending / 2
        } else if deeper {
            1
        } else {
            0
        };
        if give == 0 {
            return;
        }
        let mut base = self.seed_path.clone();
        base.extend(self.levels[1..=i].iter().filter_map(|l| l.action));
        let depth = self.levels[i].depth + 1;
        // The front of `pending` is what this thread would explore last.
        let seeds: Vec<Seed> = self.levels[i]
            .pending
            .drain(..give)
            .map(|(a, state)| {
                let mut path = base.clone();
                path.push(a);
                Seed { path, state, depth }
            })
            .collect();
        self.shared.give(seeds);
    }

    /// A stop met this worker with `unexpanded` in hand and its stack: the run is cut if
    /// any of them could have had successors.
    fn note_cut_at_stop(&mut self, unexpanded: Option<&Packed>) {
        if self.shared.finished.load(Ordering::Relaxed) {
            return; // stop at failure: not a cut (as stateright's `finish_when`)
        }
        let withheld = unexpanded.is_some_and(|s| s.violation().is_none())
            || self.levels.iter().any(|l| !l.pending.is_empty());
        if withheld {
            self.shared.switch.mark_cut();
        }
        self.levels.clear();
    }
}

fn work(shared: &Shared) {
    let mut worker = Worker {
        shared,
        actions: Vec::new(),
        seed_path: Vec::new(),
        levels: Vec::new(),
        deepest: 0,
    };
    while let Some(seed) = shared.take() {
        worker.run_seed(seed);
    }
}

/// Check `model` exhaustively within its bounds with the parallel depth-first explorer
/// (see the module docs), calling `progress` every [`crate::check::POLL`]. Honours
/// `threads`, `max_depth`, `stop_at_failure`, `timeout` and `max_memory` of `opts`
/// (`dfs` is stateright's and is ignored).
pub fn run_with_progress(
    model: HinternetModel,
    opts: &RunOptions,
    progress: &mut dyn FnMut(&Progress),
) -> RunReport {
    let started = Instant::now();
    let specs = model.property_specs();
    assert!(
        specs.len() <= usize::BITS as usize,
        "the model has {} properties; the explorer's discovery bits hold {}",
        specs.len(),
        usize::BITS
    );
    let threads = opts.threads.max(1);
    let shared = Arc::new(Shared {
        discoveries: Mutex::new(vec![None; specs.len()]),
        specs,
        threads,
        max_depth: opts.max_depth,
        stop_at_failure: opts.stop_at_failure,
        switch: Arc::new(StopSwitch::default()),
        visited: Visited::default(),
        states: AtomicUsize::new(0),
        deepest: AtomicUsize::new(0),
        found: AtomicUsize::new(0),
        finished: AtomicBool::new(false),
        pool: Mutex::new(Pool::default()),
        wake: Condvar::new(),
        hungry: AtomicUsize::new(0),
        pooled: AtomicUsize::new(0),
        model,
    });
    // The initial states: counted, inserted and evaluated like stateright's.
    let mut seeds = Vec::new();
    let initial: Vec<Packed> = shared
        .model
        .init_states()
        .iter()
        .map(|s| Packed::pack(&shared.model, s))
        .collect();
    for state in initial {
        if !state.in_bounds() {
            continue;
        }
        shared.states.fetch_add(1, Ordering::Relaxed);
        if shared.visited.insert(fingerprint(&state)) {
            shared.deepest.fetch_max(1, Ordering::Relaxed);
            if shared.within_depth(1) {
                shared.evaluate(&state, &Vec::new);
                if state.violation().is_none() {
                    seeds.push(Seed {
                        path: Vec::new(),
                        state,
                        depth: 1,
                    });
                }
            }
        }
    }
    shared.give(seeds);
    let handles: Vec<std::thread::JoinHandle<()>> = (0..threads)
        .map(|t| {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("explorer-{t}"))
                .spawn(move || work(&shared))
                // Failing to start a thread at all is an environment failure the CLI cannot
                // recover from (stateright's checker panics the same way).
                .expect("spawn an explorer thread")
        })
        .collect();
    let watch = Watch {
        switch: &shared.switch,
        opts,
        started,
    };
    let counts = || {
        (
            shared.states.load(Ordering::Relaxed),
            shared.visited.len(),
            shared.deepest.load(Ordering::Relaxed),
        )
    };
    let stopped = watch.wait_threads(handles, &counts, progress);
    let discoveries = lock(&shared.discoveries).clone();
    let properties = shared
        .specs
        .iter()
        .zip(discoveries)
        .map(|(&(ref expectation, name, _), path)| PropertyReport {
            name,
            expectation: expectation.clone(),
            path,
        })
        .collect();
    let (states, unique, max_depth) = counts();
    RunReport {
        model: shared.model.clone(),
        properties,
        states,
        unique,
        max_depth,
        seconds: started.elapsed().as_secs_f64(),
        complete: !shared.switch.cut(),
        stopped,
    }
}
