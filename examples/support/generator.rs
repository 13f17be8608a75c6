//! The synthetic site generator shared by the `gen-site` and `bench` examples.
//!
//! Each page has 3–6 kB of prose with h2/h3 headings, emphasis, lists, a
//! blockquote, relative links to other pages and footnotes; every third page
//! has a table and about one in ten a fenced code block. Pages carry 2–5
//! taxonomy terms, a date and a weight, in 10–20 sections.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// A small, fixed pseudo-random generator, so every run writes the same site.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "clinician",
    "patient",
    "asylum",
    "support",
    "interpreter",
    "trauma",
    "review",
    "practice",
    "group",
    "reflection",
    "service",
    "referral",
    "assessment",
    "relationship",
    "trust",
    "language",
    "record",
    "follow-up",
    "wellbeing",
    "symptom",
    "sleep",
    "pain",
    "family",
    "community",
    "housing",
    "uncertainty",
    "evidence",
    "training",
    "supervision",
    "session",
    "facilitator",
    "peer",
    "network",
    "safety",
    "risk",
    "plan",
    "care",
    "team",
    "primary",
    "mental",
    "health",
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "for",
    "with",
    "on",
    "is",
    "can",
    "may",
    "should",
    "often",
    "when",
    "where",
    "each",
    "their",
    "this",
    "that",
    "after",
    "before",
    "during",
    "across",
    "local",
    "national",
    "early",
    "regular",
    "clear",
    "short",
    "careful",
    "shared",
    "practical",
    "difficult",
    "important",
    "useful",
    "common",
];
const TOPICS: &[&str] = &[
    "Supervision",
    "Reflective practice",
    "Balint groups",
    "Peer support",
    "Interpreters",
    "Trauma",
    "PTSD",
    "Sleep",
    "Pain",
    "Somatic symptoms",
    "Prescribing",
    "Risk",
    "Safeguarding",
    "Housing",
    "Legal process",
    "Children",
    "Families",
    "Screening",
    "Sexual health",
    "Records",
    "Training",
    "Burnout",
    "Wellbeing",
    "Research",
    "Social prescribing",
    "Community",
    "Language",
    "Primary care",
    "Psychiatry",
    "Psychotherapy",
    "Nursing",
    "Volunteering",
    "Ethics",
    "Consent",
    "Confidentiality",
    "Evidence",
    "Guidelines",
    "Audit",
    "Teaching",
    "Policy",
];
const AUDIENCES: &[&str] = &[
    "GPs",
    "Psychiatrists",
    "Psychotherapists",
    "Nurses",
    "Volunteers",
    "Medical students",
    "Psychologists",
    "Social workers",
];
const LANGUAGES: &[&str] = &["rust", "python", "yaml", "json", "bash", "html"];

fn sentence(rng: &mut Rng) -> String {
    let length = 8 + rng.below(14);
    let mut words: Vec<String> = (0..length).map(|_| rng.pick(WORDS).to_string()).collect();
    if let Some(first) = words.first_mut() {
        let mut chars = first.chars();
        if let Some(c) = chars.next() {
            *first = c.to_uppercase().chain(chars).collect();
        }
    }
    match rng.below(6) {
        0 => {
            let i = rng.below(words.len());
            words[i] = format!("*{}*", words[i]);
        }
        1 => {
            let i = rng.below(words.len());
            words[i] = format!("**{}**", words[i]);
        }
        _ => {}
    }
    format!("{}.", words.join(" "))
}

fn paragraph(rng: &mut Rng) -> String {
    (0..3 + rng.below(4))
        .map(|_| sentence(rng))
        .collect::<Vec<_>>()
        .join(" ")
}

struct Page {
    section: usize,
    slug: String,
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folder");
    }
    fs::write(path, text).expect("write file");
}

pub fn generate(count: usize, dir: &Path) {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let sections = (count / 700).clamp(10, 20);
    write(
        &dir.join("site.yml"),
        "title: Benchmark resource site\nbase_url: https://bench.example.org\ntaxonomies:\n  - topics\n  - audiences\nrelated:\n  taxonomies: [topics]\n",
    );
    write(
        &dir.join("content/_index.md"),
        "---\ntitle: Benchmark home\ndescription: A generated site for measuring build speed.\n---\nWelcome to the benchmark site.\n",
    );
    for s in 0..sections {
        write(
            &dir.join(format!("content/section-{s:02}/_index.md")),
            &format!(
                "---\ntitle: Section {s}\ndescription: Generated section number {s}.\nweight: {s}\n---\n{}\n",
                paragraph(&mut rng)
            ),
        );
    }
    let pages: Vec<Page> = (0..count)
        .map(|i| Page {
            section: i % sections,
            slug: format!("page-{i:06}"),
        })
        .collect();
    for (i, page) in pages.iter().enumerate() {
        let text = page_text(i, page, &pages, &mut rng);
        write(
            &dir.join(format!(
                "content/section-{:02}/{}.md",
                page.section, page.slug
            )),
            &text,
        );
    }
}

fn page_text(index: usize, page: &Page, pages: &[Page], rng: &mut Rng) -> String {
    let mut text = String::with_capacity(6000);
    let terms: Vec<&str> = {
        let mut chosen = Vec::new();
        while chosen.len() < 2 + rng.below(3) {
            let topic = rng.pick(TOPICS);
            if !chosen.contains(&topic) {
                chosen.push(topic);
            }
        }
        chosen
    };
    let audience = rng.pick(AUDIENCES);
    let _ = write!(
        text,
        "---\ntitle: \"Page {index}: {}\"\ndescription: \"{}\"\ndate: 20{:02}-{:02}-{:02}\nweight: {}\ntopics: [{}]\naudiences: [{audience}]\n---\n",
        rng.pick(TOPICS),
        sentence(rng),
        15 + rng.below(11),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(100),
        terms.join(", "),
    );
    let _ = writeln!(text, "{}\n", paragraph(rng));
    let target_size = 3000 + rng.below(3000);
    let mut heading = 0;
    while text.len() < target_size {
        heading += 1;
        let _ = writeln!(text, "## {} {heading}\n", rng.pick(TOPICS));
        let _ = writeln!(text, "{}[^n{heading}]\n", paragraph(rng));
        let _ = writeln!(text, "### {} details\n", rng.pick(WORDS));
        for _ in 0..3 {
            let _ = writeln!(text, "- {}", sentence(rng));
        }
        text.push('\n');
        let other = &pages[rng.below(pages.len())];
        let link = if other.section == page.section {
            format!("{}.md", other.slug)
        } else {
            format!("../section-{:02}/{}.md", other.section, other.slug)
        };
        let _ = writeln!(
            text,
            "> {} See [the page on {}]({link}).\n",
            sentence(rng),
            rng.pick(TOPICS).to_lowercase()
        );
        let _ = writeln!(text, "[^n{heading}]: {}\n", sentence(rng));
    }
    if index % 3 == 0 {
        text.push_str("| Measure | Value | Note |\n|---|---|---|\n");
        for row in 0..4 {
            let _ = writeln!(
                text,
                "| {} | {} | {} |",
                rng.pick(WORDS),
                row * 7 + rng.below(50),
                rng.pick(WORDS)
            );
        }
        text.push('\n');
    }
    if index % 10 == 0 {
        let language = rng.pick(LANGUAGES);
        let _ = writeln!(text, "```{language}");
        for line in 0..8 {
            let _ = writeln!(
                text,
                "let value_{line} = compute(\"{}\", {});",
                rng.pick(WORDS),
                rng.below(100)
            );
        }
        text.push_str("```\n\n");
    }
    text
}
