//! Helpers of the typed WinHTTP API tests: a recording status callback, the usual
//! asynchronous session, reading a body, the status code, named proxy settings, and the
//! end-of-test check (quiescent, empty engine).

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hinternet_net::winhttp::api::{Handle, StatusCallback, WinHttp};
use hinternet_net::winhttp::exec::{StatusInfo, VecBuffer};
use windows_sys::Win32::Networking::WinHttp as wh;

/// How long a test waits for one notification.
pub const WAIT: Duration = Duration::from_secs(10);

/// One recorded notification.
#[derive(Debug, Clone)]
pub struct Seen {
    pub handle: Handle,
    pub context: u64,
    pub status: u32,
    pub info: String,
    pub dword: Option<u32>,
}

/// A callback recording every notification and signalling each status on a channel.
pub struct Recorder {
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub rx: mpsc::Receiver<(Handle, u32, StatusInfo)>,
    pub callback: StatusCallback,
}

pub fn recorder() -> Recorder {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let log = seen.clone();
    let callback: StatusCallback = Arc::new(move |handle, context, status, info: &StatusInfo| {
        let dword = match info {
            StatusInfo::Dword(d) => Some(*d),
            StatusInfo::Read { bytes, .. } => Some(*bytes),
            _ => None,
        };
        log.lock().expect("test lock").push(Seen {
            handle,
            context,
            status,
            info: format!("{info:?}"),
            dword,
        });
        let _ = tx
            .lock()
            .expect("test lock")
            .send((handle, status, info.clone()));
    });
    Recorder { seen, rx, callback }
}

impl Recorder {
    /// Waits for `status` on `handle`, returning its info.
    pub fn wait_for(&self, handle: Handle, status: u32) -> StatusInfo {
        loop {
            let (h, s, info) = self
                .rx
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("no {} on {handle:?}", name(status)));
            if h == handle && s == status {
                return info;
            }
            assert!(
                !(h == handle && s == wh::WINHTTP_CALLBACK_STATUS_REQUEST_ERROR),
                "request error {info:?} while waiting for {}",
                name(status)
            );
        }
    }

    /// The statuses recorded for `handle`, in order.
    pub fn statuses(&self, handle: Handle) -> Vec<&'static str> {
        self.seen
            .lock()
            .expect("test lock")
            .iter()
            .filter(|s| s.handle == handle)
            .map(|s| name(s.status))
            .collect()
    }

    pub fn all(&self) -> Vec<Seen> {
        self.seen.lock().expect("test lock").clone()
    }
}

/// Ends a test: everything delivered, nothing left in the engine.
pub fn finish(api: &WinHttp) {
    assert!(api.engine().wait_quiescent());
    assert!(api.engine().is_empty(), "engine not empty");
}

pub use hinternet_net::winhttp::names::status_name as name;

/// Reads the body to its end with `WinHttpReadData` (bounded), asserting each read succeeds.
pub fn read_all(api: &WinHttp, request: Handle) -> Vec<u8> {
    let buf = VecBuffer::new(4096);
    let mut body = Vec::new();
    for _ in 0..10_000 {
        let r = api.read_data(request, buf.clone(), 4096);
        assert!(r.ret, "{r:?}");
        if r.out == 0 {
            break;
        }
        body.extend(buf.prefix(r.out as usize));
    }
    body
}

/// `WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER`.
pub fn status_code(api: &WinHttp, request: Handle) -> u32 {
    let q = api.query_headers(
        request,
        wh::WINHTTP_QUERY_STATUS_CODE | wh::WINHTTP_QUERY_FLAG_NUMBER,
        None,
        Some(4),
        0,
        None,
    );
    match q.out.value.clone() {
        Some(hinternet_net::headers::QueryValue::Number(n)) => n,
        other => panic!("{other:?} {q:?}"),
    }
}

/// `WinHttpOpen(NULL, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC)`: the
/// asynchronous session most callback tests start from.
pub fn async_session(api: &WinHttp) -> Handle {
    let session = api.open(
        None,
        wh::WINHTTP_ACCESS_TYPE_NO_PROXY,
        None,
        None,
        wh::WINHTTP_FLAG_ASYNC,
    );
    assert!(!session.ret.is_null(), "{session:?}");
    session.ret
}

/// `WINHTTP_PROXY_INFO` for a named proxy list and an optional bypass list.
pub fn named_proxy(
    proxy: &str,
    bypass: Option<&str>,
) -> hinternet_net::winhttp::options::ProxyInfo {
    use hinternet_net::url::to_wide;
    hinternet_net::winhttp::options::ProxyInfo {
        access_type: wh::WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        proxy: Some(to_wide(proxy)),
        bypass: bypass.map(to_wide),
    }
}
