//! Incremental rebuilds are exactly full rebuilds: after each step of a
//! scripted sequence of edits, the site the dev server holds must equal a
//! build from scratch, file for file and byte for byte.

mod common;

use std::path::PathBuf;

use common::TestSite;
use signposter::diagnostics::Code;
use signposter::serve::{Applied, Session};
use signposter::site::SiteOptions;

struct Script {
    site: TestSite,
    root: PathBuf,
    session: Session,
    steps: usize,
    /// What the last rebuild did.
    last: Option<Applied>,
}

impl Script {
    fn start(site: TestSite) -> Script {
        let root = site.root().canonicalize().unwrap();
        let options = SiteOptions {
            root: root.clone(),
            drafts: false,
            base_url: None,
        };
        let (session, first) = Session::start(&options).unwrap();
        assert!(
            first.is_ok(),
            "the starting site must build: {:?}",
            first.err()
        );
        Script {
            site,
            root,
            session,
            steps: 0,
            last: None,
        }
    }

    fn write(&mut self, path: &str, text: &str) -> &mut Self {
        self.site.write(path, text.as_bytes());
        self.apply(&[path])
    }

    fn remove(&mut self, path: &str) -> &mut Self {
        self.site.remove(path);
        self.apply(&[path])
    }

    /// Rename a file and rewrite others in one rebuild, as one save of several files.
    fn rename_and_write(&mut self, from: &str, to: &str, writes: &[(&str, &str)]) -> &mut Self {
        std::fs::create_dir_all(self.site.path(to).parent().unwrap()).unwrap();
        std::fs::rename(self.site.path(from), self.site.path(to)).unwrap();
        let mut paths = vec![from, to];
        for (path, text) in writes {
            self.site.write(path, text.as_bytes());
            paths.push(path);
        }
        self.apply(&paths)
    }

    /// Rebuild after changes to `paths`, then compare with a full build.
    fn apply(&mut self, paths: &[&str]) -> &mut Self {
        self.steps += 1;
        let changed: Vec<PathBuf> = paths.iter().map(|p| self.root.join(p)).collect();
        let result = self.session.apply(&changed);
        assert!(result.is_ok(), "step {}: {:?}", self.steps, result.err());
        self.last = result.ok();
        self.assert_same_as_full_build();
        self
    }

    /// Apply a change that breaks the site: the last good files must stay.
    fn write_broken(&mut self, path: &str, text: &str) -> &mut Self {
        self.steps += 1;
        let before = self.session.files().clone();
        self.site.write(path, text.as_bytes());
        let result = self.session.apply(&[self.root.join(path)]);
        assert!(
            result.is_err(),
            "step {}: expected the edit to break the build",
            self.steps
        );
        assert!(
            before == *self.session.files(),
            "step {}: a failed rebuild changed what is served",
            self.steps
        );
        self
    }

    fn assert_same_as_full_build(&self) {
        let differences = self.session.compare_with_full_build();
        assert!(
            differences.is_empty(),
            "step {}: the incremental build differs from a full build:\n{}",
            self.steps,
            differences.join("\n\n")
        );
    }

    fn served(&self, path: &str) -> String {
        self.session
            .files()
            .get(path)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_else(|| panic!("{path} is not served"))
    }
}

fn site() -> TestSite {
    TestSite::minimal()
        .file(
            "site.yml",
            "title: Incremental\nbase_url: https://example.org/\ntaxonomies: [topics]\nrelated:\n  count: 3\nschemas:\n  group:\n    fields:\n      provider: { type: string, required: true }\n",
        )
        .file("content/guide/_index.md", "---\ntitle: Guide\n---\nThe guide.\n")
        .file("content/other/_index.md", "---\ntitle: Other\nweight: 2\n---\nOther pages.\n")
        .file("content/groups/_index.md", "---\ntitle: Groups\npage_schema: group\n---\n")
        .file("content/groups/one.md", "---\ntitle: Group one\nprovider: Someone\n---\nA group.\n")
        .file("content/guide/a.md", "---\ntitle: Page A\nweight: 1\ntopics: [Alpha, Shared]\n---\nFirst paragraph of A.\n\nMore of A. See [page B](b.md).\n")
        .file("content/guide/b.md", "---\ntitle: Page B\nweight: 2\ntopics: [Shared]\ndate: 2025-01-01\n---\nFirst paragraph of B.\n")
        .file("content/guide/c.md", "---\ntitle: Page C\nweight: 3\ntopics: [Alpha]\n---\nC links to [the missing page](d.md) later.\n".replace("[the missing page](d.md) later", "nothing yet").as_str())
        .file("static/extra.css", "p { color: black }\n")
        .file("content/guide/bundle/index.md", "---\ntitle: A bundle\n---\n![A picture](picture.svg)\n")
        .file("content/guide/bundle/picture.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
}

#[test]
fn every_kind_of_edit_matches_a_full_rebuild() {
    let mut script = Script::start(site());
    script
        // Add a page, and one that links to it.
        .write("content/guide/d.md", "---\ntitle: Page D\ntopics: [Shared]\n---\nNew page D.\n")
        .write("content/guide/c.md", "---\ntitle: Page C\nweight: 3\ntopics: [Alpha]\n---\nC links to [page D](d.md).\n")
        // Edit the body below the summary, then the summary, then the title.
        .write("content/guide/b.md", "---\ntitle: Page B\nweight: 2\ntopics: [Shared]\ndate: 2025-01-01\n---\nFirst paragraph of B.\n\nA second paragraph.\n")
        .write("content/guide/b.md", "---\ntitle: Page B\nweight: 2\ntopics: [Shared]\ndate: 2025-01-01\n---\nA new first paragraph of B.\n")
        .write("content/guide/b.md", "---\ntitle: Page B, retitled\nweight: 2\ntopics: [Shared]\ndate: 2025-01-01\n---\nA new first paragraph of B.\n")
        // Reorder: B before A.
        .write("content/guide/b.md", "---\ntitle: Page B, retitled\nweight: 0\ntopics: [Shared]\ndate: 2025-01-01\n---\nA new first paragraph of B.\n")
        // Rename D: the link in C must follow.
        .rename_and_write(
            "content/guide/d.md",
            "content/guide/d-renamed.md",
            &[("content/guide/c.md", "---\ntitle: Page C\nweight: 3\ntopics: [Alpha]\n---\nC links to [page D](d-renamed.md).\n")],
        )
        // Change a slug: links written to the file follow the new address.
        .write("content/guide/d-renamed.md", "---\ntitle: Page D\nslug: dee\ntopics: [Shared]\n---\nNew page D.\n")
        // Move A to another section.
        .rename_and_write(
            "content/guide/a.md",
            "content/other/a.md",
            &[
                ("content/other/a.md", "---\ntitle: Page A\nweight: 1\ntopics: [Alpha, Shared]\n---\nFirst paragraph of A.\n\nMore of A. See [page B](../guide/b.md).\n"),
                ("content/guide/c.md", "---\ntitle: Page C\nweight: 3\ntopics: [Alpha]\n---\nC links to [page D](d-renamed.md) and [A](../other/a.md).\n"),
            ],
        )
        // Change taxonomy terms, adding and removing terms.
        .write("content/other/a.md", "---\ntitle: Page A\nweight: 1\ntopics: [Beta]\n---\nFirst paragraph of A.\n\nMore of A. See [page B](../guide/b.md).\n")
        // Aliases and drafts.
        .write("content/guide/c.md", "---\ntitle: Page C\nweight: 3\ntopics: [Alpha]\naliases: [/old-c/]\n---\nC links to [page D](d-renamed.md) and [A](../other/a.md).\n")
        .write("content/guide/e.md", "---\ntitle: Draft E\ndraft: true\n---\nNot yet.\n")
        // Section front matter: title (shown in navigation everywhere) and template.
        .write("content/guide/_index.md", "---\ntitle: The guide\nlink_title: Guide\n---\nThe guide.\n")
        .write("templates/special.html", "{% extends \"page.html\" %}{% block title %}Special {{ page.title }}{% endblock title %}")
        .write("content/other/_index.md", "---\ntitle: Other\nweight: 2\npage_template: special.html\n---\nOther pages.\n")
        // Schema fields.
        .write("content/groups/one.md", "---\ntitle: Group one\nprovider: Someone else\n---\nA group.\n")
        // Bundle assets and static files.
        .write("content/guide/bundle/picture.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"2\"/>")
        .write("content/guide/bundle/extra.txt", "an extra file")
        .write("static/extra.css", "p { color: navy }\n")
        // Templates and settings change everything.
        .write("templates/partials/footer.html", "<footer><p>New footer</p></footer>")
        .write("site.yml", "title: Incremental, renamed\nbase_url: https://example.org/\ntaxonomies: [topics]\nrelated:\n  count: 2\nschemas:\n  group:\n    fields:\n      provider: { type: string, required: true }\n")
        // Delete pages and a whole section.
        .write("content/guide/c.md", "---\ntitle: Page C\nweight: 3\ntopics: [Alpha]\n---\nC links to [A](../other/a.md).\n")
        .remove("content/guide/d-renamed.md")
        .remove("content/groups");
    assert!(
        script
            .served("other/a/index.html")
            .contains("Special Page A")
    );
    assert!(script.served("index.html").contains("New footer"));
    assert!(!script.session.files().contains_key("groups/index.html"));
}

#[test]
fn breaking_and_fixing_front_matter_keeps_the_last_good_site() {
    let mut script = Script::start(site());
    script
        .write_broken(
            "content/guide/a.md",
            "---\ntitle: Page A: broken\n---\nBroken.\n",
        )
        .write_broken("content/guide/b.md", "no front matter at all\n")
        // Fixing one still leaves the other broken.
        .write_broken(
            "content/guide/a.md",
            "---\ntitle: Page A\nweight: 1\ntopics: [Alpha, Shared]\n---\nFixed A.\n",
        )
        .write("content/guide/b.md", "---\ntitle: Page B\n---\nFixed B.\n");
    assert!(script.served("guide/a/index.html").contains("Fixed A."));
    // A template error, then its fix.
    script
        .write_broken(
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}{{ page.nope }}{% endblock content %}",
        )
        .remove("templates/page.html");
    // A broken site.yml, then its fix.
    script.write_broken("site.yml", "title: [broken\n");
    script.write(
        "site.yml",
        "title: Incremental\nbase_url: https://example.org/\ntaxonomies: [topics]\nrelated:\n  count: 3\nschemas:\n  group:\n    fields:\n      provider: { type: string, required: true }\n",
    );
}

#[test]
fn a_body_edit_renders_only_the_pages_that_show_it() {
    let mut script = Script::start(site());
    // Below the summary: only the page itself changes.
    script.site.write(
        "content/guide/b.md",
        b"---\ntitle: Page B\nweight: 2\ntopics: [Shared]\ndate: 2025-01-01\n---\nFirst paragraph of B.\n\nAn added paragraph.\n",
    );
    let root = script.root.clone();
    let applied = script
        .session
        .apply(&[root.join("content/guide/b.md")])
        .unwrap();
    let written: Vec<&String> = applied.changes.written.keys().collect();
    let (search, pages): (Vec<&String>, Vec<&String>) =
        written.iter().partition(|path| path.starts_with("search/"));
    assert_eq!(
        pages,
        ["guide/b/index.html"],
        "only the page itself changes"
    );
    // The page's result fragment and the chunks holding its changed words.
    assert!(
        search.iter().any(|path| path.starts_with("search/pages/")),
        "{search:?}"
    );
    assert!(
        search.len() < 8,
        "the search index is patched, not rewritten: {search:?}"
    );
    assert_eq!(applied.rendered, written.len());
    script.assert_same_as_full_build();
}

/// The files of each warning of the last rebuild with this code, in order.
fn warned_files(script: &Script, code: Code) -> Vec<String> {
    let last = script.last.as_ref().expect("a rebuild");
    last.warnings
        .iter()
        .filter(|d| d.code == code)
        .filter_map(|d| d.location.as_ref())
        .map(|l| l.path.display().to_string())
        .collect()
}

/// Regression: a rebuild keeps the link findings of pages whose links did not
/// change, so an anchor broken (or mended) by an edit to the page it points
/// at, or a link broken by that page's removal, must still be found.
#[test]
fn link_findings_follow_edits_to_the_pages_they_point_at() {
    let b = |heading: &str| format!("---\ntitle: Page B\n---\nIntro.\n\n## {heading}\n\nText.\n");
    let site = TestSite::minimal()
        .file(
            "site.yml",
            "title: Links\nbase_url: https://example.org/\nlinks:\n  internal: warn\n",
        )
        .file("content/guide/_index.md", "---\ntitle: Guide\n---\n")
        .file(
            "content/guide/a.md",
            "---\ntitle: Page A\n---\nSee [the details](/guide/b/#details).\n",
        )
        .file("content/guide/b.md", &b("Details"))
        .file(
            "content/guide/c.md",
            "---\ntitle: Page C\n---\nSee [A](a.md) and [B](/guide/b/).\n",
        );
    let mut script = Script::start(site);
    let anchors = |script: &Script| warned_files(script, Code::BrokenAnchor);
    let links = |script: &Script| warned_files(script, Code::BrokenLink);

    script.write("content/guide/b.md", &b("Particulars"));
    assert_eq!(anchors(&script), ["content/guide/a.md"]);
    script.write("content/guide/b.md", &b("Details"));
    assert!(anchors(&script).is_empty(), "{:?}", anchors(&script));
    // An edit that keeps every address and id keeps the findings as they were.
    script.write(
        "content/guide/c.md",
        "---\ntitle: Page C\n---\nSee [A](a.md) and [B](/guide/b/) again.\n",
    );
    assert!(links(&script).is_empty() && anchors(&script).is_empty());
    script.remove("content/guide/b.md");
    assert_eq!(links(&script), ["content/guide/a.md", "content/guide/c.md"]);
    script.write("content/guide/b.md", &b("Details"));
    assert!(links(&script).is_empty() && anchors(&script).is_empty());
}

/// A page whose template looks up another (`get_page`) shows that page's
/// edits, though nothing else ties the two together.
#[test]
fn a_lookup_in_a_template_follows_the_page_it_looks_up() {
    let b = |title: &str| format!("---\ntitle: {title}\n---\nB.\n");
    let site = TestSite::minimal()
        .file("content/guide/_index.md", "---\ntitle: Guide\n---\n")
        .file("content/guide/b.md", &b("Page B"))
        .file("content/other/_index.md", "---\ntitle: Other\n---\n")
        .file(
            "content/other/x.md",
            "---\ntitle: Page X\ntemplate: looks-up.html\n---\nX.\n",
        )
        .file(
            "templates/looks-up.html",
            "{% set b = get_page(path='guide/b.md') %}<p>See {{ b.title }}.</p>",
        );
    let mut script = Script::start(site);
    assert!(script.served("other/x/index.html").contains("See Page B."));
    script.write("content/guide/b.md", &b("Page B, retitled"));
    assert!(
        script
            .served("other/x/index.html")
            .contains("See Page B, retitled.")
    );
}

/// New words can start new chunks of the search index, which renames chunk
/// files: the plan's tail changes while every page keeps its place.
#[test]
fn new_words_that_rename_search_chunks_match_a_full_rebuild() {
    let mut script = Script::start(site());
    let words: Vec<String> = (0..400).map(|n| format!("zebrafinch{n}")).collect();
    script.write(
        "content/guide/b.md",
        &format!(
            "---\ntitle: Page B\nweight: 2\ntopics: [Shared]\ndate: 2025-01-01\n---\nFirst paragraph of B.\n\n{}\n",
            words.join(" ")
        ),
    );
    let chunks = |paths: &mut dyn Iterator<Item = &String>| {
        paths.filter(|p| p.starts_with("search/chunks/")).count()
    };
    let last = script.last.as_ref().unwrap();
    assert!(chunks(&mut last.changes.written.keys()) > 0);
    let pages: Vec<&String> = last
        .changes
        .written
        .keys()
        .filter(|path| !path.starts_with("search/"))
        .collect();
    assert_eq!(
        pages,
        ["guide/b/index.html"],
        "only the page itself changes"
    );
    // Taking the words out again removes their chunks.
    script.write(
        "content/guide/b.md",
        "---\ntitle: Page B\nweight: 2\ntopics: [Shared]\ndate: 2025-01-01\n---\nFirst paragraph of B.\n",
    );
    let last = script.last.as_ref().unwrap();
    assert!(
        chunks(&mut last.changes.removed.iter()) > 0,
        "{:?}",
        last.changes.removed
    );
}

/// Regression: a settings change threw away the list of published files, so
/// outputs the new settings drop (here the whole search index) stayed served.
#[test]
fn a_settings_change_that_drops_outputs_removes_them() {
    let mut script = Script::start(site());
    assert!(script.session.files().contains_key("search/index.json"));
    script.write(
        "site.yml",
        "title: Incremental\nbase_url: https://example.org/\ntaxonomies: [topics]\nrelated:\n  count: 3\nsearch:\n  enabled: false\nschemas:\n  group:\n    fields:\n      provider: { type: string, required: true }\n",
    );
    assert!(!script.session.files().contains_key("search/index.json"));
}

/// A site loaded to be built once keeps no bodies to patch, so a change
/// must make it read every file again rather than render released bodies
/// as empty pages.
#[test]
fn a_site_built_once_reads_everything_again_when_told_of_a_change() {
    use signposter::site::{MemorySink, Retention, Site};
    let site = common::TestSite::minimal()
        .file("content/a.md", "---\ntitle: A\n---\nFirst text.\n")
        .file("content/b.md", "---\ntitle: B\n---\nUntouched text.\n");
    let options = SiteOptions {
        root: site.root().canonicalize().unwrap(),
        ..SiteOptions::default()
    };
    let mut once = Site::load_retaining(&options, None, Retention::BuildOnce).unwrap();
    once.render(&MemorySink::new());
    site.write("content/a.md", b"---\ntitle: A\n---\nEdited text.\n");
    once.update(&[options.root.join("content/a.md")]).unwrap();
    let after = MemorySink::new();
    once.render(&after);
    assert!(!once.has_errors(), "{:?}", once.findings());
    let page = |path: &str| String::from_utf8(after.get(path).unwrap().to_vec()).unwrap();
    assert!(page("a/index.html").contains("Edited text."));
    assert!(page("b/index.html").contains("Untouched text."));
}
