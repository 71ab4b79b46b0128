//! Criterion benchmarks of the rolecall core, each at several sizes so growth is visible.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rolecall::model::{AssignDoc, Text};
use rolecall::{Directory, Evaluator, Policy, Query};
use rolecall_bench::{queries, workload, Shape};
use std::hint::black_box;
use std::sync::Arc;

fn build(shape: Shape) -> (Arc<Policy>, String, Evaluator) {
    let (p, d) = workload(shape, 7);
    let policy = Arc::new(Policy::parse(&p.to_string()).unwrap());
    let dtext = d.to_string();
    let dir = Directory::parse(&policy, &dtext).unwrap();
    (policy.clone(), dtext, Evaluator::new(policy, dir).unwrap())
}

fn checks(c: &mut Criterion) {
    let shape = Shape::DASHBOARD;
    let (_, _, eval) = build(shape);
    let qs = queries(shape, 10_000, 11);
    let mut g = c.benchmark_group("check");
    g.throughput(Throughput::Elements(qs.len() as u64));
    g.bench_function("can by names", |b| {
        b.iter(|| {
            qs.iter()
                .filter(|(s, a, sc)| eval.can(&Query::action(s, a, sc)).unwrap())
                .count()
        })
    });
    let prepared: Vec<(u32, u32, u32)> = qs
        .iter()
        .map(|(s, a, sc)| {
            (
                eval.subject_handle(s),
                eval.policy().action_id(a).unwrap(),
                eval.scope_handle(sc).unwrap(),
            )
        })
        .collect();
    g.bench_function("can prepared", |b| {
        b.iter(|| {
            prepared
                .iter()
                .filter(|(s, a, sc)| eval.can_prepared(*s, *a, *sc, None))
                .count()
        })
    });
    g.bench_function("check (decision with message)", |b| {
        b.iter(|| {
            qs.iter()
                .map(|(s, a, sc)| eval.check(&Query::action(s, a, sc)).unwrap().allowed as usize)
                .sum::<usize>()
        })
    });
    g.finish();
}

fn loading(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    for users in [500usize, 5_000, 50_000] {
        let shape = Shape {
            users,
            ..Shape::DASHBOARD
        };
        let (policy, dtext, _) = build(shape);
        let n = workload(shape, 7).1["assignments"]
            .as_array()
            .map_or(0, Vec::len);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(
            BenchmarkId::new("directory json (assignments)", n),
            &dtext,
            |b, t| b.iter(|| Directory::parse(&policy, black_box(t)).unwrap()),
        );
    }
    for resources in [10usize, 100, 500] {
        let (p, _) = workload(
            Shape {
                resources,
                users: 1,
                ..Shape::DASHBOARD
            },
            7,
        );
        let text = p.to_string();
        // Per resource; without this the directory loop's throughput would carry over.
        g.throughput(Throughput::Elements(resources as u64));
        g.bench_with_input(
            BenchmarkId::new("compile policy (resources)", resources),
            &text,
            |b, t| b.iter(|| Policy::parse(black_box(t)).unwrap()),
        );
    }
    g.finish();
}

fn bulk(c: &mut Criterion) {
    let mut g = c.benchmark_group("bulk");
    g.sample_size(10);
    for subtenants in [10usize, 100, 1_000, 10_000] {
        let shape = Shape {
            subtenants,
            users: 2_000,
            ..Shape::DASHBOARD
        };
        let (_, _, eval) = build(shape);
        g.bench_with_input(
            BenchmarkId::new("allowed actions at a scope (subtenants)", subtenants),
            &eval,
            |b, e| b.iter(|| e.allowed_actions("u1", "t1", &[], None).unwrap().len()),
        );
        g.bench_with_input(
            BenchmarkId::new("scopes where allowed (subtenants)", subtenants),
            &eval,
            |b, e| b.iter(|| e.scopes_where("u1", "res1.view", &[], None).unwrap().len()),
        );
        g.bench_with_input(
            BenchmarkId::new("snapshot (subtenants)", subtenants),
            &eval,
            |b, e| b.iter(|| e.snapshot("u1")),
        );
        g.bench_with_input(
            BenchmarkId::new("effective report, counted (subtenants)", subtenants),
            &eval,
            |b, e| b.iter(|| rolecall::count_effective(e)),
        );
        g.bench_with_input(
            BenchmarkId::new("can_assign (subtenants)", subtenants),
            &eval,
            |b, e| {
                let req = AssignDoc {
                    actor: Text("u1".into()),
                    subject: Text("u2".into()),
                    role: "viewer".into(),
                    scope: Text("t1".into()),
                    context: Default::default(),
                };
                b.iter(|| e.can_assign(&req).unwrap().allowed)
            },
        );
    }
    // Issue #7's budget: the full report of 10k subjects x 1k scopes in under 1 s natively.
    let (_, _, big) = build(Shape {
        subtenants: 1_000,
        users: 10_000,
        ..Shape::DASHBOARD
    });
    g.bench_function(
        "effective report, counted (10,000 users x 1,000 subtenants)",
        |b| b.iter(|| rolecall::count_effective(&big)),
    );
    g.bench_function(
        "effective report, built (10,000 users x 1,000 subtenants)",
        |b| b.iter(|| big.effective_permissions().len()),
    );
    let (_, _, before) = build(Shape {
        users: 2_000,
        ..Shape::DASHBOARD
    });
    let mut after = before.clone();
    after.remove_assignment(0).unwrap();
    g.bench_function("diff, one assignment removed (2,000 users)", |b| {
        b.iter(|| rolecall::diff(&before, &after).changes.len())
    });
    g.finish();
}

criterion_group!(benches, checks, loading, bulk);
criterion_main!(benches);
