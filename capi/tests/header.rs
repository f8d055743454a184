//! `include/hinternet.h` is what cbindgen generates from the host-hook API: this test
//! regenerates it into a string and fails when the checked-in file differs.
//! `UPDATE_HEADERS=1 cargo test -p hinternet-capi --test header` rewrites the file.

use std::path::Path;

#[test]
fn host_header_is_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config =
        cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("capi/cbindgen.toml parses");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src/host.rs"))
        .with_src(dir.join("src/ffi/host.rs"))
        .generate()
        .expect("cbindgen generates the host-hook header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("cbindgen writes UTF-8");
    let path = dir.join("include/hinternet.h");
    if std::env::var_os("UPDATE_HEADERS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("include/hinternet.h is writable");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "capi/include/hinternet.h is stale: run UPDATE_HEADERS=1 cargo test -p hinternet-capi --test header\n--- generated ---\n{generated}"
    );
}
