//! Sorting with one compiled copy of std's sort. std's sorts are generic over the element type
//! and the comparator, and each copy is 5 to 7 KB of WebAssembly: the core's eleven of them were
//! the browser module's largest single cost after its own code (bench/results.md, "Module
//! size"). Here a short slice is sorted in place by insertion (a few hundred bytes per use), and
//! a longer one through one non-generic sort of indexes with the comparator behind `dyn`,
//! followed by an in-place permutation. Every sort is stable.

use std::cmp::Ordering;

/// Up to this length, insertion sort: the per-assignment sorts (a context's dimensions, an
/// assignment's `except`) hold a few elements, and stay allocation-free.
const SHORT: usize = 16;

/// Sorts `v` stably by `cmp`.
pub(crate) fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() <= SHORT {
        insertion(v, &mut cmp);
        return;
    }
    let order = {
        let s: &[T] = v;
        order(s.len(), &mut |a, b| match (s.get(a), s.get(b)) {
            (Some(x), Some(y)) => cmp(x, y),
            _ => Ordering::Equal,
        })
    };
    permute(&order, &mut |a, b| v.swap(a, b));
}

/// Sorts `v` stably by its order.
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Sorts `v` stably by a key.
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

fn insertion<T>(v: &mut [T], cmp: &mut impl FnMut(&T, &T) -> Ordering) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 {
            let after = match (v.get(j - 1), v.get(j)) {
                (Some(x), Some(y)) => cmp(x, y) == Ordering::Greater,
                _ => false,
            };
            if !after {
                break;
            }
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The one copy of std's (stable) sort: the indexes `0..len` in the order `cmp` gives them.
fn order(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..len).collect();
    idx.sort_by(|a, b| cmp(*a, *b));
    idx
}

/// Moves the elements so that position `k` holds the one that was at `order[k]`, with swaps,
/// cycle by cycle.
fn permute(order: &[usize], swap: &mut dyn FnMut(usize, usize)) {
    let mut done = vec![false; order.len()];
    for start in 0..order.len() {
        if done.get(start).copied().unwrap_or(true) {
            continue;
        }
        let mut pos = start;
        loop {
            if let Some(d) = done.get_mut(pos) {
                *d = true;
            }
            let next = order.get(pos).copied().unwrap_or(start);
            if next == start {
                break;
            }
            swap(pos, next);
            pos = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_std_does_stably_at_every_length() {
        let mut seed = 7u64;
        for len in 0..200 {
            let v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut ours = v.clone();
            let mut std = v.clone();
            sort_by_key(&mut ours, |p| p.0);
            std.sort_by_key(|p| p.0);
            assert_eq!(ours, std, "length {len}");
            let mut ours = v.clone();
            let mut std = v;
            sort(&mut ours);
            std.sort();
            assert_eq!(ours, std, "length {len}");
        }
    }
}
