//! The one helper room of net's integration tests (`mod support;` in a test file): each
//! submodule holds the setup and sequence-check shapes several tests share, so the tests
//! keep only their own steps and assertions.
//!
//! * [`wire`]: the wire layer — a connection to a loopback server, one exchange run to its
//!   end, the executor tests' session state and runtime;
//! * [`winhttp`]: the typed WinHTTP API — a recording status callback, the usual session,
//!   reading a body, the status code, named proxy settings, the end-of-test check;
//! * [`wininet`]: the typed WinINet API — a recording status callback, the REQUEST_COMPLETE
//!   channel, reading a body, the status code, the end-of-test check;
//! * [`fds`]: counting this process's open descriptors and waiting, bounded, for the count
//!   to come back to a baseline (the leak checks).
//!
//! Invariants: every wait is bounded in time and every loop in count; servers are the
//! testservers' loopback ones (127.0.0.1, port 0).

#![allow(dead_code)]

pub mod fds;
pub mod winhttp;
pub mod wininet;
pub mod wire;
