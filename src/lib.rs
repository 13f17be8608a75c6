//! signposter: a static site generator for resource websites.
//!
//! The pipeline, one folder per stage:
//!
//! 1. [`config`] reads `site.yml`.
//! 2. [`content`] walks `content/`, reads front matter and builds the section tree.
//! 3. [`markdown`] renders each body to HTML, rewriting and recording links.
//! 4. [`templates`] wraps pages in the theme's Tera templates.
//! 5. [`links`] checks every internal link and anchor against what was built.
//! 6. [`output`] writes to a staging folder and swaps it into place.
//!
//! [`serve`] keeps a site in memory for editors: it serves, watches and rebuilds.
//! [`checks`] is `signposter check`, the editorial linter.
//! [`search`] builds the static search index the default theme's search uses.
//! [`progress`] shows a long build's phases as they run.
//! [`init`] writes a new site from the starter files for `signposter init`.
//! [`pack`] holds text compressed while a one-off build waits to write it.
//!
//! [`site::Site`] drives the stages; [`diagnostics`] is how each reports problems.

// A `Diagnostic` carries a location, source line and hint, so it is large; it
// is only ever built on the failure path, where its size costs nothing.
#![allow(clippy::result_large_err)]

pub mod checks;
pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod fingerprint;
pub mod html;
pub mod init;
pub mod links;
pub mod markdown;
pub mod output;
pub mod pack;
pub mod progress;
pub mod publish;
pub mod search;
pub mod serve;
pub mod site;
pub mod templates;
pub mod text;
pub mod yaml;
