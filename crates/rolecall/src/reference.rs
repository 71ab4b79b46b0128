//! The permission reference (issue 18): what a policy grants, as the pages product documents
//! write by hand: one row per action with the roles that allow it, a roles-by-resources matrix,
//! the levels and what each implies, and the rules (not assignable, `max_holders`, exclusive
//! roles, forbid rules, maker-checker) each in one sentence. [`Policy::reference`] builds it as
//! data; renderers (the CLI's Markdown and HTML, the example dashboard's page) only lay it out,
//! so every rendering says the same.

use crate::eval::DEFAULT_SELF_APPROVAL;
use crate::model::SubjectKind;
use crate::policy::{Policy, RoleInfo};
use serde::Serialize;

/// What an action row shows when only roles that cannot be assigned allow it.
pub const ADMIN_ONLY: &str = "Admin only";
/// What an action row shows when no role allows it (only direct grants and keys can).
pub const NO_ROLE: &str = "No role";

/// The permission reference of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// Every role, in declared order.
    pub roles: Vec<RoleEntry>,
    /// One row per action, in declared order.
    pub actions: Vec<ActionEntry>,
    /// One row per resource, in declared order; each row has one cell per role of `roles`.
    pub matrix: Vec<MatrixRow>,
    /// Every level, in declared order.
    pub levels: Vec<LevelEntry>,
    /// The rules, each in one sentence.
    pub rules: Vec<Rule>,
    /// How the action table lists roles, in one sentence (said in every rendering).
    pub note: String,
}

/// A role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleEntry {
    /// Its name.
    pub name: String,
    /// Its label (`Finance and Accounting`).
    pub label: String,
    /// False for a role never granted through the product (an administrator, a building block).
    pub assignable: bool,
    /// Its description, if the policy gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One permission an action requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// `transfers:authorize`.
    pub permission: String,
    /// The resource's label (`Transfers`).
    pub resource: String,
    /// The level's label (`Authorize`).
    pub level: String,
}

/// One row of the action table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionEntry {
    /// The action's name.
    pub name: String,
    /// Its label (or its name, humanized).
    pub label: String,
    /// What it requires, all of it, in order.
    pub requires: Vec<Requirement>,
    /// The assignable roles that allow it, by name, in declared order: through their grants,
    /// their includes, wildcards, level implication or a single-action grant.
    pub roles: Vec<String>,
    /// The roles column as written: labels joined by `, `, or [`ADMIN_ONLY`] when only roles
    /// that cannot be assigned allow it, or [`NO_ROLE`].
    pub allowed_by: String,
    /// The resource attribute that must not name the subject (maker-checker), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distinct_from: Option<String>,
}

/// One resource's row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixRow {
    /// The resource's name.
    pub resource: String,
    /// Its label.
    pub label: String,
    /// One cell per role, in the order of [`Reference::roles`].
    pub cells: Vec<MatrixCell>,
}

/// What one role holds on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixCell {
    /// The highest levels held (none implies another), by name.
    pub levels: Vec<String>,
    /// Single actions on the resource held beyond those levels, by name.
    pub actions: Vec<String>,
    /// The cell as written: `Manage`, `Manage, Authorize`, `View + 1 action`, `2 actions`, or
    /// empty when nothing is held.
    pub text: String,
}

/// A level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelEntry {
    /// Its name.
    pub name: String,
    /// Its label.
    pub label: String,
    /// The labels of the levels it implies, transitively, in declared order.
    pub implies: Vec<String>,
    /// Its description, if the policy gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One rule of the policy, in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// `not_assignable`, `max_holders`, `assignable_at`, `exclusive_roles`, `forbid` or
    /// `self_approval`.
    pub kind: &'static str,
    /// The sentence.
    pub text: String,
}

impl Policy {
    /// The permission reference: deterministic (declared order everywhere), so that a rendering
    /// can be diffed in CI.
    pub fn reference(&self) -> Reference {
        let roles: Vec<RoleEntry> = self
            .roles
            .iter()
            .map(|r| RoleEntry {
                name: r.name.clone(),
                label: r.label.clone(),
                assignable: r.assignable,
                description: self
                    .doc()
                    .roles
                    .get(&r.name)
                    .and_then(|d| d.description.clone()),
            })
            .collect();
        let hidden: Vec<&str> = self
            .roles
            .iter()
            .filter(|r| !r.assignable)
            .map(|r| r.label.as_str())
            .collect();
        let note = if hidden.is_empty() {
            "Every role can be assigned; each row lists the roles that allow the action.".to_owned()
        } else {
            format!(
                "Roles that cannot be assigned through the product ({}) are not listed in the \
                 action table; an action only they allow reads \"{ADMIN_ONLY}\".",
                hidden.join(", ")
            )
        };
        Reference {
            actions: (0..self.actions.len() as u32)
                .map(|a| self.action_entry(a))
                .collect(),
            matrix: self.matrix(),
            levels: self.level_entries(),
            rules: self.rules(),
            roles,
            note,
        }
    }

    /// Whether a role's closed set allows an action (no directory: grants and single actions).
    fn role_allows(&self, role: &RoleInfo, action: u32) -> bool {
        role.actions.has(action)
            || self.actions.get(action as usize).is_some_and(|a| {
                !a.requires.is_empty() && a.requires.iter().all(|p| role.perms.has(*p))
            })
    }

    fn action_entry(&self, action: u32) -> ActionEntry {
        let a = self.actions.get(action as usize);
        let allowing: Vec<&RoleInfo> = self
            .roles
            .iter()
            .filter(|r| self.role_allows(r, action))
            .collect();
        let listed: Vec<&RoleInfo> = allowing.iter().copied().filter(|r| r.assignable).collect();
        let allowed_by = if !listed.is_empty() {
            listed
                .iter()
                .map(|r| r.label.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        } else if allowing.is_empty() {
            NO_ROLE.to_owned()
        } else {
            ADMIN_ONLY.to_owned()
        };
        ActionEntry {
            name: a.map_or_else(String::new, |a| a.name.clone()),
            label: a.map_or_else(String::new, |a| a.label.clone()),
            requires: a
                .map(|a| a.requires.as_slice())
                .unwrap_or(&[])
                .iter()
                .map(|p| {
                    let (r, l) = self.perm_parts(*p);
                    Requirement {
                        permission: self.perm_name(*p),
                        resource: self.resource_label(r),
                        level: self.level_label(l),
                    }
                })
                .collect(),
            roles: listed.iter().map(|r| r.name.clone()).collect(),
            allowed_by,
            distinct_from: a.and_then(|a| a.distinct_from.clone()),
        }
    }

    fn resource_label(&self, r: u32) -> String {
        self.resources
            .get(r as usize)
            .map_or_else(String::new, |x| x.label.clone())
    }

    fn level_label(&self, l: u32) -> String {
        self.levels
            .get(l as usize)
            .map_or_else(String::new, |x| x.label.clone())
    }

    /// The resource an action is about: that of its first required permission.
    fn action_resource(&self, action: u32) -> Option<u32> {
        let a = self.actions.get(action as usize)?;
        a.requires.first().map(|p| self.perm_parts(*p).0)
    }

    fn matrix(&self) -> Vec<MatrixRow> {
        (0..self.resources.len() as u32)
            .map(|res| MatrixRow {
                resource: self
                    .resources
                    .get(res as usize)
                    .map_or_else(String::new, |r| r.name.clone()),
                label: self.resource_label(res),
                cells: self.roles.iter().map(|role| self.cell(role, res)).collect(),
            })
            .collect()
    }

    fn cell(&self, role: &RoleInfo, res: u32) -> MatrixCell {
        let held: Vec<u32> = (0..self.nlevels())
            .filter(|l| role.perms.has(self.perm_id(res, *l)))
            .collect();
        let implied_by_other = |l: u32| {
            held.iter().any(|m| {
                *m != l
                    && self
                        .levels
                        .get(*m as usize)
                        .is_some_and(|x| x.implied >> l & 1 == 1)
            })
        };
        let top: Vec<u32> = held
            .iter()
            .copied()
            .filter(|l| !implied_by_other(*l))
            .collect();
        let actions: Vec<u32> = role
            .actions
            .iter()
            .filter(|a| self.action_resource(*a) == Some(res))
            .filter(|a| {
                // Held through the levels anyway: not worth a mention.
                !self.actions.get(*a as usize).is_some_and(|x| {
                    !x.requires.is_empty() && x.requires.iter().all(|p| role.perms.has(*p))
                })
            })
            .collect();
        let mut text = top
            .iter()
            .map(|l| self.level_label(*l))
            .collect::<Vec<_>>()
            .join(", ");
        if !actions.is_empty() {
            let n = actions.len();
            let words = format!("{n} action{}", if n == 1 { "" } else { "s" });
            text = if text.is_empty() {
                words
            } else {
                format!("{text} + {words}")
            };
        }
        MatrixCell {
            levels: top
                .iter()
                .filter_map(|l| self.levels.get(*l as usize).map(|x| x.name.clone()))
                .collect(),
            actions: actions
                .iter()
                .map(|a| self.action_name(*a).to_owned())
                .collect(),
            text,
        }
    }

    fn level_entries(&self) -> Vec<LevelEntry> {
        self.levels
            .iter()
            .enumerate()
            .map(|(i, l)| LevelEntry {
                name: l.name.clone(),
                label: l.label.clone(),
                implies: (0..self.nlevels())
                    .filter(|m| *m as usize != i && l.implied >> m & 1 == 1)
                    .map(|m| self.level_label(m))
                    .collect(),
                description: self
                    .doc()
                    .levels
                    .as_ref()
                    .and_then(|ls| ls.get(&l.name))
                    .and_then(|d| d.description.clone()),
            })
            .collect()
    }

    fn role_label_of(&self, name: &str) -> String {
        self.role_ix
            .get(name)
            .and_then(|r| self.roles.get(r as usize))
            .map_or_else(|| name.to_owned(), |r| r.label.clone())
    }

    fn rules(&self) -> Vec<Rule> {
        let mut out = Vec::new();
        for r in &self.roles {
            if !r.assignable {
                out.push(Rule {
                    kind: "not_assignable",
                    text: format!("{} cannot be assigned through the product.", r.label),
                });
            }
            if let Some(n) = r.max_holders {
                let who = if n == 1 {
                    "one subject".to_owned()
                } else {
                    format!("{n} subjects")
                };
                out.push(Rule {
                    kind: "max_holders",
                    text: format!("{} is held by at most {who} at each scope.", r.label),
                });
            }
            if let Some(kinds) = &r.assignable_at {
                out.push(Rule {
                    kind: "assignable_at",
                    text: format!(
                        "{} is assigned only at scopes of kind {}.",
                        r.label,
                        or_list(kinds)
                    ),
                });
            }
        }
        for group in &self.doc().constraints.exclusive_roles {
            let labels: Vec<String> = group.iter().map(|g| self.role_label_of(g)).collect();
            out.push(Rule {
                kind: "exclusive_roles",
                text: format!(
                    "No one holds {} in overlapping scopes.",
                    and_list(&labels, "both", "two of")
                ),
            });
        }
        for f in &self.doc().constraints.forbid {
            let who = match f.subject_kind {
                Some(SubjectKind::ApiKey) => "API keys",
                Some(SubjectKind::User) => "Users",
                None => "No one",
            };
            let what = match (&f.permission, &f.action) {
                (Some(p), _) => self.permission_words(p),
                (None, Some(a)) => match self
                    .action_ix
                    .get(a)
                    .and_then(|i| self.actions.get(i as usize))
                {
                    Some(x) => format!("do \"{}\"", x.label),
                    None => format!("do the actions `{a}`"),
                },
                (None, None) => String::new(),
            };
            let verb = if f.subject_kind.is_some() {
                "never"
            } else {
                "can"
            };
            let place = f
                .scope
                .as_ref()
                .map_or_else(String::new, |s| format!(" in {s} and below"));
            out.push(Rule {
                kind: "forbid",
                text: format!("{who} {verb} {what}{place}, whatever their roles grant."),
            });
        }
        for a in &self.actions {
            if a.distinct_from.is_some() {
                let message = a
                    .self_approval_message
                    .clone()
                    .unwrap_or_else(|| DEFAULT_SELF_APPROVAL.to_owned());
                out.push(Rule {
                    kind: "self_approval",
                    text: format!("{}: {}.", a.label, message.trim_end_matches('.')),
                });
            }
        }
        out
    }

    /// `hold Authorize on Transfers`, or the pattern for a wildcard (`hold transfers:*`).
    fn permission_words(&self, p: &str) -> String {
        match self.resolve_perm(p, 0) {
            Ok(id) => format!("hold {}", self.perm_label(id)),
            Err(_) => format!("hold `{p}`"),
        }
    }
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// `both A and B`, `two of A, B and C`.
fn and_list(items: &[String], two: &str, more: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{two} {a} and {b}"),
        [init @ .., last] => format!("{more} {} and {last}", init.join(", ")),
    }
}
