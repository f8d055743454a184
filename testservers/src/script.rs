//! A raw TCP server that plays a script per connection, for byte-exact and hostile replies.
//!
//! Connection `i` plays `scripts[min(i, last)]`. Reads are bounded (1 MiB and 10 s per step);
//! everything read is recorded per connection ([`ScriptServer::received`]). When a script
//! ends the connection is closed normally.
//!
//! Each connection also counts the steps it has finished ([`ScriptServer::steps_done`]), so a
//! test can wait for the server to have written, closed or reset instead of sleeping and
//! hoping: a write step counts once its bytes are in the kernel, a close once the FIN is
//! sent, a reset once the socket is closed (the RST sent).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::{spawn_server, ServerHandle};

/// Longest a read step waits.
const READ_STEP_TIMEOUT: Duration = Duration::from_secs(10);
/// Most bytes one read step takes in.
const READ_STEP_LIMIT: usize = 1 << 20;

/// One step of a script.
#[derive(Debug, Clone)]
pub enum Step {
    /// Read until a blank line ends a request head.
    ReadHead,
    /// Read until the bytes read in this step end with this pattern.
    ReadUntil(Vec<u8>),
    /// Read whatever arrives next (at least one byte).
    ReadSome,
    /// Write these bytes.
    Write(Vec<u8>),
    /// Write these bytes one at a time with a pause after each (a slowloris server).
    Trickle(Vec<u8>, Duration),
    /// Pause.
    Sleep(Duration),
    /// Close the connection normally (FIN).
    Close,
    /// Reset the connection (RST, via `SO_LINGER` 0).
    Reset,
    /// Keep the connection open and silent until the server stops.
    Hang,
    /// Answer the websocket upgrade read so far: `101` with the `Sec-WebSocket-Accept` that
    /// matches the last `Sec-WebSocket-Key` read on this connection (a wrong or missing key
    /// gets an accept value that cannot match).
    AcceptWebSocket,
}

/// A running script server.
#[derive(Debug)]
pub struct ScriptServer {
    /// The server handle (address, accepted count; drop to stop).
    pub handle: ServerHandle,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    steps: Arc<Mutex<Vec<usize>>>,
}

impl ScriptServer {
    /// Bytes read so far on connection `index` (empty if none).
    pub fn received(&self, index: usize) -> Vec<u8> {
        let log = self.received.lock().unwrap_or_else(|p| p.into_inner());
        log.get(index).cloned().unwrap_or_default()
    }

    /// How many steps connection `index` has finished (0 if it was never accepted).
    pub fn steps_done(&self, index: usize) -> usize {
        let steps = self.steps.lock().unwrap_or_else(|p| p.into_inner());
        steps.get(index).copied().unwrap_or(0)
    }

    /// Blocks until connection `index` has finished at least `count` steps, polling for at
    /// most `limit`; returns whether it got there.
    pub fn wait_for_steps(&self, index: usize, count: usize, limit: Duration) -> bool {
        let deadline = std::time::Instant::now() + limit;
        loop {
            if self.steps_done(index) >= count {
                return true;
            }
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Starts a server playing `scripts` (see the module docs). An empty list closes at once.
pub fn start(scripts: Vec<Vec<Step>>) -> ScriptServer {
    let scripts = Arc::new(scripts);
    let received: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let log = received.clone();
    let steps: Arc<Mutex<Vec<usize>>> = Arc::default();
    let progress = steps.clone();
    let handle = spawn_server(
        "script",
        Arc::new(move |stream, index, shutdown| {
            let scripts = scripts.clone();
            let log = log.clone();
            let progress = progress.clone();
            Box::pin(async move {
                let script = scripts
                    .get(index.min(scripts.len().saturating_sub(1)))
                    .cloned();
                let script = script.unwrap_or_default();
                play(stream, index, script, log, progress, shutdown).await;
            })
        }),
    );
    ScriptServer {
        handle,
        received,
        steps,
    }
}

fn step_finished(progress: &Mutex<Vec<usize>>, index: usize) {
    let mut progress = progress.lock().unwrap_or_else(|p| p.into_inner());
    if progress.len() <= index {
        progress.resize(index + 1, 0);
    }
    progress[index] += 1;
}

fn record(log: &Mutex<Vec<Vec<u8>>>, index: usize, bytes: &[u8]) {
    let mut log = log.lock().unwrap_or_else(|p| p.into_inner());
    if log.len() <= index {
        log.resize(index + 1, Vec::new());
    }
    log[index].extend_from_slice(bytes);
}

async fn read_until(
    stream: &mut TcpStream,
    seen: &mut Vec<u8>,
    done: impl Fn(&[u8]) -> bool,
) -> bool {
    let mut buf = [0u8; 4096];
    let start = seen.len();
    while !done(&seen[start..]) && seen.len() - start < READ_STEP_LIMIT {
        match tokio::time::timeout(READ_STEP_TIMEOUT, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
            _ => return false,
        }
    }
    true
}

async fn play(
    mut stream: TcpStream,
    index: usize,
    script: Vec<Step>,
    log: Arc<Mutex<Vec<Vec<u8>>>>,
    progress: Arc<Mutex<Vec<usize>>>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut seen = Vec::new();
    for step in script {
        let before = seen.len();
        let ok = match step {
            Step::ReadHead => {
                read_until(&mut stream, &mut seen, |s| {
                    s.windows(4).any(|w| w == b"\r\n\r\n")
                })
                .await
            }
            Step::ReadUntil(pattern) => {
                read_until(&mut stream, &mut seen, |s| s.ends_with(&pattern)).await
            }
            Step::ReadSome => read_until(&mut stream, &mut seen, |s| !s.is_empty()).await,
            Step::Write(bytes) => stream.write_all(&bytes).await.is_ok(),
            Step::Trickle(bytes, pause) => {
                let mut ok = true;
                for b in bytes {
                    if stream.write_all(&[b]).await.is_err() {
                        ok = false;
                        break;
                    }
                    tokio::time::sleep(pause).await;
                }
                ok
            }
            Step::Sleep(pause) => {
                tokio::time::sleep(pause).await;
                true
            }
            Step::Close => {
                let _ = stream.shutdown().await;
                step_finished(&progress, index);
                return;
            }
            Step::Reset => {
                let _ = stream.set_zero_linger();
                drop(stream);
                step_finished(&progress, index);
                return;
            }
            Step::Hang => {
                let _ = shutdown.changed().await;
                return;
            }
            Step::AcceptWebSocket => {
                let accept = websocket_accept(&seen);
                let reply = format!(
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
                     Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
                );
                stream.write_all(reply.as_bytes()).await.is_ok()
            }
        };
        record(&log, index, &seen[before..]);
        if ok {
            step_finished(&progress, index);
        }
        if !ok {
            return;
        }
    }
}

/// The `Sec-WebSocket-Accept` for the last `Sec-WebSocket-Key` in `seen` (RFC 6455 §4.2.2).
fn websocket_accept(seen: &[u8]) -> String {
    let text = String::from_utf8_lossy(seen);
    let key = text
        .split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("Sec-WebSocket-Key"))
        .map(|(_, value)| value.trim().to_owned())
        .last()
        .unwrap_or_default();
    tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes())
}
