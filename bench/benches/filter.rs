//! Criterion benchmarks of `filter` (issue 15): building the plan of a subject whose sources
//! reach 10 and 1,000 scopes, as one source over a region of that many subtenants (one term,
//! every id listed) and as one source at each subtenant (terms merged into one scope set).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rolecall::{Evaluator, Target};
use std::fmt::Write;

const POLICY: &str = r#"
rolecall: 1
dimensions: [country]
resources: { payments: {} }
actions: { payments.view: { requires: payments:view } }
roles: { viewer: { grants: { payments: [view] } } }
"#;

/// `org` with `n` subtenants; `wide` holds one assignment at `org` (for Chile), `many` one
/// assignment at each subtenant.
fn build(n: usize) -> Evaluator {
    let mut d = String::from("scopes:\n  - { id: org }\n");
    for i in 0..n {
        writeln!(d, "  - {{ id: t{i}, parent: org }}").unwrap();
    }
    d.push_str(
        "assignments:\n  - { subject: wide, role: viewer, scope: org, context: { country: CL } }\n",
    );
    for i in 0..n {
        writeln!(d, "  - {{ subject: many, role: viewer, scope: t{i} }}").unwrap();
    }
    Evaluator::from_text(POLICY, &d).unwrap()
}

fn filter(c: &mut Criterion) {
    let mut g = c.benchmark_group("filter");
    g.sample_size(30);
    let action = Target::Action("payments.view");
    for n in [10usize, 1000] {
        let eval = build(n);
        g.bench_with_input(
            BenchmarkId::new("plan, one source over a region of n subtenants", n),
            &n,
            |b, _| b.iter(|| eval.filter("wide", action, &[], None).unwrap()),
        );
        g.bench_with_input(
            BenchmarkId::new("plan, one source per subtenant", n),
            &n,
            |b, _| b.iter(|| eval.filter("many", action, &[], None).unwrap()),
        );
        let plan = eval.filter("many", action, &[], None).unwrap();
        let columns = rolecall::Columns {
            scope: "scope_id".to_owned(),
            ..rolecall::Columns::default()
        };
        g.bench_with_input(
            BenchmarkId::new("plan as SQL, one source per subtenant", n),
            &n,
            |b, _| b.iter(|| plan.to_sql(&columns).unwrap()),
        );
    }
    g.finish();
}

criterion_group!(benches, filter);
criterion_main!(benches);
