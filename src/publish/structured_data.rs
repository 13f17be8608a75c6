//! JSON-LD for search engines: a schema.org description of each page plus its
//! breadcrumb trail, built from well-known front matter field names.
//!
//! The type comes from the page's `structured_data`, else its schema's, else
//! `WebPage`. Fields used when present: `last_reviewed`, `reviewed_by`
//! (MedicalWebPage); `authors`, `year`, `published_in`, `doi`, `source_url`,
//! `study_title` (Article about a ScholarlyArticle); `provider`, `url`,
//! `location`, and the `formats`, `costs` and `audiences` taxonomies (Event,
//! Organization).

use serde_json::{Map, Value, json};

use crate::config::{Config, StructuredDataType};
use crate::content::FrontMatter;

/// A page or section to describe.
pub struct Subject<'a> {
    pub front: &'a FrontMatter,
    pub permalink: &'a str,
    pub kind: StructuredDataType,
    /// The breadcrumb trail, home first, as (name, permalink), ending with this page.
    pub trail: Vec<(&'a str, String)>,
}

/// The JSON-LD document for a page, safe to place inside `<script>`.
pub fn json_ld(config: &Config, subject: &Subject<'_>) -> String {
    let mut graph = vec![main_entity(config, subject)];
    if subject.trail.len() > 1 {
        graph.push(breadcrumbs(&subject.trail));
    }
    let document = json!({ "@context": "https://schema.org", "@graph": graph });
    crate::templates::script_safe_json(&document.to_string())
}

fn main_entity(config: &Config, subject: &Subject<'_>) -> Value {
    let front = subject.front;
    let field = |name: &str| front.fields.get(name).and_then(Value::as_str);
    let mut entity = Map::new();
    let type_name = match subject.kind {
        StructuredDataType::WebPage => "WebPage",
        StructuredDataType::MedicalWebPage => "MedicalWebPage",
        StructuredDataType::Article => "Article",
        StructuredDataType::Organization => "Organization",
        StructuredDataType::Event => "Event",
    };
    entity.insert("@type".into(), json!(type_name));
    entity.insert("@id".into(), json!(format!("{}#main", subject.permalink)));
    entity.insert("url".into(), json!(subject.permalink));
    entity.insert("name".into(), json!(front.title));
    if let Some(description) = &front.description {
        entity.insert("description".into(), json!(description));
    }
    let publisher = config
        .extra
        .get("publisher")
        .and_then(Value::as_str)
        .unwrap_or(&config.title);
    let keywords: Vec<&str> = front.terms("topics").iter().map(String::as_str).collect();

    match subject.kind {
        StructuredDataType::WebPage
        | StructuredDataType::MedicalWebPage
        | StructuredDataType::Article => {
            entity.insert("inLanguage".into(), json!(config.language));
            entity.insert("isPartOf".into(), json!({ "@type": "WebSite", "name": config.title, "url": config.base_url.as_str() }));
            if let Some(date) = front.date {
                entity.insert("datePublished".into(), json!(date.to_string()));
            }
            if let Some(updated) = front.updated.or(front.date) {
                entity.insert("dateModified".into(), json!(updated.to_string()));
            }
            if !keywords.is_empty() {
                entity.insert("keywords".into(), json!(keywords.join(", ")));
            }
        }
        _ => {}
    }

    match subject.kind {
        StructuredDataType::WebPage => {}
        StructuredDataType::MedicalWebPage => {
            if let Some(reviewed) = field("last_reviewed") {
                entity.insert("lastReviewed".into(), json!(reviewed));
            }
            if let Some(reviewer) = field("reviewed_by") {
                entity.insert(
                    "reviewedBy".into(),
                    json!({ "@type": "Organization", "name": reviewer }),
                );
            }
            entity.insert(
                "medicalAudience".into(),
                json!({ "@type": "MedicalAudience", "audienceType": "Clinician" }),
            );
        }
        StructuredDataType::Article => {
            entity.insert("headline".into(), json!(front.title));
            entity.insert(
                "publisher".into(),
                json!({ "@type": "Organization", "name": publisher }),
            );
            entity.insert(
                "author".into(),
                json!({ "@type": "Organization", "name": publisher }),
            );
            entity.insert("about".into(), scholarly_article(front));
        }
        StructuredDataType::Event => {
            let formats = front.terms("formats");
            let online = formats.iter().any(|f| f == "online");
            let in_person = formats.iter().any(|f| f == "face-to-face");
            let mode = if formats.iter().any(|f| f == "hybrid") || (online && in_person) {
                Some("MixedEventAttendanceMode")
            } else if online {
                Some("OnlineEventAttendanceMode")
            } else if in_person {
                Some("OfflineEventAttendanceMode")
            } else {
                None
            };
            if let Some(mode) = mode {
                entity.insert(
                    "eventAttendanceMode".into(),
                    json!(format!("https://schema.org/{mode}")),
                );
            }
            let mut locations = Vec::new();
            if online || mode == Some("MixedEventAttendanceMode") {
                locations.push(json!({ "@type": "VirtualLocation", "url": field("url").unwrap_or(subject.permalink) }));
            }
            if in_person || mode == Some("MixedEventAttendanceMode") {
                locations.push(json!({ "@type": "Place", "name": field("location").unwrap_or("See the organiser's details") }));
            }
            if !locations.is_empty() {
                entity.insert("location".into(), Value::Array(locations));
            }
            insert_cost(&mut entity, front);
            insert_provider(&mut entity, "organizer", field("provider"), field("url"));
            insert_audience(&mut entity, front);
        }
        StructuredDataType::Organization => {
            if let Some(provider) = field("provider") {
                entity.insert("name".into(), json!(provider));
            }
            if let Some(url) = field("url") {
                entity.insert("url".into(), json!(url));
            }
            entity.insert("mainEntityOfPage".into(), json!(subject.permalink));
            insert_audience(&mut entity, front);
        }
    }
    Value::Object(entity)
}

fn scholarly_article(front: &FrontMatter) -> Value {
    let field = |name: &str| front.fields.get(name);
    let mut study = Map::new();
    study.insert("@type".into(), json!("ScholarlyArticle"));
    let name = field("study_title")
        .and_then(Value::as_str)
        .unwrap_or(&front.title);
    study.insert("name".into(), json!(name));
    if let Some(Value::Array(authors)) = field("authors") {
        let people: Vec<Value> = authors
            .iter()
            .filter_map(Value::as_str)
            .map(|a| json!({ "@type": "Person", "name": a }))
            .collect();
        study.insert("author".into(), Value::Array(people));
    }
    if let Some(year) = field("year").and_then(Value::as_i64) {
        study.insert("datePublished".into(), json!(year.to_string()));
    }
    if let Some(journal) = field("published_in").and_then(Value::as_str) {
        study.insert(
            "isPartOf".into(),
            json!({ "@type": "Periodical", "name": journal }),
        );
    }
    if let Some(doi) = field("doi").and_then(Value::as_str) {
        study.insert(
            "identifier".into(),
            json!({ "@type": "PropertyValue", "propertyID": "DOI", "value": doi }),
        );
        study.insert("url".into(), json!(format!("https://doi.org/{doi}")));
    } else if let Some(source) = field("source_url").and_then(Value::as_str) {
        study.insert("url".into(), json!(source));
    }
    Value::Object(study)
}

fn insert_cost(entity: &mut Map<String, Value>, front: &FrontMatter) {
    let costs = front.terms("costs");
    let free = costs.iter().any(|c| c == "free");
    let paid = costs.iter().any(|c| c == "paid");
    if free != paid {
        entity.insert("isAccessibleForFree".into(), json!(free));
    }
}

fn insert_provider(
    entity: &mut Map<String, Value>,
    key: &str,
    provider: Option<&str>,
    url: Option<&str>,
) {
    if let Some(provider) = provider {
        let mut organisation = json!({ "@type": "Organization", "name": provider });
        if let Some(url) = url {
            organisation["url"] = json!(url);
        }
        entity.insert(key.into(), organisation);
    }
}

fn insert_audience(entity: &mut Map<String, Value>, front: &FrontMatter) {
    let audiences = front.terms("audiences");
    if !audiences.is_empty() {
        entity.insert(
            "audience".into(),
            json!({ "@type": "Audience", "audienceType": audiences.join(", ") }),
        );
    }
}

fn breadcrumbs(trail: &[(&str, String)]) -> Value {
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(i, (name, url))| json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": url }))
        .collect();
    json!({ "@type": "BreadcrumbList", "itemListElement": items })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    fn config() -> Config {
        Config::parse(
            "title: Site\nbase_url: https://s.org\ntaxonomies: [formats, costs, audiences]\n",
            &Overrides::default(),
        )
        .unwrap()
    }

    fn front(title: &str) -> FrontMatter {
        FrontMatter {
            title: title.into(),
            ..FrontMatter::default()
        }
    }

    fn parse(config: &Config, subject: &Subject<'_>) -> Value {
        serde_json::from_str(&json_ld(config, subject)).unwrap()
    }

    #[test]
    fn medical_web_page_with_review_and_breadcrumbs() {
        let mut front = front("Interpreters");
        front
            .fields
            .insert("last_reviewed".into(), json!("2026-11-16"));
        front
            .fields
            .insert("reviewed_by".into(), json!("Editorial team"));
        let subject = Subject {
            front: &front,
            permalink: "https://s.org/guide/interpreters/",
            kind: StructuredDataType::MedicalWebPage,
            trail: vec![
                ("Home", "https://s.org/".into()),
                ("Interpreters", "https://s.org/guide/interpreters/".into()),
            ],
        };
        let value = parse(&config(), &subject);
        let main = &value["@graph"][0];
        assert_eq!(main["@type"], "MedicalWebPage");
        assert_eq!(main["lastReviewed"], "2026-11-16");
        assert_eq!(main["reviewedBy"]["name"], "Editorial team");
        assert_eq!(main["medicalAudience"]["audienceType"], "Clinician");
        assert_eq!(value["@graph"][1]["itemListElement"][1]["position"], 2);
    }

    #[test]
    fn event_modes_and_cost_follow_the_taxonomies() {
        let mut front = front("Group");
        front.taxonomies = vec![
            (
                "formats".into(),
                vec!["online".into(), "face-to-face".into()],
            ),
            ("costs".into(), vec!["free".into()]),
        ];
        front
            .fields
            .insert("provider".into(), json!("The Balint Society"));
        let subject = Subject {
            front: &front,
            permalink: "https://s.org/g/",
            kind: StructuredDataType::Event,
            trail: vec![],
        };
        let value = parse(&config(), &subject);
        let main = &value["@graph"][0];
        assert_eq!(
            main["eventAttendanceMode"],
            "https://schema.org/MixedEventAttendanceMode"
        );
        assert_eq!(main["isAccessibleForFree"], true);
        assert_eq!(main["organizer"]["name"], "The Balint Society");
        assert_eq!(main["location"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn article_is_about_the_study_with_its_doi() {
        let mut front = front("Summary");
        front
            .fields
            .insert("doi".into(), json!("10.1192/bjo.2025.1"));
        front
            .fields
            .insert("authors".into(), json!(["A One", "B Two"]));
        let subject = Subject {
            front: &front,
            permalink: "https://s.org/r/",
            kind: StructuredDataType::Article,
            trail: vec![],
        };
        let value = parse(&config(), &subject);
        let about = &value["@graph"][0]["about"];
        assert_eq!(about["@type"], "ScholarlyArticle");
        assert_eq!(about["identifier"]["value"], "10.1192/bjo.2025.1");
        assert_eq!(about["author"][1]["name"], "B Two");
    }

    #[test]
    fn a_script_tag_in_a_title_cannot_end_the_script() {
        let front = front("</script><script>alert(1)</script>");
        let subject = Subject {
            front: &front,
            permalink: "https://s.org/x/",
            kind: StructuredDataType::WebPage,
            trail: vec![],
        };
        let text = json_ld(&config(), &subject);
        assert!(!text.contains("</script>"));
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value["@graph"][0]["name"],
            "</script><script>alert(1)</script>"
        );
    }
}
