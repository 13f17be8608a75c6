//! Fuzz target: any text as a page body through the whole Markdown step —
//! parsing, heading ids, footnotes, highlighting, summaries, raw HTML
//! handling and internal link rewriting against a real content tree.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use signposter::config::{Config, MarkdownConfig, Overrides};
use signposter::content::{ContentTree, LoadOptions};
use signposter::links::Resolver;
use signposter::markdown::{Input, MarkdownRenderer};

struct World {
    config: Config,
    tree: ContentTree,
    trusted: MarkdownRenderer,
    untrusted: MarkdownRenderer,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/publishing");
        let text = std::fs::read_to_string(root.join("site.yml")).unwrap();
        let config = Config::parse(&text, &Overrides::default()).expect("fixture config");
        let (tree, _) = ContentTree::load(&root, &config, &LoadOptions::default());
        World {
            trusted: MarkdownRenderer::new(&config.markdown),
            untrusted: MarkdownRenderer::new(&MarkdownConfig {
                unsafe_html: false,
                ..config.markdown.clone()
            }),
            config,
            tree,
        }
    })
}

fuzz_target!(|body: &str| {
    let world = world();
    let resolver = Resolver::new(&world.tree, &world.config.base_url, "news/item-1.md");
    let resolve = |dest: &str| resolver.resolve(dest);
    let input = Input {
        body,
        body_line: 4,
        display_path: Path::new("content/news/item-1.md"),
        resolve: &resolve,
    };
    let _ = world.trusted.render(&input);
    let rendered = world.untrusted.render(&input);
    // With raw HTML off, nothing the editor typed can become script.
    for tag in tags(&rendered.html) {
        let (name, attributes) = parse_tag(tag);
        assert!(
            !matches!(name.as_str(), "script" | "iframe" | "object" | "embed" | "style"),
            "{tag} from {body:?}"
        );
        for (attribute, value) in attributes {
            assert!(!attribute.starts_with("on"), "{tag} from {body:?}");
            if attribute == "href" || attribute == "src" {
                let url = value.trim_start().to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(!url.starts_with(scheme), "{tag} from {body:?}");
                }
            }
        }
    }
});

/// A start tag's name and its attributes (the renderer always quotes
/// values with `"`), all names lower-cased.
fn parse_tag(tag: &str) -> (String, Vec<(String, String)>) {
    let inner = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/');
    let name_end = inner.find(|c: char| c.is_whitespace()).unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    let mut rest = &inner[name_end..];
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let attribute = rest[..end].to_ascii_lowercase();
        rest = &rest[end..];
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix("=\"") {
            let close = after.find('"').unwrap_or(after.len());
            value = after[..close].to_string();
            rest = after.get(close + 1..).unwrap_or("");
        }
        attributes.push((attribute, value));
    }
    (name, attributes)
}

/// Every start tag in `html`, from `<` to `>`. Text is escaped, so each `<`
/// in the output begins a tag the renderer wrote.
fn tags(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices('<').filter_map(move |(at, _)| {
        let rest = &html[at..];
        let end = rest.find('>')?;
        let tag = &rest[..=end];
        tag[1..].starts_with(|c: char| c.is_ascii_alphabetic()).then_some(tag)
    })
}
