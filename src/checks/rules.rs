//! The catalogue of `signposter check` rules: each rule's id, what it looks
//! at, how serious a finding is, and an example with its fix. The README's
//! rule reference is written from this table, and a test keeps them in step.

use serde::Serialize;

use crate::diagnostics::{Code, Severity};

/// What a rule protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Links,
    Accessibility,
    Trust,
    PlainEnglish,
    Duplicates,
}

impl Category {
    pub fn name(self) -> &'static str {
        match self {
            Category::Links => "links",
            Category::Accessibility => "accessibility",
            Category::Trust => "trust",
            Category::PlainEnglish => "plain-english",
            Category::Duplicates => "duplicates",
        }
    }
}

/// One rule of `signposter check`.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: Code,
    pub category: Category,
    pub severity: Severity,
    /// What it finds, in one sentence.
    pub summary: &'static str,
    /// Markdown (or front matter) that the rule flags.
    pub example: &'static str,
    /// The same, fixed.
    pub fixed: &'static str,
}

impl Rule {
    pub fn id(&self) -> &'static str {
        self.code.id()
    }
}

/// Every rule `check` adds to the build's own findings. Build errors (broken
/// links, schema violations, …) are always reported and cannot be turned off.
pub const RULES: &[Rule] = &[
    Rule {
        code: Code::OrphanPage,
        category: Category::Links,
        severity: Severity::Warning,
        summary: "A page that no other page or section links to from its text: readers can only find it through listings and search.",
        example: "(no page's Markdown links to `content/groups/balint.md`)",
        fixed: "In a related page: `See also the [Balint Society's groups](@/groups/balint.md).`",
    },
    Rule {
        code: Code::ExternalLink,
        category: Category::Links,
        severity: Severity::Warning,
        summary: "With `--external`: a link to another site that answers with an error, or not at all.",
        example: "[NHS guidance](https://www.nhs.uk/a-page-that-moved/)",
        fixed: "[NHS guidance](https://www.nhs.uk/the-page-now/)",
    },
    Rule {
        code: Code::ImageAlt,
        category: Category::Accessibility,
        severity: Severity::Error,
        summary: "An image without alt text, or whose alt text is just a file name.",
        example: "![](chart.png) or ![IMG_2041.jpg](chart.png)",
        fixed: "![Bar chart: most participants found the groups helpful](chart.png)",
    },
    Rule {
        code: Code::LinkText,
        category: Category::Accessibility,
        severity: Severity::Warning,
        summary: "Link text that does not say where the link goes (\"here\", \"click here\", \"read more\", \"this page\", a bare URL).",
        example: "For dates, [click here](@/groups/balint.md).",
        fixed: "See the [Balint group's dates](@/groups/balint.md).",
    },
    Rule {
        code: Code::HeadingOrder,
        category: Category::Accessibility,
        severity: Severity::Warning,
        summary: "A heading that skips a level, such as `####` straight after `##`.",
        example: "## Who it is for\n#### GPs",
        fixed: "## Who it is for\n### GPs",
    },
    Rule {
        code: Code::SingleH1,
        category: Category::Accessibility,
        severity: Severity::Warning,
        summary: "A `#` heading in the text: the page title is already the page's one top-level heading.",
        example: "# Interpreters",
        fixed: "## Working with interpreters",
    },
    Rule {
        code: Code::TableHeader,
        category: Category::Accessibility,
        severity: Severity::Warning,
        summary: "A table without a header row, so screen readers cannot name its columns.",
        example: "|   |   |\n|---|---|\n| Online | Free |",
        fixed: "| Format | Cost |\n|---|---|\n| Online | Free |",
    },
    Rule {
        code: Code::EmptyLink,
        category: Category::Accessibility,
        severity: Severity::Error,
        summary: "A link with no text at all, which screen readers announce as just \"link\".",
        example: "[](https://www.balintsociety.org/)",
        fixed: "[The Balint Society](https://www.balintsociety.org/)",
    },
    Rule {
        code: Code::ReviewOverdue,
        category: Category::Trust,
        severity: Severity::Error,
        summary: "A page whose `next_review` date has passed: clinicians must not rely on unreviewed guidance.",
        example: "next_review: 2025-01-31",
        fixed: "Review the page, then: last_reviewed: 2026-11-21, next_review: 2027-11-21",
    },
    Rule {
        code: Code::ReviewDueSoon,
        category: Category::Trust,
        severity: Severity::Warning,
        summary: "A page due for review within 30 days (set `check.review_due_within_days`).",
        example: "next_review: (a date in the next 30 days)",
        fixed: "Plan the review; `signposter check --due` lists what is due.",
    },
    Rule {
        code: Code::ReviewerMissing,
        category: Category::Trust,
        severity: Severity::Warning,
        summary: "A page with review dates that does not say who reviewed it (`reviewed_by`).",
        example: "next_review: 2027-06-01",
        fixed: "next_review: 2027-06-01\nreviewed_by: Dr A. Example, GP",
    },
    Rule {
        code: Code::PdfLinkLabel,
        category: Category::Trust,
        severity: Severity::Warning,
        summary: "A link to a PDF whose text does not say it is a PDF and how big it is.",
        example: "[Guidance](/files/guidance.pdf)",
        fixed: "[Guidance (PDF, 240 KB)](/files/guidance.pdf)",
    },
    Rule {
        code: Code::ReadingEase,
        category: Category::PlainEnglish,
        severity: Severity::Warning,
        summary: "A page whose Flesch reading-ease score is below `check.reading_ease_below` (off unless set). Every page's score is in the report.",
        example: "Notwithstanding multidimensional considerations, practitioners' interpretative frameworks necessitate recalibration.",
        fixed: "Clinicians may need to think again about how they see things.",
    },
    Rule {
        code: Code::DuplicateTitle,
        category: Category::Duplicates,
        severity: Severity::Warning,
        summary: "Two pages with the same title, which look the same in search results, tabs and listings.",
        example: "title: Peer support (in two pages)",
        fixed: "title: Medical Justice peer support / title: Witness to Witness peer support",
    },
    Rule {
        code: Code::DuplicateDescription,
        category: Category::Duplicates,
        severity: Severity::Warning,
        summary: "Two pages with the same description.",
        example: "description: A support group. (in two pages)",
        fixed: "Describe what is particular to each page.",
    },
];

/// The rule with this id, if there is one.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.id() == id)
}

/// The rule behind a finding's code, if the finding came from `check`.
pub fn for_code(code: Code) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.code == code)
}

/// The ids of every rule, for suggestions.
pub fn ids() -> Vec<&'static str> {
    RULES.iter().map(Rule::id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_found_by_id() {
        for rule in RULES {
            assert_eq!(by_id(rule.id()).map(|r| r.code), Some(rule.code));
            assert_eq!(
                RULES.iter().filter(|r| r.id() == rule.id()).count(),
                1,
                "{}",
                rule.id()
            );
        }
        assert!(by_id("broken-link").is_none(), "build errors are not rules");
    }

    #[test]
    fn the_readme_documents_every_rule_with_an_example() {
        let readme = include_str!("../../README.md");
        for rule in RULES {
            let heading = format!("#### `{}`", rule.id());
            assert!(readme.contains(&heading), "README lacks {heading}");
        }
    }
}
