//! Loopback servers for hinternet's tests (and later the C ABI tests).
//!
//! Every server binds `127.0.0.1:0`, runs on its own thread with its own current-thread
//! tokio runtime (so blocking test code can use it too), counts the connections it accepted,
//! and is stopped by dropping its handle: the accept loop ends, the runtime is dropped
//! (closing every socket and cancelling every connection task) and the thread is joined.
//! Every loop is bounded (by the shutdown signal, a count, or a timeout).
//!
//! - [`http`]: a hyper HTTP/1.1 server with the routes listed in [`http::start`];
//! - [`tls`]: the same routes over TLS with certificates generated at start by `rcgen`;
//! - [`ws`]: a tokio-tungstenite websocket echo server;
//! - [`script`]: a raw TCP server that plays a script of reads, writes, pauses, closes and
//!   resets, for byte-exact and malformed replies;
//! - [`proxy`]: a forwarding HTTP proxy (absolute-form requests and `CONNECT` tunnels to
//!   127.0.0.1) that records every request head;
//! - [`ftp`]: a scripted FTP server over an in-memory tree, with fault injection;
//! - [`gopher`]: a Gopher / Gopher+ server with good and hostile menus;
//! - `unftp` (feature `libunftp-conformance`, off by default): libunftp over a directory, a
//!   real FTP server for conformance checks.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::net::TcpStream;
use tokio::sync::watch;

pub mod ftp;
pub mod gopher;
pub mod http;
pub mod proxy;
pub mod script;
pub mod tls;
#[cfg(feature = "libunftp-conformance")]
pub mod unftp;
pub mod ws;

/// The most connections one server accepts before its accept loop stops.
pub const MAX_CONNECTIONS: usize = 100_000;

/// A running server; dropping it stops the server and joins its thread.
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    shutdown: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The bound address (always on 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// How many TCP connections the server has accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A connection handler: gets each accepted stream and a receiver that flips on shutdown.
pub(crate) type Handler = Arc<
    dyn Fn(TcpStream, usize, watch::Receiver<bool>) -> Pin<Box<dyn Future<Output = ()> + Send>>
        + Send
        + Sync,
>;

/// Binds 127.0.0.1:0 and serves every accepted connection with `handler` on a dedicated
/// thread. Panics only if the loopback socket or the runtime cannot be created (a broken
/// test machine, not bad input).
pub(crate) fn spawn_server(name: &str, handler: Handler) -> ServerHandle {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let addr = listener.local_addr().expect("bound address");
    let accepted = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = watch::channel(false);
    let counter = accepted.clone();
    let thread = std::thread::Builder::new()
        .name(format!("testserver-{name}"))
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("test server runtime");
            runtime.block_on(accept_loop(listener, handler, counter, rx));
            // Dropping the runtime here cancels every connection task and closes its socket.
            drop(runtime);
        })
        .expect("spawn test server thread");
    ServerHandle {
        addr,
        accepted,
        shutdown: Some(tx),
        thread: Some(thread),
    }
}

async fn accept_loop(
    listener: std::net::TcpListener,
    handler: Handler,
    counter: Arc<AtomicUsize>,
    mut shutdown: watch::Receiver<bool>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    for index in 0..MAX_CONNECTIONS {
        tokio::select! {
            _ = shutdown.changed() => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(handler(stream, index, shutdown.clone()));
            }
        }
    }
}
