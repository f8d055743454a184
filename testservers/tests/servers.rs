//! The servers themselves: websocket echo and close reply, the upgrade route, shutdown with
//! connections still open, and the script server's recording.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use hinternet_testservers::script::{self, Step};
use hinternet_testservers::{http, ws};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn websocket_echo_and_close_reply_is_flushed() {
    let server = ws::start();
    let tcp = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connect");
    let url = format!("ws://127.0.0.1:{}/", server.port());
    let (mut socket, _) = tokio_tungstenite::client_async(url, tcp)
        .await
        .expect("handshake");
    socket.send(Message::text("ping me")).await.expect("send");
    let echoed = socket.next().await.expect("message").expect("ok");
    assert_eq!(echoed, Message::text("ping me"));
    socket
        .send(Message::binary(vec![1u8, 2, 3]))
        .await
        .expect("send");
    assert_eq!(
        socket.next().await.expect("message").expect("ok"),
        Message::binary(vec![1u8, 2, 3])
    );
    let close = CloseFrame {
        code: CloseCode::Away,
        reason: "bye".into(),
    };
    socket
        .send(Message::Close(Some(close)))
        .await
        .expect("close");
    let reply = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("reply in time");
    match reply {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, CloseCode::Away),
        other => panic!("expected the server's close reply, got {other:?}"),
    }
}

#[test]
fn http_server_counts_connections_and_stops_with_silent_requests_open() {
    let server = http::start();
    let mut silent = std::net::TcpStream::connect(server.addr()).expect("connect");
    silent
        .write_all(b"GET /silent HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("send");
    let mut fixed = std::net::TcpStream::connect(server.addr()).expect("connect");
    fixed
        .write_all(b"GET /fixed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("send");
    let mut reply = String::new();
    fixed.read_to_string(&mut reply).expect("reply");
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    assert!(reply.ends_with("\r\n\r\nhello, world"), "{reply}");
    assert_eq!(server.accepted(), 2);
    let started = Instant::now();
    drop(server);
    // /silent never answers, so waiting for it would hang; the bound is generous for a
    // loaded machine joining the server thread.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "drop does not wait for /silent"
    );
    silent
        .set_read_timeout(Some(Duration::from_secs(2)))
        .expect("timeout");
    let mut rest = Vec::new();
    assert_eq!(
        silent.read_to_end(&mut rest).expect("closed by the server"),
        0
    );
}

#[test]
fn script_server_records_what_it_read_and_resets() {
    let server = script::start(vec![vec![
        Step::ReadUntil(b"END".to_vec()),
        Step::Write(b"reply".to_vec()),
        Step::Sleep(Duration::from_millis(20)),
        Step::Reset,
    ]]);
    let mut client = std::net::TcpStream::connect(server.handle.addr()).expect("connect");
    client.write_all(b"some bytes END").expect("send");
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut got = [0u8; 5];
    client.read_exact(&mut got).expect("reply");
    assert_eq!(&got, b"reply");
    let mut rest = [0u8; 8];
    let err = client.read(&mut rest).expect_err("reset");
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);
    assert_eq!(server.received(0), b"some bytes END");
}

fn raw_request(addr: std::net::SocketAddr, request: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream.write_all(request.as_bytes()).expect("send");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("reply");
    reply
}

#[test]
fn redirect_slow_and_headers_routes() {
    let server = http::start();
    let other = http::start();
    for code in [301u16, 302, 303, 307, 308] {
        let to = format!("http://127.0.0.1:{}/fixed", other.port());
        let reply = raw_request(
            server.addr(),
            &format!("GET /redirect?code={code}&to={to} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        );
        assert!(reply.starts_with(&format!("HTTP/1.1 {code} ")), "{reply}");
        assert!(
            reply
                .to_ascii_lowercase()
                .contains(&format!("location: {to}\r\n")),
            "{reply}"
        );
    }
    let started = Instant::now();
    let reply = raw_request(
        server.addr(),
        "GET /slow?ms=200 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(reply.ends_with("\r\n\r\nslow"), "{reply}");
    let reply = raw_request(
        server.addr(),
        "GET /headers HTTP/1.1\r\nHost: x\r\nX-Probe: 42\r\nConnection: close\r\n\r\n",
    );
    assert!(reply.contains("\nx-probe: 42\n"), "{reply}");
    let reply = raw_request(
        server.addr(),
        "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(reply.starts_with("HTTP/1.1 404 "), "{reply}");
}

/// Reads one FTP reply (all lines of a multi-line one) from a blocking control connection.
fn ftp_reply(control: &mut std::io::BufReader<std::net::TcpStream>) -> String {
    use std::io::BufRead;
    let mut reply = String::new();
    for _ in 0..100 {
        let mut line = String::new();
        if control.read_line(&mut line).expect("reply line") == 0 {
            break;
        }
        reply.push_str(&line);
        let bytes = line.as_bytes();
        if bytes.len() >= 4 && bytes[3] == b' ' && reply.as_bytes()[..3] == bytes[..3] {
            break;
        }
    }
    reply
}

fn ftp_send(control: &mut std::io::BufReader<std::net::TcpStream>, line: &str) -> String {
    control
        .get_mut()
        .write_all(format!("{line}\r\n").as_bytes())
        .expect("send");
    ftp_reply(control)
}

#[test]
fn ftp_server_speaks_the_protocol() {
    use hinternet_testservers::ftp::{self, README_BODY};
    let server = ftp::start(vec![]);
    let tcp = std::net::TcpStream::connect(server.handle.addr()).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut control = std::io::BufReader::new(tcp);
    assert!(ftp_reply(&mut control).starts_with("220 "));
    assert!(ftp_send(&mut control, "PWD").starts_with("530 "));
    assert!(ftp_send(&mut control, "USER anonymous").starts_with("331 "));
    assert!(ftp_send(&mut control, "PASS a@b").starts_with("230 "));
    assert!(ftp_send(&mut control, "RNTO x").starts_with("503 "));
    assert!(ftp_send(&mut control, "RETR /readme.txt").starts_with("425 "));
    let feat = ftp_send(&mut control, "FEAT");
    assert!(
        feat.starts_with("211-") && feat.contains(" MLSD\r\n") && feat.ends_with("211 End\r\n")
    );
    let epsv = ftp_send(&mut control, "EPSV");
    let port: u16 = epsv
        .split("|||")
        .nth(1)
        .and_then(|rest| rest.split('|').next())
        .and_then(|p| p.parse().ok())
        .expect("EPSV port");
    let mut data = std::net::TcpStream::connect(("127.0.0.1", port)).expect("data");
    assert!(ftp_send(&mut control, "RETR /readme.txt").starts_with("150 "));
    let mut body = Vec::new();
    data.read_to_end(&mut body).expect("data");
    assert_eq!(body, README_BODY);
    assert!(ftp_reply(&mut control).starts_with("226 "));
    let pasv = ftp_send(&mut control, "PASV");
    let numbers: Vec<u16> = pasv
        .split(['(', ')'])
        .nth(1)
        .expect("address")
        .split(',')
        .map(|n| n.parse().expect("number"))
        .collect();
    let mut data =
        std::net::TcpStream::connect(("127.0.0.1", numbers[4] << 8 | numbers[5])).expect("data");
    assert!(ftp_send(&mut control, "LIST /pub").starts_with("150 "));
    let mut listing = String::new();
    data.read_to_string(&mut listing).expect("listing");
    assert!(listing.contains(" data.bin\r\n") && listing.starts_with("-rw-r--r--"));
    assert!(ftp_reply(&mut control).starts_with("226 "));
    assert!(ftp_send(&mut control, "QUIT").starts_with("221 "));
}

#[test]
fn gopher_server_stuffs_dots_on_the_wire() {
    use hinternet_testservers::gopher;
    let server = gopher::start();
    let mut tcp = std::net::TcpStream::connect(server.addr()).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    tcp.write_all(b"/about.txt\r\n").expect("selector");
    let mut wire = Vec::new();
    tcp.read_to_end(&mut wire).expect("body");
    assert!(wire.windows(5).any(|w| w == b"\n..a "));
    assert!(wire.ends_with(b"\r\n.\r\n"));
}
