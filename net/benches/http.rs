//! HTTP bench: keep-alive GETs of a 1 KB body and 1 MB downloads from the loopback hyper
//! server, through the typed asynchronous WinHTTP API versus hyper's
//! `client::conn::http1` on a current-thread runtime versus a raw `httparse` + tokio loop,
//! measured in the same run against the same server, interleaved by round.
//!
//! Our side opens, sends, receives, reads to the end and closes one request handle per GET
//! on one session and connect (the pooled connection is reused), waiting for each
//! completion notification, as an asynchronous WinHTTP application does.
//!
//! Prints the medians and the goal lines:
//! `goal http_request_ratio measured=X target=1.1 ok|short` (our time per request / hyper's)
//! and `goal http_throughput_ratio measured=X target=0.9 ok|short` (our MB/s / raw MB/s).
//! `BENCH_REQUESTS` (default 2000) and `BENCH_ROUNDS` (default 5) scale it.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hinternet_net::winhttp::api::{Handle, StatusCallback, WinHttp};
use hinternet_net::winhttp::exec::{StatusInfo, VecBuffer};
use hinternet_testservers::http as server;
use http_body_util::{BodyExt, Empty};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use windows_sys::Win32::Networking::WinHttp as wh;

const SMALL: usize = 1024;
const LARGE: usize = 1 << 20;
const CHUNK: usize = 64 * 1024;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The typed async API, driven like an application: one request handle per GET.
struct Ours {
    api: WinHttp,
    session: Handle,
    connect: Handle,
    rx: mpsc::Receiver<(Handle, u32, u32)>,
    callback: StatusCallback,
}

impl Ours {
    fn new(port: u16) -> Ours {
        let api = WinHttp::new().expect("runtime");
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        let callback: StatusCallback = Arc::new(move |h, _, status, info: &StatusInfo| {
            let n = match info {
                StatusInfo::Read { bytes, .. } => *bytes,
                _ => 0,
            };
            let _ = tx.lock().expect("bench channel").send((h, status, n));
        });
        let session = api.open(None, 0, None, None, wh::WINHTTP_FLAG_ASYNC).ret;
        let connect = api.connect(session, Some("127.0.0.1"), port).ret;
        Ours {
            api,
            session,
            connect,
            rx,
            callback,
        }
    }

    fn wait(&self, handle: Handle, status: u32) -> u32 {
        loop {
            let (h, s, n) = self
                .rx
                .recv_timeout(Duration::from_secs(30))
                .expect("completion");
            if h == handle && s == status {
                return n;
            }
            assert!(
                !(h == handle && s == wh::WINHTTP_CALLBACK_STATUS_REQUEST_ERROR),
                "request error"
            );
        }
    }

    fn get(&self, path: &str, expect: usize) {
        let api = &self.api;
        let r = api
            .open_request(self.connect, None, Some(path), None, None, &[], 0)
            .ret;
        api.set_status_callback(
            r,
            Some(self.callback.clone()),
            wh::WINHTTP_CALLBACK_FLAG_SENDREQUEST_COMPLETE
                | wh::WINHTTP_CALLBACK_FLAG_HEADERS_AVAILABLE
                | wh::WINHTTP_CALLBACK_FLAG_READ_COMPLETE
                | wh::WINHTTP_CALLBACK_FLAG_REQUEST_ERROR,
        );
        assert!(api.send_request(r, None, &[], 0, None).ret);
        self.wait(r, wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE);
        assert!(api.receive_response(r).ret);
        self.wait(r, wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE);
        let buf = VecBuffer::new(CHUNK);
        let mut total = 0usize;
        loop {
            assert!(api.read_data(r, buf.clone(), CHUNK as u32).ret);
            let n = self.wait(r, wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE);
            if n == 0 {
                break;
            }
            total += n as usize;
        }
        assert_eq!(total, expect);
        assert!(api.close_handle(r).ret);
    }
}

impl Drop for Ours {
    fn drop(&mut self) {
        self.api.close_handle(self.connect);
        self.api.close_handle(self.session);
        self.api.engine().wait_quiescent();
    }
}

/// hyper's HTTP/1 client connection on a current-thread runtime.
struct Hyper {
    rt: tokio::runtime::Runtime,
    sender: hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    port: u16,
}

impl Hyper {
    fn new(port: u16) -> Hyper {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let sender = rt.block_on(async {
            let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let (sender, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                    .await
                    .expect("handshake");
            tokio::spawn(conn);
            sender
        });
        Hyper { rt, sender, port }
    }

    fn get(&mut self, path: &str, expect: usize) {
        let port = self.port;
        let sender = &mut self.sender;
        self.rt.block_on(async {
            sender.ready().await.expect("ready");
            let req = hyper::Request::get(path)
                .header("Host", format!("127.0.0.1:{port}"))
                .body(Empty::<Bytes>::new())
                .expect("request");
            let resp = sender.send_request(req).await.expect("response");
            let body = resp.into_body().collect().await.expect("body").to_bytes();
            assert_eq!(body.len(), expect);
        });
    }
}

/// A raw keep-alive loop: write the request, parse the head with httparse, read the
/// Content-Length body.
struct Raw {
    rt: tokio::runtime::Runtime,
    stream: tokio::net::TcpStream,
    buf: Vec<u8>,
    port: u16,
}

impl Raw {
    fn new(port: u16) -> Raw {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let stream = rt.block_on(async {
            let s = tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .expect("connect");
            s.set_nodelay(true).expect("nodelay");
            s
        });
        Raw {
            rt,
            stream,
            buf: Vec::with_capacity(CHUNK),
            port,
        }
    }

    fn get(&mut self, path: &str, expect: usize) {
        let (stream, buf, port) = (&mut self.stream, &mut self.buf, self.port);
        self.rt.block_on(async {
            let req = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
            stream.write_all(req.as_bytes()).await.expect("write");
            buf.clear();
            let mut chunk = vec![0u8; CHUNK];
            let (head_len, body_len) = loop {
                let n = stream.read(&mut chunk).await.expect("read");
                assert!(n > 0, "closed");
                buf.extend_from_slice(&chunk[..n]);
                let mut headers = [httparse::EMPTY_HEADER; 32];
                let mut resp = httparse::Response::new(&mut headers);
                if let httparse::Status::Complete(len) = resp.parse(buf).expect("parse") {
                    let cl = resp
                        .headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                        .and_then(|h| std::str::from_utf8(h.value).ok()?.parse().ok())
                        .expect("content-length");
                    break (len, cl);
                }
            };
            let mut have = buf.len() - head_len;
            while have < body_len {
                let n = stream.read(&mut chunk).await.expect("read");
                assert!(n > 0, "closed");
                have += n;
            }
            assert_eq!(body_len, expect);
        });
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is parsed.
    let requests = env("BENCH_REQUESTS", 2000);
    let rounds = env("BENCH_ROUNDS", 5);
    let server = server::start();
    let port = server.port();
    let small = format!("/bytes?n={SMALL}");
    let large = format!("/bytes?n={LARGE}");
    let ours = Ours::new(port);
    let mut hyper = Hyper::new(port);
    let mut raw = Raw::new(port);
    // Warm-up: connections, pools, caches.
    for _ in 0..50 {
        ours.get(&small, SMALL);
        hyper.get(&small, SMALL);
        raw.get(&small, SMALL);
    }
    let (mut o_req, mut h_req, mut r_req) = (Vec::new(), Vec::new(), Vec::new());
    let (mut o_mb, mut h_mb, mut r_mb) = (Vec::new(), Vec::new(), Vec::new());
    let per = |t: Instant| t.elapsed().as_secs_f64() * 1e6 / requests as f64;
    let downloads = 20;
    let mbps =
        |t: Instant| (downloads * LARGE) as f64 / (1 << 20) as f64 / t.elapsed().as_secs_f64();
    for _ in 0..rounds {
        let t = Instant::now();
        (0..requests).for_each(|_| ours.get(&small, SMALL));
        o_req.push(per(t));
        let t = Instant::now();
        (0..requests).for_each(|_| hyper.get(&small, SMALL));
        h_req.push(per(t));
        let t = Instant::now();
        (0..requests).for_each(|_| raw.get(&small, SMALL));
        r_req.push(per(t));
        let t = Instant::now();
        (0..downloads).for_each(|_| ours.get(&large, LARGE));
        o_mb.push(mbps(t));
        let t = Instant::now();
        (0..downloads).for_each(|_| hyper.get(&large, LARGE));
        h_mb.push(mbps(t));
        let t = Instant::now();
        (0..downloads).for_each(|_| raw.get(&large, LARGE));
        r_mb.push(mbps(t));
    }
    let (o, h, r) = (median(o_req), median(h_req), median(r_req));
    println!("1 KB keep-alive GET, µs per request (median of {rounds} rounds of {requests}):");
    println!("  typed async WinHTTP API {o:.1}\n  hyper client::conn::http1 {h:.1}\n  raw httparse + tokio {r:.1}");
    let (om, hm, rm) = (median(o_mb), median(h_mb), median(r_mb));
    println!("1 MB download, MB/s (median of {rounds} rounds of {downloads}):");
    println!("  typed async WinHTTP API {om:.0}\n  hyper client::conn::http1 {hm:.0}\n  raw httparse + tokio {rm:.0}");
    let ratio = o / h;
    let verdict = |ok: bool| if ok { "ok" } else { "short" };
    println!(
        "goal http_request_ratio measured={ratio:.2} target=1.1 {}",
        verdict(ratio <= 1.1)
    );
    let tput = om / rm;
    println!(
        "goal http_throughput_ratio measured={tput:.2} target=0.9 {}",
        verdict(tput >= 0.9)
    );
    drop(ours);
    concurrent(&server);
}

/// 1,000 requests in flight at once on one async session: each needs its own keep-alive
/// connection (none is idle when they are sent). Counts the requests that got their whole
/// body without error and the connections the server accepted.
fn concurrent(server: &hinternet_testservers::ServerHandle) {
    const N: usize = 1000;
    let before = server.accepted();
    let ours = Ours::new(server.port());
    let api = &ours.api;
    let mut requests = Vec::with_capacity(N);
    for _ in 0..N {
        let r = api
            .open_request(ours.connect, None, Some("/fixed"), None, None, &[], 0)
            .ret;
        api.set_status_callback(
            r,
            Some(ours.callback.clone()),
            wh::WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS,
        );
        requests.push(r);
    }
    let started = Instant::now();
    let count = |status: u32, n: usize| {
        let mut seen = 0;
        let mut errors = 0;
        while seen + errors < n {
            match ours.rx.recv_timeout(Duration::from_secs(60)) {
                Ok((_, s, _)) if s == status => seen += 1,
                Ok((_, s, _)) if s == wh::WINHTTP_CALLBACK_STATUS_REQUEST_ERROR => errors += 1,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        seen
    };
    let sent = requests
        .iter()
        .filter(|r| api.send_request(**r, None, &[], 0, None).ret)
        .count();
    let sent_ok = count(wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, sent);
    let received = requests
        .iter()
        .filter(|r| api.receive_response(**r).ret)
        .count();
    let headers_ok = count(wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, received);
    let buf = VecBuffer::new(64);
    let read = requests
        .iter()
        .filter(|r| api.read_data(**r, buf.clone(), 64).ret)
        .count();
    let read_ok = count(wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE, read);
    let elapsed = started.elapsed();
    for r in &requests {
        api.close_handle(*r);
    }
    let accepted = server.accepted() - before;
    println!(
        "{N} concurrent requests: sent {sent_ok}, headers {headers_ok}, read {read_ok}, \
         {accepted} connections accepted, {:.2} s",
        elapsed.as_secs_f64()
    );
    let measured = read_ok.min(accepted);
    println!(
        "goal http_concurrent_connections measured={measured} target={N} {}",
        if measured >= N { "ok" } else { "short" }
    );
}
