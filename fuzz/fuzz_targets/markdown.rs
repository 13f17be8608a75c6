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
    // With raw HTML off, no element the editor typed survives as markup.
    assert!(!rendered.html.contains("<script"), "{body:?}");
});
