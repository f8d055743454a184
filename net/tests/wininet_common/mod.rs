//! Helpers of the WinINet API tests: a recording status callback, a channel that signals
//! REQUEST_COMPLETE, and the end-of-test check (quiescent, empty engine).
#![allow(dead_code)]

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hinternet_net::wininet::api::{Status, StatusCallback, WinInet};
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
