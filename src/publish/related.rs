//! Related pages: for each page, the pages sharing the most terms with it.
//!
//! Scores add up in a dense array per page, indexed by display order, so the
//! cost is the total length of the term lists a page touches, read from a
//! few stretches of the array. Very common terms contribute only the pages
//! nearest in their list, which bounds the work on large sites.

use rayon::prelude::*;

use crate::config::RelatedConfig;
use crate::content::{ContentTree, PageId};

use super::Taxonomies;

/// Past this many pages, a term contributes only its nearest neighbours.
const TERM_WINDOW: usize = 1000;

/// Related pages for every page, by page id, best first.
pub fn related_pages(
    tree: &ContentTree,
    taxonomies: &Taxonomies,
    config: &RelatedConfig,
) -> Vec<Vec<PageId>> {
    if config.count == 0 || tree.pages.is_empty() {
        return vec![Vec::new(); tree.pages.len()];
    }
    // Pages are counted by their place in display order, not by id: a term
    // lists its pages in that order, so the window a page reads of each of
    // its terms falls in one stretch of the score array instead of all over
    // it, which on a large site is the difference between cache hits and
    // misses. Ties also go by place: the page that comes first wins.
    let places = &taxonomies.display_places;
    let mut at_place = vec![PageId(0); tree.pages.len()];
    for (page, &place) in tree.pages.iter().zip(places) {
        at_place[place as usize] = page.id;
    }
    let total = tree.pages.len() as f32;
    let mut lists: Vec<(Vec<u32>, f32)> = Vec::new();
    for taxonomy in &taxonomies.list {
        if !config.taxonomies.is_empty() && !config.taxonomies.contains(&taxonomy.name) {
            continue;
        }
        for term in &taxonomy.terms {
            // Rarer shared terms say more about two pages; they break ties.
            let weight = (total / term.pages.len() as f32).ln() + 1.0;
            let term_places = term.pages.iter().map(|id| places[id.0 as usize]);
            lists.push((term_places.collect(), weight));
        }
    }
    // Each page's terms as (term list, position of the page in it, weight).
    let mut memberships: Vec<Vec<(&[u32], usize, f32)>> = vec![Vec::new(); tree.pages.len()];
    for (list, weight) in &lists {
        for (position, &place) in list.iter().enumerate() {
            memberships[place as usize].push((list.as_slice(), position, *weight));
        }
    }
    let mut related: Vec<Vec<PageId>> = vec![Vec::new(); tree.pages.len()];
    let by_place: Vec<Vec<PageId>> = (0..tree.pages.len())
        .into_par_iter()
        .map_init(
            || (vec![(0u16, 0f32); tree.pages.len()], Vec::<usize>::new()),
            |(scores, touched), own| {
                for &(list, position, weight) in &memberships[own] {
                    let start = position.saturating_sub(TERM_WINDOW / 2);
                    let end = (start + TERM_WINDOW).min(list.len());
                    for &other in &list[start..end] {
                        let other = other as usize;
                        if other == own {
                            continue;
                        }
                        let score = &mut scores[other];
                        if score.0 == 0 {
                            touched.push(other);
                        }
                        score.0 += 1;
                        score.1 += weight;
                    }
                }
                // One pass keeps the best few; most candidates fail the first comparison.
                let mut best: Vec<(u128, usize)> = Vec::with_capacity(config.count + 1);
                for &other in touched.iter() {
                    let key = ranking_key(scores[other], other as u32);
                    if best.len() == config.count
                        && best.last().is_some_and(|(worst, _)| key <= *worst)
                    {
                        continue;
                    }
                    let at = best.partition_point(|(better, _)| *better > key);
                    best.insert(at, (key, other));
                    best.truncate(config.count);
                }
                for other in touched.drain(..) {
                    scores[other] = (0, 0.0);
                }
                best.into_iter().map(|(_, other)| at_place[other]).collect()
            },
        )
        .collect();
    for (place, ranked) in by_place.into_iter().enumerate() {
        related[at_place[place].0 as usize] = ranked;
    }
    related
}

/// Orders candidates by shared terms, then rarity, then display order, as one
/// number: larger is better. The weight is never negative, so its bits sort
/// as the number does.
fn ranking_key((shared, weight): (u16, f32), place: u32) -> u128 {
    (u128::from(shared) << 64)
        | (u128::from(weight.max(0.0).to_bits()) << 32)
        | u128::from(u32::MAX - place)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use crate::content::LoadOptions;
    use std::fs;

    #[test]
    fn ranks_by_shared_terms_then_rarity() {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in [
            ("content/a.md", "---\ntitle: A\ntopics: [x, y, rare]\n---\n"),
            ("content/b.md", "---\ntitle: B\ntopics: [x, y]\n---\n"),
            ("content/c.md", "---\ntitle: C\ntopics: [rare]\n---\n"),
            ("content/d.md", "---\ntitle: D\ntopics: [x]\n---\n"),
            ("content/e.md", "---\ntitle: E\ntopics: [y]\n---\n"),
            ("content/f.md", "---\ntitle: F\ntopics: [unrelated]\n---\n"),
        ] {
            let full = dir.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, text).unwrap();
        }
        let config = Config::parse(
            "title: T\nbase_url: https://e.org\ntaxonomies: [topics]\n",
            &Overrides::default(),
        )
        .unwrap();
        let (tree, _) = ContentTree::load(dir.path(), &config, &LoadOptions::default());
        let (taxonomies, _) = Taxonomies::build(&config, &tree);
        let related = related_pages(
            &tree,
            &taxonomies,
            &RelatedConfig {
                count: 3,
                taxonomies: vec![],
            },
        );
        let titles = |id: usize| {
            related[id]
                .iter()
                .map(|p| tree.page(*p).front.title.as_str())
                .collect::<Vec<_>>()
        };
        let a = tree
            .pages
            .iter()
            .position(|p| p.front.title == "A")
            .unwrap();
        // B shares two terms; C shares the rarest; D and E share one common term each.
        assert_eq!(titles(a), ["B", "C", "D"]);
        let f = tree
            .pages
            .iter()
            .position(|p| p.front.title == "F")
            .unwrap();
        assert!(related[f].is_empty());
        let none = related_pages(
            &tree,
            &taxonomies,
            &RelatedConfig {
                count: 0,
                taxonomies: vec![],
            },
        );
        assert!(none.iter().all(Vec::is_empty));
    }
}
