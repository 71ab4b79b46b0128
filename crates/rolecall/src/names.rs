//! Names and interning: the policy name rule of SPEC section 1 and a string-to-dense-id map.

use crate::limits;
use std::collections::HashMap;

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

/// Interns names to dense ids, remembering insertion order.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdMap {
    map: HashMap<String, u32, foldhash::fast::RandomState>,
    names: Vec<String>,
}

impl IdMap {
    pub fn insert(&mut self, name: &str, id: u32) {
        self.map.insert(name.to_owned(), id);
        if self.names.len() <= id as usize {
            self.names.resize(id as usize + 1, String::new());
        }
        if let Some(n) = self.names.get_mut(id as usize) {
            *n = name.to_owned();
        }
    }

    /// Interns `name`, returning its id (new ids are dense and increasing).
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.map.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.insert(name, id);
        id
    }

    #[inline]
    pub fn get(&self, name: &str) -> Option<u32> {
        self.map.get(name).copied()
    }

    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }

    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }
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
