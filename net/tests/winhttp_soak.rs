//! Soak: many asynchronous requests, a bounded number in flight, random closes from the
//! application thread and from inside callbacks. Checks that every accepted operation
//! completes exactly once, every request gets exactly one HANDLE_CLOSING, the engine ends
//! empty and no file descriptor is left open.
//!
//! Size: `SOAK_REQUESTS` (default 10,000, the figure) with 64 in flight; set the
//! variable to scale it. Bounded in time: the test fails if it has not finished in 120 s.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use hinternet_net::winhttp::api::{Handle, StatusCallback, WinHttp};
use hinternet_net::winhttp::exec::{StatusInfo, VecBuffer};
use hinternet_testservers::http as server;
use support::fds::open_descriptors;
use support::winhttp::*;
use windows_sys::Win32::Networking::WinHttp as wh;

const IN_FLIGHT: usize = 64;

#[derive(Default, Debug)]
struct PerRequest {
    started: u32,
    completed: u32,
    closing: u32,
    closed_by_app: bool,
    /// Closed (or about to be) by a callback: later callbacks of it do nothing (its handle
    /// value may already belong to another request).
    closed_by_callback: bool,
    /// The statuses delivered, in order (for the failure message).
    statuses: Vec<String>,
}

#[derive(Default)]
struct Book {
    requests: HashMap<u64, PerRequest>,
    in_flight: usize,
    done: usize,
    bytes: u64,
}

/// A small deterministic generator (xorshift) for the close decisions.
fn pick(seed: u64) -> u64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x % 100
}

#[test]
fn soak_async_requests_with_random_closes() {
    let total: u64 = std::env::var("SOAK_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let baseline = open_descriptors();
    let server = server::start();
    let api = Arc::new(WinHttp::new().expect("runtime"));
    let book = Arc::new((Mutex::new(Book::default()), Condvar::new()));
    let weak = Arc::downgrade(&api);
    let cb_book = book.clone();
    let callback: StatusCallback = Arc::new(move |h: Handle, ctx, status, info: &StatusInfo| {
        if ctx == 0 {
            return;
        }
        let Some(api) = weak.upgrade() else { return };
        let (lock, cv) = &*cb_book;
        let roll = pick(ctx ^ u64::from(status));
        let completes = matches!(
            status,
            wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE
                | wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE
                | wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE
                | wh::WINHTTP_CALLBACK_STATUS_REQUEST_ERROR
        );
        {
            let mut b = lock.lock().expect("book");
            let r = b.requests.entry(ctx).or_default();
            r.statuses.push(format!("{} {info:?}", name(status)));
            if completes {
                r.completed += 1;
            }
            // The application thread owns the requests it closes; a request a callback
            // closed is never touched again (its value may be reissued, WH-R2).
            let passive = r.closed_by_app || r.closed_by_callback;
            if passive && status != wh::WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING {
                return;
            }
        }
        // The next step, or a close from inside the callback (about 1 in 10).
        let next = match status {
            wh::WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING => {
                let mut b = lock.lock().expect("book");
                b.requests.entry(ctx).or_default().closing += 1;
                b.in_flight -= 1;
                b.done += 1;
                cv.notify_all();
                return;
            }
            wh::WINHTTP_CALLBACK_STATUS_REQUEST_ERROR => None,
            _ if completes && roll < 10 => None,
            wh::WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE => Some(api.receive_response(h)),
            wh::WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE
            | wh::WINHTTP_CALLBACK_STATUS_READ_COMPLETE => {
                let bytes = match info {
                    StatusInfo::Read { bytes, .. } => Some(*bytes),
                    _ => None,
                };
                if let Some(n) = bytes {
                    lock.lock().expect("book").bytes += u64::from(n);
                }
                if bytes == Some(0) {
                    None
                } else {
                    Some(api.read_data(h, VecBuffer::new(8), 8).map_out())
                }
            }
            _ => return,
        };
        match next {
            Some(a) if a.ret => {
                let mut b = lock.lock().expect("book");
                let r = b.requests.entry(ctx).or_default();
                r.started += 1;
                r.statuses.push("(started)".into());
            }
            // Refused (the app thread closed it meanwhile) or the end: close.
            _ => {
                lock.lock()
                    .expect("book")
                    .requests
                    .entry(ctx)
                    .or_default()
                    .closed_by_callback = true;
                assert!(api.close_handle(h).ret);
            }
        }
    });
    let session = api.open(None, 0, None, None, wh::WINHTTP_FLAG_ASYNC).ret;
    let connect = api.connect(session, Some("127.0.0.1"), server.port()).ret;
    let started = Instant::now();
    let limit = Duration::from_secs(120);
    let (lock, cv) = &*book;
    for i in 1..=total {
        {
            let mut b = lock.lock().expect("book");
            while b.in_flight >= IN_FLIGHT {
                let (g, _) = cv.wait_timeout(b, Duration::from_secs(1)).expect("book");
                b = g;
                assert!(started.elapsed() < limit, "soak stalled at {i}");
            }
            b.in_flight += 1;
        }
        let request = api
            .open_request(connect, None, Some("/fixed"), None, None, &[], 0)
            .ret;
        assert!(!request.is_null());
        api.set_status_callback(
            request,
            Some(callback.clone()),
            wh::WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS,
        );
        // About 1 in 20: the application thread closes the request while its send is
        // pending (decided before the send, so its callbacks never act on it).
        let app_closes = pick(i) < 5;
        {
            let mut b = lock.lock().expect("book");
            let r = b.requests.entry(i).or_default();
            r.closed_by_app = app_closes;
            r.started += 1;
        }
        let sent = api.send_request(request, None, &[], 0, Some(i));
        assert!(sent.ret, "{sent:?}");
        if app_closes {
            assert!(api.close_handle(request).ret);
        }
    }
    {
        let mut b = lock.lock().expect("book");
        while b.done < total as usize {
            let (g, _) = cv.wait_timeout(b, Duration::from_secs(1)).expect("book");
            b = g;
            assert!(
                started.elapsed() < limit,
                "soak stalled: {} of {total}",
                b.done
            );
        }
    }
    let elapsed = started.elapsed();
    assert!(api.close_handle(connect).ret);
    assert!(api.close_handle(session).ret);
    finish(&api);
    let b = lock.lock().expect("book");
    assert_eq!(b.requests.len(), total as usize);
    let mut app_closes = 0;
    for (ctx, r) in &b.requests {
        assert_eq!(r.closing, 1, "request {ctx}: {r:?}");
        assert_eq!(r.completed, r.started, "request {ctx}: {r:?}");
        app_closes += usize::from(r.closed_by_app);
    }
    eprintln!(
        "soak: {total} requests, {IN_FLIGHT} in flight, {app_closes} closed by the app thread, \
         {} body bytes, {:.2} s, stale completions {}",
        b.bytes,
        elapsed.as_secs_f64(),
        api.engine().stale_completions()
    );
    drop(b);
    // The client's sockets and the runtime go with the API; the server's with the server.
    drop(api);
    drop(server);
    let after = open_descriptors();
    assert!(after <= baseline, "fds: {after} after, {baseline} before");
}
