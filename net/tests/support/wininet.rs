//! Helpers of the typed WinINet API tests: a recording status callback, a channel that
//! signals REQUEST_COMPLETE, reading a body, the status code, and the end-of-test check
//! (quiescent, empty engine).

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hinternet_net::headers::{OutBuffer, QueryValue};
use hinternet_net::wininet::api::{slot, HandleValue, Status, StatusCallback, VecBuffer, WinInet};
use windows_sys::Win32::Networking::WinInet as wi;

/// Every notification delivered, in order.
#[derive(Clone, Default)]
pub struct Recorder(pub Arc<Mutex<Vec<Status>>>);

impl Recorder {
    pub fn statuses(&self) -> Vec<u32> {
        self.0
            .lock()
            .expect("not poisoned")
            .iter()
            .map(|s| s.status)
            .collect()
    }
    pub fn all(&self) -> Vec<Status> {
        self.0.lock().expect("not poisoned").clone()
    }
    pub fn clear(&self) {
        self.0.lock().expect("not poisoned").clear();
    }
}

/// A callback recording into a [`Recorder`] and sending each REQUEST_COMPLETE's status.
pub fn recording() -> (Arc<StatusCallback>, Recorder, mpsc::Receiver<Status>) {
    let rec = Recorder::default();
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let r = rec.clone();
    let cb: Arc<StatusCallback> = Arc::new(move |_api: &WinInet, s: &Status| {
        r.0.lock().expect("not poisoned").push(s.clone());
        if s.status == wi::INTERNET_STATUS_REQUEST_COMPLETE {
            let _ = tx.lock().expect("not poisoned").send(s.clone());
        }
    });
    (cb, rec, rx)
}

/// Waits (bounded) for the next REQUEST_COMPLETE.
pub fn next_complete(rx: &mpsc::Receiver<Status>) -> Status {
    rx.recv_timeout(Duration::from_secs(20))
        .expect("REQUEST_COMPLETE within 20 s")
}

/// The end of every test: no callback runs, nothing blocked, no object left.
pub fn finish(api: &WinInet) {
    assert!(api.engine().wait_quiescent());
    assert!(api.engine().is_empty(), "objects left in the engine");
}

/// Symbolic names for failure messages.
pub fn name(status: u32) -> &'static str {
    match status {
        wi::INTERNET_STATUS_RESOLVING_NAME => "RESOLVING_NAME",
        wi::INTERNET_STATUS_NAME_RESOLVED => "NAME_RESOLVED",
        wi::INTERNET_STATUS_CONNECTING_TO_SERVER => "CONNECTING_TO_SERVER",
        wi::INTERNET_STATUS_CONNECTED_TO_SERVER => "CONNECTED_TO_SERVER",
        wi::INTERNET_STATUS_SENDING_REQUEST => "SENDING_REQUEST",
        wi::INTERNET_STATUS_REQUEST_SENT => "REQUEST_SENT",
        wi::INTERNET_STATUS_RECEIVING_RESPONSE => "RECEIVING_RESPONSE",
        wi::INTERNET_STATUS_RESPONSE_RECEIVED => "RESPONSE_RECEIVED",
        wi::INTERNET_STATUS_HANDLE_CREATED => "HANDLE_CREATED",
        wi::INTERNET_STATUS_HANDLE_CLOSING => "HANDLE_CLOSING",
        wi::INTERNET_STATUS_REQUEST_COMPLETE => "REQUEST_COMPLETE",
        wi::INTERNET_STATUS_REDIRECT => "REDIRECT",
        wi::INTERNET_STATUS_CLOSING_CONNECTION => "CLOSING_CONNECTION",
        wi::INTERNET_STATUS_CONNECTION_CLOSED => "CONNECTION_CLOSED",
        _ => "?",
    }
}

pub fn names(statuses: &[u32]) -> Vec<&'static str> {
    statuses.iter().map(|&s| name(s)).collect()
}

/// Reads `h` to the end of its body with `InternetReadFile` (4096-byte reads, bounded),
/// asserting each read succeeds.
pub fn read_all(api: &WinInet, h: HandleValue) -> Vec<u8> {
    let mut body = Vec::new();
    for _ in 0..10_000 {
        let buf = VecBuffer::new(4096);
        let a = api.internet_read_file(h, buf.clone(), slot());
        assert!(a.ret, "read failed: {:?}", a.last_error);
        if a.out == 0 {
            return body;
        }
        body.extend(buf.prefix(a.out as usize));
    }
    panic!("body did not end");
}

/// `HttpQueryInfo(HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER)` of `h`, asserting the
/// query succeeds.
pub fn status_code(api: &WinInet, h: HandleValue) -> u32 {
    let a = api.http_query_info(
        h,
        wi::HTTP_QUERY_STATUS_CODE | wi::HTTP_QUERY_FLAG_NUMBER,
        None,
        OutBuffer::bytes(4),
        None,
    );
    assert!(a.ret, "{:?}", a.last_error);
    match a.out.answer.expect("a status").value {
        QueryValue::Number(n) => n,
        other => panic!("{other:?}"),
    }
}

/// `InternetOpen(NULL, INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0)`: a synchronous root.
pub fn sync_root(api: &WinInet) -> HandleValue {
    let root = api.internet_open(None, wi::INTERNET_OPEN_TYPE_DIRECT, None, None, 0);
    assert_ne!(root.ret, HandleValue::NULL, "{:?}", root.last_error);
    root.ret
}

/// `InternetOpen(NULL, INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, INTERNET_FLAG_ASYNC)`.
pub fn async_root(api: &WinInet) -> HandleValue {
    let root = api.internet_open(
        None,
        wi::INTERNET_OPEN_TYPE_DIRECT,
        None,
        None,
        wi::INTERNET_FLAG_ASYNC,
    );
    assert_ne!(root.ret, HandleValue::NULL, "{:?}", root.last_error);
    root.ret
}

/// An [`async_root`] whose status callback is a [`recording`] one: the root, the recorder
/// and the REQUEST_COMPLETE channel.
pub fn recorded_async_root(api: &WinInet) -> (HandleValue, Recorder, mpsc::Receiver<Status>) {
    let root = async_root(api);
    let (cb, rec, rx) = recording();
    assert!(api.internet_set_status_callback(root, Some(cb)).ret.is_ok());
    (root, rec, rx)
}
