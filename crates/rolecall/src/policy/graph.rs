//! The walks of the policy's graphs (role includes, level implication): a topological order
//! that peels nodes from the sinks up, and one cycle when there is no such order. Iterative and
//! linear in the graph, so no policy can overflow the stack.

/// The reverse graph: for each node, the nodes that point at it.
fn reverse(edges: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let mut rev: Vec<Vec<u32>> = vec![Vec::new(); edges.len()];
    for (i, out) in edges.iter().enumerate() {
        for &t in out {
            if let Some(r) = rev.get_mut(t as usize) {
                r.push(i as u32);
            }
        }
    }
    rev
}

/// Nodes peeled from the sinks up, each after everything it points to: each node is peeled
/// once and each edge looked at once. Nodes on a cycle, or leading into one, are never peeled.
fn peel(edges: &[Vec<u32>]) -> Vec<u32> {
    let n = edges.len();
    let mut pending: Vec<usize> = edges
        .iter()
        .map(|e| e.iter().filter(|t| (**t as usize) < n).count())
        .collect();
    let rev = reverse(edges);
    let mut ready: Vec<u32> = (0..n as u32)
        .filter(|i| pending.get(*i as usize) == Some(&0))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop() {
        order.push(i);
        for &from in rev.get(i as usize).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(p) = pending.get_mut(from as usize) {
                *p -= 1;
                if *p == 0 {
                    ready.push(from);
                }
            }
        }
    }
    order
}

/// Nodes ordered so that each comes after everything it points to; `None` on a cycle.
pub(crate) fn topo_order(edges: &[Vec<u32>]) -> Option<Vec<u32>> {
    let order = peel(edges);
    (order.len() == edges.len()).then_some(order)
}

/// One cycle of a graph that has one (following edges among nodes not in a topological order).
pub(crate) fn find_cycle(edges: &[Vec<u32>]) -> Vec<u32> {
    // Nodes that can reach a cycle have an out-edge to another such node; walk until a repeat.
    let n = edges.len();
    let mut on_cycle_path = vec![false; n];
    let mut in_cycle = vec![true; n];
    for i in peel(edges) {
        if let Some(x) = in_cycle.get_mut(i as usize) {
            *x = false;
        }
    }
    let Some(start) = (0..n).find(|i| in_cycle.get(*i) == Some(&true)) else {
        return Vec::new();
    };
    let mut path = Vec::new();
    let mut cur = start as u32;
    while !on_cycle_path.get(cur as usize).copied().unwrap_or(true) {
        if let Some(x) = on_cycle_path.get_mut(cur as usize) {
            *x = true;
        }
        path.push(cur);
        cur = edges
            .get(cur as usize)
            .and_then(|e| {
                e.iter()
                    .copied()
                    .find(|t| in_cycle.get(*t as usize) == Some(&true))
            })
            .unwrap_or(cur);
    }
    let from = path.iter().position(|p| *p == cur).unwrap_or(0);
    path.split_off(from)
}
