//! The policy's identity: its document and the hash of its canonical form (SHA-256 of JSON
//! with sorted keys and no insignificant white space), computed on first use.

use crate::model::PolicyDoc;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// A policy's document and its hash, shared by the policy's clones and by every directory
/// compiled for it. The hash is computed on first use: it stamps snapshots and matches a
/// directory to another `Policy` value, and a load rarely needs it. Computing it at parse time
/// was a third of a cold first parse in WebAssembly (the code V8 compiles for it on first run).
#[derive(Debug)]
pub(crate) struct PolicyIdentity {
    doc: PolicyDoc,
    hash: OnceLock<String>,
}

impl PolicyIdentity {
    pub(crate) fn new(doc: PolicyDoc) -> Self {
        PolicyIdentity {
            doc,
            hash: OnceLock::new(),
        }
    }

    pub(crate) fn doc(&self) -> &PolicyDoc {
        &self.doc
    }

    pub(crate) fn hash(&self) -> &str {
        self.hash.get_or_init(|| hash_doc(&self.doc))
    }

    /// The canonical JSON form: the text the hash is taken of.
    pub(crate) fn canonical(&self) -> String {
        canonical_text(&self.doc)
    }
}

/// The canonical JSON form: object keys sorted, no insignificant white space.
fn canonical_text<T: serde::Serialize>(doc: &T) -> String {
    let value = serde_json::to_value(doc).unwrap_or(serde_json::Value::Null);
    let mut out = String::new();
    canonical_json(&value, &mut out);
    out
}

/// SHA-256 (hex) of the canonical JSON form.
fn hash_doc<T: serde::Serialize>(doc: &T) -> String {
    let digest = Sha256::digest(canonical_text(doc).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn canonical_json(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sorting::sort(&mut keys);
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                if let Some(x) = m.get(*k) {
                    canonical_json(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use crate::directory::Directory;
    use crate::error::ErrorCode;
    use crate::eval::Evaluator;
    use crate::policy::Policy;
    use std::sync::Arc;

    #[test]
    fn the_hash_is_computed_on_first_use_and_still_matches_directories() {
        let text = "rolecall: 1\nresources: { a: {} }\nactions: { a.x: { requires: a:view } }\n";
        let other = "rolecall: 1\nresources: { b: {} }\nactions: { b.x: { requires: b:view } }\n";
        let dir = "scopes: [{ id: org }]\n";
        let parsed = [
            Policy::parse(text),
            Policy::parse(text),
            Policy::parse(other),
        ];
        let [Ok(p), Ok(same), Ok(q)] = parsed else {
            return assert!(parsed.iter().all(Result::is_ok), "the test policies parse");
        };
        let p = Arc::new(p);
        // A load (policy, directory, evaluator) never needs the hash.
        let d = Directory::parse(&p, dir);
        let ev = d.map(|d| Evaluator::new(Arc::clone(&p), d));
        assert!(matches!(ev, Ok(Ok(_))));
        assert!(
            p.identity.hash.get().is_none(),
            "the hash was computed by a load"
        );
        // An equal policy parsed separately matches by hash; another policy does not.
        let for_same =
            Directory::parse(&same, dir).map(|d| Evaluator::new(Arc::clone(&p), d).is_ok());
        assert_eq!(for_same.ok(), Some(true));
        let for_other = Directory::parse(&q, dir)
            .map(|d| Evaluator::new(Arc::clone(&p), d).map_err(|e| e.code));
        assert!(matches!(for_other, Ok(Err(ErrorCode::PolicyMismatch))));
        assert_eq!(p.hash(), same.hash());
        assert_ne!(p.hash(), q.hash());
        assert_eq!(p.hash().len(), 64);
    }

    #[test]
    #[cfg(feature = "yaml")]
    fn the_canonical_json_parses_back_to_the_same_policy_and_hash() {
        let yaml = include_str!("../../../../examples/policies/payments/policy.yaml");
        let Ok(p) = Policy::parse(yaml) else {
            return assert!(Policy::parse(yaml).is_ok(), "the example policy parses");
        };
        let json = p.canonical_json();
        assert!(json.starts_with('{') && !json.contains('\n'));
        let again = Policy::parse(&json).map(|q| (q.hash().to_owned(), q.canonical_json()));
        assert_eq!(again.ok(), Some((p.hash().to_owned(), json)));
    }
}
