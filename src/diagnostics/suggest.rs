//! "Did you mean …?": the closest valid name to a mistyped one.

/// The candidate most like `input`, if any is close enough to be a likely typo.
/// Of equally close candidates the first in alphabetical order wins, so the
/// hint does not depend on the order they come in (often a hash map's).
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (c, strsim::jaro_winkler(&wanted, &c.to_lowercase())))
        .filter(|(_, score)| *score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(c, _)| c)
}

/// A hint sentence naming the closest candidate, or listing them all.
pub fn did_you_mean(input: &str, candidates: &[&str]) -> String {
    match closest(input, candidates.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!(
            "expected one of: {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_key() {
        let keys = ["title", "description", "date", "draft"];
        assert_eq!(closest("descripton", keys), Some("description"));
        assert_eq!(closest("tilte", keys), Some("title"));
        assert_eq!(closest("zzzzzz", keys), None);
    }

    /// Regression: `/guide/`, `/guide/a/` and `/guide/c/` are equally close to
    /// `/guide/b/`, and the hint used to follow a hash map's iteration order.
    #[test]
    fn equally_close_candidates_give_one_answer_in_any_order() {
        let mut pages = ["/guide/c/", "/guide/", "/guide/a/", "/search/"];
        for _ in 0..pages.len() {
            pages.rotate_left(1);
            assert_eq!(closest("/guide/b/", pages.iter().copied()), Some("/guide/"));
            let reversed: Vec<&str> = pages.iter().rev().copied().collect();
            assert_eq!(closest("/guide/b/", reversed), Some("/guide/"));
        }
    }

    #[test]
    fn lists_candidates_when_nothing_is_close() {
        assert_eq!(
            did_you_mean("qqq", &["a", "b"]),
            "expected one of: `a`, `b`"
        );
    }
}
