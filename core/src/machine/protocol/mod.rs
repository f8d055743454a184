//! Per-handle protocol states: which call is legal when, for every handle kind — as data.
//!
//! Owns: [`Phase`] and [`ProtoState`] (the small protocol state every object carries),
//! the legality table [`PROTOCOL_TABLE`] (call × handle kind × state → verdict and next
//! state), the completion table [`COMPLETION_TABLE`] (how the end of an operation moves
//! the state), the progress table [`PROGRESS_TABLE`] (progress emitted at accept and at
//! completion where it differs from the API table), the inline table [`INLINE_TABLE`]
//! (when an operation completes inside its call), the state changes they imply
//! ([`ProtoState::accept`], [`ProtoState::complete`], [`ProtoState::ready_inline`]), the
//! protocol facts only the executor knows (`Machine::protocol_event`), and
//! [`render_markdown`], which generates `docs/protocol-table.md` from these tables.
//!
//! Rooms: `state.rs` (the state), `rules.rs` (row types and the decisions that read the
//! tables), `tables.rs` (the tables), `events.rs` (executor facts), `render.rs` (the
//! Markdown rendering).
//!
//! # How a call is decided
//!
//! [`decide`] scans [`PROTOCOL_TABLE`] in order; the first row whose call and handle
//! kind match and whose [`When`] holds decides. A call no row matches is legal and
//! leaves the protocol state alone. The machine consults nothing else: no `if` on the
//! protocol state lives outside this module's tables (the handle kind checks stay in
//! the API table, law 8).
//!
//! # Invariants
//!
//! * P1 — a decision is a pure function of the call, the handle kind, the
//!   [`ProtoState`], the async mode, which lanes hold operations, whether an FTP session
//!   has an open transfer or find, and the call's [`CallArg`] ([`Facts`]).
//! * P2 — a [`Verdict::Fail`] changes nothing (law 8).
//! * P3 — the phase moves only at accept (the row's [`Next`]), at completion
//!   ([`COMPLETION_TABLE`]), or on a protocol event.
//! * P4 — accept-time transitions give the state after every queued operation
//!   succeeds; a completion moves the phase only when nothing was accepted after it
//!   (the lane is empty and the phase is the one the operation left). A failed
//!   operation sets its error phase, and the operations queued behind it are decided
//!   again when they reach the head of their lane (a `ReceiveResponse` queued behind a
//!   failed send then fails with `REQUEST_ERROR{1, 12019}`, WH-R22).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use core::fmt::Write as _;

use super::api::{Api, Lane, Shape};
use super::codes::{
    winhttp as wh, wininet as wi, ERROR_FTP_TRANSFER_IN_PROGRESS, ERROR_HTTP_HEADER_NOT_FOUND,
    ERROR_INTERNET_INCORRECT_HANDLE_STATE, ERROR_INTERNET_INCORRECT_HANDLE_TYPE,
    ERROR_INTERNET_INTERNAL_ERROR, ERROR_INTERNET_INVALID_OPERATION,
    ERROR_INTERNET_OPERATION_CANCELLED, ERROR_INTERNET_OPTION_NOT_SETTABLE,
    ERROR_INVALID_OPERATION, ERROR_INVALID_PARAMETER, ERROR_WINHTTP_INCORRECT_HANDLE_STATE,
    HTTP_STATUS_DENIED, HTTP_STATUS_PROXY_AUTH_REQ,
};
use super::io::{CallArg, Completion, WsBufferType};
use super::kind::{CreateApi, HandleKind, Service};

mod events;
mod render;
mod rules;
mod state;
mod tables;

pub use render::render_markdown;
pub use rules::*;
pub use state::*;
pub use tables::*;

use Call::{Api as A, Create as C};
use Phase::{
    Ending, ExOpen, ExSending, Failed, Idle, Receiving, ReplyReady, Response, Sending, SendingFull,
    Sent, WsClosed, WsShutdown,
};
use Verdict::{Fail, FailInline, PendCreate, Proceed};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_names_a_kind_its_call_accepts() {
        for r in PROTOCOL_TABLE {
            for &k in r.kinds {
                let ok = match r.call {
                    Call::Api(a) => a.accepts(k),
                    Call::Create(c) => c.rule().source.contains(&k),
                };
                assert!(ok, "{} does not accept {k}", r.call.name());
            }
        }
    }

    #[test]
    fn every_completion_row_is_an_operation() {
        for r in COMPLETION_TABLE {
            assert!(r.api.op_spec().is_some(), "{}", r.api);
        }
        for r in INLINE_TABLE {
            assert!(r.api.op_spec().is_some(), "{}", r.api);
        }
    }

    #[test]
    fn no_row_is_shadowed_by_an_unconditional_row_before_it() {
        for (i, r) in PROTOCOL_TABLE.iter().enumerate() {
            let shadow = PROTOCOL_TABLE[..i].iter().find(|e| {
                e.call == r.call
                    && e.when == ALWAYS
                    && (e.kinds.is_empty() || r.kinds.iter().all(|k| e.kinds.contains(k)))
                    && !r.kinds.is_empty()
            });
            assert!(
                shadow.is_none(),
                "row {} ({}) is unreachable",
                i + 1,
                r.call.name()
            );
        }
    }
}
