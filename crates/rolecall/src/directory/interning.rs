//! Interning of what many sources share: permission and action sets (deduplicated into the
//! directory's arenas, within [`limits::MAX_SET_BYTES`]), each role's unmodified sets, and
//! contexts (dimension rules, deduplicated). Kept on the directory so live updates intern into
//! the same arenas.

use super::Directory;
use crate::bitset::{Bits, SetArena, SetId};
use crate::error::{bad_id, unknown, Error, ErrorCode};
use crate::limits;
use crate::model::ContextDoc;
use crate::names::is_id;
use crate::policy::Policy;
use std::collections::HashMap;

/// The context of a source that has none (any query context satisfies it).
pub(crate) const NO_CONTEXT: u32 = 0;

/// One dimension an assignment constrains.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct DimRule {
    pub dim: u32,
    /// `"*"` was listed: any value, but the dimension must be given.
    pub any: bool,
    /// Sorted value ids.
    pub values: Vec<u32>,
}

/// Deduplication of sets and contexts, kept so live updates intern into the same arenas.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    pub(super) perm_dedup: HashMap<Vec<u64>, SetId>,
    pub(super) action_dedup: HashMap<Vec<u64>, SetId>,
    pub(super) ctx_dedup: HashMap<Vec<DimRule>, u32>,
    pub(super) role_sets: super::FastMap<u32, (SetId, SetId)>,
}

impl Interner {
    fn perm(&mut self, arena: &mut SetArena, bits: Bits) -> SetId {
        intern_set(arena, &mut self.perm_dedup, bits)
    }

    fn action(&mut self, arena: &mut SetArena, bits: Bits) -> SetId {
        intern_set(arena, &mut self.action_dedup, bits)
    }
}

impl Directory {
    /// Interns a permission set and an action set, unless new sets would take the directory's
    /// sets (and their deduplication index) past [`limits::MAX_SET_BYTES`].
    pub(super) fn intern_sets(&mut self, p: Bits, a: Bits) -> Option<(SetId, SetId)> {
        let mut need = 0usize;
        if !self.sets.perm_dedup.contains_key(&p.0) {
            need += 2 * self.perm_sets.set_bytes();
        }
        if !self.sets.action_dedup.contains_key(&a.0) {
            need += 2 * self.action_sets.set_bytes();
        }
        let used = 2 * (self.perm_sets.bytes() + self.action_sets.bytes());
        if need > 0 && used.saturating_add(need) > limits::MAX_SET_BYTES {
            return None;
        }
        Some((
            self.sets.perm(&mut self.perm_sets, p),
            self.sets.action(&mut self.action_sets, a),
        ))
    }

    /// Interns a context (one rule per dimension) and returns its id, [`NO_CONTEXT`] for none.
    pub(super) fn context(
        &mut self,
        policy: &Policy,
        ctx: &ContextDoc,
        path: &dyn Fn() -> String,
        errs: &mut Vec<Error>,
    ) -> u32 {
        if ctx.is_empty() {
            return NO_CONTEXT;
        }
        let path = path();
        let mut rules = Vec::with_capacity(ctx.len());
        for (dim, vals) in ctx {
            let Some(d) = policy.dim_ix.get(dim) else {
                errs.push(unknown(
                    ErrorCode::UnknownDimension,
                    &format!("{path}.{dim}"),
                    "dimension",
                    dim,
                    policy.dim_ix.names(),
                    errs.len(),
                ));
                continue;
            };
            if vals.0.is_empty() {
                errs.push(Error::new(
                    ErrorCode::InvalidValue,
                    format!("{path}.{dim}"),
                    "a context dimension needs at least one value",
                ));
            }
            let mut rule = DimRule {
                dim: d,
                any: false,
                values: Vec::with_capacity(vals.0.len()),
            };
            for (j, v) in vals.0.iter().enumerate() {
                if v == "*" {
                    rule.any = true;
                } else if !is_id(v) {
                    errs.push(bad_id(&format!("{path}.{dim}[{j}]"), v));
                } else if let Some(m) = self.values.get_mut(d as usize) {
                    rule.values.push(m.intern(v));
                }
            }
            crate::sorting::sort(&mut rule.values);
            rule.values.dedup();
            rules.push(rule);
        }
        crate::sorting::sort_by_key(&mut rules, |r| r.dim);
        if let Some(&id) = self.sets.ctx_dedup.get(&rules) {
            return id;
        }
        self.contexts.push(rules.clone());
        let id = self.contexts.len() as u32;
        self.sets.ctx_dedup.insert(rules, id);
        id
    }
}

fn intern_set(arena: &mut SetArena, dedup: &mut HashMap<Vec<u64>, SetId>, bits: Bits) -> SetId {
    if let Some(id) = dedup.get(&bits.0) {
        return *id;
    }
    let id = arena.push(&bits.0);
    dedup.insert(bits.0, id);
    id
}

pub(super) fn sets_limit(path: &str) -> Error {
    Error::new(
        ErrorCode::LimitExceeded,
        path,
        format!(
            "the directory's distinct permission and action sets would take more than the limit of {} bytes",
            limits::MAX_SET_BYTES
        ),
    )
    .with_help("each distinct set takes (resources × levels + actions) / 8 bytes under this policy; use fewer distinct grants, or a policy with fewer resources, levels or actions")
}
