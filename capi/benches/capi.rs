//! C ABI bench: what the marshalling layer adds over the typed Rust API, measured in the
//! same run against the same process-wide `WinHttp` instance (so only the export layer
//! differs: string conversion, handle conversion, the panic boundary, the last error).
//!
//! * `WinHttpOpen` + `WinHttpCloseHandle` through the exports vs `WinHttp::open` +
//!   `WinHttp::close_handle`: the added time per call, in ns (two calls per pair).
//! * A synchronous keep-alive loopback GET of 1 KiB (`OpenRequest`, `SendRequest`,
//!   `ReceiveResponse`, `ReadData` to the end, `CloseHandle` on one session and connect)
//!   through the exports vs the typed API: the time ratio per request.
//!
//! Rounds alternate the two sides; medians are reported. Prints
//! `goal capi_request_ratio measured=X target=1.05 ok|short` and
//! `goal capi_call_overhead_ns measured=X target=50 ok|short`.
//! `BENCH_REQUESTS` (default 1000), `BENCH_PAIRS` (default 20000) and `BENCH_ROUNDS`
//! (default 5) scale it.
#![allow(unsafe_code)]

use std::sync::Arc;
use std::time::Instant;

use hinternet::ffi::winhttp_handles::{
    WinHttpCloseHandle, WinHttpConnect, WinHttpOpen, WinHttpOpenRequest, WinHttpReadData,
    WinHttpReceiveResponse, WinHttpSendRequest, HINTERNET,
};
use hinternet::instance::winhttp;
use hinternet_net::winhttp_exec::{AppBuffer, VecBuffer};
use hinternet_testservers::http as server;

const BODY: usize = 1024;

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

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(Some(0)).collect()
}

/// Seconds for `pairs` open+close pairs through the exports.
fn capi_pairs(pairs: usize, agent: &[u16]) -> f64 {
    let start = Instant::now();
    for _ in 0..pairs {
        // SAFETY: `agent` is NUL-terminated; the other strings are NULL.
        unsafe {
            let h = WinHttpOpen(agent.as_ptr(), 1, std::ptr::null(), std::ptr::null(), 0);
            assert!(!h.is_null(), "WinHttpOpen");
            assert_eq!(WinHttpCloseHandle(h), 1, "WinHttpCloseHandle");
        }
    }
    start.elapsed().as_secs_f64()
}

/// Seconds for `pairs` open+close pairs through the typed API.
fn typed_pairs(pairs: usize) -> f64 {
    let api = winhttp().expect("the process-wide instance starts");
    let start = Instant::now();
    for _ in 0..pairs {
        let h = api.open(Some("bench"), 1, None, None, 0).ret;
        assert!(h.0 != 0, "open");
        assert!(api.close_handle(h).ret, "close_handle");
    }
    start.elapsed().as_secs_f64()
}

/// Seconds for `n` GETs through the exports on one session and connect.
fn capi_gets(n: usize, port: u16) -> f64 {
    let (agent, host, verb, object) = (
        wide("bench"),
        wide("127.0.0.1"),
        wide("GET"),
        wide(&format!("/bytes?n={BODY}")),
    );
    let mut buffer = vec![0u8; 8192];
    // SAFETY: every string is NUL-terminated and outlives the calls; `buffer` is writable
    // for its length; the out pointers are live locals.
    unsafe {
        let session: HINTERNET =
            WinHttpOpen(agent.as_ptr(), 1, std::ptr::null(), std::ptr::null(), 0);
        let connect = WinHttpConnect(session, host.as_ptr(), port, 0);
        assert!(!connect.is_null(), "WinHttpConnect");
        let start = Instant::now();
        for _ in 0..n {
            let request = WinHttpOpenRequest(
                connect,
                verb.as_ptr(),
                object.as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
                0,
            );
            assert!(!request.is_null(), "WinHttpOpenRequest");
            assert_eq!(
                WinHttpSendRequest(request, std::ptr::null(), 0, std::ptr::null(), 0, 0, 0),
                1
            );
            assert_eq!(WinHttpReceiveResponse(request, std::ptr::null_mut()), 1);
            let mut total = 0usize;
            loop {
                let mut read = 0u32;
                assert_eq!(
                    WinHttpReadData(
                        request,
                        buffer.as_mut_ptr().cast(),
                        buffer.len() as u32,
                        &mut read
                    ),
                    1
                );
                if read == 0 {
                    break;
                }
                total += read as usize;
            }
            assert_eq!(total, BODY);
            assert_eq!(WinHttpCloseHandle(request), 1);
        }
        let elapsed = start.elapsed().as_secs_f64();
        WinHttpCloseHandle(connect);
        WinHttpCloseHandle(session);
        elapsed
    }
}

/// Seconds for `n` GETs through the typed API on one session and connect.
fn typed_gets(n: usize, port: u16) -> f64 {
    let api = winhttp().expect("the process-wide instance starts");
    let session = api.open(Some("bench"), 1, None, None, 0).ret;
    let connect = api.connect(session, Some("127.0.0.1"), port).ret;
    let object = format!("/bytes?n={BODY}");
    let buffer: Arc<dyn AppBuffer> = VecBuffer::new(8192);
    let start = Instant::now();
    for _ in 0..n {
        let request = api
            .open_request(connect, Some("GET"), Some(&object), None, None, &[], 0)
            .ret;
        assert!(request.0 != 0, "open_request");
        assert!(api.send_request(request, None, &[], 0, Some(0)).ret);
        assert!(api.receive_response(request).ret);
        let mut total = 0usize;
        loop {
            let read = api.read_data(request, buffer.clone(), 8192);
            assert!(read.ret);
            if read.out == 0 {
                break;
            }
            total += read.out as usize;
        }
        assert_eq!(total, BODY);
        assert!(api.close_handle(request).ret);
    }
    let elapsed = start.elapsed().as_secs_f64();
    api.close_handle(connect);
    api.close_handle(session);
    elapsed
}

fn main() {
    let requests = env("BENCH_REQUESTS", 1000);
    let pairs = env("BENCH_PAIRS", 20_000);
    let rounds = env("BENCH_ROUNDS", 5).max(1);
    let srv = server::start();
    let port = srv.addr().port();
    let agent = wide("bench");

    // Warm-up: the runtime, the pool's connection, the allocator.
    capi_pairs(pairs / 10 + 1, &agent);
    typed_pairs(pairs / 10 + 1);
    capi_gets(requests / 10 + 1, port);
    typed_gets(requests / 10 + 1, port);

    let (mut capi_pair, mut typed_pair, mut capi_get, mut typed_get) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternate which side goes first.
        if round % 2 == 0 {
            capi_pair.push(capi_pairs(pairs, &agent) / pairs as f64);
            typed_pair.push(typed_pairs(pairs) / pairs as f64);
            capi_get.push(capi_gets(requests, port) / requests as f64);
            typed_get.push(typed_gets(requests, port) / requests as f64);
        } else {
            typed_pair.push(typed_pairs(pairs) / pairs as f64);
            capi_pair.push(capi_pairs(pairs, &agent) / pairs as f64);
            typed_get.push(typed_gets(requests, port) / requests as f64);
            capi_get.push(capi_gets(requests, port) / requests as f64);
        }
    }
    let (cp, tp) = (median(capi_pair) * 1e9, median(typed_pair) * 1e9);
    let (cg, tg) = (median(capi_get) * 1e6, median(typed_get) * 1e6);
    println!(
        "open+close pair: C ABI {cp:.0} ns, typed {tp:.0} ns ({pairs} pairs x {rounds} rounds)"
    );
    println!(
        "keep-alive GET of {BODY} B: C ABI {cg:.1} us, typed {tg:.1} us ({requests} x {rounds})"
    );
    let overhead = (cp - tp) / 2.0;
    let ratio = cg / tg;
    let verdict = |ok: bool| if ok { "ok" } else { "short" };
    println!(
        "goal capi_request_ratio measured={ratio:.3} target=1.05 {}",
        verdict(ratio <= 1.05)
    );
    println!(
        "goal capi_call_overhead_ns measured={overhead:.1} target=50 {}",
        verdict(overhead <= 50.0)
    );
}
