//! # hinternet-model
//!
//! A [stateright](https://docs.rs/stateright) model of the REAL lifecycle machine of
//! `hinternet-core`: the model's state is the core's [`Machine`](hinternet_core::Machine)
//! plus the core's bounded [`LawMonitor`](hinternet_core::LawMonitor), its actions are the
//! core's own [`Input`](hinternet_core::Input)s, and every step goes through the core's one
//! drain helper, so the proof is about the code that ships.
//!
//! - [`model`] owns the state, the actions, the step and the properties (laws 1–13 and the
//!   structural invariants as `always`; the interesting scenarios as `sometimes`).
//! - [`check`] owns running it: the models of the default `check` (its job list and
//!   shards), reports, progress, the timeout and memory guard, shortest counterexamples
//!   as text traces, and mutant hunting.
//! - [`explore`] owns our own exhaustive explorer for big runs (`check --explorer
//!   parallel-dfs`, the default of `--deep`): a parallel depth-first search over packed
//!   states that keeps only a 128-bit fingerprint per unique state.
//! - [`symmetry`] owns the value symmetry reduction (renumbering interchangeable handle
//!   values to a representative under the Lifo, Fifo and Monotonic orders) and why it is
//!   sound.
//! - [`checked`] owns the model as the checker and the explorer run it: a stop switch,
//!   and states and steps shown in the core's trace notation.
//! - [`packed`] owns the state as the checker stores it: one canonical byte string per
//!   state (the machine, the monitor and the late operations, in the core's canonical `pack`
//!   encoding), and the
//!   per-thread scratch that steps from it without allocating a rich state per successor.
//!
//! ```
//! use hinternet_model::{check::{run, RunOptions}, Bounds, HinternetModel};
//! use hinternet_core::{Family, Policy};
//!
//! let bounds = Bounds { handles: 2, ..Bounds::small_for(Family::WinHttp) };
//! let report = run(HinternetModel::new("winhttp", Policy::winhttp(), bounds), &RunOptions::default());
//! assert!(report.properties.iter().filter(|p| p.name.starts_with("law")).all(|p| p.ok()));
//! ```

pub mod check;
pub mod checked;
pub mod explore;
pub mod model;
pub mod packed;
pub mod symmetry;

pub use model::{ApiSet, Bounds, HinternetModel, State};
