//! `wininet-trace` against the loopback HTTP, FTP and Gopher servers: exit codes and what
//! it prints (run with `--nocapture` to see the traces).

use std::process::Command;

use hinternet_testservers::{ftp, gopher, http};

fn trace(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wininet-trace"))
        .args(args)
        .output()
        .expect("run wininet-trace");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    println!("$ wininet-trace {}\n{text}", args.join(" "));
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn traces_http_ftp_and_gopher() {
    let h = http::start();
    let url = format!("http://127.0.0.1:{}/fixed", h.port());
    let (code, text) = trace(&[&url]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("HTTP/1.1 200"), "{text}");
    assert!(text.contains("REQUEST_COMPLETE"), "{text}");
    assert!(text.contains("12 bytes"), "{text}");
    let (code, text) = trace(&["--sync", &url]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("12 bytes"), "{text}");

    let f = ftp::start(vec![]);
    let dir = format!("ftp://127.0.0.1:{}/pub/", f.handle.port());
    let (code, text) = trace(&[&dir]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("data.bin") && text.contains("notes.txt"),
        "{text}"
    );
    let file = format!("ftp://127.0.0.1:{}/pub/data.bin", f.handle.port());
    let (code, text) = trace(&["--sync", &file]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("1024 bytes"), "{text}");

    let g = gopher::start();
    let menu = format!("gopher://127.0.0.1:{}/", g.port());
    let (code, text) = trace(&[&menu]);
    assert_eq!(code, 0, "{text}");
    let bin = format!("gopher://127.0.0.1:{}/9/bin", g.port());
    let (code, text) = trace(&[&bin]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(&format!("{} bytes", gopher::BINARY_LEN)),
        "{text}"
    );

    let missing = format!("ftp://127.0.0.1:{}/nope", f.handle.port());
    let (code, text) = trace(&[&missing]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("ERROR_INTERNET_EXTENDED_ERROR"), "{text}");
}
