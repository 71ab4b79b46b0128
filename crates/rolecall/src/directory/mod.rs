//! The compiled directory: the scope tree, subjects interned to dense ids, and each subject's
//! grant sources (assignments, direct grants, its API key) as flat records pointing into
//! deduplicated bitset arenas. This module holds the [`Directory`] and loading it, which
//! validates everything SPEC section 2 lists for a directory against its policy:
//!
//! - `reader`: reading a directory, each assignment straight into `assignments`, the compact
//!   store the directory keeps instead of the assignment documents;
//! - `scopes`: the scope tree as an Euler tour (ancestry is two integer comparisons);
//! - `sources`: assignments, grants and API keys compiled into sources;
//! - `roles`: custom roles, compiled into the policy the directory decides with;
//! - `interning`: the shared permission and action sets, and contexts;
//! - `constraints`: `max_holders`, `assignable_at`, `exclusive_roles` (shared with live updates
//!   and administration);
//! - `ids`: stable assignment and grant ids and the table from id to item, and `id_hash`, what
//!   a generated id is made from.

mod assignments;
mod constraints;
mod id_hash;
mod ids;
mod interning;
mod reader;
mod roles;
mod scopes;
mod sources;

pub(crate) use assignments::Assignments;
pub(crate) use constraints::{conflict_in, exclusive_error, max_error, FastMap};
pub(crate) use ids::{assignment_hash, grant_hash, ItemIds, Kind};
pub(crate) use interning::{DimRule, Interner, NO_CONTEXT};
pub(crate) use roles::with_custom_roles;
pub(crate) use scopes::{build_scopes, Scopes, Subtree, NO_PARENT};
pub(crate) use sources::{Origin, Source, NO_ROLE};

use crate::bitset::SetArena;
use crate::error::{first, over_limit, unknown, Error, ErrorCode, Result};
use crate::limits;
use crate::model::{AssignmentDoc, DirectoryDoc, SubjectKind};
use crate::names::IdMap;
use crate::policy::{Policy, PolicyIdentity};
use crate::time::Timestamp;
use crate::tree::{self, Node};
use reader::DirectoryInput;
use std::sync::Arc;

/// The handle of a subject the directory does not know: it holds nothing. Public as
/// [`crate::Evaluator::UNKNOWN_SUBJECT`].
pub(crate) const UNKNOWN_SUBJECT: u32 = u32::MAX;

/// The key of a subject that is not an API key.
pub(crate) const NO_KEY: u32 = u32::MAX;

/// Where a forbid rule applies in this directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ForbidScope {
    /// The rule names no scope.
    Everywhere,
    /// In the subtree of this scope.
    At(u32),
    /// The rule's scope is not in the directory (only in a snapshot): it never applies.
    Nowhere,
}

#[derive(Debug, Clone)]
pub(crate) struct SubjectInfo {
    pub kind: SubjectKind,
    pub sources: Vec<Source>,
    /// For an API key: its index in `keys`; [`NO_KEY`] otherwise.
    pub key: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct KeyInfo {
    pub source: Source,
    /// The owner's subject index.
    pub owner: u32,
    pub expires_at: Option<Timestamp>,
}

/// A compiled, validated directory for one policy.
#[derive(Debug, Clone)]
pub struct Directory {
    /// The policy it was compiled for (its document and hash).
    pub(crate) policy: Arc<PolicyIdentity>,
    /// The document but its assignments (always empty here: see `assignments`).
    pub(crate) doc: DirectoryDoc,
    /// The assignments, compact (their subjects are indexes into `subjects`).
    pub(crate) assignments: Assignments,
    pub(crate) scopes: Scopes,
    pub(crate) subjects: IdMap,
    pub(crate) subject_info: Vec<SubjectInfo>,
    pub(crate) perm_sets: SetArena,
    pub(crate) action_sets: SetArena,
    pub(crate) contexts: Vec<Vec<DimRule>>,
    pub(crate) values: Vec<IdMap>,
    pub(crate) keys: Vec<KeyInfo>,
    /// Per policy forbid rule: where it applies.
    pub(crate) forbid_scopes: Vec<ForbidScope>,
    pub(crate) sets: Interner,
    /// Subjects holding each `max_holders` role at each scope node: (role, scope) to subjects.
    pub(crate) holders: FastMap<(u32, u32), Vec<u32>>,
    /// The policy with the directory's custom roles after its own (see `roles`), when it is not
    /// the policy the directory was compiled with: evaluators decide with it.
    pub(crate) custom: Option<Arc<Policy>>,
    /// Assignment and grant ids to their indexes.
    pub(crate) ids: ItemIds,
}

impl Directory {
    /// Parses and compiles a directory (YAML or JSON) for `policy`.
    ///
    /// # Errors
    /// The first problem found, with its path, line and column.
    pub fn parse(policy: &Policy, text: &str) -> Result<Directory> {
        Self::parse_all(policy, text).map_err(first)
    }

    /// Parses and compiles a directory, reporting every problem found.
    ///
    /// # Errors
    /// Every validation error, each with its path and location.
    pub fn parse_all(policy: &Policy, text: &str) -> Result<Directory, Vec<Error>> {
        // Directories are large and usually JSON from the host application: decode JSON
        // directly (about ten times faster than the located parser) and read the text again
        // through the located parser only when an error needs its line.
        tree::check_size(text).map_err(|e| vec![e])?;
        #[cfg(feature = "fast-json")]
        if text.trim_start().starts_with('{') {
            if let Ok(d) = serde_json::from_str::<DirectoryInput>(text) {
                return Self::compile(policy, d, None).map_err(|errs| match tree::parse(text) {
                    Ok(node) => errs.into_iter().map(|e| node.place(e)).collect(),
                    Err(_) => errs,
                });
            }
        }
        let node = tree::parse(text).map_err(|e| vec![e])?;
        Self::from_node(policy, &node)
    }

    pub(crate) fn from_node(policy: &Policy, node: &Node) -> Result<Directory, Vec<Error>> {
        let d: DirectoryInput = crate::de::from_node(node).map_err(|e| vec![e])?;
        Self::compile(policy, d, None)
            .map_err(|errs| errs.into_iter().map(|e| node.place(e)).collect())
    }

    /// Compiles a directory document against `policy`.
    ///
    /// # Errors
    /// Every validation error, each with its path.
    pub fn from_doc(policy: &Policy, d: DirectoryDoc) -> Result<Directory, Vec<Error>> {
        Self::compile(policy, d.into(), None)
    }

    /// Compiles `d` as [`Directory::from_doc`] does, keeping the subject handles of `previous`
    /// (every subject it knows keeps its id, new ones come after): a live evaluator recompiled
    /// for a custom role change leaves prepared subjects valid.
    pub(crate) fn recompile(
        policy: &Policy,
        d: DirectoryDoc,
        previous: &Directory,
    ) -> Result<Directory, Vec<Error>> {
        Self::compile(policy, d.into(), Some(previous))
    }

    fn compile(
        policy: &Policy,
        input: DirectoryInput,
        previous: Option<&Directory>,
    ) -> Result<Directory, Vec<Error>> {
        let DirectoryInput {
            doc: mut d,
            assignments: store,
        } = input;
        let mut errs = Vec::new();
        for (what, n) in [
            ("scopes", d.scopes.len()),
            ("assignments", store.len()),
            ("grants", d.grants.len()),
            ("api_keys", d.api_keys.len()),
        ] {
            if let Some(e) = over_limit(what, n, limits::MAX_DIRECTORY_ITEMS, what) {
                return Err(vec![e]);
            }
        }
        let ids = ItemIds::assign(&mut d, &store, &mut errs);
        let scopes = build_scopes(&d, &mut errs, true);
        let before = errs.len();
        let custom = with_custom_roles(policy, &d.roles, &scopes, true, &mut errs).map(Arc::new);
        if errs.len() > before {
            // Assignments of a role that did not compile would only repeat its errors.
            return Err(errs);
        }
        let policy = custom.as_deref().unwrap_or(policy);
        let input = DirectoryInput {
            doc: d,
            assignments: store,
        };
        let mut dir = Directory::with_input(policy, scopes, input, previous);
        dir.custom = custom.clone();
        dir.ids = ids;
        dir.resolve_forbid_scopes(policy, &mut errs, true);
        dir.build_sources(policy, &mut errs);
        if errs.is_empty() {
            dir.check_constraints(policy, &mut errs);
        }
        if errs.is_empty() {
            Ok(dir)
        } else {
            Err(errs)
        }
    }

    /// A directory of `doc` with no sources compiled yet (see [`Directory::build_sources`]).
    pub(crate) fn empty(policy: &Policy, scopes: Scopes, doc: DirectoryDoc) -> Directory {
        Self::with_input(policy, scopes, doc.into(), None)
    }

    /// A directory of `input` with no sources compiled yet, whose subjects are `previous`'s
    /// (when given), in order, and then those the assignments name.
    fn with_input(
        policy: &Policy,
        scopes: Scopes,
        input: DirectoryInput,
        previous: Option<&Directory>,
    ) -> Directory {
        let mut dir = Directory {
            policy: Arc::clone(&policy.identity),
            doc: input.doc,
            assignments: Assignments::default(),
            scopes,
            subjects: IdMap::default(),
            subject_info: Vec::new(),
            perm_sets: SetArena::new(policy.perm_count() as usize),
            action_sets: SetArena::new(policy.actions.len()),
            contexts: Vec::new(),
            values: vec![IdMap::default(); policy.dimensions.len()],
            keys: Vec::new(),
            forbid_scopes: Vec::new(),
            sets: Interner::default(),
            holders: FastMap::default(),
            custom: None,
            ids: ItemIds::default(),
        };
        for name in previous.iter().flat_map(|p| p.subjects.names()) {
            dir.subject(name);
        }
        dir.adopt(input.assignments);
        dir
    }

    /// The directory as a document (rebuilt from the compiled form: the same document, field
    /// for field, as the one loaded and then updated).
    pub fn doc(&self) -> DirectoryDoc {
        DirectoryDoc {
            assignments: self.assignment_docs().collect(),
            ..self.doc.clone()
        }
    }

    /// Every assignment as a document, in order.
    pub(crate) fn assignment_docs(&self) -> impl Iterator<Item = AssignmentDoc> + '_ {
        (0..self.assignments.len()).filter_map(|i| self.assignment(i))
    }

    /// The id of assignment `i` (given, or generated: the first use of the ids of a loaded
    /// directory generates them).
    pub fn assignment_id(&self, i: usize) -> Option<String> {
        self.ids.assignment_id(i, &self.assignments, &self.subjects)
    }

    /// Gives every assignment still waiting for its generated id that id in the store: every
    /// change to the assignments starts with this, so ids never depend on the changes.
    pub(crate) fn settle_ids(&mut self) {
        self.ids.settle(&mut self.assignments, &self.subjects);
    }

    /// The id of direct grant `i` (given, or generated when it was loaded or added).
    pub fn grant_id(&self, i: usize) -> Option<String> {
        self.doc.grants.get(i).and_then(|g| g.id.clone())
    }

    /// Assignment `i` as a document.
    pub(crate) fn assignment(&self, i: usize) -> Option<AssignmentDoc> {
        let mut a = self.assignments.get(i, &self.subjects)?;
        if a.id.is_none() {
            a.id = self.assignment_id(i);
        }
        Some(a)
    }

    /// The assignments of subject `subject`, in order, as documents.
    pub(crate) fn assignments_of(&self, subject: &str) -> impl Iterator<Item = AssignmentDoc> + '_ {
        let s = self.subjects.get(subject);
        (0..self.assignments.len())
            .filter(move |&i| s.is_some() && self.assignments.subject(i) == s)
            .filter_map(|i| self.assignment(i))
    }

    /// Takes the assignments read, with their subjects: the store's subject names become the
    /// directory's (moved when the directory knows none yet, else renumbered after its own).
    fn adopt(&mut self, mut store: Assignments) {
        if self.subjects.is_empty() {
            self.subjects = std::mem::take(&mut store.subjects);
            self.subject_info = vec![
                SubjectInfo {
                    kind: SubjectKind::User,
                    sources: Vec::new(),
                    key: NO_KEY,
                };
                self.subjects.len()
            ];
        } else {
            let read = std::mem::take(&mut store.subjects);
            let map: Vec<u32> = read.names().map(|n| self.subject(n)).collect();
            store.renumber_subjects(&map);
        }
        self.assignments = store;
    }

    /// The policy an evaluator decides with: `given` (the policy the directory was compiled
    /// for), or it with the directory's custom roles.
    pub(crate) fn deciding_policy(&self, given: &Arc<Policy>) -> Arc<Policy> {
        if let Some(p) = &self.custom {
            return Arc::clone(p);
        }
        // A directory without custom roles given another evaluator's policy, which carries that
        // directory's: decide with the policy's own roles only.
        let mut errs = Vec::new();
        match with_custom_roles(given, &[], &self.scopes, false, &mut errs) {
            Some(p) => Arc::new(p),
            None => Arc::clone(given),
        }
    }

    /// Custom role ids, in declared order.
    pub fn role_ids(&self) -> impl Iterator<Item = &str> {
        self.doc.roles.iter().map(|r| r.id.0.as_str())
    }

    /// The hash of the policy this directory was compiled for.
    pub fn policy_hash(&self) -> &str {
        self.policy.hash()
    }

    /// Scope ids, in declared order.
    pub fn scope_ids(&self) -> impl Iterator<Item = &str> {
        self.scopes.ids.names()
    }

    /// Subject ids known to the directory (assignment and grant subjects, API keys and owners).
    pub fn subject_ids(&self) -> impl Iterator<Item = &str> {
        self.subjects.names()
    }

    /// A subject's index, or [`UNKNOWN_SUBJECT`].
    pub(crate) fn subject_or_unknown(&self, id: &str) -> u32 {
        self.subjects.get(id).unwrap_or(UNKNOWN_SUBJECT)
    }

    pub(crate) fn resolve_forbid_scopes(
        &mut self,
        policy: &Policy,
        errs: &mut Vec<Error>,
        strict: bool,
    ) {
        self.forbid_scopes = policy
            .forbids
            .iter()
            .enumerate()
            .map(|(i, f)| match &f.scope {
                None => ForbidScope::Everywhere,
                Some(s) => match self.scopes.ids.get(s) {
                    Some(id) => ForbidScope::At(id),
                    None => {
                        if strict {
                            errs.push(
                                unknown(
                                    ErrorCode::UnknownScope,
                                    &format!("constraints.forbid[{i}].scope"),
                                    "scope",
                                    s,
                                    self.scopes.ids.names(),
                                    errs.len(),
                                )
                                .with_origin("policy"),
                            );
                        }
                        ForbidScope::Nowhere
                    }
                },
            })
            .collect();
    }

    fn subject(&mut self, id: &str) -> u32 {
        let ix = self.subjects.intern(id);
        if self.subject_info.len() <= ix as usize {
            self.subject_info.push(SubjectInfo {
                kind: SubjectKind::User,
                sources: Vec::new(),
                key: NO_KEY,
            });
        }
        ix
    }

    pub(crate) fn push_source(&mut self, subject: u32, src: Source) {
        if let Some(info) = self.subject_info.get_mut(subject as usize) {
            // Most subjects hold one or two sources: grow 1, 2, 4, ... rather than from 4
            // (`Vec`'s first step), which in a directory of a million subjects with one
            // assignment each would be about 100 MB of unused capacity.
            let n = info.sources.len();
            if n == info.sources.capacity() {
                info.sources.reserve_exact(n.max(1));
            }
            info.sources.push(src);
        }
    }
}
