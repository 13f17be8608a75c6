//! Fuzz target: any bytes as a content file — decoding, front matter
//! splitting, YAML parsing and reading against a schema — never panic.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use signposter::config::{Config, Overrides};
use signposter::content::{Kind, parse_source};

/// A site.yml with taxonomies and typed schemas, so schema checks run too.
const SITE: &str = include_str!("../../tests/fixtures/publishing/site.yml");

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| Config::parse(SITE, &Overrides::default()).expect("fixture config"))
}

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("content/groups/page.md");
    for (kind, schema) in [
        (Kind::Page, Some("resource")),
        (Kind::Page, Some("guidance")),
        (Kind::Page, None),
        (Kind::Section, None),
    ] {
        let parsed = parse_source(config(), bytes.to_vec(), path, kind, schema);
        // A file either parses or says why; every reason can be shown.
        if parsed.front().is_none() {
            assert!(!parsed.diagnostics().is_empty(), "rejected without a reason");
        }
        for diagnostic in parsed.diagnostics() {
            let _ = signposter::diagnostics::render_diagnostic(
                diagnostic,
                signposter::diagnostics::Palette::plain(),
            );
        }
    }
});
