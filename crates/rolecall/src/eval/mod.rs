//! Decisions (SPEC section 3): the [`Evaluator`] and its entry points. A query is first resolved
//! to dense ids (every input error is raised there); then [`Evaluator::can`] answers with
//! integer compares and bit tests only, and [`Evaluator::check`] classifies the reason in SPEC's
//! order and explains it.
//!
//! - `query`: what is asked ([`Query`], [`Target`]);
//! - `decision`: what is answered ([`Decision`], [`Reason`], [`GrantSource`]);
//! - `resolve`: names to ids, and the input errors;
//! - `decide`: the hot path over a resolved query;
//! - `explain`: the reasons and messages of a full decision;
//! - `prepared`: the fast path over integer handles.

mod decide;
mod decision;
mod explain;
mod prepared;
mod query;
mod resolve;

pub use decision::{Decision, GrantSource, Reason, SourceKind};
pub use query::{Query, Target};

pub(crate) use explain::DEFAULT_SELF_APPROVAL;
pub(crate) use query::with_query;
pub(crate) use resolve::{
    check_lengths, ContextValue, QueryContext, Resolved, NO_ACTION, NO_PERMISSION, NO_SCOPE,
};

use crate::directory::Directory;
use crate::error::{Error, ErrorCode, Result};
use crate::model::QueryDoc;
use crate::policy::Policy;
use std::sync::Arc;

/// Decides queries against one policy and one directory. Immutable and `Sync`: share it across
/// threads behind an `Arc`.
#[derive(Debug, Clone)]
pub struct Evaluator {
    pub(crate) policy: Arc<Policy>,
    pub(crate) dir: Directory,
    /// Built from a snapshot: unknown scopes are `out_of_scope`, not errors.
    pub(crate) snapshot: bool,
}

impl Evaluator {
    /// An evaluator over a policy and a directory compiled for it.
    ///
    /// # Errors
    /// `policy_mismatch` when the directory was compiled for another policy.
    pub fn new(policy: Arc<Policy>, directory: Directory) -> Result<Evaluator> {
        // The same policy value, or an equal one (its hash is then computed, once).
        if !Arc::ptr_eq(&directory.policy, &policy.identity)
            && directory.policy_hash() != policy.hash()
        {
            return Err(Error::new(
                ErrorCode::PolicyMismatch,
                "",
                "the directory was compiled for another policy",
            ));
        }
        Ok(Evaluator {
            policy: directory.deciding_policy(&policy),
            dir: directory,
            snapshot: false,
        })
    }

    /// Parses a policy and a directory (YAML or JSON) into an evaluator.
    ///
    /// # Errors
    /// The first problem in either, with its origin (`policy` or `directory`) and location.
    pub fn from_text(policy: &str, directory: &str) -> Result<Evaluator> {
        let p = Policy::parse(policy).map_err(|e| e.with_origin("policy"))?;
        let d = Directory::parse(&p, directory).map_err(|e| e.with_origin("directory"))?;
        Evaluator::new(Arc::new(p), d)
    }

    /// The policy it decides with: the policy, followed by the directory's custom roles when it
    /// has any.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }

    /// The directory.
    pub fn directory(&self) -> &Directory {
        &self.dir
    }

    /// The decision for a query, explained.
    ///
    /// # Errors
    /// Input errors (SPEC 3): `unknown_action`, `unknown_permission`, `unknown_scope`,
    /// `unknown_dimension`, `missing_resource_attribute`, `missing_time`.
    pub fn check(&self, q: &Query<'_>) -> Result<Decision> {
        match self.resolve(q, true)? {
            Some(r) => Ok(self.explain(&r, true)),
            None => Ok(self.unreachable(q)),
        }
    }

    /// Whether a query is allowed. Allocates nothing once the query is resolved.
    ///
    /// # Errors
    /// The same input errors as [`Evaluator::check`].
    pub fn can(&self, q: &Query<'_>) -> Result<bool> {
        Ok(match self.resolve(q, true)? {
            Some(r) => self.allowed(&r, true),
            None => false,
        })
    }

    /// The decision for a query written as a document (test files, JSON).
    ///
    /// # Errors
    /// As [`Evaluator::check`], plus `invalid_value` for a query naming both or neither of
    /// `action` and `permission`, or a bad `now`.
    pub fn check_doc(&self, q: &QueryDoc) -> Result<Decision> {
        with_query(q, |query| self.check(query))
    }

    /// Whether a query written as a document (test files, JSON) is allowed: the same answer as
    /// [`Evaluator::check_doc`]'s `allowed`, without building the decision.
    ///
    /// # Errors
    /// As [`Evaluator::check_doc`].
    pub fn can_doc(&self, q: &QueryDoc) -> Result<bool> {
        with_query(q, |query| self.can(query))
    }
}
