//! C programs as tests: `tests/c/*.c` compiled with the system C compiler against
//! `include/` and linked with `libhinternet.so`, then run (under valgrind when installed).
//!
//! Which library: `cargo test -p hinternet-capi` compiles the library target with all its
//! crate types (`cdylib`, `staticlib`, `rlib`) before it builds this test, into the `deps/`
//! folder that also holds this test's own binary (`cargo build` would then copy it one level
//! up; `cargo test` does not, so the copy there may be stale). The test links
//! `deps/libhinternet.so`, found from its own path: always the library of the same build,
//! and no nested `cargo build` (which would wait on the build-directory lock the outer cargo
//! holds). The `abi-win64` variant needs a second build of the library with another
//! feature set; it is `tests/abi-win64.sh` (CI calls it), or
//! `cargo test -p hinternet-capi --features abi-win64` (these tests then compile the programs
//! with `-DHINTERNET_ABI_WIN64`).
//!
//! The programs share `tests/c/common.h` (check macros and the `N passed, M failed` report,
//! the PORT argument, the servers' byte pattern, wide strings, host hooks); `example.c` is
//! the README's and stays self-contained.
//!
//! Skips with a printed note when no C compiler is found (`$CC`, else `cc`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    exe.parent()
        .and_then(Path::parent)
        .expect("test binaries live in <target>/<profile>/deps/")
        .to_path_buf()
}

fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    let dir = exe
        .parent()
        .expect("the test binary is in <target>/<profile>/deps/")
        .to_path_buf();
    assert!(
        dir.join("libhinternet.so").is_file(),
        "{} has no libhinternet.so: cargo builds it with this test (crate-type cdylib)",
        dir.display()
    );
    dir
}

fn c_compiler() -> Option<String> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let found = Command::new(&cc)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        Some(cc)
    } else {
        println!("NOTE: no C compiler ({cc}); C program tests skipped");
        None
    }
}

fn valgrind_available() -> bool {
    let found = Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("NOTE: valgrind not installed; C programs run without it");
    }
    found
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn out_dir() -> PathBuf {
    let dir = profile_dir().join("c-tests");
    std::fs::create_dir_all(&dir).expect("the target directory is writable");
    dir
}

/// Compiler flags; a test build with `--features abi-win64` compiles the programs for the
/// Microsoft x64 convention too, so `cargo test -p hinternet-capi --features abi-win64` runs
/// them against the ms_abi library.
const CFLAGS: &[&str] = if cfg!(feature = "abi-win64") {
    &[
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-g",
        "-DHINTERNET_ABI_WIN64",
    ]
} else {
    &["-std=c11", "-Wall", "-Wextra", "-Werror", "-g"]
};

/// Compiles `tests/c/<name>.c` to an executable linked with libhinternet.so.
fn build(cc: &str, name: &str, suffix: &str) -> PathBuf {
    let lib = library_dir();
    let exe = out_dir().join(format!("{name}{suffix}"));
    let status = Command::new(cc)
        .args(CFLAGS)
        .arg("-I")
        .arg(manifest_dir().join("include"))
        .arg(manifest_dir().join(format!("tests/c/{name}.c")))
        .arg("-L")
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-lhinternet")
        .arg("-o")
        .arg(&exe)
        .status()
        .expect("the C compiler runs");
    assert!(status.success(), "compiling tests/c/{name}.c failed");
    exe
}

/// Runs `exe` (under valgrind when installed) and returns its stdout.
fn run(exe: &Path, args: &[&str]) -> String {
    run_checked(exe, args, "definite,possible")
}

/// Runs `exe` (under valgrind when installed, failing on the leak kinds `leak_kinds`) and
/// returns its stdout.
///
/// Programs that use the handle exports end with `hinternet_shutdown()`, which joins the
/// library's runtime threads, so they too run with `"definite,possible"`: the only block
/// left possibly lost is std's handle of the application's own main thread, suppressed by
/// `tests/valgrind.supp` (see the reason there).
fn run_checked(exe: &Path, args: &[&str], leak_kinds: &str) -> String {
    let mut command = if valgrind_available() {
        let mut c = Command::new("valgrind");
        c.args(["--error-exitcode=1", "--leak-check=full", "--quiet"])
            .arg(format!(
                "--suppressions={}",
                manifest_dir().join("tests/valgrind.supp").display()
            ))
            .arg(format!("--errors-for-leak-kinds={leak_kinds}"))
            .arg(format!("--show-leak-kinds={leak_kinds}"))
            .arg(exe);
        c
    } else {
        Command::new(exe)
    };
    // cargo's LD_LIBRARY_PATH lists <profile>/ before deps/, and it wins over the rpath:
    // the program would load a stale uplifted libhinternet.so from an earlier `cargo build`.
    let output = command
        .args(args)
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .expect("the C program runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{} {args:?} failed ({}):\n{stdout}\n{stderr}",
        exe.display(),
        output.status
    );
    assert!(
        stderr.trim().is_empty(),
        "{} {args:?} wrote to stderr (valgrind or a failed check):\n{stderr}",
        exe.display()
    );
    print!("{stdout}");
    stdout
}

#[test]
fn headers_compile_cleanly_in_both_conventions() {
    let Some(cc) = c_compiler() else { return };
    for name in ["url_time", "example", "winhttp_get", "wininet"] {
        for defines in [&[][..], &["-DHINTERNET_ABI_WIN64"][..]] {
            let status = Command::new(&cc)
                .args(CFLAGS)
                .args(defines)
                .arg("-I")
                .arg(manifest_dir().join("include"))
                .arg("-c")
                .arg(manifest_dir().join(format!("tests/c/{name}.c")))
                .arg("-o")
                .arg(out_dir().join(format!("{name}{}.o", defines.len())))
                .status()
                .expect("the C compiler runs");
            assert!(
                status.success(),
                "{name}.c with {defines:?} does not compile"
            );
        }
    }
}

#[test]
fn url_and_time_exports_without_hooks() {
    let Some(cc) = c_compiler() else { return };
    let exe = build(&cc, "url_time", "-plain");
    let out = run(&exe, &["plain"]);
    assert!(out.contains(" 0 failed"), "{out}");
}

#[test]
fn url_and_time_exports_with_host_hooks() {
    let Some(cc) = c_compiler() else { return };
    let exe = build(&cc, "url_time", "-hooks");
    let out = run(&exe, &["hooks"]);
    assert!(out.contains(" 0 failed"), "{out}");
}

#[test]
fn static_library_links_and_runs() {
    let Some(cc) = c_compiler() else { return };
    let exe = out_dir().join("url_time-static");
    let status = Command::new(&cc)
        .args(CFLAGS)
        .arg("-I")
        .arg(manifest_dir().join("include"))
        .arg(manifest_dir().join("tests/c/url_time.c"))
        .arg(library_dir().join("libhinternet.a"))
        .args(["-lpthread", "-ldl", "-lm"])
        .arg("-o")
        .arg(&exe)
        .status()
        .expect("the C compiler runs");
    assert!(
        status.success(),
        "linking url_time.c with libhinternet.a failed"
    );
    let out = run(&exe, &["hooks"]);
    assert!(out.contains(" 0 failed"), "{out}");
}

#[test]
fn readme_example_compiles_and_runs() {
    let Some(cc) = c_compiler() else { return };
    let source = std::fs::read_to_string(manifest_dir().join("tests/c/example.c"))
        .expect("tests/c/example.c is readable");
    let readme = std::fs::read_to_string(manifest_dir().join("README.md"))
        .expect("capi/README.md is readable");
    assert!(
        readme.contains(source.trim_end()),
        "capi/README.md must show tests/c/example.c verbatim"
    );
    let exe = build(&cc, "example", "");
    let out = run(&exe, &[]);
    assert!(
        out.contains("https://www.example.com/docs/index.html?lang=en"),
        "{out}"
    );
}

/// Runs `tests/c/winhttp_get.c` in `mode` against a fresh loopback HTTP server.
fn winhttp_program(mode: &str) {
    let Some(cc) = c_compiler() else { return };
    let server = hinternet_testservers::http::start();
    let port = server.addr().port().to_string();
    let exe = build(&cc, "winhttp_get", &format!("-{mode}"));
    let out = run(&exe, &[mode, &port]);
    assert!(out.contains(" 0 failed"), "{out}");
}

#[test]
fn winhttp_sync_get_from_c() {
    winhttp_program("sync");
}

#[test]
fn winhttp_async_get_driven_by_callbacks_from_c() {
    winhttp_program("async");
}

#[test]
fn winhttp_async_get_on_host_created_threads_from_c() {
    winhttp_program("async-hooks");
}

#[test]
fn winhttp_post_with_write_data_from_c() {
    winhttp_program("post");
}

#[test]
fn winhttp_websocket_echo_from_c() {
    winhttp_program("websocket");
}

#[test]
fn winhttp_basic_auth_from_c() {
    winhttp_program("auth");
}

#[test]
fn winhttp_proxy_configuration_and_read_data_ex_from_c() {
    winhttp_program("proxy");
}

#[test]
fn winhttp_bad_handles_null_pointers_and_short_buffers_from_c() {
    winhttp_program("errors");
}

/// Runs `tests/c/wininet.c` in `mode` against `port`.
fn wininet_program(mode: &str, port: u16) {
    let Some(cc) = c_compiler() else { return };
    let exe = build(&cc, "wininet", &format!("-{mode}"));
    let out = run(&exe, &[mode, &port.to_string()]);
    assert!(out.contains(" 0 failed"), "{out}");
}

#[test]
fn wininet_sync_get_from_c() {
    let server = hinternet_testservers::http::start();
    wininet_program("http", server.addr().port());
}

#[test]
fn wininet_ansi_functions_from_c() {
    let server = hinternet_testservers::http::start();
    wininet_program("ansi", server.addr().port());
}

#[test]
fn wininet_send_request_ex_upload_from_c() {
    let server = hinternet_testservers::http::start();
    wininet_program("upload", server.addr().port());
}

#[test]
fn wininet_async_send_request_ex_with_initial_bytes_from_c() {
    let server = hinternet_testservers::http::start();
    wininet_program("upload-async", server.addr().port());
}

#[test]
fn wininet_async_open_url_with_callbacks_from_c() {
    let server = hinternet_testservers::http::start();
    wininet_program("async", server.addr().port());
}

#[test]
fn wininet_async_callbacks_on_host_created_threads_from_c() {
    let server = hinternet_testservers::http::start();
    wininet_program("async-hooks", server.addr().port());
}

#[test]
fn wininet_ftp_download_and_listing_from_c() {
    let server = hinternet_testservers::ftp::start(Vec::new());
    wininet_program("ftp", server.handle.addr().port());
}

#[test]
fn wininet_async_ftp_current_directory_from_c() {
    let server = hinternet_testservers::ftp::start(Vec::new());
    wininet_program("ftp-async", server.handle.addr().port());
}

#[test]
fn wininet_two_pending_operations_on_one_connect_from_c() {
    let server = hinternet_testservers::ftp::start(Vec::new());
    wininet_program("ftp-two-pending", server.handle.addr().port());
}

#[test]
fn wininet_ftp_command_data_handle_from_c() {
    let server = hinternet_testservers::ftp::start(Vec::new());
    wininet_program("ftp-command", server.handle.addr().port());
}

#[test]
fn wininet_gopher_menu_from_c() {
    let server = hinternet_testservers::gopher::start();
    wininet_program("gopher", server.addr().port());
}

#[test]
fn wininet_gopher_attributes_from_c() {
    let server = hinternet_testservers::gopher::start();
    wininet_program("gopher-attributes", server.addr().port());
}

#[test]
fn wininet_bad_handles_null_pointers_and_short_buffers_from_c() {
    let server = hinternet_testservers::http::start();
    wininet_program("errors", server.addr().port());
}
