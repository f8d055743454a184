//! The `winhttp-trace` tool against the loopback servers: an HTTP GET (async and sync) and
//! a websocket echo, checking its output and exit status.

use std::process::Command;

use hinternet_testservers::http as server;

fn trace(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_winhttp-trace"))
        .args(args)
        .output()
        .expect("run winhttp-trace");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn trace_prints_notifications_headers_and_body_length() {
    let server = server::start();
    let url = format!("http://127.0.0.1:{}/fixed", server.port());
    for sync in [false, true] {
        let mut args = vec![];
        if sync {
            args.push("--sync");
        }
        args.push(url.as_str());
        let (code, out, err) = trace(&args);
        assert_eq!(code, 0, "{out}\n{err}");
        assert!(out.contains("SENDING_REQUEST"), "{out}");
        assert!(out.contains("RESPONSE_RECEIVED"), "{out}");
        assert!(out.contains("HTTP/1.1 200 OK"), "{out}");
        assert!(out.contains("body: 12 bytes"), "{out}");
        assert_eq!(out.contains("HEADERS_AVAILABLE"), !sync, "{out}");
        assert_eq!(out.matches("HANDLE_CLOSING").count(), 3, "{out}");
    }
    let missing = format!("http://127.0.0.1:{}/nothing-here", server.port());
    let (code, _, err) = trace(&[missing.as_str()]);
    assert_eq!(code, 1);
    assert!(err.contains("404"), "{err}");
}

#[test]
fn trace_websocket_echo_and_errors() {
    let server = server::start();
    let url = format!("ws://127.0.0.1:{}/upgrade", server.port());
    let (code, out, err) = trace(&["--send", "hi there", url.as_str()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("received: hi there"), "{out}");
    assert!(out.contains("close status: 1000"), "{out}");
    // Nothing listens on the server's port once it is gone.
    let port = server.port();
    drop(server);
    let closed = format!("http://127.0.0.1:{port}/");
    let (code, _, err) = trace(&[closed.as_str()]);
    assert_eq!(code, 1);
    assert!(err.contains("ERROR_WINHTTP_CANNOT_CONNECT"), "{err}");
}
