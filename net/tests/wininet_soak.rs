//! Soak: many asynchronous `InternetOpenUrl` downloads (HTTP and FTP mixed) over many
//! roots, with `InternetCloseHandle` on the root from the application thread (right after
//! issuing the opens) and from callbacks (on a REQUEST_COMPLETE), the rest closed at the
//! end. Checks: every pending open completes exactly once, before its root's
//! HANDLE_CLOSING; the engine ends empty; no descriptor is left open. Size: `WININET_SOAK_OPENS` (default 5,000, the
//! issue's figure), bounded by a 60 s deadline.

mod support;

use std::collections::{HashMap, HashSet};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use hinternet_net::wininet::api::{
    slot, HandleValue, Status, StatusCallback, StatusInfo, VecBuffer, WinInet,
};
use hinternet_net::wininet::options::OptionValue;
use hinternet_testservers::{ftp, http};
use support::fds::{open_descriptors, settle_descriptors};
use windows_sys::Win32::Foundation::ERROR_IO_PENDING;
use windows_sys::Win32::Networking::WinInet as wi;

const ROOTS: usize = 40;

#[derive(Default)]
struct Log {
    /// (root context, status, info, handle) in delivery order.
    events: Vec<Status>,
}

#[test]
fn soak_async_open_url_with_random_root_closes() {
    let opens: usize = std::env::var("WININET_SOAK_OPENS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let per_root = opens.div_ceil(ROOTS);
    let baseline = open_descriptors();
    let started = Instant::now();
    {
        let h = http::start();
        let f = ftp::start(vec![]);
        let api = WinInet::new();
        let log = Arc::new(Mutex::new(Log::default()));
        let (closed_tx, closed_rx) = mpsc::channel::<u64>();
        let closed_tx = Mutex::new(closed_tx);
        let close_in_callback: Arc<Mutex<HashMap<u64, HandleValue>>> = Arc::default();
        let reads: Arc<Mutex<HashMap<u32, Arc<VecBuffer>>>> = Arc::default();
        let (l, cic, rd) = (log.clone(), close_in_callback.clone(), reads.clone());
        let cb: Arc<StatusCallback> = Arc::new(move |api: &WinInet, s: &Status| {
            l.lock().expect("not poisoned").events.push(s.clone());
            match (s.status, &s.info) {
                (
                    wi::INTERNET_STATUS_REQUEST_COMPLETE,
                    StatusInfo::AsyncResult { result, error: 0 },
                ) if *result > 1 => {
                    // An open completed with its URL handle: read it (async).
                    let handle = HandleValue(*result as u32);
                    let buf = VecBuffer::new(64 * 1024);
                    rd.lock()
                        .expect("not poisoned")
                        .insert(handle.0, buf.clone());
                    let r = api.internet_read_file(handle, buf, slot());
                    if r.ret {
                        api.internet_close_handle(handle);
                    }
                }
                (
                    wi::INTERNET_STATUS_REQUEST_COMPLETE,
                    StatusInfo::AsyncResult { result: 1, .. },
                ) => {
                    // A read on a URL handle completed: close it.
                    api.internet_close_handle(s.handle);
                }
                _ => {}
            }
            if s.status == wi::INTERNET_STATUS_REQUEST_COMPLETE {
                // Roots marked for it are closed from the callback (the first completion).
                let root = cic
                    .lock()
                    .expect("not poisoned")
                    .remove(&(s.context / 1_000_000));
                if let Some(root) = root {
                    api.internet_close_handle(root);
                }
            }
            if s.status == wi::INTERNET_STATUS_HANDLE_CLOSING && s.context.is_multiple_of(1_000_000)
            {
                let _ = closed_tx.lock().expect("not poisoned").send(s.context);
            }
        });
        let mut rng = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut pending: HashMap<u64, u64> = HashMap::new(); // op context -> root context
        let mut roots = Vec::new();
        let mut http_n = 0;
        let mut ftp_n = 0;
        for r in 0..ROOTS as u64 {
            let root_ctx = (r + 1) * 1_000_000;
            let root = api
                .internet_open(
                    None,
                    wi::INTERNET_OPEN_TYPE_DIRECT,
                    None,
                    None,
                    wi::INTERNET_FLAG_ASYNC,
                )
                .ret;
            assert!(
                api.internet_set_option(
                    root,
                    wi::INTERNET_OPTION_CONTEXT_VALUE,
                    Some(&OptionValue::Pointer(root_ctx)),
                    8
                )
                .ret
            );
            assert!(api
                .internet_set_status_callback(root, Some(cb.clone()))
                .ret
                .is_ok());
            let mode = next() % 3;
            if mode == 1 {
                close_in_callback
                    .lock()
                    .expect("not poisoned")
                    .insert(r + 1, root);
            }
            for i in 0..per_root as u64 {
                let ctx = root_ctx + i + 1;
                let url = if next() % 2 == 0 {
                    http_n += 1;
                    format!("http://127.0.0.1:{}/fixed", h.port())
                } else {
                    ftp_n += 1;
                    format!("ftp://127.0.0.1:{}/pub/data.bin", f.handle.port())
                };
                let a = api.internet_open_url(root, &url, None, 0, ctx);
                if a.ret == HandleValue::NULL && a.last_error == Some(ERROR_IO_PENDING) {
                    pending.insert(ctx, root_ctx);
                } else {
                    // Only a root already closed by a callback (mode 1) may refuse an open,
                    // with the machine's code for a handle that is no longer valid.
                    let gone = mode == 1
                        && !close_in_callback
                            .lock()
                            .expect("not poisoned")
                            .contains_key(&(r + 1));
                    let invalid = hinternet_core::CreateApi::InternetOpenUrl
                        .rule()
                        .invalid_handle;
                    assert!(gone && a.last_error == Some(invalid), "open {ctx}: {a:?}");
                }
            }
            if mode == 0 {
                let c = api.internet_close_handle(root);
                assert!(c.ret);
            }
            roots.push((root, root_ctx, mode));
        }
        // Close the rest when their opens are done (or from the callback for mode 1).
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut closed = HashSet::new();
        let wait_all = |closed: &mut HashSet<u64>, want: &dyn Fn(&HashSet<u64>) -> bool| {
            while !want(closed) {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    let events = log.lock().expect("not poisoned").events.clone();
                    let rc = events
                        .iter()
                        .filter(|s| s.status == wi::INTERNET_STATUS_REQUEST_COMPLETE)
                        .count();
                    let open: Vec<_> = roots
                        .iter()
                        .filter(|(_, c, _)| !closed.contains(c))
                        .map(|(h, c, m)| (h.0, *c, *m))
                        .collect();
                    panic!("soak deadline passed: {} closed, {rc} REQUEST_COMPLETE, {} pending, open roots {open:?}", closed.len(), pending.len());
                }
                if let Ok(c) = closed_rx.recv_timeout(left.min(Duration::from_millis(200))) {
                    closed.insert(c);
                }
                // Roots left open by mode 2: close once all their opens completed.
                let events = log.lock().expect("not poisoned").events.clone();
                let done: HashSet<u64> = events
                    .iter()
                    .filter(|s| {
                        s.status == wi::INTERNET_STATUS_REQUEST_COMPLETE
                            && pending.contains_key(&s.context)
                    })
                    .map(|s| s.context)
                    .collect();
                for (root, root_ctx, mode) in &roots {
                    let mine = pending.iter().filter(|(_, r)| *r == root_ctx).count();
                    let finished = done
                        .iter()
                        .filter(|c| pending.get(c) == Some(root_ctx))
                        .count();
                    if *mode == 2 && mine == finished && !closed.contains(root_ctx) {
                        api.internet_close_handle(*root);
                    }
                }
            }
        };
        wait_all(&mut closed, &|c: &HashSet<u64>| c.len() == ROOTS);
        assert!(api.engine().wait_quiescent());
        assert!(api.engine().is_empty(), "engine not empty");
        let events = log.lock().expect("not poisoned").events.clone();
        // Every pending open completed exactly once, before its root's HANDLE_CLOSING.
        let mut completions: HashMap<u64, usize> = HashMap::new();
        let mut root_closing: HashMap<u64, usize> = HashMap::new();
        for (i, s) in events.iter().enumerate() {
            if s.status == wi::INTERNET_STATUS_REQUEST_COMPLETE
                && pending.contains_key(&s.context)
                && !s.context.is_multiple_of(1_000_000)
            {
                if let Some(prev) = completions.insert(s.context, i) {
                    // A second REQUEST_COMPLETE with this context must be the URL handle's read.
                    assert_ne!(
                        s.handle, events[prev].handle,
                        "open {} completed twice",
                        s.context
                    );
                    completions.insert(s.context, prev);
                }
            }
            if s.status == wi::INTERNET_STATUS_HANDLE_CLOSING && s.context.is_multiple_of(1_000_000)
            {
                assert!(
                    root_closing.insert(s.context, i).is_none(),
                    "root closed twice"
                );
            }
        }
        assert_eq!(
            completions.len(),
            pending.len(),
            "every pending open completes"
        );
        for (ctx, at) in &completions {
            let root = pending[ctx];
            assert!(
                *at < root_closing[&root],
                "open {ctx} completed after its root's HANDLE_CLOSING"
            );
        }
        let ok = events
            .iter()
            .filter(
                |s| matches!(s.info, StatusInfo::AsyncResult { result, error: 0 } if result > 1),
            )
            .count();
        println!(
            "soak: {} opens ({http_n} http, {ftp_n} ftp) over {ROOTS} roots, {} pending, {ok} handles delivered, {} notifications, {:.1} s",
            per_root * ROOTS,
            pending.len(),
            events.len(),
            started.elapsed().as_secs_f64()
        );
        drop(api);
        drop(h);
        drop(f);
    }
    // Give the servers' threads a bounded moment to close their listeners.
    let left = settle_descriptors(baseline, Duration::from_secs(5));
    assert!(left <= baseline, "descriptors left: {left} > {baseline}");
}
