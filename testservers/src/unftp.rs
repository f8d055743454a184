//! A real FTP server for conformance checks: libunftp serving a local directory with anonymous
//! logins (any user name and password), on 127.0.0.1. Only built with the
//! `libunftp-conformance` feature (off by default; it adds about 80 crates).
//!
//! libunftp's `listen` takes an address and does not report the bound port, so the port is
//! taken from a probe bind on 127.0.0.1:0 just before; [`start`] waits (bounded: 5 s) until the
//! server accepts connections. Dropping the handle resolves libunftp's shutdown indicator and
//! joins the server thread.

use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use libunftp::options::Shutdown;
use libunftp::ServerBuilder;
use tokio::sync::oneshot;
use unftp_sbe_fs::Filesystem;

/// A running libunftp server; dropping it stops the server.
#[derive(Debug)]
pub struct UnftpServer {
    port: u16,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl UnftpServer {
    /// The control port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for UnftpServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves `root` (an existing directory). Panics if the loopback port or the runtime cannot be
/// had, or the server does not come up within 5 s (a broken test machine, not bad input).
pub fn start(root: PathBuf) -> UnftpServer {
    assert!(root.is_dir(), "the FTP root must be a directory");
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = probe.local_addr().expect("probe address").port();
    drop(probe);
    let (tx, rx) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("testserver-unftp".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("unftp runtime");
            runtime.block_on(async move {
                let server = ServerBuilder::new(Box::new(move || {
                    // The root was checked to be a directory before the server started.
                    Filesystem::new(root.clone()).expect("open the FTP root")
                }))
                .greeting("hinternet conformance server")
                .passive_ports(50_000..=50_999)
                .idle_session_timeout(60)
                .shutdown_indicator(async move {
                    let _ = rx.await;
                    Shutdown::new().grace_period(Duration::from_millis(100))
                })
                .build()
                .expect("libunftp configuration");
                let _ = server.listen(format!("127.0.0.1:{port}")).await;
            });
        })
        .expect("spawn the unftp thread");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "libunftp did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    UnftpServer {
        port,
        shutdown: Some(tx),
        thread: Some(thread),
    }
}
