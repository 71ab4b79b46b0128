//! `rolecall check --explain`: the derivation behind a decision, from the core's
//! [`rolecall::Trace`]: which assignment, role, scope or grant allowed it; or what is missing and
//! the nearest thing the subject holds (a source holding it elsewhere or under another context).

use crate::check::{json_of, query_error, source_text, verdict};
use crate::diagnostics::Located;
use rolecall::{Decision, Evaluator, Query, SourceKind, SourceTrace};

/// Prints the explained decision (text, or the trace as JSON) and returns the decision.
pub fn run(eval: &Evaluator, q: &Query<'_>, json: bool) -> Result<Decision, Vec<Located>> {
    let trace = eval.trace(q).map_err(|e| vec![query_error(e)])?;
    if json {
        crate::outln!("{}", json_of(&trace));
    } else {
        crate::out!("{}", verdict(&trace.decision));
        for m in &trace.decision.missing {
            crate::outln!("  missing {m}");
        }
        crate::out!("{}", derivation(eval, q, &trace.decision, &trace.sources));
    }
    Ok(trace.decision)
}

/// Whether a source, on its own, gives what the query needs in its scope and context.
fn contributes(s: &SourceTrace) -> bool {
    s.covers_scope && s.context_met && (!s.holds.is_empty() || s.holds_action)
}

/// Whether a source holds something that is missing (elsewhere, under another context, or, for
/// an API key, without its owner holding it too).
fn is_near(s: &SourceTrace, d: &Decision) -> bool {
    s.holds_action || s.holds.iter().any(|h| d.missing.contains(h))
}

fn derivation(eval: &Evaluator, q: &Query<'_>, d: &Decision, sources: &[SourceTrace]) -> String {
    let mut out = String::new();
    if sources.is_empty() {
        out.push_str(&format!(
            "explanation: `{}` holds nothing in this directory\n",
            q.subject
        ));
        return out;
    }
    // Denied with nothing missing (expired, forbidden, self_approval): what is held is shown as
    // for an allow, and the verdict line says why it does not count.
    let held = d.allowed || d.missing.is_empty();
    let (main, rest): (Vec<&SourceTrace>, Vec<&SourceTrace>) = if held {
        sources.iter().partition(|s| contributes(s))
    } else {
        sources.iter().partition(|s| is_near(s, d))
    };
    let heading = match (d.allowed, held, main.is_empty()) {
        (true, _, _) => "granted by:",
        (false, true, _) => "held through:",
        (false, false, false) => {
            "nearest (holds what is missing, but not in this scope or context):"
        }
        (false, false, true) => "nearest: nothing the subject holds grants what is missing",
    };
    out.push_str(heading);
    out.push('\n');
    for s in &main {
        out.push_str(&format!("  {}\n", line(eval, q, s)));
    }
    if sources
        .first()
        .is_some_and(|s| s.source.kind == SourceKind::ApiKey)
    {
        out.push_str("note: an API key holds only what both the key and its owner hold\n");
    }
    if !rest.is_empty() {
        out.push_str("other sources:\n");
        for s in &rest {
            out.push_str(&format!("  {}\n", line(eval, q, s)));
        }
    }
    out
}

/// `assignment #1 (role operations at org): covers acme-cl, holds refunds:manage`.
fn line(eval: &Evaluator, q: &Query<'_>, s: &SourceTrace) -> String {
    let mut head = source_text(eval, &s.source);
    if let Some(c) = &s.context {
        head.push_str(&format!(" [{c}]"));
    }
    let mut holds: Vec<String> = s.holds.clone();
    if s.holds_action {
        if let rolecall::Target::Action(a) = q.target {
            holds.push(format!("the action {a} as a single action"));
        }
    }
    let scope = if s.covers_scope {
        format!("covers {}", q.scope)
    } else {
        format!("does not cover {}", q.scope)
    };
    let context = match (&s.context, s.context_met) {
        (None, _) => String::new(),
        (Some(_), true) => ", context met".to_owned(),
        (Some(_), false) => ", context not met".to_owned(),
    };
    let held = if holds.is_empty() {
        "holds none of what is required".to_owned()
    } else {
        format!("holds {}", holds.join(", "))
    };
    format!("{head}: {scope}{context}, {held}")
}
