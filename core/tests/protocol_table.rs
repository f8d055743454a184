//! `docs/protocol-table.md` is generated from the protocol tables; this test fails when
//! the checked-in file and the code disagree. Regenerate with
//! `UPDATE_DOCS=1 cargo test -p hinternet-core --test protocol_table`.

use hinternet_core::machine::protocol::render_markdown;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol-table.md");

#[test]
fn docs_protocol_table_matches_the_code() {
    let want = render_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(PATH, &want).expect("write docs/protocol-table.md");
        return;
    }
    let have = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        have == want,
        "docs/protocol-table.md is out of date with hinternet_core::machine::protocol; \
         regenerate it with `UPDATE_DOCS=1 cargo test -p hinternet-core --test protocol_table`"
    );
}

#[test]
fn the_table_names_every_rule_family() {
    let text = render_markdown();
    for needle in [
        "WH-R23",
        "WH-R39",
        "WI-R11",
        "WI-R22",
        "seed 002",
        "| WinHttpReadData |",
    ] {
        assert!(text.contains(needle), "{needle} missing from the table");
    }
}
