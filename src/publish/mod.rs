//! What a published site carries beyond its pages: taxonomy term pages,
//! related pages, backlinks, Atom feeds, the sitemap, robots.txt and
//! structured data for search engines.

pub mod backlinks;
pub mod feed;
pub mod related;
pub mod sitemap;
pub mod structured_data;
pub mod taxonomy;

pub use backlinks::Backlinks;
pub use taxonomy::{Taxonomies, Taxonomy, Term};
