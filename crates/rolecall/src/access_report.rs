//! The access-review export (issue 18): one row per subject, source and permission (or single
//! action) it grants, at the scope the source was given at, with its context: what an auditor's
//! spreadsheet needs. Rows come from the sources themselves, not from every scope they cover,
//! so a grant at `org` is one row, not one per subtenant. CSV is written here too, so the CLI
//! and the server's download are the same bytes.

use crate::directory::{Origin, Source};
use crate::eval::{Evaluator, GrantSource};
use crate::model::SubjectKind;
use serde::Serialize;

/// One row of the access report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessRow {
    /// The subject.
    pub subject: String,
    /// `user` or `api_key`.
    pub kind: SubjectKind,
    /// The scope the source was given at (it covers that scope's subtree).
    pub scope: String,
    /// `resource:level`, or an action name for a single-action grant.
    pub permission: String,
    /// Where it comes from.
    pub source: GrantSource,
    /// The key's owner, for an API key (a key holds only what its owner holds too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The source's context (`country: CL, MX`), if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

impl AccessRow {
    /// The source in words: `role operations (assignment 0)`, `direct grant 2`,
    /// `API key of bob`.
    pub fn source_text(&self) -> String {
        match (&self.source.role, &self.owner) {
            (Some(role), _) => format!("role {role} (assignment {})", self.source.index),
            (None, Some(owner)) => format!("API key of {owner}"),
            (None, None) => format!("direct grant {}", self.source.index),
        }
    }
}

impl Evaluator {
    /// Every permission and single action each subject's sources grant: subjects by id, then
    /// their sources in directory order (assignments, grants, the key), then permissions in
    /// declared order and single actions.
    pub fn access_report(&self) -> Vec<AccessRow> {
        let mut order: Vec<u32> = (0..self.dir.subject_info.len() as u32).collect();
        crate::sorting::sort_by(&mut order, |a, b| {
            self.dir.subjects.name(*a).cmp(self.dir.subjects.name(*b))
        });
        let mut out = Vec::new();
        for s in order {
            let subject = self.dir.subjects.name(s);
            let key = self.key_of(s);
            let owner = key.map(|k| self.dir.subjects.name(k.owner).to_owned());
            let own: &[Source] = match key {
                Some(k) => std::slice::from_ref(&k.source),
                None => self.sources(s),
            };
            let mut sorted: Vec<&Source> = own.iter().collect();
            crate::sorting::sort_by_key(&mut sorted, |src| src.origin);
            for src in sorted {
                let source = self.grant_source(src);
                let context = (src.ctx != 0).then(|| self.context_text(src.ctx));
                let perms = crate::bitset::ones(self.dir.perm_sets.get(src.perms))
                    .map(|p| self.policy.perm_name(p));
                let actions = crate::bitset::ones(self.dir.action_sets.get(src.actions))
                    .map(|a| self.policy.action_name(a).to_owned());
                for permission in perms.chain(actions) {
                    out.push(AccessRow {
                        subject: subject.to_owned(),
                        kind: if key.is_some() {
                            SubjectKind::ApiKey
                        } else {
                            SubjectKind::User
                        },
                        scope: source.scope.clone(),
                        permission,
                        source: source.clone(),
                        owner: matches!(src.origin, Origin::Key(_))
                            .then(|| owner.clone())
                            .flatten(),
                        context: context.clone(),
                    });
                }
            }
        }
        out
    }
}

/// The access report as CSV (RFC 4180: a header line, fields quoted when they need it, CRLF
/// line ends): `subject,kind,scope,permission,source,context`.
pub fn access_report_csv(rows: &[AccessRow]) -> String {
    let mut out = String::from("subject,kind,scope,permission,source,context\r\n");
    for r in rows {
        let fields = [
            r.subject.as_str(),
            r.kind.as_str(),
            r.scope.as_str(),
            r.permission.as_str(),
            &r.source_text(),
            r.context.as_deref().unwrap_or(""),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A field quoted when it holds a comma, a quote or a line break; and, so that a spreadsheet
/// never runs it as a formula, prefixed with `'` when it starts with `=`, `+`, `-` or `@`.
fn csv_field(f: &str) -> String {
    let f = if f.starts_with(['=', '+', '-', '@']) {
        format!("'{f}")
    } else {
        f.to_owned()
    };
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f
    }
}
