//! Fixed-width bitsets stored in one flat arena: permission sets (resource x level) and action
//! sets. A set is an offset into the arena; all sets of one arena have the same width.

/// An arena of equal-width bitsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SetArena {
    words: usize,
    data: Vec<u64>,
}

/// A set in an arena (its index).
pub(crate) type SetId = u32;

impl SetArena {
    /// An arena of sets of `bits` bits.
    pub fn new(bits: usize) -> Self {
        SetArena {
            words: bits.div_ceil(64).max(1),
            data: Vec::new(),
        }
    }

    /// Adds a set, returning its id.
    pub fn push(&mut self, set: &[u64]) -> SetId {
        let id = self.len() as SetId;
        self.data.extend(
            set.iter()
                .copied()
                .chain(std::iter::repeat(0))
                .take(self.words),
        );
        id
    }

    pub fn len(&self) -> usize {
        self.data.len() / self.words
    }

    /// The bytes the sets take.
    pub fn bytes(&self) -> usize {
        self.data.len() * 8
    }

    /// The bytes one set takes.
    pub fn set_bytes(&self) -> usize {
        self.words * 8
    }

    /// The words of a set (empty for an unknown id).
    pub fn get(&self, id: SetId) -> &[u64] {
        let start = id as usize * self.words;
        self.data.get(start..start + self.words).unwrap_or(&[])
    }

    /// Whether set `id` has bit `bit`.
    #[inline]
    pub fn has(&self, id: SetId, bit: u32) -> bool {
        let i = id as usize * self.words + (bit as usize >> 6);
        self.data.get(i).is_some_and(|w| w >> (bit & 63) & 1 == 1)
    }
}

/// A free-standing bitset, for building sets before they enter an arena.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct Bits(pub Vec<u64>);

impl Bits {
    pub fn new(bits: usize) -> Self {
        Bits(vec![0; bits.div_ceil(64).max(1)])
    }
    #[inline]
    pub fn set(&mut self, bit: u32) {
        if let Some(w) = self.0.get_mut(bit as usize >> 6) {
            *w |= 1 << (bit & 63);
        }
    }
    #[inline]
    pub fn clear(&mut self, bit: u32) {
        if let Some(w) = self.0.get_mut(bit as usize >> 6) {
            *w &= !(1 << (bit & 63));
        }
    }
    #[inline]
    pub fn has(&self, bit: u32) -> bool {
        self.0
            .get(bit as usize >> 6)
            .is_some_and(|w| w >> (bit & 63) & 1 == 1)
    }
    pub fn union_with(&mut self, other: &[u64]) {
        for (a, b) in self.0.iter_mut().zip(other) {
            *a |= b;
        }
    }
    pub fn intersect_with(&mut self, other: &[u64]) {
        for (i, a) in self.0.iter_mut().enumerate() {
            *a &= other.get(i).copied().unwrap_or(0);
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
    /// The set bits, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        ones(&self.0)
    }
}

/// The set bits of a word slice, in increasing order.
pub(crate) fn ones(words: &[u64]) -> impl Iterator<Item = u32> + '_ {
    words.iter().enumerate().flat_map(|(i, &w)| {
        let mut w = w;
        std::iter::from_fn(move || {
            if w == 0 {
                return None;
            }
            let b = w.trailing_zeros();
            w &= w - 1;
            Some(i as u32 * 64 + b)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_in_an_arena_keep_their_bits() {
        let mut a = SetArena::new(130);
        let mut b = Bits::new(130);
        b.set(0);
        b.set(129);
        let id = a.push(&b.0);
        assert!(a.has(id, 0) && a.has(id, 129) && !a.has(id, 64));
        assert!(!a.has(id + 1, 0), "an unknown set is empty");
        assert_eq!(b.iter().collect::<Vec<_>>(), vec![0, 129]);
    }
}
