//! The floor is only a floor if it calls what the app calls: every function
//! of berth-core that `src/` imports or calls by path must be called in
//! `core_api.rs`.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// Lower-case leaves of `use berth_core::…` (functions; modules and types
/// are not called) and of `berth_core::…::name(` calls.
fn functions_used_by_app() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src");
    let mut found = BTreeSet::new();
    for path in rust_files(&src) {
        let text = fs::read_to_string(path).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("berth_core::") {
            rest = &rest[at + "berth_core::".len()..];
            let statement = &rest[..rest
                .find([';', '(', ')', '\n', '>', '='])
                .unwrap_or(rest.len())];
            let is_use = text[..text.len() - rest.len()].ends_with("use berth_core::");
            let braced = if is_use && statement.contains('{') {
                &rest[..rest.find('}').unwrap()]
            } else {
                statement
            };
            for path in braced.split([',', '{']) {
                let leaf = path.trim().rsplit("::").next().unwrap_or("").trim();
                let called = rest[statement.len()..].starts_with('(');
                let is_function = leaf.starts_with(|c: char| c.is_ascii_lowercase());
                if is_function && (is_use || called) {
                    found.insert(leaf.to_string());
                }
            }
        }
    }
    found
}

/// Every `.rs` file below `dir`: the app keeps components in folders.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).expect("the app's src/") {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn core_api_calls_every_core_function_the_app_calls() {
    // Bodies only: an exported function may share a core function's name.
    let api: String = include_str!("../src/core_api.rs")
        .lines()
        .filter(|l| !l.contains("fn "))
        .collect();
    let used = functions_used_by_app();
    assert!(
        used.contains("load_plan") && used.contains("deploy"),
        "{used:?}"
    );
    let missing: Vec<_> = used
        .iter()
        .filter(|f| !api.contains(&format!("{f}(")))
        .collect();
    assert!(
        missing.is_empty(),
        "the app calls {missing:?}; core_api.rs does not"
    );
}
