//! Finding keys in policy text without parsing it: where a top-level key or an entry of a
//! top-level map is declared, for lint warnings and for telling test files apart. A text search,
//! good for the usual YAML and JSON layouts; it answers `None` rather than guess.

use rolecall::Location;

/// The byte offset just after the top-level key `section`: a YAML line starting with
/// `section:`, or a JSON key `"section"` at depth 1.
pub fn top_level_key(text: &str, section: &str) -> Option<usize> {
    if text.trim_start().starts_with('{') {
        return json_top_level_key(text, section);
    }
    let yaml = format!("{section}:");
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(&yaml) {
            return Some(offset + yaml.len());
        }
        offset += line.len();
    }
    None
}

fn json_top_level_key(text: &str, key: &str) -> Option<usize> {
    let needle = format!("\"{key}\"");
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth = depth.saturating_sub(1),
            '"' if depth == 1 && text.get(i..).is_some_and(|r| r.starts_with(&needle)) => {
                return Some(i + needle.len());
            }
            '"' => in_string = true,
            _ => {}
        }
    }
    None
}

/// Where `key` is declared under the top-level `section`: the first `key:` (YAML) or `"key":`
/// (JSON) after the section starts. A text search, good for the usual layouts; `None` when not
/// found.
pub fn locate_key(text: &str, section: &str, key: &str) -> Option<Location> {
    let start = top_level_key(text, section)?;
    let rest = text.get(start..)?;
    let quoted = format!("\"{key}\"");
    let json = rest
        .match_indices(quoted.as_str())
        .find(|(i, _)| {
            rest.get(i + quoted.len()..)
                .is_some_and(|after| after.trim_start().starts_with(':'))
        })
        .map(|(i, _)| i);
    let plain = format!("{key}:");
    let yaml = rest
        .match_indices(plain.as_str())
        .find(|(i, _)| {
            let after = rest.get(i + plain.len()..).unwrap_or("");
            word_start(rest, *i) && after.chars().next().is_none_or(char::is_whitespace)
        })
        .map(|(i, _)| i);
    let at = start + json.into_iter().chain(yaml).min()?;
    let before = text.get(..at)?;
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text.get(line_start..at)?.chars().count() + 1;
    Some(Location { line, column })
}

fn word_start(s: &str, i: usize) -> bool {
    s.get(..i)
        .and_then(|b| b.chars().last())
        .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Option<Location> {
        Some(Location { line, column })
    }

    #[test]
    fn a_yaml_block_key_is_found_under_its_section_only() {
        let text = "roles:\n  viewer: {}\nresources:\n  viewer: {}\n";
        assert_eq!(locate_key(text, "resources", "viewer"), at(4, 3));
        assert_eq!(locate_key(text, "roles", "viewer"), at(2, 3));
    }

    #[test]
    fn a_yaml_value_that_merely_mentions_the_name_is_not_its_declaration() {
        let text = "roles:\n  ops: { includes: [viewer] }\n  viewer: {}\n";
        assert_eq!(locate_key(text, "roles", "viewer"), at(3, 3));
    }

    #[test]
    fn a_permission_is_not_mistaken_for_a_resource_key() {
        let text = "resources:\n  a: { label: \"refunds:view\" }\n  refunds: {}\n";
        assert_eq!(locate_key(text, "resources", "refunds"), at(3, 3));
    }

    #[test]
    fn a_json_key_is_found_and_an_included_name_skipped() {
        let text = "{\n  \"roles\": {\n    \"ops\": { \"includes\": [\"viewer\"] },\n    \"viewer\": {}\n  }\n}\n";
        assert_eq!(locate_key(text, "roles", "viewer"), at(4, 5));
    }

    #[test]
    fn a_json_top_level_key_ignores_nested_keys_of_the_same_name() {
        let text = r#"{ "resources": { "a": { "levels": ["view"] } }, "rolecall": 1 }"#;
        assert_eq!(top_level_key(text, "levels"), None);
        assert!(top_level_key(text, "rolecall").is_some());
    }

    #[test]
    fn a_yaml_top_level_key_must_start_its_line() {
        assert!(top_level_key("cases:\n  - {}\n", "cases").is_some());
        assert!(top_level_key("x:\n  cases: []\n", "cases").is_none());
    }
}
