//! The executor core both APIs share: per-handle data, the async I/O operations and the
//! threads they run on, independent of the engine.
//!
//! [`crate::winhttp::exec`] (WinHTTP) and [`crate::wininet::api`]'s executor (WinINet) are the
//! engine's executors; both run the HTTP operations here, on a [`runtime::Runtime`].
//!
//! * [`app_buffer`]: the application's buffer of an asynchronous read ([`AppBuffer`],
//!   [`VecBuffer`]), one type for both APIs;
//! * [`state`]: the per-object data (session, connect, request; the websocket's is in
//!   [`websocket_ops`]);
//! * [`progress`]: the sink the operations report wire progress to, each call documented
//!   with the notification it becomes;
//! * [`inline_reads`]: the reads that complete inside their call (data already buffered);
//! * [`body_ops`]: `QueryDataAvailable`, `ReadData` and the end of the body;
//! * [`redirect_policy`]: the redirect decider of `ReceiveResponse`;
//! * [`request_ops`]: `SendRequest`, `WriteData`, `ReceiveResponse` (with redirects),
//!   `QueryDataAvailable`, `ReadData`;
//! * [`websocket_ops`]: `WebSocketCompleteUpgrade`, `Send`, `Receive`, `Shutdown`, `Close`,
//!   `QueryCloseStatus` (WinHTTP only);
//! * [`runtime`]: the executors' threads — one tokio runtime driven by an I/O thread and
//!   delivery threads (created through a replaceable [`runtime::ThreadSpawner`]) that run
//!   posted jobs, each object's in order.
//!
//! The operations are plain `async fn`s over `&mut` state: the embedder runs each on its
//! runtime when the engine starts the operation and reports the result (and the progress)
//! back to the engine. Invariant: nothing here knows about handles, callbacks or the
//! lifecycle, and nothing here calls the engine (the runtime runs jobs the executors post).

pub mod app_buffer;
pub mod body_ops;
pub mod inline_reads;
pub mod progress;
pub mod redirect_policy;
pub mod request_ops;
pub mod runtime;
pub mod state;
pub mod websocket_ops;

pub use app_buffer::{AppBuffer, VecBuffer};
pub use progress::{LiveSteps, NoProgress, Progress, ProgressEvent, RecordingProgress};
pub use request_ops::{
    DefaultRedirects, RedirectContext, RedirectDecider, RedirectDecision, RedirectTarget,
};
pub use state::{ConnectState, RequestState, SessionSettings, SessionState};
pub use websocket_ops::WebSocketState;
