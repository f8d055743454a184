//! `hinternet-model`: the model checker's command line.
//!
//! Owns the CLI only: parsing, choosing models, bounds and shards, progress on stderr,
//! printing reports and setting the exit status:
//!
//! - 0: every `always` property holds and every `sometimes` property was reached (or,
//!   for `--mutant`, the mutant survived);
//! - 1: a law broke, a scenario was not reached in a complete run, or a mutant was caught;
//! - 2: usage errors;
//! - 3: INCOMPLETE: the timeout or the memory guard stopped a run before its bounded space
//!   was exhausted, and no law broke in what was explored (`--incomplete-ok` makes this 0).
//!
//! The checking itself lives in the library ([`hinternet_model::check`]).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use hinternet_core::Family;
use hinternet_model::check::{
    default_models, model_named, run_with_progress, shard, shortest_counterexample, simulate,
    total_memory_bytes, Counterexample, Explorer, Progress, RunOptions, RunReport, StopReason,
};
use hinternet_model::checked::CheckedModel;
use hinternet_model::model::State;
use hinternet_model::packed::Packed;
use hinternet_model::{ApiSet, Bounds, HinternetModel};
use stateright::Model;

#[derive(Parser)]
#[command(
    name = "hinternet-model",
    about = "Model-check the real hinternet-core lifecycle machine with stateright"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check every law on every preset within the bounds (the CI job).
    Check(CheckArgs),
    /// Iterative deepening: the shortest counterexample of any law, if one exists.
    CheckIterative {
        #[command(flatten)]
        config: ConfigArgs,
        /// Longest counterexample searched for, in actions.
        #[arg(long, default_value_t = 12)]
        max_steps: usize,
    },
    /// List the deliberately broken machines (`check --mutant NAME`).
    Mutants,
    /// Serve stateright's web explorer (default 127.0.0.1:3000).
    Explore {
        /// Address to listen on.
        addr: Option<String>,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Random walks: stateright's simulation checker, and one walk printed as a trace.
    Simulate {
        /// Random seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Longest walk, in actions.
        #[arg(long, default_value_t = 50)]
        steps: usize,
        /// States to generate before stopping.
        #[arg(long, default_value_t = 200_000)]
        budget: usize,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

/// Which models and bounds.
#[derive(Args, Clone)]
struct ConfigArgs {
    /// Only this family: winhttp or wininet.
    #[arg(long)]
    family: Option<String>,
    /// Only this preset (winhttp, winhttp-documented, wininet, wininet-wine-close,
    /// winhttp+strict-values, wininet+lifo-values,
    /// wininet+monotonic-values).
    #[arg(long)]
    preset: Option<String>,
    /// Handles created over a run.
    #[arg(long)]
    handles: Option<u8>,
    /// Deepest hierarchy level created (1 = roots only, 4 = websockets).
    #[arg(long)]
    depth: Option<u8>,
    /// Roots opened over a run.
    #[arg(long)]
    roots: Option<u8>,
    /// Operations queued per object and lane.
    #[arg(long)]
    queue: Option<u8>,
    /// Callbacks running at once per object.
    #[arg(long)]
    callbacks: Option<u8>,
    /// Call every function of the family, not one representative per lane.
    #[arg(long)]
    all_apis: bool,
    /// The deep preset: 5 handles, 2 roots, queues of 2, every function; aims at
    /// 100,000,000 unique states or more. Runs on the parallel-dfs explorer unless --dfs
    /// or --explorer says otherwise.
    #[arg(long)]
    deep: bool,
    /// Turn the value symmetry reduction off (it applies to the Lifo and Monotonic
    /// presets only), to compare reduced and unreduced state counts.
    #[arg(long)]
    no_symmetry: bool,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// Checker threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Stateright's depth-first search (less memory than its breadth-first one). Without
    /// --explorer it also picks the stateright explorer under --deep.
    #[arg(long)]
    dfs: bool,
    /// Which explorer checks the models: `stateright` (its breadth-first search, or
    /// depth-first with --dfs) or `parallel-dfs` (our own parallel depth-first search that
    /// keeps a 16-byte fingerprint per unique state: for big runs). Default: parallel-dfs
    /// with --deep (unless --dfs is given), stateright otherwise.
    #[arg(long, value_name = "NAME")]
    explorer: Option<String>,
    /// Check a deliberately broken machine: print the shortest counterexample and exit 1.
    #[arg(long)]
    mutant: Option<String>,
    /// Longest counterexample searched for with --mutant, in actions.
    #[arg(long, default_value_t = 12)]
    max_steps: usize,
    /// Stop each model after this many seconds (reported as INCOMPLETE; exit 3).
    #[arg(long)]
    timeout: Option<u64>,
    /// Stop a model when the process's resident memory exceeds SIZE (bytes, or with a
    /// K/M/G/T suffix, powers of 1024; reported as INCOMPLETE; exit 3). Default: half of
    /// the machine's memory (MemTotal, or the cgroup's limit when smaller); `none` turns
    /// the guard off.
    #[arg(long, value_name = "SIZE")]
    max_memory: Option<String>,
    /// Run only part I of N of the job list (every N-th job from the I-th; see
    /// --list-jobs), so that N independent jobs together run the whole check.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Print the job list (one model per line: index, name, family, bounds) and exit;
    /// with --shard, only that shard's jobs.
    #[arg(long)]
    list_jobs: bool,
    /// Exit 0 instead of 3 when a run is INCOMPLETE but no law broke in what it explored
    /// (budgeted exploration, e.g. the deep CI jobs).
    #[arg(long)]
    incomplete_ok: bool,
}

/// The outcome of a command, as its exit status.
enum Verdict {
    /// Exit 0.
    Pass,
    /// Exit 1.
    Fail,
    /// Exit 3.
    Incomplete,
}

impl From<bool> for Verdict {
    fn from(ok: bool) -> Verdict {
        if ok {
            Verdict::Pass
        } else {
            Verdict::Fail
        }
    }
}

/// mimalloc as the allocator: the checker allocates one small block per generated state
/// (its packed bytes), and with several checker threads a block is often freed by another
/// thread than the one that allocated it, which glibc's per-thread arenas handle slowly.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Check(CheckArgs {
        config: ConfigArgs {
            family: None,
            preset: None,
            handles: None,
            depth: None,
            roots: None,
            queue: None,
            callbacks: None,
            all_apis: false,
            deep: false,
            no_symmetry: false,
        },
        threads: 2,
        dfs: false,
        explorer: None,
        mutant: None,
        max_steps: 12,
        timeout: None,
        max_memory: None,
        shard: None,
        list_jobs: false,
        incomplete_ok: false,
    }));
    let result = match command {
        Command::Check(args) => match args.mutant.clone() {
            Some(name) => check_mutant(&args, &name).map(Verdict::from),
            None if args.list_jobs => list_jobs(&args).map(Verdict::from),
            None => check(&args),
        },
        Command::CheckIterative { config, max_steps } => {
            check_iterative(&config, max_steps).map(Verdict::from)
        }
        Command::Mutants => list_mutants().map(Verdict::from),
        Command::Explore { addr, config } => explore(addr, &config).map(Verdict::from),
        Command::Simulate {
            seed,
            steps,
            budget,
            config,
        } => run_simulation(&config, seed, steps, budget).map(Verdict::from),
    };
    match result {
        Ok(Verdict::Pass) => ExitCode::SUCCESS,
        Ok(Verdict::Fail) => ExitCode::from(1),
        Ok(Verdict::Incomplete) => ExitCode::from(3),
        Err(message) => {
            eprintln!("hinternet-model: {message}");
            ExitCode::from(2)
        }
    }
}

/// The bounds for `family`: `base`, or the deep preset, with the command line's overrides.
fn bounds(config: &ConfigArgs, base: fn(Family) -> Bounds, family: Family) -> Bounds {
    let mut b = if config.deep {
        Bounds::deep_for(family)
    } else {
        base(family)
    };
    if let Some(n) = config.handles {
        b.handles = n;
    }
    if let Some(n) = config.depth {
        b.depth = n;
    }
    if let Some(n) = config.roots {
        b.roots = n;
    }
    if let Some(n) = config.queue {
        b.queue = n;
    }
    if let Some(n) = config.callbacks {
        b.callbacks = n;
    }
    if config.all_apis {
        b.apis = ApiSet::All;
    }
    b
}

fn family(config: &ConfigArgs) -> Result<Option<Family>, String> {
    match config.family.as_deref() {
        None => Ok(None),
        Some("winhttp") => Ok(Some(Family::WinHttp)),
        Some("wininet") => Ok(Some(Family::WinInet)),
        Some(other) => Err(format!("unknown family {other:?}: use winhttp or wininet")),
    }
}

fn models(config: &ConfigArgs, base: fn(Family) -> Bounds) -> Result<Vec<HinternetModel>, String> {
    let for_family = |f: Family| bounds(config, base, f);
    let ms = models_reduced(config, &for_family)?;
    Ok(if config.no_symmetry {
        ms.into_iter().map(|m| m.with_symmetry(false)).collect()
    } else {
        ms
    })
}

fn models_reduced(
    config: &ConfigArgs,
    for_family: &dyn Fn(Family) -> Bounds,
) -> Result<Vec<HinternetModel>, String> {
    match &config.preset {
        Some(name) => model_named(name, for_family)
            .map(|m| vec![m])
            .ok_or_else(|| {
                let names: Vec<String> = default_models(for_family, None)
                    .into_iter()
                    .map(|m| m.name)
                    .collect();
                format!("unknown preset {name:?}; known: {}", names.join(", "))
            }),
        None => {
            let ms = default_models(for_family, family(config)?);
            if ms.is_empty() {
                return Err("no model matches".into());
            }
            Ok(ms)
        }
    }
}

/// What one stored state takes, for the largest state along the longest example path of
/// `report`: the stored [`Packed`] form (`inline`, `packed` bytes, their heap block) and,
/// for comparison, the rich working form (inline + heap).
#[derive(Clone, Copy, Debug, Default)]
struct StateBytes {
    inline: usize,
    packed: usize,
    heap: usize,
    rich: usize,
}

fn state_bytes(report: &RunReport) -> StateBytes {
    let longest = report
        .properties
        .iter()
        .filter_map(|p| p.path.as_ref())
        .max_by_key(|p| p.len());
    let model = &report.model;
    let mut state = State::new(model.machine());
    let mut best = StateBytes::default();
    let mut note = |state: &State| {
        let (inline, packed, heap) = Packed::pack(model, state).stored_bytes();
        if inline + heap > best.inline + best.heap {
            let (rich_inline, rich_heap) = state.rich_bytes();
            best = StateBytes {
                inline,
                packed,
                heap,
                rich: rich_inline + rich_heap,
            };
        }
    };
    note(&state);
    for &action in longest.map(Vec::as_slice).unwrap_or_default() {
        state = model.step(&state, action, None);
        note(&state);
    }
    best
}

fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("bad --shard {text:?}: use I/N with 1 <= I <= N, e.g. 2/7");
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let i: usize = i.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if i == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}

/// A size in bytes: digits (a decimal point allowed) with an optional K/M/G/T suffix
/// (powers of 1024; `KiB`, `KB`, `k` and the like are the same), or `none`.
fn parse_size(text: &str) -> Result<Option<u64>, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let bad = || format!("bad size {text:?}: use e.g. 512M, 8G, 1.5G or a number of bytes");
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number.parse().map_err(|_| bad())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    let bytes = number * (1u64 << shift) as f64;
    if !bytes.is_finite() || bytes < 1.0 || bytes > u64::MAX as f64 {
        return Err(bad());
    }
    Ok(Some(bytes as u64))
}

/// The memory guard's limit: `--max-memory`, or half of the memory the process may use.
fn memory_limit(args: &CheckArgs) -> Result<Option<u64>, String> {
    match &args.max_memory {
        Some(text) => parse_size(text),
        None => Ok(total_memory_bytes().map(|total| total / 2)),
    }
}

/// The models this `check` runs: the job list, or the shard of it that `--shard` names.
fn jobs(args: &CheckArgs) -> Result<Vec<(usize, HinternetModel)>, String> {
    let all: Vec<(usize, HinternetModel)> = models(&args.config, Bounds::default_for)?
        .into_iter()
        .enumerate()
        .map(|(i, m)| (i + 1, m))
        .collect();
    match &args.shard {
        None => Ok(all),
        Some(text) => {
            let (i, n) = parse_shard(text)?;
            // `parse_shard` guarantees 1 <= i <= n, the only case `shard` refuses.
            shard(all, i, n).ok_or_else(|| format!("bad --shard {text:?}"))
        }
    }
}

fn bounds_label(model: &HinternetModel) -> String {
    let b = &model.bounds;
    format!(
        "handles={} depth={} roots={} queue={} callbacks={} apis={:?}",
        b.handles, b.depth, b.roots, b.queue, b.callbacks, b.apis
    )
}

fn list_jobs(args: &CheckArgs) -> Result<bool, String> {
    for (index, model) in jobs(args)? {
        let family = match model.family() {
            Family::WinHttp => "winhttp",
            Family::WinInet => "wininet",
        };
        println!("{index} {} {family} {}", model.name, bounds_label(&model));
    }
    Ok(true)
}

/// Progress on stderr while a model is checked: a live status line (indicatif) when
/// stderr is a terminal, otherwise a plain line every [`PLAIN_EVERY`] (CI logs).
struct ProgressView {
    bar: Option<indicatif::ProgressBar>,
    model: String,
    limit: Option<u64>,
    last: Option<(Duration, usize)>,
    shown_at: Duration,
}

/// How often a plain progress line is printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(10);
/// How often the terminal status line is refreshed.
const TERMINAL_EVERY: Duration = Duration::from_secs(1);

impl ProgressView {
    fn new(model: &str, limit: Option<u64>) -> ProgressView {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        ProgressView {
            bar,
            model: model.to_string(),
            limit,
            last: None,
            shown_at: Duration::ZERO,
        }
    }

    fn update(&mut self, p: &Progress) {
        let every = if self.bar.is_some() {
            TERMINAL_EVERY
        } else {
            PLAIN_EVERY
        };
        if p.elapsed < self.shown_at + every {
            return;
        }
        // States per second since the last line (the current rate, not the average).
        let (t0, s0) = self.last.unwrap_or((Duration::ZERO, 0));
        let dt = (p.elapsed - t0).as_secs_f64().max(1e-9);
        let rate = p.states.saturating_sub(s0) as f64 / dt;
        self.last = Some((p.elapsed, p.states));
        self.shown_at = p.elapsed;
        let memory = match (p.rss, self.limit) {
            (Some(rss), Some(limit)) => format!("rss {}/{} MiB", rss >> 20, limit >> 20),
            (Some(rss), None) => format!("rss {} MiB", rss >> 20),
            (None, _) => "rss ?".to_string(),
        };
        let stopping = match p.stopping {
            Some(StopReason::Timeout(_)) => " stopping (timeout)",
            Some(StopReason::Memory { .. }) => " stopping (memory)",
            None => "",
        };
        let line = format!(
            "{} {:.0}s: states {} unique {} depth {} {:.0}/s {memory}{stopping}",
            self.model,
            p.elapsed.as_secs_f64(),
            p.states,
            p.unique,
            p.max_depth,
            rate
        );
        match &self.bar {
            Some(bar) => bar.set_message(line),
            None => eprintln!("progress {line}"),
        }
    }

    fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The explorer of a `check`: `--explorer`, else parallel-dfs for `--deep` without `--dfs`,
/// else stateright.
fn explorer(args: &CheckArgs) -> Result<Explorer, String> {
    match args.explorer.as_deref() {
        Some(name) => Explorer::from_name(name)
            .ok_or_else(|| format!("unknown explorer {name:?}: use stateright or parallel-dfs")),
        None if args.config.deep && !args.dfs => Ok(Explorer::ParallelDfs),
        None => Ok(Explorer::Stateright),
    }
}

fn check(args: &CheckArgs) -> Result<Verdict, String> {
    let ms = jobs(args)?;
    let explorer = explorer(args)?;
    let opts = RunOptions {
        threads: args.threads,
        explorer,
        dfs: args.dfs,
        timeout: args.timeout.map(Duration::from_secs),
        max_memory: memory_limit(args)?,
        ..RunOptions::default()
    };
    let started = Instant::now();
    let (mut states, mut unique, mut max_depth) = (0, 0, 0);
    let (mut all_ok, mut broken, mut complete) = (true, false, true);
    let mut bytes = StateBytes::default();
    for (_, model) in ms {
        let mut view = ProgressView::new(&model.name, opts.max_memory);
        let report = run_with_progress(model, &opts, &mut |p| view.update(p));
        view.finish();
        print!("{}", report.render());
        if let Some((property, path)) = report.counterexample() {
            broken = true;
            let cx = Counterexample::new(&report.model, property, path.to_vec());
            println!("  counterexample for {property}:");
            for line in cx.trace.lines() {
                println!("    {line}");
            }
        }
        let b = state_bytes(&report);
        if b.inline + b.heap > bytes.inline + bytes.heap {
            bytes = b;
        }
        states += report.states;
        unique += report.unique;
        max_depth = max_depth.max(report.max_depth);
        all_ok &= report.ok();
        complete &= report.complete;
    }
    let seconds = started.elapsed().as_secs_f64();
    if let Some(cpu) = cpu_seconds() {
        println!(
            "cpu: {cpu:.2} s of CPU time: {:.0} unique states and {:.0} states per CPU-second \
             (per core, whatever else the machine runs)",
            unique as f64 / cpu.max(1e-9),
            states as f64 / cpu.max(1e-9)
        );
    }
    println!(
        "bytes per state: {} inline + {} packed ({} as a heap block) = {} (largest state on the \
         longest example path, as the checker stores it; its rich working form: ~{}; the checker \
         also keeps a 16-byte fingerprint entry per unique state)",
        bytes.inline,
        bytes.packed,
        bytes.heap,
        bytes.inline + bytes.heap,
        bytes.rich
    );
    if let Some(peak) = peak_rss_bytes() {
        println!(
            "memory: peak resident {} MiB = {:.0} bytes per unique state (everything: stored \
             states, fingerprints, paths, the program)",
            peak >> 20,
            peak as f64 / (unique.max(1) as f64)
        );
    }
    println!(
        "total: states {states}, unique states {unique}, max depth {max_depth}, {seconds:.2} s, \
         {:.0} unique states/s ({:.0} states/s) on {} thread(s), explorer {}{}",
        unique as f64 / seconds.max(1e-9),
        states as f64 / seconds.max(1e-9),
        args.threads,
        explorer.name(),
        match (explorer, args.dfs) {
            (Explorer::Stateright, true) => " (depth-first)",
            (Explorer::Stateright, false) => " (breadth-first)",
            (Explorer::ParallelDfs, _) => "",
        }
    );
    let verdict = if broken {
        println!("FAILED: a law broke");
        Verdict::Fail
    } else if !complete {
        println!(
            "INCOMPLETE: a run was stopped before it exhausted its bounds; no law broke in the \
             states explored{}",
            if args.incomplete_ok {
                " (--incomplete-ok: exit 0)"
            } else {
                " (exit 3)"
            }
        );
        if args.incomplete_ok {
            Verdict::Pass
        } else {
            Verdict::Incomplete
        }
    } else if all_ok {
        println!("OK: every law holds and every scenario was reached");
        Verdict::Pass
    } else {
        println!("FAILED: a scenario was not reached");
        Verdict::Fail
    };
    Ok(verdict)
}

/// The process's peak resident memory in bytes (`VmHWM` of `/proc/self/status`; Linux).
fn peak_rss_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let value = text.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kib: u64 = value.split_whitespace().next()?.parse().ok()?;
    kib.checked_mul(1024)
}

/// CPU seconds this process used (user + system), from `/proc/self/stat` on Linux.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some((utime + stime) / 100.0)
}

fn print_counterexample(cx: &Counterexample) {
    println!(
        "counterexample ({} actions) in model {}: {}",
        cx.actions.len(),
        cx.model,
        cx.property
    );
    if let Some(v) = &cx.violation {
        println!("{v}");
    }
    print!("{}", cx.trace);
}

#[cfg(feature = "mutants")]
fn check_mutant(args: &CheckArgs, name: &str) -> Result<bool, String> {
    use hinternet_core::Mutant;
    let mutant = Mutant::from_name(name).ok_or_else(|| {
        let names: Vec<String> = Mutant::ALL.iter().map(|m| m.name()).collect();
        format!("unknown mutant {name:?}; known: {}", names.join(", "))
    })?;
    let config = args.config.clone();
    let for_family = move |f: Family| bounds(&config, Bounds::small_for, f);
    let report =
        hinternet_model::check::hunt(mutant, &for_family, family(&args.config)?, args.max_steps);
    match &report.caught {
        Some(cx) => {
            println!(
                "mutant {} CAUGHT (states {}, {:.2} s)",
                mutant.name(),
                report.states,
                report.seconds
            );
            print_counterexample(cx);
            Ok(false)
        }
        None => {
            println!(
                "mutant {} SURVIVED: no law broke within {} actions (states {}, {:.2} s)",
                mutant.name(),
                args.max_steps,
                report.states,
                report.seconds
            );
            Ok(true)
        }
    }
}

#[cfg(not(feature = "mutants"))]
fn check_mutant(_args: &CheckArgs, _name: &str) -> Result<bool, String> {
    Err("built without the `mutants` feature".into())
}

#[cfg(feature = "mutants")]
fn list_mutants() -> Result<bool, String> {
    for m in hinternet_core::Mutant::ALL {
        let laws: Vec<String> = m.laws().iter().map(u8::to_string).collect();
        println!("{:<34} law {}", m.name(), laws.join(", "));
    }
    Ok(true)
}

#[cfg(not(feature = "mutants"))]
fn list_mutants() -> Result<bool, String> {
    Err("built without the `mutants` feature".into())
}

fn check_iterative(config: &ConfigArgs, max_steps: usize) -> Result<bool, String> {
    let ms = models(config, Bounds::default_for)?;
    let started = Instant::now();
    let (cx, states) = shortest_counterexample(&ms, max_steps);
    let seconds = started.elapsed().as_secs_f64();
    match cx {
        Some(cx) => {
            print_counterexample(&cx);
            println!("states {states}, {seconds:.2} s");
            Ok(false)
        }
        None => {
            println!(
                "no counterexample of at most {max_steps} actions in {} model(s); states {states}, {seconds:.2} s",
                ms.len()
            );
            Ok(true)
        }
    }
}

fn explore(addr: Option<String>, config: &ConfigArgs) -> Result<bool, String> {
    let addr = addr.unwrap_or_else(|| "127.0.0.1:3000".to_string());
    let model = models(config, Bounds::default_for)?
        .into_iter()
        .next()
        .ok_or("no model")?;
    println!(
        "Exploring model {} ({}) on http://{addr}/",
        model.name,
        bounds_label(&model)
    );
    // Blocks: the explorer serves until the process is stopped.
    let _checker = CheckedModel::new(model).checker().serve(addr);
    Ok(true)
}

fn run_simulation(
    config: &ConfigArgs,
    seed: u64,
    steps: usize,
    budget: usize,
) -> Result<bool, String> {
    let mut ok = true;
    for model in models(config, Bounds::default_for)? {
        let report = simulate(model, seed, steps, budget);
        print!("{}", report.run.render());
        // Sometimes-properties are not a failure of a random walk; broken laws are.
        if let Some((property, path)) = report.run.counterexample() {
            ok = false;
            let cx = Counterexample::new(&report.run.model, property, path.to_vec());
            print_counterexample(&cx);
        }
        println!("  one walk of seed {seed}:");
        for line in report.walk.lines() {
            println!("    {line}");
        }
    }
    Ok(ok)
}
