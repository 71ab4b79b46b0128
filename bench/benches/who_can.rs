//! Criterion benchmarks of `who_can` (issue 18's budget: 10,000 subjects in under 5 ms
//! natively) and of the access-review export over the same directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use criterion::{criterion_group, criterion_main, Criterion};
use rolecall::{Directory, Evaluator, Policy, Target};
use rolecall_bench::{workload, Shape};
use std::sync::Arc;

fn build(shape: Shape) -> Evaluator {
    let (p, d) = workload(shape, 7);
    let policy = Arc::new(Policy::parse(&p.to_string()).unwrap());
    let dir = Directory::parse(&policy, &d.to_string()).unwrap();
    Evaluator::new(policy, dir).unwrap()
}

fn who_can(c: &mut Criterion) {
    let mut g = c.benchmark_group("who_can");
    g.sample_size(20);
    // 10,000 users with 1 to 3 assignments each over 50 subtenants.
    let eval = build(Shape::DASHBOARD);
    let view = Target::Action("res1.view");
    let change = Target::Action("res0.change");
    let allowed = eval
        .who_can(view, "t1", &[], &[], None)
        .unwrap()
        .allowed
        .len();
    let few = eval
        .who_can(change, "t1", &[], &[], None)
        .unwrap()
        .allowed
        .len();
    g.bench_function(
        format!("an action most hold, at a subtenant (10,000 users; {allowed} allowed)"),
        |b| {
            b.iter(|| {
                eval.who_can(view, "t1", &[], &[], None)
                    .unwrap()
                    .allowed
                    .len()
            })
        },
    );
    g.bench_function(
        format!("an action few hold, at a subtenant (10,000 users; {few} allowed)"),
        |b| {
            b.iter(|| {
                eval.who_can(change, "t1", &[], &[], None)
                    .unwrap()
                    .allowed
                    .len()
            })
        },
    );
    g.bench_function("access report rows (10,000 users)", |b| {
        b.iter(|| eval.access_report().len())
    });
    g.finish();
}

criterion_group!(benches, who_can);
criterion_main!(benches);
