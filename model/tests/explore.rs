//! The `explore` subcommand serves stateright's web explorer: start it on a free loopback
//! port, fetch its status and page over plain HTTP, and check that it lists the model's
//! properties, names the preset, and shows steps and states in the core's trace notation.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hinternet_model::model::LAW_PROPERTIES;

/// Stops the explorer when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// `GET path` with a bounded number of tries while the server starts; the whole response.
fn get(addr: SocketAddr, path: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
            Ok(mut stream) => {
                stream
                    .set_read_timeout(Some(Duration::from_secs(20)))
                    .expect("read timeout");
                write!(
                    stream,
                    "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
                )
                .expect("send request");
                let mut response = String::new();
                stream.read_to_string(&mut response).expect("read response");
                return response;
            }
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("explorer did not come up on {addr}: {e}"),
        }
    }
}

#[test]
fn explorer_lists_the_model_properties() {
    let port = free_port();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_hinternet-model"))
            .args(["explore", &addr.to_string(), "--preset", "winhttp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start hinternet-model explore"),
    );
    let status = get(addr, "/.status");
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    for name in LAW_PROPERTIES {
        assert!(status.contains(name), "{name:?} missing from {status}");
    }
    for name in [
        hinternet_model::model::SOMETIMES_CLOSE_PENDING,
        hinternet_model::model::SOMETIMES_CLOSE_IN_CALLBACK,
        hinternet_model::model::SOMETIMES_CASCADE,
    ] {
        assert!(status.contains(name), "{name:?} missing from {status}");
    }
    let page = get(addr, "/");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.to_lowercase().contains("<html"), "{page}");
    // The initial state and its actions, as the explorer's UI asks for them.
    let states = get(addr, "/.states/0");
    assert!(states.contains("Open WinHttpOpen async"), "{states}");
    // The preset's name, above the state and in each step.
    assert!(states.contains("model winhttp (handles "), "{states}");
    // Each step as trace lines, and the state after it in trace notation (JSON-escaped
    // newlines), not a Rust debug dump.
    assert!(
        states.contains("created #0 session h=1"),
        "the step's reply as a trace line: {states}"
    );
    assert!(
        states.contains("\\n#0 session h=1 open async"),
        "the state's object line: {states}"
    );
    assert!(!states.contains("Machine {"), "{states}");
    assert!(!states.contains("LawMonitor"), "{states}");
}
