//! Turning titles and file names into URL segments.

/// Lower-case letters and digits joined by single hyphens: "Balint Groups!" → "balint-groups".
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.extend(c.to_lowercase());
        } else if c == '\'' || c == '\u{2019}' {
            // "Doctor's" reads better as "doctors" than "doctor-s".
        } else {
            pending_hyphen = true;
        }
    }
    slug
}

/// Why an editor-supplied slug cannot be used, if it cannot.
pub fn check_slug(slug: &str) -> Result<String, String> {
    if slug.contains(['/', '\\']) || slug.split('.').all(str::is_empty) || slug.contains("..") {
        return Err(format!("slug `{slug}` may not contain `/`, `\\` or `..`"));
    }
    let clean = slugify(slug);
    if clean.is_empty() {
        return Err(format!("slug `{slug}` has no letters or digits"));
    }
    Ok(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Balint Groups!"), "balint-groups");
        assert_eq!(slugify("  Doctors' notes -- 2025 "), "doctors-notes-2025");
        assert_eq!(slugify("Café Überblick"), "café-überblick");
        assert_eq!(slugify("BBV & STI screening"), "bbv-sti-screening");
    }

    #[test]
    fn unsafe_slugs_are_refused() {
        assert!(check_slug("../../etc").is_err());
        assert!(check_slug("a/b").is_err());
        assert!(check_slug("..").is_err());
        assert!(check_slug("!!!").is_err());
        assert_eq!(check_slug("My Page").unwrap(), "my-page");
    }
}
