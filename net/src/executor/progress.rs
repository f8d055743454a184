//! The progress sink: what the operations report as things happen on the wire.
//!
//! The operations in [`request_ops`](super::request_ops) call a [`Progress`] at the moment
//! each step happens (not bunched at the completion); the executor turns each call into the
//! WinHTTP notification named on the method (for the status callback, through the engine's
//! protocol events). The strings are UTF-8 here; the executor passes them to the callback
//! as NUL-terminated wide strings with the length in characters including the NUL, as Wine
//! does. [`RecordingProgress`] keeps the calls for tests. [`LiveSteps`] decides which
//! calls become the machine's live `ProtocolEvent::Progress`.
//!
//! Invariant: the calls of one operation come from the task running it, in wire order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use hinternet_core::{Api, HandleKind};
use windows_sys::Win32::Networking::WinHttp as wh;

use super::state::lock;

/// Receives the progress of the operations; see the module docs.
pub trait Progress: Send + Sync {
    /// About to resolve `name`: `WINHTTP_CALLBACK_STATUS_RESOLVING_NAME`, info the server
    /// name (wide string). Only for a connect that has not resolved the name yet and when
    /// no pooled connection is used.
    fn resolving(&self, name: &str);
    /// The name resolved to `ip`: `WINHTTP_CALLBACK_STATUS_NAME_RESOLVED`, info the IP
    /// address as text without port (wide string).
    fn resolved(&self, ip: &str);
    /// About to open a TCP connection to `ip`: `WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER`,
    /// info the IP (wide string). Only for new connections.
    fn connecting(&self, ip: &str);
    /// TCP (and TLS) set up to `ip`: `WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER`, info the
    /// IP (wide string). Only for new connections.
    fn connected(&self, ip: &str);
    /// About to write the request head: `WINHTTP_CALLBACK_STATUS_SENDING_REQUEST`, no info.
    fn sending(&self);
    /// The head and the optional data are written: `WINHTTP_CALLBACK_STATUS_REQUEST_SENT`,
    /// info a DWORD with the bytes written.
    fn sent(&self, bytes: u32);
    /// About to read the response (and, in async mode, before each network read of the
    /// body): `WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE`, no info.
    fn receiving(&self);
    /// Response bytes arrived: `WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED`, info a DWORD with
    /// the bytes read (the head's length for a head).
    fn received(&self, bytes: u32);
    /// About to follow a redirect: `WINHTTP_CALLBACK_STATUS_REDIRECT`, info the new URL
    /// (wide string, the `Location` as resolved).
    fn redirect(&self, url: &str);
    /// About to re-send the request to the same target to answer a 401/407 itself (WH-R42):
    /// no notification of its own; the re-send's `sending`/`sent` and its response's
    /// `receiving`/`received` follow, as after a redirect but without `REDIRECT`. The
    /// default does nothing (a sink that reports no re-send).
    fn resend(&self) {}
    /// About to close the connection because the request asked for it (`Connection:
    /// close` in the request headers): `WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION`, no info.
    fn closing_connection(&self);
    /// That connection is closed: `WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED`, no info.
    fn connection_closed(&self);
    /// `n` body bytes are buffered and can be read without waiting. Not a notification: the
    /// executor reports it to the engine (`ProtocolEvent::DataBuffered(n)`) so reads and
    /// `QueryDataAvailable` can complete inline.
    fn data_buffered(&self, n: u64);
    /// The body is complete. Not a notification: `ProtocolEvent::EndOfData` for the engine.
    fn end_of_data(&self);
}

/// A progress sink that reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn resolving(&self, _: &str) {}
    fn resolved(&self, _: &str) {}
    fn connecting(&self, _: &str) {}
    fn connected(&self, _: &str) {}
    fn sending(&self) {}
    fn sent(&self, _: u32) {}
    fn receiving(&self) {}
    fn received(&self, _: u32) {}
    fn redirect(&self, _: &str) {}
    fn closing_connection(&self) {}
    fn connection_closed(&self) {}
    fn data_buffered(&self, _: u64) {}
    fn end_of_data(&self) {}
}

/// One recorded progress call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgressEvent {
    /// [`Progress::resolving`].
    Resolving(String),
    /// [`Progress::resolved`].
    Resolved(String),
    /// [`Progress::connecting`].
    Connecting(String),
    /// [`Progress::connected`].
    Connected(String),
    /// [`Progress::sending`].
    Sending,
    /// [`Progress::sent`].
    Sent(u32),
    /// [`Progress::receiving`].
    Receiving,
    /// [`Progress::received`].
    Received(u32),
    /// [`Progress::redirect`].
    Redirect(String),
    /// [`Progress::resend`].
    Resend,
    /// [`Progress::closing_connection`].
    ClosingConnection,
    /// [`Progress::connection_closed`].
    ConnectionClosed,
    /// [`Progress::data_buffered`].
    DataBuffered(u64),
    /// [`Progress::end_of_data`].
    EndOfData,
}

impl ProgressEvent {
    /// The `WINHTTP_CALLBACK_STATUS_*` value the event becomes; `None` for the events that
    /// are not notifications (the two engine events and a re-send).
    pub fn notification(&self) -> Option<u32> {
        Some(match self {
            ProgressEvent::Resolving(_) => wh::WINHTTP_CALLBACK_STATUS_RESOLVING_NAME,
            ProgressEvent::Resolved(_) => wh::WINHTTP_CALLBACK_STATUS_NAME_RESOLVED,
            ProgressEvent::Connecting(_) => wh::WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER,
            ProgressEvent::Connected(_) => wh::WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER,
            ProgressEvent::Sending => wh::WINHTTP_CALLBACK_STATUS_SENDING_REQUEST,
            ProgressEvent::Sent(_) => wh::WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
            ProgressEvent::Receiving => wh::WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE,
            ProgressEvent::Received(_) => wh::WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED,
            ProgressEvent::Redirect(_) => wh::WINHTTP_CALLBACK_STATUS_REDIRECT,
            ProgressEvent::ClosingConnection => wh::WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION,
            ProgressEvent::ConnectionClosed => wh::WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED,
            ProgressEvent::DataBuffered(_) | ProgressEvent::EndOfData | ProgressEvent::Resend => {
                return None
            }
        })
    }
}

/// Records every call in order (for tests).
#[derive(Debug, Default)]
pub struct RecordingProgress {
    events: Mutex<Vec<ProgressEvent>>,
}

impl RecordingProgress {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&self, event: ProgressEvent) {
        lock(&self.events).push(event);
    }

    /// The calls so far.
    pub fn events(&self) -> Vec<ProgressEvent> {
        lock(&self.events).clone()
    }

    /// The calls so far, leaving the recorder empty.
    pub fn take(&self) -> Vec<ProgressEvent> {
        std::mem::take(&mut *lock(&self.events))
    }

    /// The notifications the calls so far become, in order (engine-only events left out).
    pub fn notifications(&self) -> Vec<u32> {
        lock(&self.events)
            .iter()
            .filter_map(ProgressEvent::notification)
            .collect()
    }
}

impl Progress for RecordingProgress {
    fn resolving(&self, name: &str) {
        self.push(ProgressEvent::Resolving(name.to_owned()));
    }
    fn resolved(&self, ip: &str) {
        self.push(ProgressEvent::Resolved(ip.to_owned()));
    }
    fn connecting(&self, ip: &str) {
        self.push(ProgressEvent::Connecting(ip.to_owned()));
    }
    fn connected(&self, ip: &str) {
        self.push(ProgressEvent::Connected(ip.to_owned()));
    }
    fn sending(&self) {
        self.push(ProgressEvent::Sending);
    }
    fn sent(&self, bytes: u32) {
        self.push(ProgressEvent::Sent(bytes));
    }
    fn receiving(&self) {
        self.push(ProgressEvent::Receiving);
    }
    fn received(&self, bytes: u32) {
        self.push(ProgressEvent::Received(bytes));
    }
    fn redirect(&self, url: &str) {
        self.push(ProgressEvent::Redirect(url.to_owned()));
    }
    fn resend(&self) {
        self.push(ProgressEvent::Resend);
    }
    fn closing_connection(&self) {
        self.push(ProgressEvent::ClosingConnection);
    }
    fn connection_closed(&self) {
        self.push(ProgressEvent::ConnectionClosed);
    }
    fn data_buffered(&self, n: u64) {
        self.push(ProgressEvent::DataBuffered(n));
    }
    fn end_of_data(&self) {
        self.push(ProgressEvent::EndOfData);
    }
}

/// The wire steps of one operation that become live progress notifications: the
/// operation's completion progress (the machine's list, in order), each reported at most
/// once and only in that order, so that a repeated step (a send retried on a new
/// connection) or a step the machine emits itself (the re-send after a redirect inside a
/// receive) is not reported. Each accepted step is one `ProtocolEvent::Progress`.
///
/// Invariant: the steps of one operation come from the task running it, in wire order.
#[derive(Debug)]
pub struct LiveSteps {
    steps: &'static [u32],
    next: AtomicUsize,
}

impl LiveSteps {
    /// The steps of an operation of `api` on a handle of `kind`.
    pub fn new(api: Api, kind: HandleKind) -> LiveSteps {
        LiveSteps {
            steps: hinternet_core::protocol::completion_progress(api, kind),
            next: AtomicUsize::new(0),
        }
    }

    /// No live step: everything is emitted at the completion.
    pub fn none() -> LiveSteps {
        LiveSteps {
            steps: &[],
            next: AtomicUsize::new(0),
        }
    }

    /// True when `status` is the operation's next step to report (it then counts as
    /// reported); false when it is not (out of order, repeated, or not a step of it).
    pub fn take(&self, status: u32) -> bool {
        let at = self.next.load(Ordering::SeqCst);
        if self.steps.get(at) == Some(&status) {
            self.next.store(at + 1, Ordering::SeqCst);
            true
        } else {
            false
        }
    }

    /// A redirect or an authentication re-send restarted the operation's progress (the
    /// machine resets its count).
    pub fn restart(&self) {
        self.next.store(0, Ordering::SeqCst);
    }

    /// True while no step was reported (connect progress must come before the first).
    pub fn none_reported(&self) -> bool {
        self.next.load(Ordering::SeqCst) == 0
    }
}
