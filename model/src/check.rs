//! Running the checker: which models a run covers, the per-run report, shortest
//! counterexamples (iterative deepening) and mutant hunting.
//!
//! Owns: [`RunOptions`], [`RunReport`] and [`PropertyReport`] (verdicts and figures as the
//! CLI prints them), [`default_models`] (every preset and knob of the default `check`: the
//! job list) and [`shard`] (one deterministic part of it), [`run`] and
//! [`run_with_progress`] (with the timeout and the memory guard, which stop a run
//! cleanly: see [`crate::checked`]), [`shortest_counterexample`] and [`hunt`].
//! Counterexamples are replayed through [`replay`] so they print in the core's text trace
//! format.
//!
//! Invariant: a report is `complete` only if no stop withheld a successor, so an
//! INCOMPLETE verdict is never hidden; `complete` may be false for a run that a stop met
//! just as it ran out of states (conservative).

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[cfg(feature = "mutants")]
use hinternet_core::Mutant;
use hinternet_core::{Family, Input, Policy, ValueReuse, Violation};
use stateright::{Checker, Expectation, HasDiscoveries, Model, UniformChooser};

use crate::checked::{CheckedModel, StopSwitch};
use crate::model::{replay, Bounds, HinternetModel, State};

/// How to run the checker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Checker threads (1 gives the shortest discovery paths, pitfall S11).
    pub threads: usize,
    /// Which explorer runs the check.
    pub explorer: Explorer,
    /// Stateright's depth-first instead of its breadth-first search (less memory for deep
    /// runs, pitfall S4); [`Explorer::Stateright`] only.
    pub dfs: bool,
    /// Stop at the first broken law.
    pub stop_at_failure: bool,
    /// Skip states at this stateright depth or deeper (init state = depth 1).
    pub max_depth: Option<usize>,
    /// Stop after this long; the report is then marked incomplete.
    pub timeout: Option<Duration>,
    /// Stop when the process's resident memory (`VmRSS`) exceeds this many bytes; the
    /// report is then marked incomplete. Checked every [`POLL`].
    pub max_memory: Option<u64>,
}

/// Which explorer checks a model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Explorer {
    /// stateright 0.31's breadth-first or depth-first checker (see [`RunOptions::dfs`]):
    /// the default `check`, the pinned counts and mutant hunting.
    #[default]
    Stateright,
    /// Our own parallel depth-first explorer ([`crate::explore`]): one 128-bit fingerprint
    /// per unique state, for big runs (the default of `check --deep`).
    ParallelDfs,
}

impl Explorer {
    /// The explorer named `name` on the command line (`stateright`, `parallel-dfs`).
    pub fn from_name(name: &str) -> Option<Explorer> {
        match name {
            "stateright" => Some(Explorer::Stateright),
            "parallel-dfs" => Some(Explorer::ParallelDfs),
            _ => None,
        }
    }

    /// The name [`Explorer::from_name`] reads.
    pub fn name(self) -> &'static str {
        match self {
            Explorer::Stateright => "stateright",
            Explorer::ParallelDfs => "parallel-dfs",
        }
    }
}

/// How often a run checks its timeout and memory guard and reports progress (after its
/// first few milliseconds, when it looks more often).
pub const POLL: Duration = Duration::from_millis(100);

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: 2,
            explorer: Explorer::Stateright,
            dfs: false,
            stop_at_failure: false,
            max_depth: None,
            timeout: None,
            max_memory: None,
        }
    }
}

/// Why a run stopped before it exhausted its bounded space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// [`RunOptions::timeout`] passed.
    Timeout(Duration),
    /// The resident memory `rss` exceeded [`RunOptions::max_memory`] `limit` (bytes).
    Memory {
        /// Resident bytes when the guard tripped.
        rss: u64,
        /// The limit.
        limit: u64,
    },
}

/// A snapshot of a running check, for progress reports.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// States generated, repeats included.
    pub states: usize,
    /// Unique states.
    pub unique: usize,
    /// Deepest path explored.
    pub max_depth: usize,
    /// Time since the run started.
    pub elapsed: Duration,
    /// The process's resident memory in bytes (`None` where `/proc` is not available).
    pub rss: Option<u64>,
    /// Set once the timeout or the memory guard asked the checker to stop.
    pub stopping: Option<StopReason>,
}

/// The process's resident memory in bytes (`VmRSS` of `/proc/self/status`; Linux only).
pub fn rss_bytes() -> Option<u64> {
    proc_kib("/proc/self/status", "VmRSS:")
}

/// The memory this process may use, in bytes: `MemTotal` of `/proc/meminfo`, or the
/// process's cgroup memory limit (v2 `memory.max`, v1 `memory.limit_in_bytes`) when that
/// is smaller, as in a container. Linux only.
pub fn total_memory_bytes() -> Option<u64> {
    let total = proc_kib("/proc/meminfo", "MemTotal:")?;
    let cgroup = [
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    ]
    .iter()
    // `max` (no limit) and unreadable files do not parse: no limit.
    .filter_map(|path| {
        std::fs::read_to_string(path)
            .ok()?
            .trim()
            .parse::<u64>()
            .ok()
    })
    .min();
    Some(cgroup.map_or(total, |limit| limit.min(total)))
}

fn proc_kib(path: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let value = text.lines().find_map(|l| l.strip_prefix(key))?;
    let kib: u64 = value.split_whitespace().next()?.parse().ok()?;
    kib.checked_mul(1024)
}

/// Part `index` (1-based) of `count` of `jobs`: every `count`-th job starting with the
/// `index`-th, so that parts 1..=count are disjoint, cover every job, and differ in size by
/// at most one. `None` when `index` is 0 or greater than `count`.
pub fn shard<T>(jobs: Vec<T>, index: usize, count: usize) -> Option<Vec<T>> {
    if index == 0 || index > count {
        return None;
    }
    Some(
        jobs.into_iter()
            .enumerate()
            .filter(|(i, _)| i % count == index - 1)
            .map(|(_, job)| job)
            .collect(),
    )
}

/// The verdict on one property.
#[derive(Clone, Debug)]
pub struct PropertyReport {
    /// Its name.
    pub name: &'static str,
    /// Always or sometimes.
    pub expectation: Expectation,
    /// The path of the discovery: a counterexample for `always`, an example for
    /// `sometimes`.
    pub path: Option<Vec<Input>>,
}

impl PropertyReport {
    /// True when the property holds (`always`) or was reached (`sometimes`).
    pub fn ok(&self) -> bool {
        match self.expectation {
            Expectation::Always | Expectation::Eventually => self.path.is_none(),
            Expectation::Sometimes => self.path.is_some(),
        }
    }

    fn kind(&self) -> &'static str {
        match self.expectation {
            Expectation::Always => "always",
            Expectation::Eventually => "eventually",
            Expectation::Sometimes => "sometimes",
        }
    }
}

/// The result of checking one model.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// The model.
    pub model: HinternetModel,
    /// Every property, in the model's order.
    pub properties: Vec<PropertyReport>,
    /// States generated, repeats included.
    pub states: usize,
    /// Unique states.
    pub unique: usize,
    /// Deepest path explored.
    pub max_depth: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// False when the timeout or the memory guard stopped the run before the bounded
    /// space was exhausted.
    pub complete: bool,
    /// What asked the run to stop early, if anything (with `complete` still true when the
    /// space was exhausted anyway).
    pub stopped: Option<StopReason>,
}

impl RunReport {
    /// True when the run completed, every `always` holds and every `sometimes` was
    /// reached.
    pub fn ok(&self) -> bool {
        self.complete && self.properties.iter().all(PropertyReport::ok)
    }

    /// The first broken `always` property and its counterexample.
    pub fn counterexample(&self) -> Option<(&'static str, &[Input])> {
        self.properties
            .iter()
            .filter(|p| p.expectation != Expectation::Sometimes)
            .find_map(|p| p.path.as_deref().map(|path| (p.name, path)))
    }

    /// Unique states per second.
    pub fn rate(&self) -> f64 {
        self.unique as f64 / self.seconds.max(1e-9)
    }

    /// The report as the CLI prints it: each property with its verdict, then the figures.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let b = &self.model.bounds;
        let _ = writeln!(
            s,
            "== {} (handles {}, depth {}, roots {}, queue {}, callbacks {}, {:?} APIs{})",
            self.model.name,
            b.handles,
            b.depth,
            b.roots,
            b.queue,
            b.callbacks,
            b.apis,
            if b.sync_roots {
                ", sync+async roots"
            } else {
                ", async roots"
            }
        );
        for p in &self.properties {
            let verdict = match (p.ok(), p.expectation == Expectation::Sometimes) {
                (true, true) => format!("reached ({} steps)", p.path.as_ref().map_or(0, Vec::len)),
                (true, false) => "holds".to_string(),
                (false, true) => "NOT REACHED".to_string(),
                (false, false) => format!("BROKEN ({} steps)", p.path.as_ref().map_or(0, Vec::len)),
            };
            let _ = writeln!(s, "  {:<9} {:<78} {}", p.kind(), p.name, verdict);
        }
        if !self.complete {
            let why = match self.stopped {
                Some(StopReason::Timeout(limit)) => {
                    format!("stopped by the timeout ({} s)", limit.as_secs_f64())
                }
                Some(StopReason::Memory { rss, limit }) => format!(
                    "stopped by the memory guard (resident {} MiB > limit {} MiB)",
                    rss >> 20,
                    limit >> 20
                ),
                None => "stopped early".to_string(),
            };
            let _ = writeln!(
                s,
                "  INCOMPLETE: {why}; the verdicts above cover only the states explored"
            );
        }
        let _ = writeln!(
            s,
            "  states {}, unique states {}, max depth {}, {:.2} s, {:.0} unique states/s ({:.0} states/s)",
            self.states,
            self.unique,
            self.max_depth,
            self.seconds,
            self.rate(),
            self.states as f64 / self.seconds.max(1e-9)
        );
        s
    }
}

/// The models of the default `check`: every preset (observed and documented behaviour of
/// both families), plus value-reuse knobs that change laws 4 and 7 (strict generations
/// for WinHTTP; LIFO and monotonic values for WinINet), each within `bounds(family)`. `family` restricts to one
/// family.
pub fn default_models(
    bounds: &dyn Fn(Family) -> Bounds,
    family: Option<Family>,
) -> Vec<HinternetModel> {
    let mut policies: Vec<(String, Policy)> = Policy::PRESETS
        .iter()
        .map(|&(name, policy)| (name.to_string(), policy))
        .collect();
    policies.push((
        "winhttp+strict-values".into(),
        Policy::winhttp().with_reuse(ValueReuse::Strict),
    ));
    policies.push((
        "wininet+lifo-values".into(),
        Policy::wininet().with_reuse(ValueReuse::Lifo),
    ));
    policies.push((
        "wininet+monotonic-values".into(),
        Policy::wininet().with_reuse(ValueReuse::Monotonic),
    ));
    policies
        .into_iter()
        .filter(|(_, p)| !matches!(family, Some(f) if f != p.family))
        .map(|(name, policy)| HinternetModel::new(name, policy, bounds(policy.family)))
        .collect()
}

/// The model of one named preset (or knob variant) of [`default_models`].
pub fn model_named(name: &str, bounds: &dyn Fn(Family) -> Bounds) -> Option<HinternetModel> {
    default_models(bounds, None)
        .into_iter()
        .find(|m| m.name == name)
}

fn collect<C: Checker<CheckedModel>>(
    checker: &C,
    model: HinternetModel,
    started: Instant,
    complete: bool,
    stopped: Option<StopReason>,
) -> RunReport {
    let discoveries = checker.discoveries();
    let properties = model
        .properties()
        .into_iter()
        .map(|p| PropertyReport {
            name: p.name,
            expectation: p.expectation.clone(),
            path: discoveries
                .get(p.name)
                .map(|path| path.clone().into_actions()),
        })
        .collect();
    RunReport {
        properties,
        states: checker.state_count(),
        unique: checker.unique_state_count(),
        max_depth: checker.max_depth(),
        seconds: started.elapsed().as_secs_f64(),
        complete,
        stopped,
        model,
    }
}

/// Check one model exhaustively within its bounds.
pub fn run(model: HinternetModel, opts: &RunOptions) -> RunReport {
    run_with_progress(model, opts, &mut |_| {})
}

/// [`run`], calling `progress` every [`POLL`] while the checker runs. The timeout and the
/// memory guard of `opts` stop the checker cleanly (every state it took is checked; no
/// new ones are expanded) and the report is then marked incomplete.
pub fn run_with_progress(
    model: HinternetModel,
    opts: &RunOptions,
    progress: &mut dyn FnMut(&Progress),
) -> RunReport {
    if opts.explorer == Explorer::ParallelDfs {
        return crate::explore::run_with_progress(model, opts, progress);
    }
    let started = Instant::now();
    let checked = CheckedModel::new(model.clone());
    let switch = Arc::clone(&checked.switch);
    let mut builder = checked.checker().threads(opts.threads.max(1));
    if let Some(depth) = opts.max_depth {
        builder = builder.target_max_depth(depth);
    }
    if opts.stop_at_failure {
        builder = builder.finish_when(HasDiscoveries::AnyFailures);
    }
    let watch = Watch {
        switch: &switch,
        opts,
        started,
    };
    // `complete` is read after every checker thread has ended: the switch's `cut` is final.
    if opts.dfs {
        let mut checker = builder.spawn_dfs();
        let stopped = watch.wait(&mut checker, progress);
        collect(&checker, model, started, !switch.cut(), stopped)
    } else {
        let mut checker = builder.spawn_bfs();
        let stopped = watch.wait(&mut checker, progress);
        collect(&checker, model, started, !switch.cut(), stopped)
    }
}

/// Watches a running checker: its timeout, its memory guard and its progress.
pub(crate) struct Watch<'a> {
    pub(crate) switch: &'a StopSwitch,
    pub(crate) opts: &'a RunOptions,
    pub(crate) started: Instant,
}

impl Watch<'_> {
    /// Poll until every checker thread has ended; returns what asked it to stop early.
    fn wait<C: Checker<CheckedModel>>(
        &self,
        checker: &mut C,
        progress: &mut dyn FnMut(&Progress),
    ) -> Option<StopReason> {
        let handles = checker.handles();
        let counts = || {
            (
                checker.state_count(),
                checker.unique_state_count(),
                checker.max_depth(),
            )
        };
        self.wait_threads(handles, &counts, progress)
    }

    /// Poll until every thread of `handles` has ended, reporting `counts` (states, unique
    /// states, max depth) as progress; returns what asked the run to stop early. The
    /// switch is stopped on the timeout or the memory guard, and released at the end.
    pub(crate) fn wait_threads(
        &self,
        handles: Vec<std::thread::JoinHandle<()>>,
        counts: &dyn Fn() -> (usize, usize, usize),
        progress: &mut dyn FnMut(&Progress),
    ) -> Option<StopReason> {
        let mut stopped = None;
        // Start with short naps so that the many tiny runs of iterative deepening and
        // mutant hunting end within a millisecond of their threads; back off to POLL.
        let mut nap = Duration::from_millis(1);
        while !handles.iter().all(std::thread::JoinHandle::is_finished) {
            std::thread::sleep(nap);
            nap = (nap * 2).min(POLL);
            let elapsed = self.started.elapsed();
            let rss = rss_bytes();
            if stopped.is_none() {
                stopped = match (self.opts.timeout, self.opts.max_memory, rss) {
                    (Some(limit), _, _) if elapsed >= limit => Some(StopReason::Timeout(limit)),
                    (_, Some(limit), Some(rss)) if rss > limit => {
                        Some(StopReason::Memory { rss, limit })
                    }
                    _ => None,
                };
                if stopped.is_some() {
                    self.switch.stop();
                }
            }
            let (states, unique, max_depth) = counts();
            progress(&Progress {
                states,
                unique,
                max_depth,
                elapsed,
                rss,
                stopping: stopped,
            });
        }
        for handle in handles {
            if let Err(panic) = handle.join() {
                // A checker thread panicked: a bug in the model or the machine. Let it
                // surface as the panic it was.
                std::panic::resume_unwind(panic);
            }
        }
        // No checker thread runs any more: give the model its actions back so that the
        // discoveries' paths can be rebuilt.
        self.switch.release();
        stopped
    }
}

/// A counterexample replayed as a text trace.
#[derive(Clone, Debug)]
pub struct Counterexample {
    /// The model it breaks.
    pub model: String,
    /// The broken property.
    pub property: &'static str,
    /// The actions.
    pub actions: Vec<Input>,
    /// The violation the replay ends in.
    pub violation: Option<Violation>,
    /// The trace, in the core's text format.
    pub trace: String,
}

impl Counterexample {
    /// Replay `actions` on `model` to build the trace.
    pub fn new(model: &HinternetModel, property: &'static str, actions: Vec<Input>) -> Self {
        let (trace, violation) = replay(model, &actions);
        Counterexample {
            model: model.name.clone(),
            property,
            actions,
            violation,
            trace: trace.to_string(),
        }
    }
}

/// The shortest counterexample across `models` by iterative deepening (pitfall S3): BFS
/// on one thread capped at `k` actions for k = 1, 2, … up to `max_steps`. A model whose
/// state space is exhausted before the cap stops being searched. Returns the
/// counterexample and the number of states generated.
pub fn shortest_counterexample(
    models: &[HinternetModel],
    max_steps: usize,
) -> (Option<Counterexample>, usize) {
    let mut alive: Vec<(&HinternetModel, usize)> = models.iter().map(|m| (m, 0)).collect();
    let mut states = 0;
    for k in 1..=max_steps {
        let mut still = Vec::new();
        for (model, last_unique) in alive {
            let opts = RunOptions {
                threads: 1,
                dfs: false,
                stop_at_failure: true,
                // Off by one twice: the initial state is depth 1, and states at the cap
                // are skipped before their properties are checked.
                max_depth: Some(k + 2),
                ..RunOptions::default()
            };
            let report = run(model.clone(), &opts);
            states += report.states;
            if let Some((property, path)) = report.counterexample() {
                return (
                    Some(Counterexample::new(model, property, path.to_vec())),
                    states,
                );
            }
            if report.unique != last_unique {
                still.push((model, report.unique));
            }
        }
        if still.is_empty() {
            break;
        }
        alive = still;
    }
    (None, states)
}

/// What hunting one mutant found.
#[cfg(feature = "mutants")]
#[derive(Clone, Debug)]
pub struct MutantReport {
    /// The mutant.
    pub mutant: Mutant,
    /// The shortest counterexample, if caught.
    pub caught: Option<Counterexample>,
    /// States generated while hunting.
    pub states: usize,
    /// Seconds spent.
    pub seconds: f64,
}

/// Hunt `mutant` over every model of [`default_models`] (restricted to `family`) within
/// `bounds`, for the shortest counterexample of at most `max_steps` actions.
#[cfg(feature = "mutants")]
pub fn hunt(
    mutant: Mutant,
    bounds: &dyn Fn(Family) -> Bounds,
    family: Option<Family>,
    max_steps: usize,
) -> MutantReport {
    let started = Instant::now();
    let models: Vec<HinternetModel> = default_models(bounds, family)
        .into_iter()
        .map(|m| m.with_mutant(mutant))
        .collect();
    let (caught, states) = shortest_counterexample(&models, max_steps);
    MutantReport {
        mutant,
        caught,
        states,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// The result of a random simulation.
#[derive(Clone, Debug)]
pub struct SimulationReport {
    /// Verdicts and figures of stateright's simulation checker.
    pub run: RunReport,
    /// One random walk of the same seed, as a text trace.
    pub walk: String,
}

/// Random walks of at most `steps` actions from seed `seed` (stateright's simulation
/// checker, stopped after `budget` states), plus one walk replayed as a trace.
pub fn simulate(model: HinternetModel, seed: u64, steps: usize, budget: usize) -> SimulationReport {
    let started = Instant::now();
    let checker = CheckedModel::new(model.clone())
        .checker()
        .target_max_depth(steps.max(1))
        .target_state_count(budget.max(1))
        .timeout(Duration::from_secs(600))
        .spawn_simulation(seed, UniformChooser)
        .join();
    // A simulation samples the space; it is never "incomplete".
    let run = collect(&checker, model.clone(), started, true, None);
    SimulationReport {
        walk: random_walk(&model, seed, steps),
        run,
    }
}

/// One random walk (splitmix64 choices, reproducible from `seed`) as a text trace.
pub fn random_walk(model: &HinternetModel, seed: u64, steps: usize) -> String {
    let mut rng = seed;
    let mut next = move || {
        rng = rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut state = State::new(model.machine());
    let mut trace = hinternet_core::Trace::new();
    let mut actions = Vec::new();
    for _ in 0..steps {
        actions.clear();
        model.actions(&state, &mut actions);
        if actions.is_empty() {
            break;
        }
        let pick = (next() % actions.len() as u64) as usize;
        let candidate = model.step(&state, actions[pick], Some(&mut trace));
        if !model.within_boundary(&candidate) {
            trace.comment("outside the bounds: walk ends");
            break;
        }
        state = candidate;
        if state.violation.is_some() {
            break;
        }
    }
    trace.to_string()
}
