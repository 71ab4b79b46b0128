//! `rolecall docs`: the permission reference of a policy ([`rolecall::Reference`]) written as
//! Markdown or as one self-contained HTML page. Deterministic, so a CI job can regenerate it and
//! diff it against the page a product publishes.

use crate::diagnostics::{io_error, Located};
use crate::input;
use rolecall::{ActionEntry, Reference};
use std::path::PathBuf;
use std::process::ExitCode;

/// Write the permission reference of a policy: what each role allows.
///
/// One row per action in declared order (its label, its resource, the access level it requires,
/// the roles that allow it), the access level each role holds on each resource, the levels and
/// what each implies, and the policy's rules (roles that are not assignable, `max_holders`,
/// exclusive roles, forbid rules, maker-checker) in one sentence each. Roles that cannot be
/// assigned are left out of the action table: an action only they allow reads "Admin only".
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy file (YAML or JSON).
    pub policy: PathBuf,
    /// `md` (Markdown) or `html` (one page, no scripts).
    #[arg(long, default_value = "md", value_parser = ["md", "html"])]
    pub format: String,
    /// Write to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<ExitCode, Vec<Located>> {
    let (policy, _) = input::policy(&args.policy)?;
    let reference = policy.reference();
    let text = if args.format == "html" {
        html(&reference)
    } else {
        markdown(&reference)
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| vec![io_error(&path.display().to_string(), &e)])?,
        None => crate::out!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The resource column: each required permission's resource, once.
fn resources(a: &ActionEntry) -> String {
    let mut out: Vec<&str> = Vec::new();
    for r in &a.requires {
        if !out.contains(&r.resource.as_str()) {
            out.push(&r.resource);
        }
    }
    out.join(", ")
}

/// The level column: each required permission's level, in order.
fn levels(a: &ActionEntry) -> String {
    a.requires
        .iter()
        .map(|r| r.level.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A role's column header: its label, marked when it cannot be assigned.
fn role_header(r: &rolecall::RoleEntry) -> String {
    if r.assignable {
        r.label.clone()
    } else {
        format!("{} *", r.label)
    }
}

const NOT_ASSIGNABLE: &str = "\\* cannot be assigned through the product.";

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The reference as GitHub-flavoured Markdown.
pub fn markdown(r: &Reference) -> String {
    let mut out = String::from("# Permission reference\n\n");
    out.push_str("## Actions\n\n");
    out.push_str(&format!("{}\n\n", r.note));
    out.push_str("| Action | Resource | Access level | Roles |\n| --- | --- | --- | --- |\n");
    for a in &r.actions {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            md_cell(&a.label),
            md_cell(&resources(a)),
            md_cell(&levels(a)),
            md_cell(&a.allowed_by)
        ));
    }
    out.push_str("\n## Roles by resource\n\n| Resource |");
    for role in &r.roles {
        out.push_str(&format!(" {} |", md_cell(&role_header(role))));
    }
    out.push_str("\n| --- |");
    out.push_str(&" --- |".repeat(r.roles.len()));
    out.push('\n');
    for row in &r.matrix {
        out.push_str(&format!("| {} |", md_cell(&row.label)));
        for c in &row.cells {
            let text = if c.text.is_empty() { "—" } else { &c.text };
            out.push_str(&format!(" {} |", md_cell(text)));
        }
        out.push('\n');
    }
    if r.roles.iter().any(|x| !x.assignable) {
        out.push_str(&format!("\n{NOT_ASSIGNABLE}\n"));
    }
    out.push_str("\n## Access levels\n\n");
    for l in &r.levels {
        out.push_str(&format!("- **{}**", md_cell(&l.label)));
        if !l.implies.is_empty() {
            out.push_str(&format!(": includes {}", l.implies.join(", ")));
        }
        if let Some(d) = &l.description {
            out.push_str(&format!(". {}", md_cell(d)));
        }
        out.push('\n');
    }
    if !r.rules.is_empty() {
        out.push_str("\n## Rules\n\n");
        for rule in &r.rules {
            out.push_str(&format!("- {}\n", md_cell(&rule.text)));
        }
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str =
    "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;\
max-width:1100px;margin:2rem auto;padding:0 1.5rem}h1{font-size:1.8rem;margin-bottom:.25rem}\
h2{font-size:1.3rem;margin-top:2.5rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}\
p.note{color:#59636e}table{border-collapse:collapse;width:100%;margin:1rem 0}\
th,td{border:1px solid #d0d7de;padding:.45rem .7rem;text-align:left;vertical-align:top}\
th{background:#f6f8fa;font-weight:600}tbody tr:nth-child(even){background:#fafbfc}\
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;color:#59636e}\
td.admin{color:#9a6700;font-weight:600}td.none{color:#8c959f}\
.matrix td{text-align:center}.matrix td:first-child{text-align:left;font-weight:600}";

/// The reference as one self-contained HTML page: inline styles, no scripts, no requests.
pub fn html(r: &Reference) -> String {
    let mut out = String::from(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Permission reference</title>\n",
    );
    out.push_str(&format!("<style>{STYLE}</style>\n</head>\n<body>\n"));
    out.push_str("<h1>Permission reference</h1>\n");
    out.push_str("<h2 id=\"actions\">Actions</h2>\n");
    out.push_str(&format!("<p class=\"note\">{}</p>\n", esc(&r.note)));
    out.push_str(
        "<table class=\"actions\">\n<thead><tr><th>Action</th><th>Resource</th>\
         <th>Access level</th><th>Roles</th></tr></thead>\n<tbody>\n",
    );
    for a in &r.actions {
        let class = match a.allowed_by.as_str() {
            rolecall::ADMIN_ONLY => " class=\"admin\"",
            rolecall::NO_ROLE => " class=\"none\"",
            _ => "",
        };
        out.push_str(&format!(
            "<tr id=\"action-{}\"><td>{}<br><code>{}</code></td><td>{}</td><td>{}</td><td{class}>{}</td></tr>\n",
            esc(&a.name),
            esc(&a.label),
            esc(&a.name),
            esc(&resources(a)),
            esc(&levels(a)),
            esc(&a.allowed_by)
        ));
    }
    out.push_str("</tbody>\n</table>\n");
    out.push_str("<h2 id=\"roles\">Roles by resource</h2>\n<table class=\"matrix\">\n<thead><tr><th>Resource</th>");
    for role in &r.roles {
        out.push_str(&format!("<th>{}</th>", esc(&role_header(role))));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &r.matrix {
        out.push_str(&format!("<tr><td>{}</td>", esc(&row.label)));
        for c in &row.cells {
            if c.text.is_empty() {
                out.push_str("<td class=\"none\">—</td>");
            } else if c.actions.is_empty() {
                out.push_str(&format!("<td>{}</td>", esc(&c.text)));
            } else {
                out.push_str(&format!(
                    "<td title=\"{}\">{}</td>",
                    esc(&c.actions.join(", ")),
                    esc(&c.text)
                ));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if r.roles.iter().any(|x| !x.assignable) {
        out.push_str("<p class=\"note\">* cannot be assigned through the product.</p>\n");
    }
    out.push_str("<h2 id=\"levels\">Access levels</h2>\n<ul>\n");
    for l in &r.levels {
        out.push_str(&format!("<li><strong>{}</strong>", esc(&l.label)));
        if !l.implies.is_empty() {
            out.push_str(&format!(": includes {}", esc(&l.implies.join(", "))));
        }
        if let Some(d) = &l.description {
            out.push_str(&format!(". {}", esc(d)));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
    if !r.rules.is_empty() {
        out.push_str("<h2 id=\"rules\">Rules</h2>\n<ul>\n");
        for rule in &r.rules {
            out.push_str(&format!("<li>{}</li>\n", esc(&rule.text)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}
