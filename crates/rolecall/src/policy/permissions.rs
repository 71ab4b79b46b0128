//! The permission space of a policy: a permission is a (resource, level) pair with the dense id
//! `resource * levels + level`. Ids, names and labels of permissions, and the resolution of a
//! written permission (`transfers:authorize`) or pattern (`*:view`) to ids.

use super::Policy;
use crate::bitset::Bits;
use crate::error::{did_you_mean, hint_allowed, ErrorCode, PermError};

impl Policy {
    /// Every concrete permission (`resource:level`) a resource declares, in order.
    pub fn permission_names(&self) -> Vec<String> {
        (0..self.perm_count())
            .filter(|p| self.perm_declared(*p))
            .map(|p| self.perm_name(p))
            .collect()
    }

    pub(crate) fn nlevels(&self) -> u32 {
        self.levels.len() as u32
    }

    pub(crate) fn perm_count(&self) -> u32 {
        self.resources.len() as u32 * self.nlevels()
    }

    pub(crate) fn perm_id(&self, resource: u32, level: u32) -> u32 {
        resource * self.nlevels() + level
    }

    pub(crate) fn perm_parts(&self, perm: u32) -> (u32, u32) {
        let n = self.nlevels().max(1);
        (perm / n, perm % n)
    }

    fn perm_declared(&self, perm: u32) -> bool {
        let (r, l) = self.perm_parts(perm);
        self.resources
            .get(r as usize)
            .is_some_and(|res| res.levels >> l & 1 == 1)
    }

    /// `resource:level`.
    pub(crate) fn perm_name(&self, perm: u32) -> String {
        let (r, l) = self.perm_parts(perm);
        format!(
            "{}:{}",
            self.resources
                .get(r as usize)
                .map_or("?", |x| x.name.as_str()),
            self.levels.get(l as usize).map_or("?", |x| x.name.as_str())
        )
    }

    /// `Authorize on Transfers`.
    pub(crate) fn perm_label(&self, perm: u32) -> String {
        let (r, l) = self.perm_parts(perm);
        format!(
            "{} on {}",
            self.levels
                .get(l as usize)
                .map_or("?", |x| x.label.as_str()),
            self.resources
                .get(r as usize)
                .map_or("?", |x| x.label.as_str())
        )
    }

    /// Resolves a concrete permission (`transfers:authorize`) to its id. `nth`: how many errors
    /// its input has so far, which decides whether an unknown name gets a hint.
    pub(crate) fn resolve_perm(
        &self,
        text: &str,
        nth: usize,
    ) -> std::result::Result<u32, PermError> {
        let (r, l) = split_permission(text)?;
        if r == "*" || l == "*" {
            return Err(PermError::new(
                ErrorCode::InvalidValue,
                format!("`{text}`: a wildcard is not allowed here"),
            ));
        }
        let rid = self
            .resource_ix
            .get(r)
            .ok_or_else(|| self.unknown_resource(r, nth))?;
        let lid = self
            .level_ix
            .get(l)
            .ok_or_else(|| self.unknown_level(l, nth))?;
        let declared = self.resources.get(rid as usize).map_or(0, |x| x.levels);
        if declared >> lid & 1 == 0 {
            return Err(PermError::new(
                ErrorCode::UnknownLevel,
                format!("resource `{r}` has no level `{l}`"),
            ));
        }
        Ok(self.perm_id(rid, lid))
    }

    fn unknown_resource(&self, r: &str, nth: usize) -> PermError {
        PermError {
            help: hint_allowed(nth, self.resources.len())
                .then(|| did_you_mean(r, self.resource_ix.names()))
                .flatten(),
            ..PermError::new(
                ErrorCode::UnknownResource,
                format!("unknown resource `{r}`"),
            )
        }
    }

    fn unknown_level(&self, l: &str, nth: usize) -> PermError {
        PermError {
            help: hint_allowed(nth, self.levels.len())
                .then(|| did_you_mean(l, self.level_ix.names()))
                .flatten(),
            ..PermError::new(ErrorCode::UnknownLevel, format!("unknown level `{l}`"))
        }
    }

    /// Expands a permission pattern (`*` allowed on either side) into the permissions it names.
    /// With `imply`, each level brings the levels it implies (grants); without, the pattern
    /// matches exactly (except, forbid). Only levels a resource declares are included; naming an
    /// explicit level that an explicit resource does not declare is an error. `nth`: as for
    /// [`Policy::resolve_perm`].
    pub(crate) fn expand_pattern(
        &self,
        text: &str,
        imply: bool,
        nth: usize,
    ) -> std::result::Result<Bits, PermError> {
        let (r, l) = split_permission(text)?;
        let mut out = Bits::new(self.perm_count() as usize);
        let resources: Vec<u32> = if r == "*" {
            (0..self.resources.len() as u32).collect()
        } else {
            vec![self
                .resource_ix
                .get(r)
                .ok_or_else(|| self.unknown_resource(r, nth))?]
        };
        let mask: u64 = if l == "*" {
            u64::MAX
        } else {
            let lid = self
                .level_ix
                .get(l)
                .ok_or_else(|| self.unknown_level(l, nth))?;
            if r != "*" {
                let declared = resources
                    .first()
                    .and_then(|rid| self.resources.get(*rid as usize))
                    .map_or(0, |x| x.levels);
                if declared >> lid & 1 == 0 {
                    return Err(PermError::new(
                        ErrorCode::UnknownLevel,
                        format!("resource `{r}` has no level `{l}`"),
                    ));
                }
            }
            let level = self.levels.get(lid as usize).map_or(0, |x| x.implied);
            if imply {
                level
            } else {
                1 << lid
            }
        };
        for rid in resources {
            let declared = self.resources.get(rid as usize).map_or(0, |x| x.levels);
            let m = mask & declared;
            for lid in 0..self.nlevels() {
                if m >> lid & 1 == 1 {
                    out.set(self.perm_id(rid, lid));
                }
            }
        }
        Ok(out)
    }
}

/// `resource:level` as its two parts.
fn split_permission(text: &str) -> std::result::Result<(&str, &str), PermError> {
    text.split_once(':').ok_or_else(|| {
        PermError::new(
            ErrorCode::InvalidValue,
            format!("`{text}` is not a permission (`resource:level`)"),
        )
    })
}
