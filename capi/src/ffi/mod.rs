//! The C ABI: every `#[no_mangle]` export and every read or write of caller memory.
//!
//! This is the only place where `unsafe` is allowed in the crate (each submodule opts in
//! with `#![allow(unsafe_code)]`); everything it calls is safe Rust. Submodules:
//! * [`raw`]: the unsafe primitives (strings, structures, out-values);
//! * [`host`]: the `extern "C"` host-hook API (`hinternet_set_host_hooks`, …) and the calls
//!   into the host's hooks;
//! * [`winhttp`], [`wininet`]: the Windows exports that need no handle;
//! * [`winhttp_handles`]: the WinHTTP handle exports over the process-wide typed API;
//! * [`winhttp_more`]: `WinHttpReadDataEx`, the proxy functions, structured option values;
//! * [`wininet_handles`]: the WinINet handle exports (`W` and `A`);
//! * [`global_memory`]: strings returned in `GlobalAlloc` memory;
//! * [`fuzz`]: [`fuzz::fuzz_exports`], which drives those exports with hostile arguments.
//!
//! Invariants: every Windows export runs its body inside
//! [`crate::panic_boundary::guard`]; NULL pointers are checked before use; a failing export
//! leaves a Windows error code in the last error.

pub mod fuzz;
pub mod global_memory;
pub mod host;
pub mod raw;
pub mod urls;
pub mod winhttp;
pub mod winhttp_handles;
pub mod winhttp_more;
pub mod wininet;
pub mod wininet_handles;
