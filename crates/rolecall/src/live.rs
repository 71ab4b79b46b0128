//! Live directory updates for long-running servers: add or remove one assignment, grant or API
//! key at a cost proportional to the change (the subject's own sources and the constraint
//! indexes), not to the directory. Every update is validated exactly as loading would validate
//! it; a rejected update changes nothing that decisions read.
//!
//! Removing an item moves the last item of its list into the freed index (`swap_remove`), so
//! indexes stay dense; decisions name sources by index. Assignments and grants also have stable
//! ids (given, or generated from their content: `directory::ids`), which do not move: remove by
//! id when anyone else may be changing the directory.

use crate::directory::{
    assignment_hash, conflict_in, exclusive_error, grant_hash, max_error, Kind, Origin, NO_KEY,
    UNKNOWN_SUBJECT,
};
use crate::error::first;
use crate::error::{Error, ErrorCode, Result};
use crate::eval::Evaluator;
use crate::model::{ApiKeyDoc, AssignmentDoc, GrantDoc, SubjectKind};

impl Evaluator {
    fn is_key(&self, id: &str) -> bool {
        self.dir
            .subjects
            .get(id)
            .and_then(|s| self.dir.subject_info.get(s as usize))
            .is_some_and(|i| i.kind == SubjectKind::ApiKey)
    }

    /// Adds an assignment, validated like a directory entry (`unknown_role`, `unknown_scope`,
    /// `scope_kind_not_allowed`, `max_holders_exceeded`, `exclusive_roles`, ...). Returns its index.
    /// Adding one identical to an assignment the directory holds (its id aside, when it gives
    /// none) changes nothing and returns that one's index: repeated or concurrent requests
    /// cannot grow the directory. Without an `id`, one is generated (`directory::ids`).
    ///
    /// # Errors
    /// The validation error (`duplicate_id` at `id` for an id already used); the directory is
    /// unchanged.
    pub fn add_assignment(&mut self, mut a: AssignmentDoc) -> Result<usize> {
        self.check_live()?;
        self.dir.settle_ids();
        if let Some(i) = self.identical_assignment(&a) {
            return Ok(i);
        }
        let policy = self.policy.clone();
        let i = self.dir.assignments.len() as u32;
        let subject_is_key = self.is_key(&a.subject.0);
        let mut errs = Vec::new();
        let compiled = self
            .dir
            .compile_assignment(&policy, &a, i, &|_| subject_is_key, &mut errs);
        let (s, src) = match compiled {
            Some(x) if errs.is_empty() => x,
            _ => return Err(first(errs)),
        };
        if policy.roles.get(src.role as usize).is_none() {
            return Err(Error::new(ErrorCode::UnknownRole, "role", "unknown role"));
        }
        let constrained = policy.constrained(src.role);
        for &c in &constrained {
            let Some(cr) = policy.roles.get(c as usize) else {
                continue;
            };
            if let Some(e) = self.dir.kind_error(cr, src.scope, i) {
                return Err(e);
            }
            if let Some(max) = cr.max_holders {
                // Holder lists are sorted.
                let h = self.dir.holders.get(&(c, src.scope));
                if h.is_none_or(|h| h.binary_search(&s).is_err())
                    && h.map_or(0, Vec::len) >= max as usize
                {
                    return Err(max_error(cr, max, self.dir.scopes.name(src.scope), i));
                }
            }
        }
        let sources = self
            .dir
            .subject_info
            .get(s as usize)
            .map_or(&[][..], |x| x.sources.as_slice());
        let mine = policy.exclusive_of(src.role);
        for other in sources
            .iter()
            .filter(|x| matches!(x.origin, Origin::Assignment(_)) && !mine.is_empty())
        {
            let overlap = self.dir.scopes.covers(other.scope, src.scope)
                || self.dir.scopes.covers(src.scope, other.scope);
            if let Some((r1, r2)) = overlap
                .then(|| conflict_in(&mine, &policy.exclusive_of(other.role)))
                .flatten()
            {
                return Err(exclusive_error(&policy, &a.subject.0, r1, r2, i));
            }
        }
        // Claimed after every check and before any change: nothing needs undoing.
        let id = self.dir.ids.claim(
            Kind::Assignment,
            a.id.as_deref(),
            || assignment_hash(&a),
            i,
            &self.dir.assignments,
        )?;
        a.id = Some(id);
        for &c in &constrained {
            if policy
                .roles
                .get(c as usize)
                .is_some_and(|r| r.max_holders.is_some())
            {
                let h = self.dir.holders.entry((c, src.scope)).or_default();
                if let Err(at) = h.binary_search(&s) {
                    h.insert(at, s);
                }
            }
        }
        self.dir.push_source(s, src);
        self.sort_sources(s);
        self.dir.assignments.push(a, s);
        Ok(i as usize)
    }

    /// The index of an assignment equal to `a`, among its subject's own sources only.
    fn identical_assignment(&self, a: &AssignmentDoc) -> Option<usize> {
        let s = self.dir.subjects.get(&a.subject.0)?;
        let info = self.dir.subject_info.get(s as usize)?;
        info.sources.iter().find_map(|src| match src.origin {
            Origin::Assignment(i) => {
                let i = i as usize;
                let held = self.dir.assignment(i)?;
                let same = match &a.id {
                    Some(_) => held == *a,
                    None => AssignmentDoc { id: None, ..held } == *a,
                };
                same.then_some(i)
            }
            _ => None,
        })
    }

    /// Removes assignment `index`, returning it.
    ///
    /// # Errors
    /// `unknown_assignment` for an index out of range.
    pub fn remove_assignment(&mut self, index: usize) -> Result<AssignmentDoc> {
        self.check_live()?;
        self.dir.settle_ids();
        let last = self
            .dir
            .assignments
            .len()
            .checked_sub(1)
            .filter(|l| index <= *l)
            .ok_or_else(|| out_of_range("assignment", index))?;
        let removed = self
            .dir
            .assignments
            .swap_remove(index, &self.dir.subjects)
            .ok_or_else(|| out_of_range("assignment", index))?;
        let moved = (index != last)
            .then(|| self.dir.assignments.id_text(index))
            .flatten();
        self.dir.ids.removed(
            Kind::Assignment,
            removed.id.as_deref(),
            moved.as_deref(),
            index as u32,
            last as u32,
            &self.dir.assignments,
        );
        let s = self.dir.subject_or_unknown(&removed.subject.0);
        let mut gone = None;
        if let Some(info) = self.dir.subject_info.get_mut(s as usize) {
            if let Some(pos) = info
                .sources
                .iter()
                .position(|x| x.origin == Origin::Assignment(index as u32))
            {
                gone = Some(info.sources.remove(pos));
            }
        }
        if let Some(src) = gone {
            // The constrained roles the subject still holds at that scope, through its other
            // assignments there.
            let mut still: Vec<u32> = self
                .dir
                .subject_info
                .get(s as usize)
                .map_or(&[][..], |i| i.sources.as_slice())
                .iter()
                .filter(|x| matches!(x.origin, Origin::Assignment(_)) && x.scope == src.scope)
                .flat_map(|x| self.policy.constrained(x.role))
                .collect();
            crate::sorting::sort(&mut still);
            for c in self.policy.constrained(src.role) {
                if still.binary_search(&c).is_err() {
                    if let Some(h) = self.dir.holders.get_mut(&(c, src.scope)) {
                        if let Ok(at) = h.binary_search(&s) {
                            h.remove(at);
                        }
                    }
                }
            }
        }
        if index != last {
            self.renumber(
                Origin::Assignment(last as u32),
                Origin::Assignment(index as u32),
                self.dir
                    .assignments
                    .subject(index)
                    .map(|s| self.dir.subjects.name(s).to_owned()),
            );
        }
        Ok(removed)
    }

    /// Adds a direct grant. Returns its index.
    ///
    /// # Errors
    /// The validation error; the directory is unchanged.
    pub fn add_grant(&mut self, mut g: GrantDoc) -> Result<usize> {
        self.check_live()?;
        let policy = self.policy.clone();
        let i = self.dir.doc.grants.len() as u32;
        let subject_is_key = self.is_key(&g.subject.0);
        let mut errs = Vec::new();
        match self
            .dir
            .compile_grant(&policy, &g, i, &|_| subject_is_key, &mut errs)
        {
            Some((s, src)) if errs.is_empty() => {
                let id = self.dir.ids.claim(
                    Kind::Grant,
                    g.id.as_deref(),
                    || grant_hash(&g),
                    i,
                    &self.dir.assignments,
                )?;
                g.id = Some(id);
                self.dir.push_source(s, src);
                self.sort_sources(s);
                self.dir.doc.grants.push(g);
                Ok(i as usize)
            }
            _ => Err(first(errs)),
        }
    }

    /// Removes direct grant `index`, returning it.
    ///
    /// # Errors
    /// `unknown_assignment` for an index out of range.
    pub fn remove_grant(&mut self, index: usize) -> Result<GrantDoc> {
        self.check_live()?;
        let last = self
            .dir
            .doc
            .grants
            .len()
            .checked_sub(1)
            .filter(|l| index <= *l)
            .ok_or_else(|| out_of_range("grant", index))?;
        let removed = self.dir.doc.grants.swap_remove(index);
        let moved = (index != last)
            .then(|| self.dir.doc.grants.get(index))
            .flatten()
            .and_then(|g| g.id.clone());
        self.dir.ids.removed(
            Kind::Grant,
            removed.id.as_deref(),
            moved.as_deref(),
            index as u32,
            last as u32,
            &self.dir.assignments,
        );
        let s = self.dir.subject_or_unknown(&removed.subject.0);
        if let Some(info) = self.dir.subject_info.get_mut(s as usize) {
            info.sources
                .retain(|x| x.origin != Origin::Grant(index as u32));
        }
        if index != last {
            self.renumber(
                Origin::Grant(last as u32),
                Origin::Grant(index as u32),
                self.dir.doc.grants.get(index).map(|g| g.subject.0.clone()),
            );
        }
        Ok(removed)
    }

    /// The index of the assignment with this id.
    pub fn assignment_index(&self, id: &str) -> Option<usize> {
        self.dir
            .ids
            .index(
                Kind::Assignment,
                id,
                &self.dir.assignments,
                &self.dir.subjects,
            )
            .map(|i| i as usize)
    }

    /// The index of the direct grant with this id.
    pub fn grant_index(&self, id: &str) -> Option<usize> {
        self.dir
            .ids
            .index(Kind::Grant, id, &self.dir.assignments, &self.dir.subjects)
            .map(|i| i as usize)
    }

    /// Removes the assignment with this id, returning it.
    ///
    /// # Errors
    /// `unknown_assignment` at `id` when no assignment has it.
    pub fn remove_assignment_by_id(&mut self, id: &str) -> Result<AssignmentDoc> {
        self.check_live()?;
        let index = self
            .assignment_index(id)
            .ok_or_else(|| unknown_id("assignment", id))?;
        self.remove_assignment(index)
    }

    /// Removes the direct grant with this id, returning it.
    ///
    /// # Errors
    /// `unknown_assignment` at `id` when no grant has it.
    pub fn remove_grant_by_id(&mut self, id: &str) -> Result<GrantDoc> {
        self.check_live()?;
        let index = self
            .grant_index(id)
            .ok_or_else(|| unknown_id("grant", id))?;
        self.remove_grant(index)
    }

    /// Adds an API key.
    ///
    /// # Errors
    /// `duplicate_id` when the id is already a key; `invalid_value` when the id holds
    /// assignments or grants, or the owner is a key; other validation errors.
    pub fn add_api_key(&mut self, k: ApiKeyDoc) -> Result<()> {
        self.check_live()?;
        if self.is_key(&k.id.0) {
            return Err(Error::new(
                ErrorCode::DuplicateId,
                "id",
                format!("API key `{}` already exists", k.id.0),
            ));
        }
        // As loading refuses: a key's owner may not be a key (itself included).
        if k.id == k.owner
            || self
                .dir
                .doc
                .api_keys
                .iter()
                .any(|other| other.owner == k.id)
        {
            return Err(Error::new(
                ErrorCode::InvalidValue,
                "owner",
                format!(
                    "`{}` cannot be an API key: a key's owner may not be a key",
                    k.id.0
                ),
            ));
        }
        let holds = self
            .dir
            .subjects
            .get(&k.id.0)
            .and_then(|s| self.dir.subject_info.get(s as usize))
            .is_some_and(|i| !i.sources.is_empty());
        if holds || !crate::is_id(&k.id.0) {
            return Err(Error::new(ErrorCode::InvalidValue, "id", format!("`{}` cannot be an API key id: it holds assignments or grants, or is not a valid id", k.id.0)));
        }
        let policy = self.policy.clone();
        let i = self.dir.doc.api_keys.len() as u32;
        let owner_is_key = self.is_key(&k.owner.0);
        let mut errs = Vec::new();
        // compile_key stores the key as it compiles it: undo that when it reports an error.
        let before = self.dir.keys.len();
        let stored = self
            .dir
            .compile_key(&policy, &k, i, &|_| owner_is_key, &mut errs);
        if stored.is_none() || !errs.is_empty() {
            if self.dir.keys.len() > before {
                self.dir.keys.truncate(before);
                if let Some(info) = self
                    .dir
                    .subjects
                    .get(&k.id.0)
                    .and_then(|s| self.dir.subject_info.get_mut(s as usize))
                {
                    info.kind = SubjectKind::User;
                    info.key = NO_KEY;
                }
            }
            return Err(first(errs));
        }
        self.dir.doc.api_keys.push(k);
        Ok(())
    }

    /// Removes the API key `id`, returning it; the id then holds nothing.
    ///
    /// # Errors
    /// `unknown_assignment` when no such key exists.
    pub fn remove_api_key(&mut self, id: &str) -> Result<ApiKeyDoc> {
        self.check_live()?;
        let index = self
            .dir
            .doc
            .api_keys
            .iter()
            .position(|k| k.id.0 == id)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::UnknownAssignment,
                    "id",
                    format!("no API key `{id}`"),
                )
            })?;
        let last = self.dir.doc.api_keys.len() - 1;
        let removed = self.dir.doc.api_keys.swap_remove(index);
        self.dir.keys.swap_remove(index);
        if let Some(info) = self
            .dir
            .subjects
            .get(id)
            .and_then(|s| self.dir.subject_info.get_mut(s as usize))
        {
            info.kind = SubjectKind::User;
            info.key = NO_KEY;
        }
        if index != last {
            if let Some(k) = self.dir.keys.get_mut(index) {
                k.source.origin = Origin::Key(index as u32);
            }
            let moved = self.dir.doc.api_keys.get(index).map(|k| k.id.0.clone());
            if let Some(info) = moved
                .and_then(|m| self.dir.subjects.get(&m))
                .and_then(|s| self.dir.subject_info.get_mut(s as usize))
            {
                info.key = index as u32;
            }
        }
        Ok(removed)
    }

    /// Points the source that had origin `from` (of `subject`) at `to`.
    fn renumber(&mut self, from: Origin, to: Origin, subject: Option<String>) {
        let s = subject
            .and_then(|id| self.dir.subjects.get(&id))
            .unwrap_or(UNKNOWN_SUBJECT);
        if let Some(info) = self.dir.subject_info.get_mut(s as usize) {
            for src in info.sources.iter_mut().filter(|x| x.origin == from) {
                src.origin = to;
            }
        }
        self.sort_sources(s);
    }

    /// Keeps a subject's sources in directory order, which decisions promise.
    fn sort_sources(&mut self, s: u32) {
        if let Some(info) = self.dir.subject_info.get_mut(s as usize) {
            crate::sorting::sort_by_key(&mut info.sources, |x| x.origin);
        }
    }

    /// `invalid_value` for a snapshot evaluator: live updates need the whole directory.
    pub(crate) fn check_live(&self) -> Result<()> {
        if self.snapshot {
            return Err(Error::new(
                ErrorCode::InvalidValue,
                "",
                "a snapshot evaluator cannot be updated; take a new snapshot",
            ));
        }
        Ok(())
    }
}

fn out_of_range(what: &str, index: usize) -> Error {
    Error::new(
        ErrorCode::UnknownAssignment,
        "index",
        format!("no {what} at index {index}"),
    )
}

fn unknown_id(what: &str, id: &str) -> Error {
    Error::new(
        ErrorCode::UnknownAssignment,
        "id",
        format!("no {what} with id `{id}`"),
    )
}
