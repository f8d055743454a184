//! No file descriptor outlives a batch of FTP and Gopher operations (successes, faults,
//! dropped transfers, timeouts). Its own test binary, so no other test opens descriptors
//! meanwhile.

mod support;

use std::time::Duration;

use hinternet_net::ftp::{Direction, FtpConfig, FtpSession, TransferType};
use hinternet_net::gopher::{GopherConfig, GopherSession};
use hinternet_testservers::ftp::{self, FtpFault, FTP_PASSWORD, FTP_USER};
use hinternet_testservers::gopher;
use support::fds::open_descriptors;

/// Timeouts (ms) for the sessions that meet a silent peer: these sessions also log in and
/// fetch menus, which must not time out on a loaded CI machine.
const SILENT_PEER_MS: u64 = 1000;

fn limits(ms: u64) -> (Option<Duration>, Option<Duration>, Option<Duration>) {
    let limit = Some(Duration::from_millis(ms));
    (limit, limit, limit)
}

fn ftp_config(ms: u64) -> FtpConfig {
    let (connect_timeout, receive_timeout, send_timeout) = limits(ms);
    FtpConfig {
        connect_timeout,
        receive_timeout,
        send_timeout,
    }
}

async fn ftp_batch() {
    let server = ftp::start(vec![]);
    let port = server.handle.port();
    let mut session = FtpSession::connect(
        "127.0.0.1",
        port,
        Some(FTP_USER),
        Some(FTP_PASSWORD),
        ftp_config(5000),
    )
    .await
    .expect("login");
    let mut find = session.find_first(None).await.expect("find");
    while find.next_entry().is_ok() {}
    drop(find);
    let mut transfer = session
        .open_file("/pub/data.bin", Direction::Download, TransferType::Binary)
        .await
        .expect("open");
    let mut buf = vec![0u8; 4096];
    while transfer.read(&mut buf).await.expect("read") > 0 {}
    session.finish(transfer).await.expect("finish");
    let dropped = session
        .open_file("/readme.txt", Direction::Download, TransferType::Binary)
        .await
        .expect("open");
    drop(dropped);
    let mut upload = session
        .open_file("/up.bin", Direction::Upload, TransferType::Binary)
        .await
        .expect("stor");
    upload.write(&[1u8; 100_000]).await.expect("write");
    session.finish(upload).await.expect("finish");
    assert!(session.set_current_directory("missing").await.is_err());
    session.quit().await;
    assert!(FtpSession::connect(
        "127.0.0.1",
        port,
        Some(FTP_USER),
        Some("bad"),
        ftp_config(5000)
    )
    .await
    .is_err());

    for fault in [
        FtpFault::BadPasvAddress,
        FtpFault::PasvClosedPort,
        FtpFault::DropMidFile,
        FtpFault::SilentData,
    ] {
        let server = ftp::start(vec![fault]);
        let mut session = FtpSession::connect(
            "127.0.0.1",
            server.handle.port(),
            None,
            None,
            ftp_config(SILENT_PEER_MS),
        )
        .await
        .expect("login");
        if let Ok(mut transfer) = session
            .open_file("/pub/data.bin", Direction::Download, TransferType::Binary)
            .await
        {
            for _ in 0..1000 {
                if !matches!(transfer.read(&mut buf).await, Ok(n) if n > 0) {
                    break;
                }
            }
            let _ = session.finish(transfer).await;
        }
    }
    let cut = ftp::start(vec![FtpFault::CutShort {
        command: "PWD",
        partial: b"257-cut\r\n",
    }]);
    let mut session =
        FtpSession::connect("127.0.0.1", cut.handle.port(), None, None, ftp_config(5000))
            .await
            .expect("login");
    assert!(session.current_directory().await.is_err());
}

async fn gopher_batch() {
    let server = gopher::start();
    let limit = Some(Duration::from_millis(SILENT_PEER_MS));
    let session = GopherSession::new(
        "127.0.0.1",
        server.port(),
        GopherConfig {
            connect_timeout: limit,
            receive_timeout: limit,
            send_timeout: limit,
        },
    );
    let mut find = session.find_first(None, None).await.expect("menu");
    let mut buf = vec![0u8; 4096];
    while let Ok(item) = find.next_entry() {
        if let Ok(mut file) = session.open_file(&item.locator).await {
            while matches!(file.read(&mut buf).await, Ok(n) if n > 0) {}
        }
        let _ = session.get_attribute(&item.locator, None).await;
    }
    let silent = format!("1S\t/silent\t127.0.0.1\t{}", server.port());
    assert!(session.find_first(Some(&silent), None).await.is_err());
    let half = format!("9B\t/bin\t127.0.0.1\t{}", server.port());
    let mut file = session.open_file(&half).await.expect("open");
    assert!(file.read(&mut buf).await.expect("read") > 0);
    drop(file);
}

fn batch() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        ftp_batch().await;
        gopher_batch().await;
    });
    drop(runtime);
}

#[test]
fn descriptors_return_to_the_baseline() {
    // Warm up once so one-time process state is in the baseline.
    batch();
    let baseline = open_descriptors();
    assert!(baseline > 0, "/proc/self/fd is readable");
    for _ in 0..3 {
        batch();
    }
    assert_eq!(open_descriptors(), baseline);
}
