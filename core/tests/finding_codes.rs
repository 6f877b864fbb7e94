//! docs/finding-codes.md lists exactly the codes the rules emit: a code
//! added to a rule without a line on the page, or a line for a code no rule
//! emits any more, fails here.

use std::collections::BTreeSet;
use std::path::Path;

/// Every `"E1234"`-shaped string literal in the files below `dir`.
fn codes_in_sources(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            codes_in_sources(&path, found);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.match_indices('"') {
            let code = text.get(i + 1..i + 6).unwrap_or("");
            let closed = text.get(i + 6..i + 7) == Some("\"");
            let shaped = code.starts_with(['E', 'W', 'J'])
                && code.len() == 5
                && code[1..].bytes().all(|b| b.is_ascii_digit());
            if closed && shaped {
                found.insert(code.to_string());
            }
        }
    }
}

#[test]
fn the_codes_page_lists_every_code_the_rules_emit_and_no_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut emitted = BTreeSet::new();
    codes_in_sources(&root.join("src/rules"), &mut emitted);
    assert!(emitted.len() >= 30, "found only {emitted:?}");
    let page = std::fs::read_to_string(root.join("../docs/finding-codes.md")).unwrap();
    let listed: BTreeSet<String> = page
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(' ').next())
        .filter(|c| c.len() == 5 && c.starts_with(['E', 'W', 'J']))
        .map(str::to_string)
        .collect();
    let unlisted: Vec<_> = emitted.difference(&listed).collect();
    let retired: Vec<_> = listed.difference(&emitted).collect();
    assert!(
        unlisted.is_empty(),
        "emitted but not on the page: {unlisted:?}"
    );
    assert!(
        retired.is_empty(),
        "on the page but never emitted: {retired:?}"
    );
}
