//! Names and interning: the policy name rule of SPEC section 1 and a string-to-dense-id map.

use crate::limits;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// `[a-z][a-z0-9_]*`, at most [`limits::MAX_NAME_LEN`] bytes.
pub fn is_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= limits::MAX_NAME_LEN
        && b.first().is_some_and(u8::is_ascii_lowercase)
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

/// A directory id: non-empty, at most [`limits::MAX_ID_LEN`] bytes, no control characters.
pub fn is_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= limits::MAX_ID_LEN && !s.chars().any(char::is_control)
}

/// Interns names to dense ids, remembering insertion order. Each name is stored once, in one
/// text for all of them (no allocation per name): the table holds ids and hashes the names they
/// index (a directory of a million subjects would otherwise keep every name twice).
#[derive(Clone, Default)]
pub(crate) struct IdMap {
    table: HashTable<u32>,
    /// Every name, one after another.
    text: String,
    /// Where each id's name is in `text`: its start and length.
    spans: Vec<(usize, usize)>,
    hasher: foldhash::fast::RandomState,
}

impl std::fmt::Debug for IdMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl IdMap {
    /// Maps `name` to `id` (the name at `id` becomes `name`).
    pub fn insert(&mut self, name: &str, id: u32) {
        if self.spans.len() <= id as usize {
            self.spans.resize(id as usize + 1, (0, 0));
        }
        let hash = self.hasher.hash_one(name);
        let (text, spans) = (&self.text, &self.spans);
        match self
            .table
            .find_mut(hash, |&i| name_at(text, spans, i) == name)
        {
            Some(slot) => *slot = id,
            None => {
                let hasher = &self.hasher;
                self.table
                    .insert_unique(hash, id, |&i| hasher.hash_one(name_at(text, spans, i)));
            }
        }
        if name_at(&self.text, &self.spans, id) != name {
            let span = (self.text.len(), name.len());
            self.text.push_str(name);
            if let Some(s) = self.spans.get_mut(id as usize) {
                *s = span;
            }
        }
    }

    /// Interns `name`, returning its id (new ids are dense and increasing).
    pub fn intern(&mut self, name: &str) -> u32 {
        let hash = self.hasher.hash_one(name);
        let (text, spans) = (&self.text, &self.spans);
        if let Some(id) = self.table.find(hash, |&i| name_at(text, spans, i) == name) {
            return *id;
        }
        let id = self.spans.len() as u32;
        let hasher = &self.hasher;
        self.table
            .insert_unique(hash, id, |&i| hasher.hash_one(name_at(text, spans, i)));
        self.spans.push((self.text.len(), name.len()));
        self.text.push_str(name);
        id
    }

    #[inline]
    pub fn get(&self, name: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(name);
        self.table
            .find(hash, |&i| name_at(&self.text, &self.spans, i) == name)
            .copied()
    }

    pub fn name(&self, id: u32) -> &str {
        name_at(&self.text, &self.spans, id)
    }

    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.spans
            .iter()
            .map(|&(start, len)| span_at(&self.text, start, len))
    }

    /// The number of ids (the next id [`IdMap::intern`] gives).
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

fn name_at<'a>(text: &'a str, spans: &[(usize, usize)], id: u32) -> &'a str {
    spans
        .get(id as usize)
        .map_or("", |&(start, len)| span_at(text, start, len))
}

fn span_at(text: &str, start: usize, len: usize) -> &str {
    text.get(start..start.saturating_add(len)).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_names_keep_their_ids_and_insert_rebinds() {
        let mut m = IdMap::default();
        let names = ["org", "acme", "", "acme-cl", "ñandú"];
        for (i, n) in names.iter().enumerate() {
            assert_eq!(m.intern(n), i as u32);
        }
        for (i, n) in names.iter().enumerate() {
            assert_eq!(m.intern(n), i as u32);
            assert_eq!(m.get(n), Some(i as u32));
            assert_eq!(m.name(i as u32), *n);
        }
        assert_eq!(m.names().collect::<Vec<_>>(), names);
        assert_eq!((m.get("acm"), m.name(99)), (None, ""));
        // Past the end: the ids between are empty names.
        m.insert("late", 7);
        assert_eq!(
            (m.len(), m.get("late"), m.name(7), m.name(6)),
            (8, Some(7), "late", "")
        );
        // A known name given another id: the name now finds that id.
        m.insert("org", 6);
        assert_eq!((m.get("org"), m.name(6)), (Some(6), "org"));
        // Many names: the table grows and still finds each.
        for i in 0..10_000 {
            m.intern(&format!("user-{i}"));
        }
        assert_eq!(m.get("user-9999"), Some(8 + 9999));
        assert_eq!(m.name(8 + 5000), "user-5000");
    }

    #[test]
    fn names_follow_the_spec_rule() {
        assert!(is_name("api_keys") && is_name("a1"));
        assert!(
            !is_name("Api") && !is_name("1a") && !is_name("a-b") && !is_name("") && !is_name("a.b")
        );
    }
}
