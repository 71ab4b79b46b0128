//! The prepared fast path, for render loops, servers and the WebAssembly binding: subjects,
//! actions and scopes given by integer handles, decided with no context, no resource and no
//! string work, one at a time or many per call.

use super::resolve::{QueryContext, Resolved, NO_PERMISSION};
use super::Evaluator;
use crate::directory::UNKNOWN_SUBJECT;
use crate::time::Timestamp;

impl Evaluator {
    /// The handle [`Evaluator::subject_handle`] gives a subject the directory does not know. It
    /// holds nothing, so every check with it is denied.
    pub const UNKNOWN_SUBJECT: u32 = UNKNOWN_SUBJECT;

    /// A subject's handle for [`Evaluator::can_prepared`]; an unknown subject's is
    /// [`Evaluator::UNKNOWN_SUBJECT`], which holds nothing.
    pub fn subject_handle(&self, subject: &str) -> u32 {
        self.dir.subject_or_unknown(subject)
    }
    /// A scope's handle, `None` for an unknown scope.
    pub fn scope_handle(&self, scope: &str) -> Option<u32> {
        self.dir.scopes.ids.get(scope)
    }

    /// Whether `subject` may do `action` at `scope`, all given by handle, with no context and no
    /// resource attributes. Deny by default: an action with `distinct_from` (which needs a
    /// resource), an expiring key without `now`, or an unknown handle is `false`.
    #[inline]
    pub fn can_prepared(
        &self,
        subject: u32,
        action: u32,
        scope: u32,
        now: Option<Timestamp>,
    ) -> bool {
        let Some(a) = self.policy.actions.get(action as usize) else {
            return false;
        };
        if a.distinct_from.is_some()
            || !self
                .dir
                .scopes
                .reachable
                .get(scope as usize)
                .copied()
                .unwrap_or(false)
        {
            return false;
        }
        if let Some(k) = self.key_of(subject) {
            if k.expires_at.is_some() && now.is_none() {
                return false;
            }
        }
        let r = Resolved {
            subject,
            action,
            perm: NO_PERMISSION,
            scope,
            ctx: QueryContext::default(),
            self_match: false,
            now,
        };
        self.allowed(&r, true)
    }

    /// Decides `(action, scope)` pairs, given as interleaved handles, for one subject with
    /// [`Evaluator::can_prepared`]: `1` allowed, `0` not. An odd trailing handle is ignored.
    pub fn can_many(&self, subject: u32, pairs: &[u32], now: Option<Timestamp>) -> Vec<u8> {
        pairs
            .chunks_exact(2)
            .map(|p| match p {
                [action, scope] => u8::from(self.can_prepared(subject, *action, *scope, now)),
                _ => 0,
            })
            .collect()
    }

    /// The actions `subject` may do at `scope` with no context, no resource and no time, as a
    /// bitset: bit `a % 32` of word `a / 32` for action id `a`, each decided by
    /// [`Evaluator::can_prepared`]. One call fills a cache of every action at one scope.
    pub fn allowed_bits(&self, subject: u32, scope: u32) -> Vec<u32> {
        let actions = self.policy.actions.len() as u32;
        let mut bits = vec![0u32; actions.div_ceil(32) as usize];
        for a in 0..actions {
            if self.can_prepared(subject, a, scope, None) {
                if let Some(w) = bits.get_mut((a / 32) as usize) {
                    *w |= 1 << (a % 32);
                }
            }
        }
        bits
    }

    /// Handles of the subjects that are API keys with an `expires_at`: their prepared checks
    /// need `now`, so a cache of decisions must read the clock for these.
    pub fn expiring_subjects(&self) -> Vec<u32> {
        self.dir
            .doc
            .api_keys
            .iter()
            .filter(|k| k.expires_at.is_some())
            .map(|k| self.subject_handle(&k.id.0))
            .collect()
    }
}
