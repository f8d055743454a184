//! The README's "Use from C" example is the program the C tests compile and run
//! (`tests/c/example.c`): this test fails when the two drift apart.

#[test]
fn readme_c_example_is_the_tested_program() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("README.md");
    let tested = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/c/example.c"))
        .expect("tests/c/example.c");
    let section = readme
        .split("## Use from C")
        .nth(1)
        .expect("the README has a \"Use from C\" section");
    let block = section
        .split("```c\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the section has a C code block");
    assert_eq!(
        block.trim(),
        tested.trim(),
        "README.md's C example differs from capi/tests/c/example.c"
    );
}
