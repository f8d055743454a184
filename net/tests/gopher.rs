//! The Gopher client against the loopback Gopher server (and raw scripted servers for
//! protocol faults): menus, files, Gopher+ attributes, hostile menus and network errors.

use std::time::Duration;

use hinternet_net::gopher::{locator_type, GopherConfig, GopherLocator, GopherSession};
use hinternet_net::InetError;
use hinternet_testservers::gopher::{self, ABOUT_TEXT, BINARY_LEN, PLUS_TEXT, ROOT_ITEMS};
use hinternet_testservers::script::{self, Step};
use windows_sys::Win32::Networking::WinInet::{
    GOPHER_TYPE_BINARY, GOPHER_TYPE_DIRECTORY, GOPHER_TYPE_ERROR, GOPHER_TYPE_GOPHER_PLUS,
    GOPHER_TYPE_INLINE, GOPHER_TYPE_TEXT_FILE,
};

fn config() -> GopherConfig {
    let limit = Some(Duration::from_secs(10));
    GopherConfig {
        connect_timeout: limit,
        receive_timeout: limit,
        send_timeout: limit,
    }
}

fn session(port: u16) -> GopherSession {
    GopherSession::new("127.0.0.1", port, config())
}

fn code<T: std::fmt::Debug>(result: Result<T, InetError>) -> u32 {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(err) => err.code(),
    }
}

fn locator(port: u16, kind: char, selector: &str, plus: bool) -> String {
    let plus = if plus { "\t+" } else { "" };
    format!("{kind}Item\t{selector}\t127.0.0.1\t{port}{plus}")
}

async fn read_file(session: &GopherSession, locator: &str, buf_len: usize) -> Vec<u8> {
    let mut file = session.open_file(locator).await.expect("open");
    let mut out = Vec::new();
    let mut buf = vec![0u8; buf_len];
    for _ in 0..10_000_000 {
        let n = file.read(&mut buf).await.expect("read");
        assert!(n <= buf_len);
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&buf[..n]);
    }
    panic!("the file did not end");
}

#[tokio::test]
async fn root_menu() {
    let server = gopher::start();
    let session = session(server.port());
    let mut find = session.find_first(None, None).await.expect("menu");
    assert!(find.terminated);
    assert_eq!(find.skipped, 0);
    let mut items = Vec::new();
    for _ in 0..=ROOT_ITEMS {
        match find.next_entry() {
            Ok(item) => items.push(item),
            Err(err) => {
                assert_eq!(err.code(), 18);
                break;
            }
        }
    }
    assert_eq!(items.len(), ROOT_ITEMS);
    let types: Vec<u32> = items.iter().map(|i| i.gopher_type).collect();
    assert_eq!(
        types,
        [
            GOPHER_TYPE_TEXT_FILE,
            GOPHER_TYPE_DIRECTORY,
            GOPHER_TYPE_BINARY,
            GOPHER_TYPE_TEXT_FILE | GOPHER_TYPE_GOPHER_PLUS,
            GOPHER_TYPE_ERROR,
            GOPHER_TYPE_INLINE,
        ]
    );
    assert_eq!(items[0].display_string, "About this server");
    assert_eq!(
        items[0].locator,
        format!(
            "0About this server\t/about.txt\t127.0.0.1\t{}",
            server.port()
        )
    );
    assert_eq!((items[0].size, items[0].last_modification), (0, 0));
    for item in &items {
        assert_eq!(locator_type(&item.locator), Ok(item.gopher_type));
    }
    // A submenu through its locator.
    let mut sub = session
        .find_first(Some(&items[1].locator), None)
        .await
        .expect("submenu");
    assert_eq!(
        sub.next_entry().expect("inner").display_string,
        "Inner file"
    );
    assert_eq!(sub.next_entry().map_err(|e| e.code()), Err(18));
}

#[tokio::test]
async fn text_and_binary_files() {
    let server = gopher::start();
    let session = session(server.port());
    let about = locator(server.port(), '0', "/about.txt", false);
    for buf_len in [1, 5, 4096] {
        assert_eq!(read_file(&session, &about, buf_len).await, ABOUT_TEXT);
    }
    let plus = locator(server.port(), '0', "/plus.txt", true);
    assert_eq!(read_file(&session, &plus, 64).await, PLUS_TEXT);
    let binary = locator(server.port(), '9', "/bin", false);
    let bytes = read_file(&session, &binary, 10_000).await;
    assert_eq!(bytes.len(), BINARY_LEN);
    assert!(bytes.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
}

#[tokio::test]
async fn locator_type_errors() {
    let server = gopher::start();
    let session = session(server.port());
    let dir = locator(server.port(), '1', "/sub", false);
    let file = locator(server.port(), '0', "/about.txt", false);
    assert_eq!(code(session.open_file(&dir).await), 12131);
    assert_eq!(code(session.find_first(Some(&file), None).await), 12135);
    assert_eq!(code(session.open_file("not a locator").await), 12134);
    assert_eq!(
        code(session.find_first(Some("1x\ty"), None).await.map(|_| ())),
        12134
    );
    assert_eq!(server.accepted(), 0, "nothing was sent for bad locators");
    let created = GopherLocator::create("127.0.0.1", server.port(), Some("A"), Some("/sub"), 0)
        .expect("create");
    let mut find = session
        .find_first(Some(&created.to_string()), None)
        .await
        .expect("created locator");
    assert!(find.next_entry().is_ok());
}

#[tokio::test]
async fn hostile_menus() {
    let server = gopher::start();
    let session = session(server.port());
    let bad = locator(server.port(), '1', "/bad-menu", false);
    let mut find = session
        .find_first(Some(&bad), None)
        .await
        .expect("bad menu");
    assert_eq!(find.skipped, 4);
    assert!(find.terminated);
    assert_eq!(find.next_entry().expect("one").display_string, "Good one");
    assert_eq!(find.next_entry().expect("two").display_string, "Good two");
    assert_eq!(find.next_entry().map_err(|e| e.code()), Err(18));
    let open = locator(server.port(), '1', "/no-terminator", false);
    let mut find = session
        .find_first(Some(&open), None)
        .await
        .expect("open menu");
    assert!(!find.terminated, "a missing terminator is tolerated");
    assert_eq!(find.next_entry().expect("first").display_string, "First");
    assert_eq!(find.next_entry().expect("second").display_string, "Second");
    assert_eq!(find.next_entry().map_err(|e| e.code()), Err(18));
    let missing = locator(server.port(), '1', "/nothing-here", false);
    let mut find = session
        .find_first(Some(&missing), None)
        .await
        .expect("error menu");
    assert_eq!(
        find.next_entry().expect("error item").gopher_type,
        GOPHER_TYPE_ERROR
    );
    // A server that sends nothing but the terminator.
    let empty = script::start(vec![vec![
        Step::ReadUntil(b"\r\n".to_vec()),
        Step::Write(b".\r\n".to_vec()),
        Step::Close,
    ]]);
    assert_eq!(
        code(
            GopherSession::new("127.0.0.1", empty.handle.port(), config())
                .find_first(None, None)
                .await
        ),
        18
    );
}

#[tokio::test]
async fn gopher_plus_attributes() {
    let server = gopher::start();
    let session = session(server.port());
    let plus = locator(server.port(), '0', "/plus.txt", true);
    let all = session.get_attribute(&plus, None).await.expect("all");
    let names: Vec<&str> = all.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["INFO", "ADMIN", "ABSTRACT"]);
    assert!(all[1].text.contains("Admin: Test Admin <admin@127.0.0.1>"));
    let admin = session
        .get_attribute(&plus, Some("ADMIN"))
        .await
        .expect("admin");
    assert_eq!(admin.len(), 1);
    assert!(admin[0].text.contains("Mod-Date:"));
    assert_eq!(
        code(session.get_attribute(&plus, Some("VIEWS")).await),
        12137
    );
    // The server refuses attributes for an item it does not serve as Gopher+.
    let refused = locator(server.port(), '0', "/about.txt", true);
    assert_eq!(code(session.get_attribute(&refused, None).await), 12137);
    // A plain locator: not Gopher+, nothing sent.
    let accepted = server.accepted();
    let plain = locator(server.port(), '0', "/about.txt", false);
    assert_eq!(code(session.get_attribute(&plain, None).await), 12136);
    assert_eq!(server.accepted(), accepted);
    // A server that answers an attribute request like a plain Gopher server.
    let old = script::start(vec![vec![
        Step::ReadUntil(b"\r\n".to_vec()),
        Step::Write(b"3'/x\t!' does not exist\t\terror.host\t1\r\n.\r\n".to_vec()),
        Step::Close,
    ]]);
    let old_locator = locator(old.handle.port(), '0', "/x", true);
    assert_eq!(code(session.get_attribute(&old_locator, None).await), 12136);
    assert_eq!(old.received(0), b"/x\t!\r\n");
}

#[tokio::test]
async fn network_errors() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    assert_eq!(code(session(port).find_first(None, None).await), 12029);
    let server = gopher::start();
    // Short enough to keep the test quick, long enough for a loaded machine's connect.
    let short = Some(Duration::from_millis(1000));
    let impatient = GopherSession::new(
        "127.0.0.1",
        server.port(),
        GopherConfig {
            connect_timeout: short,
            receive_timeout: short,
            send_timeout: short,
        },
    );
    let silent = locator(server.port(), '1', "/silent", false);
    assert_eq!(code(impatient.find_first(Some(&silent), None).await), 12002);
    let reset = script::start(vec![vec![
        Step::ReadUntil(b"\r\n".to_vec()),
        Step::Write(b"0Half a menu\t/a\t127.0.0.1\t70\r\n".to_vec()),
        Step::Reset,
    ]]);
    assert_eq!(
        code(
            GopherSession::new("127.0.0.1", reset.handle.port(), config())
                .find_first(None, None)
                .await
        ),
        12030
    );
    let file_reset = script::start(vec![vec![
        Step::ReadUntil(b"\r\n".to_vec()),
        Step::Write(vec![7u8; 1000]),
        Step::Sleep(Duration::from_millis(50)),
        Step::Reset,
    ]]);
    let session = GopherSession::new("127.0.0.1", file_reset.handle.port(), config());
    let mut file = session
        .open_file(&locator(file_reset.handle.port(), '9', "/f", false))
        .await
        .expect("open");
    let mut buf = vec![0u8; 4096];
    let mut outcome = Ok(0);
    for _ in 0..100 {
        outcome = file.read(&mut buf).await;
        if !matches!(outcome, Ok(n) if n > 0) {
            break;
        }
    }
    assert_eq!(outcome.map_err(|e| e.code()), Err(12030));
}
