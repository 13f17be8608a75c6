//! The table of contents: headings nested by level.

use serde::Serialize;

use super::Heading;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// Nest headings: each heading holds the deeper ones that follow it.
pub fn build(headings: &[Heading]) -> Vec<TocEntry> {
    let mut roots = Vec::new();
    let mut open: Vec<TocEntry> = Vec::new();
    let close = |open: &mut Vec<TocEntry>, roots: &mut Vec<TocEntry>| {
        if let Some(done) = open.pop() {
            match open.last_mut() {
                Some(parent) => parent.children.push(done),
                None => roots.push(done),
            }
        }
    };
    for heading in headings {
        while open.last().is_some_and(|top| top.level >= heading.level) {
            close(&mut open, &mut roots);
        }
        open.push(TocEntry {
            level: heading.level,
            id: heading.id.clone(),
            title: heading.text.clone(),
            children: Vec::new(),
        });
    }
    while !open.is_empty() {
        close(&mut open, &mut roots);
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, id: &str) -> Heading {
        Heading {
            level,
            id: id.into(),
            text: id.into(),
            line: 1,
            column: 1,
        }
    }

    fn shape(entries: &[TocEntry]) -> String {
        entries
            .iter()
            .map(|e| {
                if e.children.is_empty() {
                    e.id.clone()
                } else {
                    format!("{}({})", e.id, shape(&e.children))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn nests_by_level_and_tolerates_skips() {
        let toc = build(&[
            h(2, "a"),
            h(3, "a1"),
            h(3, "a2"),
            h(2, "b"),
            h(4, "b1"),
            h(2, "c"),
        ]);
        assert_eq!(shape(&toc), "a(a1 a2) b(b1) c");
        let toc = build(&[h(3, "x"), h(2, "y")]);
        assert_eq!(shape(&toc), "x y");
    }
}
