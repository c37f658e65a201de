//! The migration guide (`docs/migrating.md`) quotes this crate's sources: every region marked
//! `// guide: NAME` ... `// end guide: NAME` in `src/` must be a ```rust block of the guide,
//! byte for byte, and every ```rust block of the guide must be such a region. So the guide's
//! code is the code that compiles and that `tests/behaviour.rs` runs.

const GUIDE: &str = include_str!("../../../docs/migrating.md");
const README: &str = include_str!("../../../README.md");

const SOURCES: [(&str, &str); 6] = [
    ("src/accounts.rs", include_str!("../src/accounts.rs")),
    ("src/loader.rs", include_str!("../src/loader.rs")),
    ("src/axum_before.rs", include_str!("../src/axum_before.rs")),
    ("src/axum_after.rs", include_str!("../src/axum_after.rs")),
    (
        "src/actix_before.rs",
        include_str!("../src/actix_before.rs"),
    ),
    ("src/actix_after.rs", include_str!("../src/actix_after.rs")),
];

/// The marked regions of a source file: (name, text between the markers).
fn regions(file: &str, source: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut open: Option<(String, Vec<&str>)> = None;
    for line in source.lines() {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix("// end guide: ") {
            let (open_name, lines) = open
                .take()
                .unwrap_or_else(|| panic!("{file}: `end guide: {name}` without a start"));
            assert_eq!(open_name, name, "{file}: regions do not nest");
            found.push((open_name, lines.join("\n")));
        } else if let Some(name) = trimmed.strip_prefix("// guide: ") {
            assert!(open.is_none(), "{file}: region {name} opens inside another");
            open = Some((name.to_owned(), Vec::new()));
        } else if let Some((_, lines)) = open.as_mut() {
            lines.push(line);
        }
    }
    assert!(open.is_none(), "{file}: a region is not closed");
    found
}

/// The guide's fenced code blocks tagged `rust`.
fn rust_blocks(markdown: &str) -> Vec<String> {
    enum State<'a> {
        Text,
        Rust(Vec<&'a str>),
        Other,
    }
    let mut blocks = Vec::new();
    let mut state = State::Text;
    for line in markdown.lines() {
        let fence = line.starts_with("```");
        state = match state {
            State::Text if fence && line.trim_end() == "```rust" => State::Rust(Vec::new()),
            State::Text if fence => State::Other,
            State::Rust(lines) if fence => {
                blocks.push(lines.join("\n"));
                State::Text
            }
            State::Rust(mut lines) => {
                lines.push(line);
                State::Rust(lines)
            }
            State::Other if fence => State::Text,
            other => other,
        };
    }
    assert!(
        matches!(state, State::Text),
        "a code block of the guide is not closed"
    );
    blocks
}

#[test]
fn the_guide_quotes_every_marked_region_verbatim() {
    let blocks = rust_blocks(GUIDE);
    let mut names = Vec::new();
    for (file, source) in SOURCES {
        for (name, text) in regions(file, source) {
            assert!(!text.trim().is_empty(), "{file}: region {name} is empty");
            assert!(
                blocks.contains(&text),
                "{file}: region `{name}` is not quoted verbatim in docs/migrating.md; copy it again:\n{text}"
            );
            names.push(name);
        }
    }
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "region names are unique");
    for module in [
        "loader",
        "axum-before-",
        "axum-after-",
        "actix-before-",
        "actix-after-",
    ] {
        assert!(
            names.iter().any(|n| n.starts_with(module)),
            "no region of {module}"
        );
    }
}

#[test]
fn every_rust_block_of_the_guide_is_a_marked_region() {
    let regions: Vec<String> = SOURCES
        .iter()
        .flat_map(|(f, s)| regions(f, s))
        .map(|(_, t)| t)
        .collect();
    let blocks = rust_blocks(GUIDE);
    assert!(
        blocks.len() >= regions.len(),
        "the guide has {} rust blocks",
        blocks.len()
    );
    for block in blocks {
        assert!(
            regions.contains(&block),
            "this rust block of docs/migrating.md is not a `// guide:` region of src/:\n{block}"
        );
    }
}

#[test]
fn the_readme_links_the_guide() {
    assert!(
        README.contains("](docs/migrating.md)"),
        "README.md links docs/migrating.md"
    );
}

#[test]
fn the_checks_find_what_they_look_for() {
    let source = "a\n    // guide: x\n    let y = 1;\n    // end guide: x\nb";
    assert_eq!(
        regions("t", source),
        [("x".to_owned(), "    let y = 1;".to_owned())]
    );
    let markdown = "text\n```toml\na = 1\n```\n```rust\nfn f() {}\n```\n```\nb\n```\n";
    assert_eq!(rust_blocks(markdown), ["fn f() {}"]);
}
