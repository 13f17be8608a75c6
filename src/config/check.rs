//! Settings for `signposter check` (the `check:` block of site.yml), and the
//! `disable:` list it shares with front matter: rules turned off, each with
//! the reason an editor gave.

use serde::Serialize;

use crate::checks::rules;
use crate::diagnostics::{Code, did_you_mean};
use crate::yaml::Fields;

/// A `check` rule turned off, and why.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct DisabledRule {
    pub code: Code,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckConfig {
    /// Rules turned off for the whole site.
    pub disabled: Vec<DisabledRule>,
    /// Pages due for review within this many days are flagged.
    pub review_due_within_days: i64,
    /// Pages scoring below this reading ease are flagged; `None` never flags.
    pub reading_ease_below: Option<f64>,
    pub external: ExternalConfig,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            disabled: Vec::new(),
            review_due_within_days: 30,
            reading_ease_below: None,
            external: ExternalConfig::default(),
        }
    }
}

/// How `check --external` treats other sites.
#[derive(Debug, Clone, Serialize)]
pub struct ExternalConfig {
    /// How long one request may take, in seconds.
    pub timeout_seconds: usize,
    /// At most this many requests a second to any one host.
    pub requests_per_second: f64,
    /// How long a link that worked is trusted without asking again, in hours.
    pub cache_hours: usize,
}

impl Default for ExternalConfig {
    fn default() -> Self {
        ExternalConfig {
            timeout_seconds: 10,
            requests_per_second: 2.0,
            cache_hours: 24,
        }
    }
}

const CHECK_KEYS: &[&str] = &[
    "disable",
    "review_due_within_days",
    "reading_ease_below",
    "external",
];
const EXTERNAL_KEYS: &[&str] = &["timeout_seconds", "requests_per_second", "cache_hours"];

/// Read the `check:` block of site.yml.
pub fn read_check(fields: &mut Fields<'_>) -> CheckConfig {
    let mut config = CheckConfig::default();
    let Some(mut check) = fields.child("check") else {
        return config;
    };
    config.disabled = read_disabled(&mut check);
    if let Some(days) = check.optional::<i64>("review_due_within_days") {
        if days < 0 {
            let diagnostic = check
                .value_diagnostic(
                    "review_due_within_days",
                    Code::InvalidValue,
                    "`review_due_within_days` cannot be negative".into(),
                )
                .hint("use a number of days, e.g. `review_due_within_days: 30`");
            check.report(diagnostic);
        } else {
            config.review_due_within_days = days;
        }
    }
    config.reading_ease_below = check.optional::<f64>("reading_ease_below");
    if let Some(mut external) = check.child("external") {
        if let Some(timeout) = external.optional("timeout_seconds") {
            config.external.timeout_seconds = timeout;
        }
        if let Some(rate) = external.optional::<f64>("requests_per_second") {
            if rate > 0.0 {
                config.external.requests_per_second = rate;
            } else {
                let diagnostic = external
                    .value_diagnostic(
                        "requests_per_second",
                        Code::InvalidValue,
                        "`requests_per_second` must be more than 0".into(),
                    )
                    .hint(
                        "e.g. `requests_per_second: 2`, or 0.5 for one request every two seconds",
                    );
                external.report(diagnostic);
            }
        }
        if let Some(hours) = external.optional("cache_hours") {
            config.external.cache_hours = hours;
        }
        external.reject_unknown(EXTERNAL_KEYS, "`check.external`");
        check.adopt(external);
    }
    check.reject_unknown(CHECK_KEYS, "`check`");
    fields.adopt(check);
    config
}

/// Read a `disable:` mapping of rule ids to reasons, from site.yml's `check:`
/// block or from a page's `check:` front matter.
pub fn read_disabled(fields: &mut Fields<'_>) -> Vec<DisabledRule> {
    let Some(mut disable) = fields.child("disable") else {
        return Vec::new();
    };
    let mut disabled = Vec::new();
    let known = rules::ids();
    for (id, _) in disable.remaining() {
        // `rule:` with nothing after it is a rule turned off without a reason.
        let reason = if disable.contains(&id) {
            disable.optional::<String>(&id)
        } else {
            disable.mark_taken(&id);
            Some(String::new())
        };
        let Some(rule) = rules::by_id(&id) else {
            let diagnostic = match Code::from_id(&id) {
                Some(_) => disable
                    .key_diagnostic(
                        &id,
                        Code::CheckConfig,
                        format!("`{id}` is a build error, which cannot be turned off"),
                    )
                    .hint("fix what it reports; only the rules of `signposter check` can be turned off"),
                None => disable
                    .key_diagnostic(
                        &id,
                        Code::CheckConfig,
                        format!("`{id}` is not a rule of `signposter check`"),
                    )
                    .hint(did_you_mean(&id, &known)),
            };
            disable.report(diagnostic);
            continue;
        };
        match reason.map(|r| r.trim().to_string()) {
            Some(reason) if !reason.is_empty() => disabled.push(DisabledRule {
                code: rule.code,
                reason,
            }),
            Some(_) => {
                let diagnostic = disable
                    .value_diagnostic(
                        &id,
                        Code::CheckConfig,
                        format!("turning off `{id}` needs a reason"),
                    )
                    .hint(format!(
                        "say why, so the next editor knows, e.g. `{id}: \"the organisation's name is the link text\"`"
                    ));
                disable.report(diagnostic);
            }
            // A reason of the wrong type was reported by the reader.
            None => {}
        }
    }
    fields.adopt(disable);
    disabled
}

/// The keys a `check:` block in front matter may hold.
pub const FRONT_MATTER_CHECK_KEYS: &[&str] = &["disable"];
