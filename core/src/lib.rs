//! # hinternet-core
//!
//! The lifecycle engine for Windows `HINTERNET` handles (WinHTTP and WinINet): a pure,
//! deterministic state machine ([`Machine`]) that owns every handle, object, pending
//! operation and callback delivery, and obeys the thirteen laws listed in the
//! [`machine`] module docs.
//!
//! ```
//! use hinternet_core::{drain, CreateApi, Input, Machine, Policy, Ret};
//!
//! let mut m = Machine::new(Policy::winhttp());
//! let session = m.handle_input(Input::Open { api: CreateApi::WinHttpOpen, async_mode: false })?;
//! let Ret::Handle(session) = session.ret else { unreachable!() };
//! let reply = m.handle_input(Input::Close { handle: session })?;
//! assert_eq!(reply.ret, Ret::Bool(true));
//! let outputs = drain(&mut m, |_m, _out| {})?;
//! assert_eq!(outputs.len(), 1); // HANDLE_CLOSING (not delivered: no callback)
//! assert!(m.is_empty());
//! # Ok::<(), hinternet_core::InputError>(())
//! ```

#![no_std]
// The machine is `no_std` + `alloc`: the compiler, not a text scan, keeps threads,
// sockets, clocks, `std::sync` and unordered hash maps out of it. Its tests use std.
#[cfg(test)]
extern crate std;

extern crate alloc;

pub mod drain;
pub mod harness;
pub mod laws;
pub mod machine;
#[cfg(feature = "pack")]
pub mod pack;
pub mod trace;

pub use drain::{drain, drain_into, CallbackMode, OutputSink};
pub use harness::{DriveError, Driver};
pub use laws::{check_invariants, LawMonitor, Violation};
pub use machine::*;
pub use trace::{format_input, format_output, format_reply, parse_input, ParseError, Trace};

// The README's examples (the machine's and the engine's) run as doctests of
// `hinternet-engine`, which can use both crates.
