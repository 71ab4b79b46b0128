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

/// Interns names to dense ids, remembering insertion order. Each name is stored once: the
/// table holds ids and hashes the names they index (a directory of a million subjects would
/// otherwise keep every name twice).
#[derive(Clone, Default)]
pub(crate) struct IdMap {
    table: HashTable<u32>,
    names: Vec<Box<str>>,
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
        if self.names.len() <= id as usize {
            self.names.resize(id as usize + 1, Box::default());
        }
        let hash = self.hasher.hash_one(name);
        let names = &self.names;
        match self.table.find_mut(hash, |&i| name_at(names, i) == name) {
            Some(slot) => *slot = id,
            None => {
                let hasher = &self.hasher;
                self.table
                    .insert_unique(hash, id, |&i| hasher.hash_one(name_at(names, i)));
            }
        }
        if let Some(n) = self.names.get_mut(id as usize) {
            *n = name.into();
        }
    }

    /// Interns `name`, returning its id (new ids are dense and increasing).
    pub fn intern(&mut self, name: &str) -> u32 {
        let hash = self.hasher.hash_one(name);
        let names = &self.names;
        if let Some(id) = self.table.find(hash, |&i| name_at(names, i) == name) {
            return *id;
        }
        let id = self.names.len() as u32;
        let hasher = &self.hasher;
        self.table
            .insert_unique(hash, id, |&i| hasher.hash_one(name_at(names, i)));
        self.names.push(name.into());
        id
    }

    #[inline]
    pub fn get(&self, name: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(name);
        self.table
            .find(hash, |&i| name_at(&self.names, i) == name)
            .copied()
    }

    pub fn name(&self, id: u32) -> &str {
        name_at(&self.names, id)
    }

    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.names.iter().map(|n| &**n)
    }

    /// The number of ids (the next id [`IdMap::intern`] gives).
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

fn name_at(names: &[Box<str>], id: u32) -> &str {
    names.get(id as usize).map_or("", |n| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_spec_rule() {
        assert!(is_name("api_keys") && is_name("a1"));
        assert!(
            !is_name("Api") && !is_name("1a") && !is_name("a-b") && !is_name("") && !is_name("a.b")
        );
    }
}
