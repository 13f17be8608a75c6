//! Fuzz target: any request path through the dev server's resolver. It
//! never panics, and only ever answers with a file the site built.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use signposter::serve::{Files, Resolved, resolve};

fn files() -> &'static Files {
    static FILES: OnceLock<Files> = OnceLock::new();
    FILES.get_or_init(|| {
        [
            "index.html",
            "style.css",
            "guide/index.html",
            "guide/a/index.html",
            "news/page/2/index.html",
            "a b/index.html",
            "ünï/index.html",
        ]
        .into_iter()
        .map(|path| (path.to_string(), Arc::from(&b"x"[..])))
        .collect()
    })
}

fuzz_target!(|raw: &str| {
    match resolve(raw, files()) {
        Resolved::File(path) => {
            assert!(files().contains_key(&path), "{raw:?} -> {path:?}");
        }
        Resolved::Redirect(to) => assert!(
            to.starts_with('/') && !to.starts_with("//") && to.ends_with('/'),
            "{raw:?} -> {to:?}"
        ),
        Resolved::NotFound => {}
    }
});
