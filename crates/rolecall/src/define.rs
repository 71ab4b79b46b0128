//! Custom roles' administration: may an actor define (create or change) a role
//! ([`Evaluator::can_define_role`]), and defining or deleting one in a live evaluator. A role is
//! a bundle of permissions, so defining one is checked as assigning it would be: the actor
//! needs `administration.define_roles_requires` at the role's scope, and the role's closed set
//! must be within what the actor holds there.

use crate::admin::{allow, deny, escalation};
use crate::directory::{with_custom_roles, Directory};
use crate::error::{first, Error, ErrorCode, Result};
use crate::eval::{Decision, Evaluator, QueryContext, Reason};
use crate::model::{CustomRoleDoc, DefineDoc, DirectoryDoc};
use crate::names::IdMap;

impl Evaluator {
    /// May `actor` define `role` (a new custom role, or a new version of one)? First failure
    /// wins: `missing_permission` when the actor lacks `administration.define_roles_requires`
    /// (default: `assign_requires`) at the role's scope (and, for a change that moves the role,
    /// at its current scope), then `escalation` when the role's closed set (its grants, actions
    /// and includes) is not within what the actor holds at its scope.
    ///
    /// # Errors
    /// The role's own errors, at `role....`: `unknown_scope`, `unknown_resource`,
    /// `unknown_level`, `unknown_action`, `unknown_role`, `duplicate_id` (a policy role's id),
    /// `role_out_of_scope` (an include from a scope that is not the same or an ancestor),
    /// `cycle`, `invalid_value`.
    pub fn can_define_role(&self, req: &DefineDoc) -> Result<Decision> {
        let (roles, at) = staged_roles(&self.dir.doc.roles, &req.role);
        let mut errs = Vec::new();
        let staged = with_custom_roles(&self.policy, &roles, &self.dir.scopes, true, &mut errs);
        if !errs.is_empty() {
            return Err(relocate(first(errs), at));
        }
        let p = staged.as_ref().unwrap_or(self.policy.as_ref());
        let (Some(role), Some(scope)) = (
            p.role_ix.get(&req.role.id.0),
            self.dir.scopes.ids.get(&req.role.scope.0),
        ) else {
            return Err(Error::new(
                ErrorCode::UnknownRole,
                "role.id",
                format!("role `{}` did not compile", req.role.id.0),
            ));
        };
        let Some(info) = p.roles.get(role as usize) else {
            return Err(Error::new(
                ErrorCode::UnknownRole,
                "role.id",
                "unknown role",
            ));
        };
        let actor = self.dir.subject_or_unknown(&req.actor.0);
        let mut scopes = vec![scope];
        if let Some(old) = self
            .dir
            .doc
            .roles
            .iter()
            .find(|r| r.id == req.role.id)
            .and_then(|r| self.dir.scopes.ids.get(&r.scope.0))
        {
            if old != scope {
                scopes.push(old);
            }
        }
        if let Some(need) = p.define_requires {
            for &s in &scopes {
                let (perms, _) = self.holdings(actor, s, &QueryContext::default());
                if !perms.has(need) {
                    return Ok(deny(
                        Reason::MissingPermission,
                        format!(
                            "Requires {} at {} to define roles",
                            p.perm_label(need),
                            self.dir.scopes.name(s)
                        ),
                        vec![p.perm_name(need)],
                    ));
                }
            }
        }
        let holdings = [self.holdings(actor, scope, &QueryContext::default())];
        Ok(escalation(p, &info.perms, &info.actions, &holdings)
            .unwrap_or_else(|| allow("Allowed to define the role")))
    }

    /// Defines a custom role, or replaces the one with its id, validated as loading the
    /// directory would validate it (a changed scope must still hold every assignment of the
    /// role: `role_out_of_scope` otherwise). Recompiles the directory: the cost is that of
    /// loading it, not of the change. Returns whether a role was replaced.
    ///
    /// # Errors
    /// The validation error; the evaluator is unchanged.
    pub fn define_role(&mut self, role: CustomRoleDoc) -> Result<bool> {
        self.check_live()?;
        let (roles, at) = staged_roles(&self.dir.doc.roles, &role);
        let replaced = at < self.dir.doc.roles.len();
        let doc = DirectoryDoc {
            roles,
            ..self.dir.doc()
        };
        self.rebuild(doc).map_err(|e| relocate(e, at))?;
        Ok(replaced)
    }

    /// Deletes custom role `id`. A role still assigned, or included by another custom role, is
    /// refused (`role_in_use`) unless `remove_assignments` is true, which deletes its
    /// assignments with it (never another role's includes). Returns the deleted role.
    ///
    /// # Errors
    /// `unknown_role` for an id that is not a custom role; `role_in_use`.
    pub fn remove_role(&mut self, id: &str, remove_assignments: bool) -> Result<CustomRoleDoc> {
        self.check_live()?;
        let doc = &self.dir.doc;
        let Some(at) = doc.roles.iter().position(|r| r.id.0 == id) else {
            let mut names = IdMap::default();
            for r in &doc.roles {
                names.intern(&r.id.0);
            }
            return Err(crate::error::unknown(
                ErrorCode::UnknownRole,
                "role",
                "custom role",
                id,
                names.names(),
                0,
            ));
        };
        if let Some(other) = doc
            .roles
            .iter()
            .find(|r| r.includes.iter().any(|i| i == id))
        {
            return Err(Error::new(
                ErrorCode::RoleInUse,
                "role",
                format!("custom role `{}` includes `{id}`", other.id.0),
            )
            .with_help(format!("change `{}` first", other.id.0)));
        }
        let held = self.dir.assignments.count_role(id);
        if held > 0 && !remove_assignments {
            return Err(Error::new(
                ErrorCode::RoleInUse,
                "role",
                format!("`{id}` is still held by {held} assignment(s)"),
            )
            .with_help("revoke them first, or delete the role with its assignments"));
        }
        let mut next = self.dir.doc();
        let removed = next.roles.remove(at);
        next.assignments.retain(|a| a.role != id);
        self.rebuild(next)?;
        Ok(removed)
    }

    /// Replaces the directory with `doc` compiled (every subject keeps its handle), or changes
    /// nothing.
    fn rebuild(&mut self, doc: DirectoryDoc) -> Result<()> {
        let dir = Directory::recompile(&self.policy, doc, &self.dir).map_err(first)?;
        self.policy = dir.deciding_policy(&self.policy);
        self.dir = dir;
        Ok(())
    }
}

/// The directory's roles with `role` put in place of the one with its id (or appended), and
/// its index.
fn staged_roles(roles: &[CustomRoleDoc], role: &CustomRoleDoc) -> (Vec<CustomRoleDoc>, usize) {
    let mut out = roles.to_vec();
    match out.iter().position(|r| r.id == role.id) {
        Some(i) => {
            if let Some(slot) = out.get_mut(i) {
                *slot = role.clone();
            }
            (out, i)
        }
        None => {
            out.push(role.clone());
            (out, roles.len())
        }
    }
}

/// An error about `roles[at]` of the staged directory, told about the request's `role`.
fn relocate(mut e: Error, at: usize) -> Error {
    let prefix = format!("roles[{at}]");
    if let Some(rest) = e.path.strip_prefix(&prefix) {
        e.path = format!("role{rest}");
    }
    e
}
