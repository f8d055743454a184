//! FTP download bench: a 10 MB file from the loopback FTP test server through
//! `hinternet_net::ftp` versus suppaftp's tokio client used directly, in the same run against
//! the same server, interleaved. Each side does `TYPE I` and one `RETR` per round into a
//! 64 KiB buffer (ours also sends `SIZE` and drives `PASV` itself); the login is outside the
//! timing. Prints the medians and
//! `goal ftp_download_ratio measured=X target=0.9 ok|short` (throughput ours / direct).

use std::time::{Duration, Instant};

use hinternet_net::ftp::{Direction, FtpConfig, FtpSession, TransferType};
use hinternet_testservers::ftp::{self, FTP_PASSWORD, FTP_USER};
use suppaftp::tokio::AsyncFtpStream;
use suppaftp::types::FileType;
use tokio::io::AsyncReadExt;

const FILE_LEN: usize = 10 << 20;
const ROUNDS: usize = 9;
const BUF_LEN: usize = 64 * 1024;
const TARGET: f64 = 0.9;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn mb_per_s(elapsed: Duration) -> f64 {
    FILE_LEN as f64 / (1 << 20) as f64 / elapsed.as_secs_f64()
}

fn main() {
    let server = ftp::start(vec![]);
    server.insert_file(
        "/bench.bin",
        (0..FILE_LEN).map(|i| (i % 251) as u8).collect(),
    );
    let port = server.handle.port();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (ours, direct) = runtime.block_on(async {
        let mut session = FtpSession::connect(
            "127.0.0.1",
            port,
            Some(FTP_USER),
            Some(FTP_PASSWORD),
            FtpConfig::default(),
        )
        .await
        .expect("our login");
        let mut crate_client = AsyncFtpStream::connect(("127.0.0.1", port))
            .await
            .expect("suppaftp connect");
        crate_client
            .login(FTP_USER, FTP_PASSWORD)
            .await
            .expect("suppaftp login");
        let mut buf = vec![0u8; BUF_LEN];
        let (mut ours, mut direct) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let start = Instant::now();
            let mut transfer = session
                .open_file("/bench.bin", Direction::Download, TransferType::Binary)
                .await
                .expect("open");
            let mut total = 0usize;
            loop {
                let n = transfer.read(&mut buf).await.expect("read");
                if n == 0 {
                    break;
                }
                total += n;
            }
            session.finish(transfer).await.expect("finish");
            ours.push(start.elapsed());
            assert_eq!(total, FILE_LEN);

            let start = Instant::now();
            crate_client
                .transfer_type(FileType::Binary)
                .await
                .expect("type");
            let mut stream = crate_client
                .retr_as_stream("/bench.bin")
                .await
                .expect("retr");
            let mut total = 0usize;
            loop {
                let n = stream.read(&mut buf).await.expect("read");
                if n == 0 {
                    break;
                }
                total += n;
            }
            stream.finish().await.expect("finish");
            direct.push(start.elapsed());
            assert_eq!(total, FILE_LEN);
        }
        (median(ours), median(direct))
    });
    let ratio = direct.as_secs_f64() / ours.as_secs_f64();
    println!(
        "ftp_download 10 MB: ours {:.1} MB/s ({ours:?}), suppaftp direct {:.1} MB/s ({direct:?}), median of {ROUNDS}",
        mb_per_s(ours),
        mb_per_s(direct)
    );
    println!(
        "goal ftp_download_ratio measured={ratio:.3} target={TARGET} {}",
        if ratio >= TARGET { "ok" } else { "short" }
    );
}
