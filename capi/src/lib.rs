//! `libhinternet`: the C ABI of hinternet.
//!
//! Built as `libhinternet.so` / `libhinternet.a` (and an rlib for Rust tests), it exports
//! WinHTTP and WinINet functions under Windows' names, with Windows' types, structure
//! layouts, out-buffer conventions and `GetLastError` codes, plus a small `extern "C"` API of
//! its own for hosts (`hinternet_set_host_hooks`, `hinternet_get_last_error`, …; see
//! `include/hinternet.h`). The semantics live in the safe, typed crates (`hinternet-net`);
//! this crate only marshals.
//!
//! Layout:
//! * [`abi`]: the `export!` macro and the calling convention (feature `abi-win64`);
//! * [`panic_boundary`]: no panic crosses into C; panics are counted;
//! * [`last_error`]: the per-thread last error, routed to the host's hooks;
//! * [`host`]: the host-hook structure, its installation and [`host::ThreadSpawner`];
//! * [`strings`]: the ANSI code page (UTF-8) and out-buffer size rules;
//! * [`structs`]: the Windows structures with their x64 layouts asserted;
//! * [`instance`]: the process-wide WinHTTP and WinINet instances behind the handle exports
//!   and their release (`hinternet_shutdown`);
//! * [`ffi`]: the only modules with `unsafe`: caller memory, the exports, the fuzz body.
//!
//! The WinHTTP handle functions (`WinHttpOpen` … `WinHttpCloseHandle`, the proxy functions)
//! marshal onto the typed API (`hinternet_net::winhttp_api`), the WinINet handle functions
//! (`W` and `A`) onto `hinternet_net::wininet_api`.

pub mod abi;
pub mod ffi;
pub mod host;
pub mod instance;
pub mod last_error;
pub mod panic_boundary;
pub mod strings;
pub mod structs;

pub use ffi::fuzz::fuzz_exports;
