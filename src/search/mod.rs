//! Site search that works from static files: an index built during every
//! build (and kept current by `serve`), split into small files so a query
//! downloads only what it needs, and the model of how the browser script
//! answers a query.
//!
//! ```text
//! each page ──► tokens (split, stop words, stem) ──► index::Entry (weighted terms, result fragment)
//! entries ──► index::SearchIndex (postings, chunks cut by term) ──► encode (files under search/)
//! query ──► query::run (same steps as themes/default/static/search.js)
//! ```

pub mod encode;
pub mod index;
pub mod query;
pub mod tokens;

pub use index::{Document, Entry, SearchFile, SearchIndex};
