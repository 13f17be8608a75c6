//! The content model: every section, page and asset under `content/`, with
//! its front matter, URL and place in the section tree.
//!
//! Loading reads and validates every file in parallel and reports every
//! problem it finds. A file that fails still gets a placeholder entry, so
//! links to it do not cascade into a second, misleading error.

mod discover;
pub mod front;
pub mod ignore;
pub mod slug;
mod source;

pub mod front_matter;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::yaml::Document;

pub use discover::{Entry, EntryKind};
pub use front::{FrontMatter, Kind};
pub use slug::slugify;
pub use source::SourceLines;

/// The folder, under the site root, that holds Markdown.
pub const CONTENT_DIR: &str = "content";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub u32);

/// The file a page or section came from.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Inside `content/`, with `/` separators: `research/review.md`.
    pub content_path: String,
    /// Relative to the site root, as shown in messages: `content/research/review.md`.
    pub display_path: PathBuf,
    pub abs: PathBuf,
}

/// A section: a folder with `_index.md`, or the implicit home when there is none.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: SectionId,
    pub file: SourceFile,
    pub front: Arc<FrontMatter>,
    pub body: Arc<str>,
    /// Hash of the file's bytes: equal hashes mean an unchanged file.
    pub source_hash: u64,
    /// Hash of the front matter's text alone.
    pub front_hash: u64,
    pub body_line: usize,
    /// Site path, e.g. `/research/`.
    pub url: String,
    pub parent: Option<SectionId>,
    pub subsections: Vec<SectionId>,
    /// Published pages, in display order.
    pub pages: Vec<PageId>,
    /// The schema pages in this section follow, inherited from ancestors.
    pub page_schema: Option<String>,
    /// Whether `_index.md` exists (the home section can be implicit).
    pub has_file: bool,
}

/// A page: a Markdown file, or a bundle folder's `index.md`.
#[derive(Debug, Clone)]
pub struct Page {
    pub id: PageId,
    pub file: SourceFile,
    pub front: Arc<FrontMatter>,
    pub body: Arc<str>,
    /// Hash of the file's bytes: equal hashes mean an unchanged file.
    pub source_hash: u64,
    /// Hash of the front matter's text alone.
    pub front_hash: u64,
    pub body_line: usize,
    /// Site path, e.g. `/research/review/`.
    pub url: String,
    pub section: SectionId,
    pub schema: Option<String>,
    /// The bundle folder inside `content/`, for bundle pages.
    pub bundle: Option<String>,
    /// This page's place in its section's order.
    pub position: usize,
}

impl Page {
    /// Where messages about this page find the lines they quote.
    pub fn lines(&self) -> SourceLines<'_> {
        SourceLines::new(&self.file, &self.body, self.body_line, self.source_hash)
    }
}

impl Section {
    /// Where messages about this section find the lines they quote.
    pub fn lines(&self) -> SourceLines<'_> {
        SourceLines::new(&self.file, &self.body, self.body_line, self.source_hash)
    }
}

/// A non-Markdown file under `content/`, copied next to its page or section.
#[derive(Debug, Clone)]
pub struct Asset {
    pub content_path: String,
    pub abs: PathBuf,
    /// Site path of the copy, e.g. `/research/study/chart.svg`.
    pub url: String,
}

/// What a path inside `content/` refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentRef {
    Page(PageId),
    Section(SectionId),
    Asset(usize),
    /// A draft page, left out of this build.
    Draft,
    /// A file that failed to load; links to it are not reported again.
    Broken,
}

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub drafts: bool,
}

/// Everything under `content/`.
#[derive(Debug, Clone, Default)]
pub struct ContentTree {
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    /// Content paths of drafts left out of this build.
    pub drafts: Vec<String>,
    by_content_path: HashMap<String, ContentRef>,
}

impl ContentTree {
    pub fn page(&self, id: PageId) -> &Page {
        &self.pages[id.0 as usize]
    }

    pub fn section(&self, id: SectionId) -> &Section {
        &self.sections[id.0 as usize]
    }

    /// The home section.
    pub fn root(&self) -> &Section {
        &self.sections[0]
    }

    /// Look up a path inside `content/`, e.g. `research/review.md`.
    pub fn lookup(&self, content_path: &str) -> Option<ContentRef> {
        self.by_content_path.get(content_path).copied()
    }

    /// Sections from the home down to (not including) `id`'s section itself.
    pub fn ancestors(&self, mut id: SectionId) -> Vec<SectionId> {
        let mut chain = Vec::new();
        while let Some(parent) = self.section(id).parent {
            chain.push(parent);
            id = parent;
        }
        chain.reverse();
        chain
    }

    /// Neighbours of a page in its section's order: (previous, next).
    pub fn neighbours(&self, id: PageId) -> (Option<PageId>, Option<PageId>) {
        let page = self.page(id);
        let pages = &self.section(page.section).pages;
        let i = page.position;
        (
            i.checked_sub(1).map(|j| pages[j]),
            pages.get(i + 1).copied(),
        )
    }

    /// Load and validate everything under `root/content`.
    pub fn load(
        root: &Path,
        config: &Config,
        options: &LoadOptions,
    ) -> (ContentTree, Vec<Diagnostic>) {
        ContentTree::load_cached(root, config, options, &mut ContentCache::default())
    }

    /// Load, reusing what `cache` holds from an earlier load of the same site.
    pub fn load_cached(
        root: &Path,
        config: &Config,
        options: &LoadOptions,
        cache: &mut ContentCache,
    ) -> (ContentTree, Vec<Diagnostic>) {
        Loader::new(root, config, options, cache).run()
    }
}

/// What reading and parsing one content file produced, shared between rebuilds.
#[derive(Debug)]
pub struct ParsedFile {
    front: Option<Arc<FrontMatter>>,
    body: Arc<str>,
    body_line: usize,
    diagnostics: Vec<Diagnostic>,
    source_hash: u64,
    front_hash: u64,
}

impl ParsedFile {
    /// What was wrong with the file, if anything.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The front matter, when it could be read.
    pub fn front(&self) -> Option<&FrontMatter> {
        self.front.as_deref()
    }
}

/// How a file was parsed: the same bytes parse differently as a page or a
/// section, or under another schema.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ParseKey {
    kind: Kind,
    schema: Option<String>,
}

/// Results kept between loads, so that files which have not changed are
/// neither walked nor read again. The dev server tells it what changed.
#[derive(Debug, Default)]
pub struct ContentCache {
    discovery: Option<(Vec<Entry>, Vec<Diagnostic>)>,
    parsed: HashMap<PathBuf, (ParseKey, Arc<ParsedFile>)>,
}

impl ContentCache {
    /// Forget everything, as after a change to `site.yml`.
    pub fn clear(&mut self) {
        self.discovery = None;
        self.parsed.clear();
    }

    /// Forget what is known about `changed` paths. A file added, removed or
    /// renamed, or a folder changed, means walking `content/` again.
    pub fn forget(&mut self, changed: &[PathBuf]) {
        for path in changed {
            let (known, contains_known) = match &self.discovery {
                Some((entries, _)) => (
                    entries.iter().any(|e| &e.abs == path),
                    entries.iter().any(|e| e.abs.starts_with(path)),
                ),
                None => (false, false),
            };
            let (is_file, is_dir) = (path.is_file(), path.is_dir());
            // A known file changed in place keeps the walk. A file or folder that
            // appeared, or a known file or folder that went, needs it again. A
            // path that is neither known nor there any more was an editor's
            // temporary file.
            let structural = is_dir || (contains_known && !is_file) || (!known && is_file);
            if structural {
                self.discovery = None;
            }
            self.parsed.remove(path);
        }
    }
}

/// A hash of some bytes, for telling unchanged inputs apart within one run.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    crate::fingerprint::of(bytes)
}

struct Loader<'a> {
    root: &'a Path,
    config: &'a Config,
    options: &'a LoadOptions,
    cache: &'a mut ContentCache,
    tree: ContentTree,
    diagnostics: Vec<Diagnostic>,
    /// Folder (content path, "" for the top) → section that lives there.
    section_of_folder: HashMap<String, SectionId>,
    /// Folder → its URL, memoised.
    folder_urls: HashMap<String, String>,
}

impl<'a> Loader<'a> {
    fn new(
        root: &'a Path,
        config: &'a Config,
        options: &'a LoadOptions,
        cache: &'a mut ContentCache,
    ) -> Self {
        Loader {
            root,
            config,
            options,
            cache,
            tree: ContentTree::default(),
            diagnostics: Vec::new(),
            section_of_folder: HashMap::new(),
            folder_urls: HashMap::new(),
        }
    }

    fn run(mut self) -> (ContentTree, Vec<Diagnostic>) {
        let content_dir = self.root.join(CONTENT_DIR);
        if !content_dir.is_dir() {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::Io,
                    format!(
                        "there is no `{CONTENT_DIR}` folder in {}",
                        self.root.display()
                    ),
                )
                .hint("create `content/_index.md` for the home page"),
            );
            self.add_implicit_root();
            return (self.tree, self.diagnostics);
        }
        let (entries, found) = self
            .cache
            .discovery
            .get_or_insert_with(|| {
                let found = discover::discover(&content_dir, self.root);
                (found.entries, found.diagnostics)
            })
            .clone();
        self.diagnostics.extend(found);
        let (sections, rest): (Vec<Entry>, Vec<Entry>) = entries
            .into_iter()
            .partition(|e| e.kind == EntryKind::SectionIndex);

        self.load_sections(sections);
        let (pages, assets): (Vec<Entry>, Vec<Entry>) =
            rest.into_iter().partition(|e| e.kind != EntryKind::Asset);
        self.load_pages(pages);
        self.load_assets(assets);
        self.order_pages();
        (self.tree, self.diagnostics)
    }

    fn source_file(&self, entry: &Entry) -> SourceFile {
        SourceFile {
            content_path: entry.content_path.clone(),
            display_path: Path::new(CONTENT_DIR).join(&entry.content_path),
            abs: entry.abs.clone(),
        }
    }

    /// Parse a file, or take the earlier result when it has not changed.
    fn parse_cached(&self, file: &SourceFile, kind: Kind, schema: Option<&str>) -> Arc<ParsedFile> {
        let key = ParseKey {
            kind,
            schema: schema.map(str::to_string),
        };
        if let Some((cached_key, parsed)) = self.cache.parsed.get(&file.abs) {
            if *cached_key == key {
                return parsed.clone();
            }
        }
        Arc::new(self.parse(file, kind, schema))
    }

    fn remember(
        &mut self,
        file: &SourceFile,
        kind: Kind,
        schema: Option<&str>,
        parsed: &Arc<ParsedFile>,
    ) {
        let key = ParseKey {
            kind,
            schema: schema.map(str::to_string),
        };
        self.cache
            .parsed
            .insert(file.abs.clone(), (key, parsed.clone()));
    }

    fn parse(&self, file: &SourceFile, kind: Kind, schema: Option<&str>) -> ParsedFile {
        parse_file(self.config, file, kind, schema)
    }

    fn add_implicit_root(&mut self) {
        let front = FrontMatter {
            title: self.config.title.clone(),
            description: self.config.description.clone(),
            search: true,
            extra: serde_json::Value::Object(Default::default()),
            ..FrontMatter::default()
        };
        self.tree.sections.push(Section {
            id: SectionId(0),
            file: SourceFile {
                content_path: "_index.md".into(),
                display_path: Path::new(CONTENT_DIR).join("_index.md"),
                abs: self.root.join(CONTENT_DIR).join("_index.md"),
            },
            front: Arc::new(front),
            body: Arc::from(""),
            source_hash: 0,
            front_hash: 0,
            body_line: 1,
            url: "/".into(),
            parent: None,
            subsections: Vec::new(),
            pages: Vec::new(),
            page_schema: None,
            has_file: false,
        });
        self.section_of_folder.insert(String::new(), SectionId(0));
        self.folder_urls.insert(String::new(), "/".into());
    }

    fn load_sections(&mut self, mut entries: Vec<Entry>) {
        // Parents before children, and the home first of all.
        entries.sort_by_key(|e| (e.content_path.matches('/').count(), e.content_path.clone()));
        let parsed: Vec<Arc<ParsedFile>> = entries
            .par_iter()
            .map(|entry| self.parse_cached(&self.source_file(entry), Kind::Section, None))
            .collect();

        if entries
            .first()
            .is_none_or(|e| e.content_path != "_index.md")
        {
            self.add_implicit_root();
        }
        for (entry, parsed) in entries.iter().zip(parsed) {
            self.diagnostics.extend(parsed.diagnostics.iter().cloned());
            let folder = parent_folder(&entry.content_path);
            let file = self.source_file(entry);
            self.remember(&file, Kind::Section, None, &parsed);
            let id = SectionId(self.tree.sections.len() as u32);
            let broken = parsed.front.is_none();
            let front = parsed.front.clone().unwrap_or_else(|| {
                Arc::new(FrontMatter {
                    title: folder.rsplit('/').next().unwrap_or("").to_string(),
                    search: true,
                    ..FrontMatter::default()
                })
            });
            let parent = if folder.is_empty() {
                None
            } else {
                Some(self.section_for_folder(parent_folder(folder)))
            };
            let url = if folder.is_empty() {
                "/".to_string()
            } else {
                let parent_url = self.folder_url(parent_folder(folder));
                let segment = front
                    .slug
                    .clone()
                    .unwrap_or_else(|| slugify(folder.rsplit('/').next().unwrap_or("")));
                format!("{parent_url}{segment}/")
            };
            let page_schema = front
                .page_schema
                .clone()
                .or_else(|| parent.and_then(|p| self.tree.section(p).page_schema.clone()));
            self.tree.sections.push(Section {
                id,
                file,
                front,
                body: parsed.body.clone(),
                source_hash: parsed.source_hash,
                front_hash: parsed.front_hash,
                body_line: parsed.body_line,
                url: url.clone(),
                parent,
                subsections: Vec::new(),
                pages: Vec::new(),
                page_schema,
                has_file: true,
            });
            if let Some(parent) = parent {
                self.tree.sections[parent.0 as usize].subsections.push(id);
            }
            self.section_of_folder.insert(folder.to_string(), id);
            self.folder_urls.insert(folder.to_string(), url);
            let target = if broken {
                ContentRef::Broken
            } else {
                ContentRef::Section(id)
            };
            self.tree
                .by_content_path
                .insert(entry.content_path.clone(), target);
        }
    }

    /// The nearest section at or above `folder`.
    fn section_for_folder(&self, folder: &str) -> SectionId {
        let mut current = folder;
        loop {
            if let Some(id) = self.section_of_folder.get(current) {
                return *id;
            }
            if current.is_empty() {
                return SectionId(0);
            }
            current = parent_folder(current);
        }
    }

    /// Site path of a folder: its section's URL, or its parent's URL plus its slugged name.
    fn folder_url(&mut self, folder: &str) -> String {
        if let Some(url) = self.folder_urls.get(folder) {
            return url.clone();
        }
        let parent = self.folder_url(parent_folder(folder));
        let url = format!(
            "{parent}{}/",
            slugify(folder.rsplit('/').next().unwrap_or(""))
        );
        self.folder_urls.insert(folder.to_string(), url.clone());
        url
    }

    fn load_pages(&mut self, entries: Vec<Entry>) {
        let jobs: Vec<(Entry, SectionId, Option<String>)> = entries
            .into_iter()
            .map(|entry| {
                let folder = page_folder(&entry);
                let section = self.section_for_folder(&folder);
                let schema = self.tree.section(section).page_schema.clone();
                (entry, section, schema)
            })
            .collect();
        let parsed: Vec<Arc<ParsedFile>> = jobs
            .par_iter()
            .map(|(entry, _, schema)| {
                self.parse_cached(&self.source_file(entry), Kind::Page, schema.as_deref())
            })
            .collect();

        for ((entry, section, schema), parsed) in jobs.into_iter().zip(parsed) {
            self.diagnostics.extend(parsed.diagnostics.iter().cloned());
            let file = self.source_file(&entry);
            self.remember(&file, Kind::Page, schema.as_deref(), &parsed);
            let Some(front) = parsed.front.clone() else {
                self.tree
                    .by_content_path
                    .insert(entry.content_path, ContentRef::Broken);
                continue;
            };
            if front.draft && !self.options.drafts {
                self.tree.drafts.push(entry.content_path.clone());
                self.tree
                    .by_content_path
                    .insert(entry.content_path, ContentRef::Draft);
                continue;
            }
            let is_bundle = entry.kind == EntryKind::BundleIndex;
            let folder = page_folder(&entry);
            let (parent_url, stem) = if is_bundle {
                (
                    self.folder_url(parent_folder(&folder)),
                    folder.rsplit('/').next().unwrap_or("").to_string(),
                )
            } else {
                let name = entry.content_path.rsplit('/').next().unwrap_or("");
                (
                    self.folder_url(&folder),
                    name.trim_end_matches(".md").to_string(),
                )
            };
            let segment = front.slug.clone().unwrap_or_else(|| slugify(&stem));
            if segment.is_empty() {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidPath,
                        "the file name has no letters or digits to make a URL from",
                    )
                    .at(Location::file(&file.display_path))
                    .hint("rename the file, or set `slug:` in its front matter"),
                );
                self.tree
                    .by_content_path
                    .insert(entry.content_path, ContentRef::Broken);
                continue;
            }
            let id = PageId(self.tree.pages.len() as u32);
            self.tree.pages.push(Page {
                id,
                url: format!("{parent_url}{segment}/"),
                file,
                front,
                body: parsed.body.clone(),
                source_hash: parsed.source_hash,
                front_hash: parsed.front_hash,
                body_line: parsed.body_line,
                section,
                schema,
                bundle: is_bundle.then_some(folder),
                position: 0,
            });
            self.tree
                .by_content_path
                .insert(entry.content_path, ContentRef::Page(id));
        }
    }

    fn load_assets(&mut self, entries: Vec<Entry>) {
        // Bundle assets go beside their page, wherever its slug puts it.
        let bundle_urls: HashMap<String, String> = self
            .tree
            .pages
            .iter()
            .filter_map(|p| p.bundle.clone().map(|b| (b, p.url.clone())))
            .collect();
        for entry in entries {
            let mut url = None;
            for ancestor in folder_ancestors(&entry.content_path) {
                if let Some(page_url) = bundle_urls.get(ancestor) {
                    let inside = &entry.content_path[ancestor.len() + 1..];
                    url = Some(format!("{page_url}{inside}"));
                    break;
                }
            }
            let url = match url {
                Some(url) => url,
                None => {
                    let folder = parent_folder(&entry.content_path);
                    let name = entry.content_path.rsplit('/').next().unwrap_or("");
                    format!("{}{name}", self.folder_url(folder))
                }
            };
            let index = self.tree.assets.len();
            self.tree
                .by_content_path
                .insert(entry.content_path.clone(), ContentRef::Asset(index));
            self.tree.assets.push(Asset {
                content_path: entry.content_path,
                abs: entry.abs,
                url,
            });
        }
    }

    /// Attach pages to sections in display order: weight, then newest date, then title.
    fn order_pages(&mut self) {
        let mut by_section: Vec<Vec<PageId>> = vec![Vec::new(); self.tree.sections.len()];
        for page in &self.tree.pages {
            by_section[page.section.0 as usize].push(page.id);
        }
        let pages = &self.tree.pages;
        for (section, mut ids) in self.tree.sections.iter_mut().zip(by_section) {
            ids.sort_by_cached_key(|id| order_key(&pages[id.0 as usize]));
            section.pages = ids;
        }
        for section in &self.tree.sections {
            for (position, id) in section.pages.iter().enumerate() {
                self.tree.pages[id.0 as usize].position = position;
            }
        }
    }
}

impl ContentTree {
    /// Apply edits to existing pages in place, without walking `content/` or
    /// rebuilding the tree. Only possible when each changed path is a page
    /// that still parses cleanly with the same address and draft status;
    /// otherwise nothing is changed and `false` is returned.
    pub fn patch(
        &mut self,
        config: &Config,
        changed: &[PathBuf],
        cache: &mut ContentCache,
    ) -> bool {
        let mut edits = Vec::with_capacity(changed.len());
        for path in changed {
            let Some(page) = self.pages.iter().find(|p| &p.file.abs == path) else {
                return false;
            };
            let known = cache
                .discovery
                .as_ref()
                .is_some_and(|(entries, _)| entries.iter().any(|e| &e.abs == path));
            if !known || !path.is_file() {
                return false;
            }
            let parsed = parse_file(config, &page.file, Kind::Page, page.schema.as_deref());
            let Some(front) = parsed.front.clone() else {
                return false;
            };
            let same_address = front.slug == page.front.slug && front.draft == page.front.draft;
            if !same_address || !parsed.diagnostics.is_empty() {
                return false;
            }
            edits.push((page.id, Arc::new(parsed)));
        }
        for (id, parsed) in edits {
            let page = &mut self.pages[id.0 as usize];
            let reorder = {
                let new_front = parsed.front.as_ref().expect("checked above");
                (new_front.weight, new_front.date, &new_front.title)
                    != (page.front.weight, page.front.date, &page.front.title)
            };
            page.front = parsed.front.clone().expect("checked above");
            page.body = parsed.body.clone();
            page.body_line = parsed.body_line;
            page.source_hash = parsed.source_hash;
            page.front_hash = parsed.front_hash;
            let key = ParseKey {
                kind: Kind::Page,
                schema: page.schema.clone(),
            };
            cache.parsed.insert(page.file.abs.clone(), (key, parsed));
            if reorder {
                let section = page.section;
                let pages = &self.pages;
                let mut ids = self.sections[section.0 as usize].pages.clone();
                ids.sort_by_cached_key(|id| order_key(&pages[id.0 as usize]));
                for (position, id) in ids.iter().enumerate() {
                    self.pages[id.0 as usize].position = position;
                }
                self.sections[section.0 as usize].pages = ids;
            }
        }
        true
    }
}

/// Read and parse one content file.
fn parse_file(config: &Config, file: &SourceFile, kind: Kind, schema: Option<&str>) -> ParsedFile {
    match source::read(&file.abs, &file.display_path) {
        Ok(bytes) => parse_source(config, bytes, &file.display_path, kind, schema),
        Err(diagnostic) => ParsedFile::failed(vec![diagnostic], 0),
    }
}

impl ParsedFile {
    fn failed(diagnostics: Vec<Diagnostic>, source_hash: u64) -> ParsedFile {
        ParsedFile {
            front: None,
            body: Arc::from(""),
            body_line: 1,
            diagnostics,
            source_hash,
            front_hash: source_hash,
        }
    }
}

/// Parse the bytes of a content file: decode, split off the front matter,
/// read it against `schema`. Every problem becomes a located diagnostic;
/// no input makes this panic (it is fuzzed).
pub fn parse_source(
    config: &Config,
    bytes: Vec<u8>,
    display_path: &Path,
    kind: Kind,
    schema: Option<&str>,
) -> ParsedFile {
    let failed = ParsedFile::failed;
    let source_hash = hash_bytes(&bytes);
    let text = match source::decode(bytes, display_path) {
        Ok(text) => text,
        Err(d) => return failed(vec![d], source_hash),
    };
    let split = match front_matter::split(&text, display_path) {
        Ok(split) => split,
        Err(d) => return failed(vec![d], source_hash),
    };
    let doc = match Document::parse(display_path, split.yaml, split.yaml_line) {
        Ok(doc) => doc,
        Err(d) => return failed(vec![d], source_hash),
    };
    let schema = schema.and_then(|name| config.schemas.get(name));
    let (front, diagnostics) = front::read(&doc, kind, config, schema);
    ParsedFile {
        front: front.map(Arc::new),
        body: Arc::from(split.body),
        body_line: split.body_line,
        diagnostics,
        source_hash,
        front_hash: hash_bytes(split.yaml.as_bytes()),
    }
}

/// Display order of pages in a listing: weight, then newest date, then title.
/// Sort with `sort_by_cached_key(order_key)` so each lower-cased title is made once.
pub fn order_key(
    page: &Page,
) -> (
    i64,
    std::cmp::Reverse<Option<crate::date::Date>>,
    String,
    &str,
) {
    (
        page.front.weight.unwrap_or(i64::MAX),
        std::cmp::Reverse(page.front.date),
        page.front.title.to_lowercase(),
        page.file.content_path.as_str(),
    )
}

/// Each page's place in the site's display order (by [`order_key`]), by
/// page id: ordering pages by place orders them by that key, without
/// working it out again for every list a page is in.
pub fn display_places(pages: &[Page]) -> Vec<u32> {
    let mut in_order: Vec<usize> = (0..pages.len()).collect();
    in_order.sort_by_cached_key(|&index| order_key(&pages[index]));
    let mut places = vec![0u32; pages.len()];
    for (place, index) in in_order.into_iter().enumerate() {
        places[index] = place as u32;
    }
    places
}

impl ContentTree {
    /// Fingerprint of every address: what each path inside `content/` is
    /// and where it is published. Links render the same while it is equal.
    pub fn address_fingerprint(&self) -> u64 {
        self.by_content_path
            .iter()
            .map(|(path, target)| {
                let address = match target {
                    ContentRef::Page(id) => Some(self.page(*id).url.as_str()),
                    ContentRef::Section(id) => Some(self.section(*id).url.as_str()),
                    ContentRef::Asset(index) => Some(self.assets[*index].url.as_str()),
                    ContentRef::Draft | ContentRef::Broken => None,
                };
                crate::fingerprint::of((path, address, matches!(target, ContentRef::Draft)))
            })
            // Adding is independent of the map's order.
            .fold(0u64, u64::wrapping_add)
    }
}

/// `a/b/c.md` → `a/b`; `c.md` → ``.
fn parent_folder(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// The folder a page lives in: for a bundle, the bundle folder itself.
fn page_folder(entry: &Entry) -> String {
    parent_folder(&entry.content_path).to_string()
}

/// `a/b/c.png` → [`a/b`, `a`].
fn folder_ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut current = path;
    std::iter::from_fn(move || {
        let i = current.rfind('/')?;
        current = &current[..i];
        Some(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use std::fs;

    fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, ContentTree, Vec<Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let full = dir.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, text).unwrap();
        }
        let config = Config::parse(
            "title: Site\nbase_url: https://e.org\ntaxonomies: [topics]\n",
            &Overrides::default(),
        )
        .unwrap();
        let (tree, diags) = ContentTree::load(dir.path(), &config, &LoadOptions::default());
        (dir, tree, diags)
    }

    fn page<'t>(tree: &'t ContentTree, path: &str) -> &'t Page {
        match tree.lookup(path) {
            Some(ContentRef::Page(id)) => tree.page(id),
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn urls_follow_folders_slugs_and_bundles() {
        let (_dir, tree, diags) = site(&[
            ("content/_index.md", "---\ntitle: Home\n---\n"),
            ("content/About Us.md", "---\ntitle: About\n---\n"),
            (
                "content/research/_index.md",
                "---\ntitle: Research\nslug: findings\n---\n",
            ),
            ("content/research/review.md", "---\ntitle: Review\n---\n"),
            (
                "content/research/study/index.md",
                "---\ntitle: Study\nslug: balint\n---\n",
            ),
            ("content/research/study/chart.svg", "<svg/>"),
            ("content/research/figure.png", "png"),
            ("content/plain/deep.md", "---\ntitle: Deep\n---\n"),
        ]);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(page(&tree, "About Us.md").url, "/about-us/");
        assert_eq!(page(&tree, "research/review.md").url, "/findings/review/");
        assert_eq!(
            page(&tree, "research/study/index.md").url,
            "/findings/balint/"
        );
        assert_eq!(page(&tree, "plain/deep.md").url, "/plain/deep/");
        assert_eq!(page(&tree, "plain/deep.md").section, SectionId(0));
        let urls: Vec<_> = tree.assets.iter().map(|a| a.url.as_str()).collect();
        assert_eq!(urls, ["/findings/figure.png", "/findings/balint/chart.svg"]);
    }

    #[test]
    fn pages_are_ordered_by_weight_then_newest_date_then_title() {
        let (_dir, tree, _) = site(&[
            ("content/_index.md", "---\ntitle: Home\n---\n"),
            ("content/b.md", "---\ntitle: B\ndate: 2024-01-01\n---\n"),
            ("content/a.md", "---\ntitle: A\ndate: 2024-01-01\n---\n"),
            ("content/new.md", "---\ntitle: New\ndate: 2025-01-01\n---\n"),
            ("content/heavy.md", "---\ntitle: Heavy\nweight: 1\n---\n"),
        ]);
        let titles: Vec<_> = tree
            .root()
            .pages
            .iter()
            .map(|id| tree.page(*id).front.title.as_str())
            .collect();
        assert_eq!(titles, ["Heavy", "New", "A", "B"]);
    }

    #[test]
    fn drafts_are_left_out_and_recorded() {
        let (_dir, tree, _) = site(&[
            ("content/_index.md", "---\ntitle: Home\n---\n"),
            ("content/wip.md", "---\ntitle: WIP\ndraft: true\n---\n"),
        ]);
        assert!(tree.pages.is_empty());
        assert_eq!(tree.drafts, ["wip.md"]);
        assert_eq!(tree.lookup("wip.md"), Some(ContentRef::Draft));
    }

    #[test]
    fn every_broken_file_is_reported_and_kept_as_a_placeholder() {
        let (_dir, tree, diags) = site(&[
            ("content/_index.md", "---\ntitle: Home\n---\n"),
            ("content/a.md", "---\ntitle: A: B\n---\n"),
            ("content/b.md", "no front matter\n"),
            ("content/c.md", ""),
            ("content/d.md", "---\ndescripton: x\n---\n"),
        ]);
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                Code::YamlSyntax,
                Code::MissingFrontMatter,
                Code::EmptyFile,
                Code::MissingField,
                Code::UnknownField
            ]
        );
        assert_eq!(tree.lookup("a.md"), Some(ContentRef::Broken));
    }

    #[test]
    fn home_is_implicit_without_an_index() {
        let (_dir, tree, diags) = site(&[("content/a.md", "---\ntitle: A\n---\n")]);
        assert!(diags.is_empty());
        assert_eq!(tree.root().front.title, "Site");
        assert!(!tree.root().has_file);
        assert_eq!(tree.root().pages.len(), 1);
    }

    #[test]
    fn section_schema_cascades_to_nested_pages() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            (
                "content/r/_index.md",
                "---\ntitle: R\npage_schema: res\n---\n",
            ),
            ("content/r/sub/_index.md", "---\ntitle: Sub\n---\n"),
            ("content/r/sub/p.md", "---\ntitle: P\n---\n"),
        ];
        for (path, text) in files {
            let full = dir.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, text).unwrap();
        }
        let config = Config::parse(
            "title: S\nbase_url: https://e.org\nschemas:\n  res:\n    fields:\n      provider: { type: string, required: true }\n",
            &Overrides::default(),
        )
        .unwrap();
        let (_, diags) = ContentTree::load(dir.path(), &config, &LoadOptions::default());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::MissingField);
        assert_eq!(diags[0].path(), Some(Path::new("content/r/sub/p.md")));
    }
}
