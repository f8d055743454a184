//! The FTP session against the scripted loopback FTP server: every operation's values, the
//! busy rule, ERROR_NO_MORE_FILES, a 10 MB round trip, and each injected fault's Windows code
//! and last-response text.

use std::time::Duration;

use hinternet_net::ftp::listing::filetime_from_utc;
use hinternet_net::ftp::{Direction, FtpConfig, FtpSession, TransferType};
use hinternet_net::InetError;
use hinternet_testservers::ftp::{self, FtpFault, FtpServer, FTP_PASSWORD, FTP_USER, README_BODY};
use hinternet_testservers::script::{self, Step};
use windows_sys::Win32::Storage::FileSystem::{FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_NORMAL};

fn config() -> FtpConfig {
    let limit = Some(Duration::from_secs(10));
    FtpConfig {
        connect_timeout: limit,
        receive_timeout: limit,
        send_timeout: limit,
    }
}

/// Timeouts for tests that wait for a silent server: short enough to keep the suite quick,
/// long enough that logging in on a loaded CI machine never trips them.
fn short_config() -> FtpConfig {
    let limit = Some(Duration::from_millis(1000));
    FtpConfig {
        connect_timeout: limit,
        receive_timeout: limit,
        send_timeout: limit,
    }
}

async fn login(server: &FtpServer) -> FtpSession {
    FtpSession::connect(
        "127.0.0.1",
        server.handle.port(),
        Some(FTP_USER),
        Some(FTP_PASSWORD),
        config(),
    )
    .await
    .expect("login")
}

fn code<T: std::fmt::Debug>(result: Result<T, InetError>) -> u32 {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(err) => err.code(),
    }
}

async fn read_all(transfer: &mut hinternet_net::ftp::FtpTransfer, buf_len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; buf_len];
    for _ in 0..100_000_000 {
        let n = transfer.read(&mut buf).await.expect("read");
        assert!(n <= buf_len);
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&buf[..n]);
    }
    panic!("the download did not end");
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 253) as u8).collect()
}

#[tokio::test]
async fn anonymous_and_user_logins() {
    let server = ftp::start(vec![]);
    let session = FtpSession::connect("127.0.0.1", server.handle.port(), None, None, config())
        .await
        .expect("anonymous login");
    assert_eq!(session.last_response(), "230 Anonymous access granted.\r\n");
    let commands = server.commands();
    assert_eq!(commands[..2], ["USER anonymous", "PASS IEUser@"]);
    session.quit().await;
    let session = login(&server).await;
    assert_eq!(session.last_response(), "230 User user logged in.\r\n");
    assert!(!session.is_busy());
}

#[tokio::test]
async fn login_failures() {
    let server = ftp::start(vec![]);
    let err = FtpSession::connect(
        "127.0.0.1",
        server.handle.port(),
        Some(FTP_USER),
        Some("wrong"),
        config(),
    )
    .await
    .expect_err("wrong password");
    assert_eq!(err.error.code(), 12015);
    assert_eq!(err.last_response, "530 Login incorrect.\r\n");
    let accepted = server.handle.accepted();
    let err = FtpSession::connect(
        "127.0.0.1",
        server.handle.port(),
        Some(""),
        Some("pw"),
        config(),
    )
    .await
    .expect_err("password without user");
    assert_eq!(err.error.code(), 87);
    assert_eq!(server.handle.accepted(), accepted, "nothing was sent");
    // A USER reply that is neither 230, 331 nor 332.
    let odd = ftp::start(vec![FtpFault::Reply {
        command: "USER",
        reply: b"200 whatever you say\r\n",
    }]);
    let err = FtpSession::connect("127.0.0.1", odd.handle.port(), None, None, config())
        .await
        .expect_err("odd reply");
    assert_eq!(err.error.code(), 12003);
    assert_eq!(err.last_response, "200 whatever you say\r\n");
}

#[tokio::test]
async fn connect_failures() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let err = FtpSession::connect("127.0.0.1", port, None, None, config())
        .await
        .expect_err("refused");
    assert_eq!(err.error.code(), 12029);
    let silent = script::start(vec![vec![Step::Hang]]);
    let err = FtpSession::connect(
        "127.0.0.1",
        silent.handle.port(),
        None,
        None,
        short_config(),
    )
    .await
    .expect_err("no greeting");
    assert_eq!(err.error.code(), 12002);
    let reset = script::start(vec![vec![Step::Reset]]);
    let err = FtpSession::connect("127.0.0.1", reset.handle.port(), None, None, config())
        .await
        .expect_err("reset");
    assert_eq!(err.error.code(), 12030);
    let busy = ftp::start(vec![FtpFault::Reply {
        command: "GREETING",
        reply: b"421 Too many users, try later.\r\n",
    }]);
    let err = FtpSession::connect("127.0.0.1", busy.handle.port(), None, None, config())
        .await
        .expect_err("421 greeting");
    assert_eq!(err.error.code(), 12003);
    assert_eq!(err.last_response, "421 Too many users, try later.\r\n");
    let cut = ftp::start(vec![FtpFault::CutShort {
        command: "GREETING",
        partial: b"220-Welcome to a greeting that never ends\r\n",
    }]);
    let err = FtpSession::connect("127.0.0.1", cut.handle.port(), None, None, config())
        .await
        .expect_err("cut greeting");
    assert_eq!(err.error.code(), 12030);
}

#[tokio::test]
async fn directory_operations() {
    let server = ftp::start(vec![]);
    let mut session = login(&server).await;
    assert_eq!(session.current_directory().await.expect("pwd"), "/");
    assert_eq!(
        session.last_response(),
        "257 \"/\" is the current directory\r\n"
    );
    session.set_current_directory("pub").await.expect("cwd");
    assert_eq!(session.current_directory().await.expect("pwd"), "/pub");
    assert_eq!(code(session.set_current_directory("missing").await), 12003);
    assert_eq!(
        session.last_response(),
        "550 missing: No such directory.\r\n"
    );
    session.set_current_directory("/").await.expect("cwd /");
    session.create_directory("newdir").await.expect("mkd");
    assert!(server.is_dir("/newdir"));
    assert_eq!(session.last_response(), "257 \"/newdir\" created.\r\n");
    assert_eq!(code(session.create_directory("newdir").await), 12003);
    session.rename("newdir", "renamed").await.expect("rename");
    assert!(server.is_dir("/renamed") && !server.is_dir("/newdir"));
    assert_eq!(code(session.rename("nothing", "x").await), 12003);
    assert_eq!(
        session.last_response(),
        "550 nothing: No such file or directory.\r\n"
    );
    session.remove_directory("renamed").await.expect("rmd");
    assert!(!server.is_dir("/renamed"));
    assert_eq!(code(session.remove_directory("pub").await), 12003);
    assert_eq!(
        session.file_size("/readme.txt").await.expect("size"),
        README_BODY.len() as u64
    );
    assert_eq!(code(session.file_size("/nope").await), 12003);
    session.delete_file("/pub/notes.txt").await.expect("dele");
    assert_eq!(server.file("/pub/notes.txt"), None);
    assert_eq!(code(session.delete_file("/pub/notes.txt").await), 12003);
    assert_eq!(
        session.last_response(),
        "550 /pub/notes.txt: No such file.\r\n"
    );
    assert_eq!(code(session.delete_file("a\r\nDELE b").await), 87);
}

#[tokio::test]
async fn raw_commands() {
    let server = ftp::start(vec![]);
    let mut session = login(&server).await;
    let reply = session.command("NOOP").await.expect("noop");
    assert_eq!((reply.code, reply.text.as_str()), (200, "200 NOOP ok.\r\n"));
    let reply = session.command("FEAT").await.expect("feat");
    assert_eq!(reply.code, 211);
    assert!(reply.text.starts_with("211-Features:\r\n") && reply.text.ends_with("211 End\r\n"));
    assert_eq!(session.last_response(), reply.text);
    assert_eq!(code(session.command("XYZZY").await), 12003);
    assert_eq!(session.last_response(), "500 Unknown command.\r\n");
    assert_eq!(code(session.command("NOOP\r\nQUIT").await), 87);
    let mut transfer = session
        .command_with_data("NLST /pub", TransferType::Ascii)
        .await
        .expect("nlst");
    assert_eq!(code(session.command("NOOP").await), 12110);
    assert_eq!(
        read_all(&mut transfer, 3).await,
        b"data.bin\r\nnotes.txt\r\n"
    );
    session.finish(transfer).await.expect("finish");
    assert_eq!(session.last_response(), "226 Transfer complete.\r\n");
    session.command("NOOP").await.expect("idle again");
}

#[tokio::test]
async fn find_with_mlsd_and_the_busy_rule() {
    let server = ftp::start(vec![]);
    let mut session = login(&server).await;
    let mut find = session.find_first(None).await.expect("find");
    assert!(server.commands().iter().any(|c| c == "MLSD"));
    let mtime = filetime_from_utc(2024, 1, 2, 3, 4, 5).expect("valid date");
    let first = find.next_entry().expect("pub");
    assert_eq!(first.file_name, "pub");
    assert_eq!(first.attributes, FILE_ATTRIBUTE_DIRECTORY);
    assert_eq!((first.size, first.last_write), (0, mtime));
    let second = find.next_entry().expect("readme");
    assert_eq!(second.file_name, "readme.txt");
    assert_eq!(second.attributes, FILE_ATTRIBUTE_NORMAL);
    assert_eq!(second.size, README_BODY.len() as u64);
    assert_eq!(second.last_write, mtime);
    assert_eq!(find.next_entry().map_err(|e| e.code()), Err(18));
    // The busy rule: nothing else while the find is open.
    assert!(session.is_busy());
    assert_eq!(code(session.find_first(None).await), 12110);
    assert_eq!(code(session.set_current_directory("pub").await), 12110);
    assert_eq!(
        code(
            session
                .open_file("/readme.txt", Direction::Download, TransferType::Binary)
                .await
        ),
        12110
    );
    drop(find);
    assert!(!session.is_busy());
    session.set_current_directory("pub").await.expect("cwd");
    let mut bins = session.find_first(Some("*.BIN")).await.expect("pattern");
    assert_eq!(bins.next_entry().expect("data.bin").file_name, "data.bin");
    assert_eq!(bins.next_entry().map_err(|e| e.code()), Err(18));
    drop(bins);
    assert_eq!(code(session.find_first(Some("/pub/*.exe")).await), 18);
    assert!(!session.is_busy(), "an empty find leaves the session idle");
    assert_eq!(code(session.find_first(Some("/missing")).await), 12003);
    assert_eq!(
        session.last_response(),
        "550 /missing: No such file or directory.\r\n"
    );
}

#[tokio::test]
async fn find_falls_back_to_list_and_skips_unknown_lines() {
    let server = ftp::start(vec![FtpFault::NoMlsd, FtpFault::UnknownListLine]);
    let mut session = login(&server).await;
    let mut find = session.find_first(None).await.expect("find");
    let commands = server.commands();
    assert!(commands.iter().any(|c| c == "MLSD") && commands.iter().any(|c| c == "LIST"));
    let mut names = Vec::new();
    for _ in 0..10 {
        match find.next_entry() {
            Ok(entry) => {
                if entry.file_name == "readme.txt" {
                    assert_eq!(entry.size, README_BODY.len() as u64);
                    assert_eq!(
                        Some(entry.last_write),
                        filetime_from_utc(2024, 1, 2, 0, 0, 0)
                    );
                }
                names.push(entry.file_name);
            }
            Err(err) => {
                assert_eq!(err.code(), 18);
                break;
            }
        }
    }
    assert_eq!(
        names,
        ["pub", "readme.txt"],
        "the two unknown lines were skipped"
    );
}

#[tokio::test]
async fn download_into_small_buffers() {
    let server = ftp::start(vec![]);
    let mut session = login(&server).await;
    let mut transfer = session
        .open_file("/pub/data.bin", Direction::Download, TransferType::Binary)
        .await
        .expect("open");
    assert_eq!(transfer.size(), Some(1024));
    assert_eq!(
        session.last_response(),
        "150 Opening BINARY mode data connection for /pub/data.bin (1024 bytes).\r\n"
    );
    assert_eq!(code(session.current_directory().await), 12110);
    assert_eq!(
        code(
            session
                .open_file("/readme.txt", Direction::Download, TransferType::Binary)
                .await
        ),
        12110
    );
    let expected: Vec<u8> = (0..1024u32).map(|i| (i % 256) as u8).collect();
    assert_eq!(read_all(&mut transfer, 7).await, expected);
    session.finish(transfer).await.expect("226");
    assert_eq!(session.last_response(), "226 Transfer complete.\r\n");
    let mut ascii = session
        .open_file("/readme.txt", Direction::Download, TransferType::Ascii)
        .await
        .expect("ascii");
    assert_eq!(read_all(&mut ascii, 4096).await, README_BODY);
    session.finish(ascii).await.expect("226");
    let commands = server.commands();
    assert!(commands.iter().any(|c| c == "TYPE I") && commands.iter().any(|c| c == "TYPE A"));
    assert_eq!(
        code(
            session
                .open_file("/nope.bin", Direction::Download, TransferType::Binary)
                .await
        ),
        12003
    );
    assert_eq!(session.last_response(), "550 /nope.bin: No such file.\r\n");
    assert!(!session.is_busy());
}

#[tokio::test]
async fn a_dropped_transfer_frees_the_session() {
    let server = ftp::start(vec![]);
    let mut session = login(&server).await;
    let transfer = session
        .open_file("/readme.txt", Direction::Download, TransferType::Binary)
        .await
        .expect("open");
    drop(transfer);
    assert!(!session.is_busy());
    assert_eq!(session.current_directory().await.expect("pwd"), "/");
    assert_eq!(
        session.last_response(),
        "257 \"/\" is the current directory\r\n"
    );
}

#[tokio::test]
async fn upload_get_file_and_put_file() {
    let server = ftp::start(vec![]);
    let mut session = login(&server).await;
    let mut upload = session
        .open_file("/pub/up.txt", Direction::Upload, TransferType::Binary)
        .await
        .expect("stor");
    let mut readback = [0u8; 4];
    assert_eq!(code(upload.read(&mut readback).await), 87);
    for chunk in [&b"first "[..], b"second ", b"third"] {
        assert_eq!(upload.write(chunk).await.expect("write"), chunk.len());
    }
    session.finish(upload).await.expect("226");
    assert_eq!(
        server.file("/pub/up.txt").as_deref(),
        Some(&b"first second third"[..])
    );
    assert_eq!(
        code(
            session
                .open_file("/no/such/dir/f", Direction::Upload, TransferType::Binary)
                .await
        ),
        12003
    );
    assert_eq!(
        session.last_response(),
        "553 /no/such/dir/f: Cannot store here.\r\n"
    );

    let dir = std::env::temp_dir().join(format!("hinternet-ftp-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let local = dir.join("readme.txt");
    let _ = std::fs::remove_file(&local);
    let n = session
        .get_file("/readme.txt", &local, true, TransferType::Binary)
        .await
        .expect("get");
    assert_eq!(n, README_BODY.len() as u64);
    assert_eq!(std::fs::read(&local).expect("local file"), README_BODY);
    let retrs = |s: &FtpServer| {
        s.commands()
            .iter()
            .filter(|c| c.starts_with("RETR"))
            .count()
    };
    let before = retrs(&server);
    assert_eq!(
        code(
            session
                .get_file("/readme.txt", &local, true, TransferType::Binary)
                .await
        ),
        80
    );
    assert_eq!(retrs(&server), before, "nothing sent for an existing file");
    session
        .get_file("/pub/data.bin", &local, false, TransferType::Binary)
        .await
        .expect("overwrite");
    assert_eq!(std::fs::read(&local).expect("local").len(), 1024);
    let n = session
        .put_file(&local, "/copy.bin", TransferType::Binary)
        .await
        .expect("put");
    assert_eq!(n, 1024);
    assert_eq!(server.file("/copy.bin").map(|f| f.len()), Some(1024));
    assert_eq!(
        code(
            session
                .put_file(&dir.join("missing"), "/x", TransferType::Binary)
                .await
        ),
        2
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn ten_megabytes_round_trip() {
    let server = ftp::start(vec![]);
    let mut session = login(&server).await;
    let body = pattern(10 << 20);
    let mut upload = session
        .open_file("/big.bin", Direction::Upload, TransferType::Binary)
        .await
        .expect("stor");
    for chunk in body.chunks(64 * 1024) {
        upload.write(chunk).await.expect("write");
    }
    session.finish(upload).await.expect("226");
    assert!(server.file("/big.bin").as_deref() == Some(&body[..]));
    let mut download = session
        .open_file("/big.bin", Direction::Download, TransferType::Binary)
        .await
        .expect("retr");
    assert_eq!(download.size(), Some(body.len() as u64));
    let got = read_all(&mut download, 64 * 1024).await;
    session.finish(download).await.expect("226");
    assert!(got == body, "10 MB came back intact");
}

#[tokio::test]
async fn negative_replies_keep_their_text() {
    let server = ftp::start(vec![
        FtpFault::Reply {
            command: "PWD",
            reply: b"550-Permission denied.\r\n550 Really.\r\n",
        },
        FtpFault::Reply {
            command: "CWD",
            reply: b"421 Service not available, closing control connection.\r\n",
        },
        FtpFault::Reply {
            command: "RETR",
            reply: b"425 Can't open data connection.\r\n",
        },
        FtpFault::Reply {
            command: "STOR",
            reply: b"426 Connection closed; transfer aborted.\r\n",
        },
    ]);
    let mut session = login(&server).await;
    assert_eq!(code(session.current_directory().await), 12003);
    assert_eq!(
        session.last_response(),
        "550-Permission denied.\r\n550 Really.\r\n"
    );
    assert_eq!(code(session.set_current_directory("pub").await), 12003);
    assert!(session.last_response().starts_with("421 "));
    assert_eq!(
        code(
            session
                .open_file("/readme.txt", Direction::Download, TransferType::Binary)
                .await
        ),
        12029
    );
    assert_eq!(
        session.last_response(),
        "425 Can't open data connection.\r\n"
    );
    assert_eq!(
        code(
            session
                .open_file("/x", Direction::Upload, TransferType::Binary)
                .await
        ),
        12030
    );
    assert!(!session.is_busy());
}

#[tokio::test]
async fn a_multi_line_reply_cut_short() {
    let server = ftp::start(vec![FtpFault::CutShort {
        command: "PWD",
        partial: b"257-first line of a reply that never ends\r\n",
    }]);
    let mut session = login(&server).await;
    assert_eq!(code(session.current_directory().await), 12030);
    assert_eq!(
        code(session.command("NOOP").await),
        12030,
        "the session is gone"
    );
}

#[tokio::test]
async fn a_malformed_reply() {
    let server = ftp::start(vec![FtpFault::Reply {
        command: "PWD",
        reply: b"hello, I am not an FTP reply\r\n",
    }]);
    let mut session = login(&server).await;
    assert_eq!(code(session.current_directory().await), 12003);
}

#[tokio::test]
async fn bad_pasv_address() {
    let server = ftp::start(vec![FtpFault::BadPasvAddress]);
    let mut session = login(&server).await;
    assert_eq!(
        code(
            session
                .open_file("/readme.txt", Direction::Download, TransferType::Binary)
                .await
        ),
        12003
    );
    assert_eq!(
        session.last_response(),
        "227 Entering Passive Mode (127,0,0,1).\r\n"
    );
    assert_eq!(code(session.find_first(None).await), 12003);
    assert!(!session.is_busy());
}

#[tokio::test]
async fn data_connection_that_never_opens() {
    let server = ftp::start(vec![FtpFault::PasvClosedPort]);
    let mut session = login(&server).await;
    assert_eq!(
        code(
            session
                .open_file("/readme.txt", Direction::Download, TransferType::Binary)
                .await
        ),
        12029
    );
    assert!(session.last_response().starts_with("227 "));
}

#[tokio::test]
async fn silent_data_connection_times_out() {
    let server = ftp::start(vec![FtpFault::SilentData]);
    let mut session = FtpSession::connect(
        "127.0.0.1",
        server.handle.port(),
        None,
        None,
        short_config(),
    )
    .await
    .expect("login");
    let mut transfer = session
        .open_file("/readme.txt", Direction::Download, TransferType::Binary)
        .await
        .expect("150 came");
    let mut buf = [0u8; 64];
    assert_eq!(code(transfer.read(&mut buf).await), 12002);
    assert_eq!(code(session.finish(transfer).await), 12002);
}

#[tokio::test]
async fn data_connection_dropped_mid_file() {
    let server = ftp::start(vec![FtpFault::DropMidFile]);
    server.insert_file("/mid.bin", pattern(1 << 20));
    let mut session = login(&server).await;
    let mut transfer = session
        .open_file("/mid.bin", Direction::Download, TransferType::Binary)
        .await
        .expect("open");
    let mut received = 0usize;
    let mut buf = vec![0u8; 16 * 1024];
    for _ in 0..10_000 {
        match transfer.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => received += n,
            Err(err) => {
                assert_eq!(err.code(), 12030);
                break;
            }
        }
    }
    assert!(received < 1 << 20, "the file was cut ({received} bytes)");
    assert_eq!(code(session.finish(transfer).await), 12030);
    assert_eq!(
        session.last_response(),
        "426 Connection closed; transfer aborted.\r\n"
    );
    assert_eq!(session.current_directory().await.expect("pwd"), "/");
}
