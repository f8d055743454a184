//! The WinHTTP executor's data and I/O operations, independent of the engine.
//!
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
//!   `QueryCloseStatus`.
//!
//! The operations are plain `async fn`s over `&mut` state: the embedder runs each on its
//! runtime when the engine starts the operation and reports the result (and the progress)
//! back to the engine. Nothing here knows about handles, callbacks or the lifecycle.

pub mod body_ops;
pub mod inline_reads;
pub mod progress;
pub mod redirect_policy;
pub mod request_ops;
pub mod state;
pub mod websocket_ops;

pub use progress::{LiveSteps, NoProgress, Progress, ProgressEvent, RecordingProgress};
pub use request_ops::{
    DefaultRedirects, RedirectContext, RedirectDecider, RedirectDecision, RedirectTarget,
};
pub use state::{ConnectState, RequestState, SessionSettings, SessionState};
pub use websocket_ops::WebSocketState;
