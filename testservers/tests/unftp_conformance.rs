//! Opt-in conformance: hinternet-net's FTP session against a real FTP server (libunftp over a
//! temporary directory). Built only with `--features libunftp-conformance`.
#![cfg(feature = "libunftp-conformance")]

use std::time::Duration;

use hinternet_net::ftp::{Direction, FtpConfig, FtpSession, TransferType};
use hinternet_testservers::unftp;

#[tokio::test]
async fn session_against_libunftp() {
    let root = std::env::temp_dir().join(format!("hinternet-unftp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("pub")).expect("root");
    std::fs::write(root.join("hello.txt"), b"hello, real server\r\n").expect("file");
    let server = unftp::start(root.clone());
    let limit = Some(Duration::from_secs(10));
    let config = FtpConfig {
        connect_timeout: limit,
        receive_timeout: limit,
        send_timeout: limit,
    };
    let mut session = FtpSession::connect("127.0.0.1", server.port(), None, None, config)
        .await
        .expect("anonymous login");
    assert!(session.last_response().starts_with("230"));
    assert_eq!(session.current_directory().await.expect("pwd"), "/");
    let mut names = Vec::new();
    {
        let mut find = session.find_first(None).await.expect("find");
        for _ in 0..10 {
            match find.next_entry() {
                Ok(entry) => {
                    names.push((entry.file_name.clone(), entry.is_directory(), entry.size))
                }
                Err(err) => {
                    assert_eq!(err.code(), 18);
                    break;
                }
            }
        }
    }
    names.sort();
    assert_eq!(
        names,
        [
            ("hello.txt".to_owned(), false, 20),
            ("pub".to_owned(), true, 0)
        ]
    );
    let mut download = session
        .open_file("hello.txt", Direction::Download, TransferType::Binary)
        .await
        .expect("retr");
    let mut body = Vec::new();
    let mut buf = [0u8; 7];
    for _ in 0..1000 {
        let n = download.read(&mut buf).await.expect("read");
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    session.finish(download).await.expect("226");
    assert_eq!(body, b"hello, real server\r\n");
    let mut upload = session
        .open_file("pub/up.bin", Direction::Upload, TransferType::Binary)
        .await
        .expect("stor");
    upload.write(&[42u8; 100_000]).await.expect("write");
    session.finish(upload).await.expect("226");
    assert_eq!(
        std::fs::read(root.join("pub/up.bin"))
            .expect("uploaded")
            .len(),
        100_000
    );
    assert_eq!(
        session.file_size("pub/up.bin").await.expect("size"),
        100_000
    );
    session.create_directory("made").await.expect("mkd");
    session.rename("made", "moved").await.expect("rename");
    assert!(root.join("moved").is_dir());
    session.remove_directory("moved").await.expect("rmd");
    session.delete_file("pub/up.bin").await.expect("dele");
    let missing = session.delete_file("nope.txt").await.expect_err("550");
    assert_eq!(missing.code(), 12003);
    assert!(session.last_response().starts_with("550"));
    session.quit().await;
    drop(server);
    let _ = std::fs::remove_dir_all(&root);
}
