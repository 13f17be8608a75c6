//! The search index: ranking, stemming, chunk boundaries, incremental
//! updates, result fragments and what a query has to fetch.

use super::*;
use crate::search::encode::decode_chunk;
use crate::search::query;

fn document<'a>(url: &'a str, title: &'a str, body: &'a str) -> Document<'a> {
    Document {
        url,
        title,
        section: "Section",
        description: "",
        headings: Vec::new(),
        body,
        taxonomy_terms: Vec::new(),
    }
}

fn entries(documents: &[Document<'_>]) -> Vec<Arc<Entry>> {
    documents
        .iter()
        .map(|d| Arc::new(Entry::new(d, 300)))
        .collect()
}

fn meta(index: &SearchIndex) -> Meta {
    let file = index
        .files()
        .iter()
        .find(|f| f.path.as_str() == "search/index.json")
        .unwrap();
    serde_json::from_slice(&file.bytes).unwrap()
}

/// Answer a query against an index in memory, as a browser would.
fn ask(index: &SearchIndex, q: &str) -> query::Answer {
    let meta = meta(index);
    let files = index.files().clone();
    query::run(
        &meta,
        &mut |name| {
            files
                .iter()
                .find(|f| f.path.as_str() == format!("search/chunks/{name}.bin"))
                .map(|f| f.bytes.to_vec())
        },
        q,
    )
}

fn ranked(index: &SearchIndex, q: &str) -> Vec<u32> {
    ask(index, q).pages.into_iter().map(|(p, _)| p).collect()
}

#[test]
fn title_and_heading_hits_rank_above_body_hits() {
    let mut in_heading = document("/b/", "Working with families", "Families come first.");
    in_heading.headings = vec!["Supervision for trainees"];
    let docs = [
        document(
            "/a/",
            "Interpreters",
            "Book a professional. Supervision matters here.",
        ),
        in_heading,
        document("/c/", "Clinical supervision", "What it is."),
    ];
    let index = SearchIndex::update(None, entries(&docs), &[]);
    assert_eq!(ranked(&index, "supervision"), [2, 1, 0]);
}

#[test]
fn stemming_finds_other_forms_and_prefixes_find_words_being_typed() {
    let docs = [
        document("/a/", "Clinical supervision", "Regular supervision helps."),
        document("/b/", "Studies of Balint groups", "Two studies."),
        document("/c/", "Hope", "Hoping for change."),
    ];
    let index = SearchIndex::update(None, entries(&docs), &[]);
    assert_eq!(ranked(&index, "supervise"), [0]);
    assert_eq!(ranked(&index, "supervising"), [0]);
    assert_eq!(ranked(&index, "superv"), [0], "as you type");
    assert_eq!(ranked(&index, "study"), [1]);
    assert_eq!(ranked(&index, "balint studies"), [1]);
    assert_eq!(ranked(&index, "hoping"), [2]);
    assert!(
        ranked(&index, "balint supervision").is_empty(),
        "every word must match"
    );
    assert!(
        ranked(&index, "the").is_empty(),
        "stop words alone find nothing"
    );
}

#[test]
fn taxonomy_terms_are_searchable() {
    let free: Vec<String> = vec!["Free".into()];
    let online: Vec<String> = vec!["Online".into()];
    let gps: Vec<String> = vec!["GPs".into()];
    let mut group = document("/a/", "Monthly Balint group", "A group for clinicians.");
    group.taxonomy_terms = vec![("costs", &free), ("formats", &online), ("audiences", &gps)];
    let docs = [
        group,
        document("/b/", "Paid course", "An online group for GPs, paid."),
    ];
    let index = SearchIndex::update(None, entries(&docs), &[]);
    assert_eq!(ranked(&index, "free online group for GPs"), [0]);
}

#[test]
fn common_terms_get_chunks_of_their_own_and_queries_fetch_few_chunks() {
    let bodies: Vec<String> = (0..200)
        .map(|i| format!("common words everywhere, and a rare word{i} only here"))
        .collect();
    let urls: Vec<String> = (0..200).map(|i| format!("/p{i}/")).collect();
    let docs: Vec<Document<'_>> = (0..200)
        .map(|i| document(&urls[i], "Page", &bodies[i]))
        .collect();
    let index = SearchIndex::update(None, entries(&docs), &[]);
    let meta = meta(&index);
    for file in index
        .files()
        .iter()
        .filter(|f| f.path.as_str().starts_with("search/chunks/"))
    {
        let terms = decode_chunk(&file.bytes).unwrap();
        let has_common = terms.iter().any(|(_, postings)| postings.len() >= 64);
        assert!(
            !has_common || terms.len() == 1,
            "a common term shares a chunk"
        );
    }
    assert!(meta.chunks.len() > 5, "{} chunks", meta.chunks.len());
    let answer = ask(&index, "word17");
    assert_eq!(
        answer.pages[0].0, 17,
        "the word itself first, then word170 to word179"
    );
    assert_eq!(answer.pages.len(), 11);
    assert!(answer.chunks.len() <= 4, "{:?}", answer.chunks);
}

#[test]
fn an_edit_updates_only_its_own_chunks_and_equals_a_full_build() {
    let bodies: Vec<String> = (0..100)
        .map(|i| format!("alpha beta gamma{i} delta{}", i % 7))
        .collect();
    let urls: Vec<String> = (0..100).map(|i| format!("/p{i:03}/")).collect();
    let mut docs: Vec<Document<'_>> = (0..100)
        .map(|i| document(&urls[i], "Page", &bodies[i]))
        .collect();
    let first = SearchIndex::update(None, entries(&docs), &[]);
    let before: Vec<SearchFile> = first.files().to_vec();

    docs[40].body = "alpha beta gamma40 delta5 epsilon";
    let mut new_entries = first.entries.clone();
    new_entries[40] = Arc::new(Entry::new(&docs[40], 300));
    let incremental = SearchIndex::update(Some(first), new_entries, &[]);
    let full = SearchIndex::update(None, entries(&docs), &[]);
    assert_eq!(incremental.files().as_slice(), full.files().as_slice());

    let changed: Vec<&str> = incremental
        .files()
        .iter()
        .filter(|f| !before.contains(f))
        .map(|f| f.path.as_str())
        .collect();
    let chunk_changes = changed
        .iter()
        .filter(|p| p.starts_with("search/chunks/"))
        .count();
    assert!(chunk_changes <= 4, "{changed:?}");
    assert!(changed.contains(&"search/pages/40.json"));
    assert!(changed.contains(&"search/index.json"));
    assert_eq!(ranked(&incremental, "epsilon"), [40]);
}

/// Regression: an edit used to re-encode every chunk holding any word of the
/// edited page, though only the chunks of the words it touched can change.
#[test]
fn an_edit_re_encodes_only_the_chunks_of_the_words_it_touched() {
    let bodies: Vec<String> = (0..100)
        .map(|i| format!("alpha beta gamma{i} delta{}", i % 7))
        .collect();
    let every_gamma: String = (0..100).map(|i| format!("gamma{i} ")).collect();
    let edited = format!("{every_gamma}epsilon");
    let urls: Vec<String> = (0..100).map(|i| format!("/p{i:03}/")).collect();
    let mut docs: Vec<Document<'_>> = (0..100)
        .map(|i| document(&urls[i], "Page", &bodies[i]))
        .collect();
    docs[40].body = &every_gamma;
    let first = SearchIndex::update(None, entries(&docs), &[]);
    let before: Vec<SearchFile> = first.files().to_vec();
    let chunks = |files: &[SearchFile]| {
        files
            .iter()
            .filter(|f| f.path.as_str().starts_with("search/chunks/"))
            .count()
    };
    assert!(chunks(&before) > 5, "the page's words span many chunks");

    docs[40].body = &edited;
    let mut new_entries = first.entries.clone();
    new_entries[40] = Arc::new(Entry::new(&docs[40], 300));
    let incremental = SearchIndex::update(Some(first), new_entries, &[]);
    let re_encoded: Vec<&str> = incremental
        .files()
        .iter()
        .filter(|f| f.path.as_str().starts_with("search/chunks/"))
        .filter(|f| !before.iter().any(|b| Arc::ptr_eq(&b.bytes, &f.bytes)))
        .map(|f| f.path.as_str())
        .collect();
    assert!(re_encoded.len() <= 2, "{re_encoded:?}");
    let full = SearchIndex::update(None, entries(&docs), &[]);
    assert_eq!(incremental.files().as_slice(), full.files().as_slice());
}

#[test]
fn fragments_hold_what_a_result_shows() {
    let mut doc = document(
        "/a/",
        "Interpreters",
        "Use a professional interpreter, never family. More text follows here.",
    );
    doc.description = "When and how to book one.";
    let entry = Entry::new(&doc, 40);
    let fragment: serde_json::Value = serde_json::from_slice(&entry.fragment).unwrap();
    assert_eq!(fragment["t"], "Interpreters");
    assert_eq!(fragment["u"], "/a/");
    assert_eq!(fragment["d"], "When and how to book one.");
    assert_eq!(fragment["x"], "Use a professional interpreter, never…");
}

#[test]
fn an_excerpt_is_the_collapsed_text_cut_at_a_word_near_its_length() {
    // What the excerpt must equal: the whole text collapsed, then cut.
    fn collapsed_then_cut(text: &str, length: usize) -> String {
        let full = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if full.len() <= length {
            return full;
        }
        let mut end = length;
        while !full.is_char_boundary(end) {
            end -= 1;
        }
        let cut = full[..end].rfind(' ').unwrap_or(end);
        format!("{}…", &full[..cut])
    }
    let texts = [
        "",
        "  \n ",
        "Short text.",
        "Balint groups\n\nmeet   monthly\tfor GPs.\n",
        "one two three four five six seven eight nine ten",
        "Ärzte café naïve\u{a0}Σίσυφος ΟΔΟΣ — 日本語のテキスト",
        "unbrokenwordlongerthananyexcerptlength and more",
    ];
    for text in texts {
        for length in 0..60 {
            assert_eq!(
                excerpt(text, length),
                collapsed_then_cut(text, length),
                "{text:?} at {length}"
            );
        }
    }
    assert_eq!(excerpt("one  two\n\nthree four", 12), "one two…");
    assert_eq!(
        excerpt("any length\nis allowed", usize::MAX),
        "any length is allowed"
    );
}
