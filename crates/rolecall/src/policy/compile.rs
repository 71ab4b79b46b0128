//! Compiling a policy document into a [`Policy`]: the entry point, which runs the parts in the
//! order their names depend on each other (levels, resources, actions, dimensions, then roles
//! and constraints in their own modules), and the first four parts themselves. Every problem is
//! reported, each with its path; a list longer than its limit is read up to the limit.

use super::constraints::compile_exclusive_groups;
use super::forbid::compile_forbids;
use super::graph::{find_cycle, topo_order};
use super::roles::compile_roles;
use super::{ActionInfo, LevelInfo, Policy, PolicyIdentity, ResourceInfo};
use crate::error::{check_name, over_limit, unknown, Error, ErrorCode};
use crate::limits;
use crate::model::{LevelDoc, PolicyDoc};
use crate::names::{is_name, IdMap};
use indexmap::IndexMap;
use std::sync::Arc;

impl Policy {
    pub(super) fn compile(mut doc: PolicyDoc) -> Result<Policy, Vec<Error>> {
        let mut errs = Vec::new();
        if doc.rolecall != 1 {
            errs.push(
                Error::new(
                    ErrorCode::InvalidValue,
                    "rolecall",
                    format!("unsupported format version `{}`", doc.rolecall),
                )
                .with_help("this version of rolecall reads `rolecall: 1`"),
            );
        }
        let levels_doc = doc.levels.get_or_insert_with(default_levels).clone();
        let (levels, level_ix) = compile_levels(&levels_doc, &mut errs);
        let (resources, resource_ix) = compile_resources(&doc, &levels, &level_ix, &mut errs);
        let mut policy = Policy {
            identity: Arc::new(PolicyIdentity::new(PolicyDoc {
                levels: Some(levels_doc),
                ..doc.clone()
            })),
            levels,
            resources,
            actions: Vec::new(),
            roles: Vec::new(),
            dimensions: Vec::new(),
            exclusive: Vec::new(),
            forbids: Vec::new(),
            assign_requires: None,
            define_requires: None,
            policy_roles: 0,
            level_ix,
            resource_ix,
            action_ix: IdMap::default(),
            role_ix: IdMap::default(),
            dim_ix: IdMap::default(),
        };
        compile_actions(&mut policy, &doc, &mut errs);
        compile_dimensions(&mut policy, &doc, &mut errs);
        let order = compile_roles(&mut policy, &doc, &mut errs);
        compile_exclusive_groups(&mut policy, &doc, order.as_deref(), &mut errs);
        compile_forbids(&mut policy, &doc, &mut errs);
        if let Some(p) = &doc.administration.assign_requires {
            match policy.resolve_perm(p, errs.len()) {
                Ok(id) => policy.assign_requires = Some(id),
                Err(e) => errs.push(e.at("administration.assign_requires")),
            }
        }
        policy.define_requires = policy.assign_requires;
        if let Some(p) = &doc.administration.define_roles_requires {
            match policy.resolve_perm(p, errs.len()) {
                Ok(id) => policy.define_requires = Some(id),
                Err(e) => errs.push(e.at("administration.define_roles_requires")),
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(policy)
    }
}

/// The levels, each with the levels it implies closed transitively.
fn compile_levels(
    levels_doc: &IndexMap<String, LevelDoc>,
    errs: &mut Vec<Error>,
) -> (Vec<LevelInfo>, IdMap) {
    let mut level_ix = IdMap::default();
    errs.extend(over_limit(
        "levels",
        levels_doc.len(),
        limits::MAX_LEVELS,
        "levels",
    ));
    for (i, name) in levels_doc.keys().enumerate().take(limits::MAX_LEVELS) {
        check_name(name, &format!("levels.{name}"), errs);
        level_ix.insert(name, i as u32);
    }
    let nl = levels_doc.len().min(limits::MAX_LEVELS);
    let mut direct = vec![0u64; nl];
    for (i, (name, l)) in levels_doc.iter().enumerate().take(nl) {
        for (j, imp) in l.implies.iter().enumerate() {
            match level_ix.get(imp) {
                Some(t) => {
                    if let Some(d) = direct.get_mut(i) {
                        *d |= 1 << t;
                    }
                }
                None => errs.push(unknown(
                    ErrorCode::UnknownLevel,
                    &format!("levels.{name}.implies[{j}]"),
                    "level",
                    imp,
                    level_ix.names(),
                    errs.len(),
                )),
            }
        }
    }
    let implied = close_levels(&direct, levels_doc, errs);
    let levels = levels_doc
        .iter()
        .take(nl)
        .enumerate()
        .map(|(i, (name, l))| LevelInfo {
            name: name.clone(),
            label: l.label.clone().unwrap_or_else(|| capitalize(name)),
            implied: implied.get(i).copied().unwrap_or(0),
        })
        .collect();
    (levels, level_ix)
}

/// The resources, each with the set of levels it declares (all of them when it lists none).
fn compile_resources(
    doc: &PolicyDoc,
    levels: &[LevelInfo],
    level_ix: &IdMap,
    errs: &mut Vec<Error>,
) -> (Vec<ResourceInfo>, IdMap) {
    let nl = levels.len();
    let all_levels: u64 = if nl >= 64 { u64::MAX } else { (1u64 << nl) - 1 };
    let mut resource_ix = IdMap::default();
    let mut resources = Vec::with_capacity(doc.resources.len());
    errs.extend(over_limit(
        "resources",
        doc.resources.len(),
        limits::MAX_POLICY_ITEMS,
        "resources",
    ));
    for (name, r) in doc.resources.iter().take(limits::MAX_POLICY_ITEMS) {
        let path = format!("resources.{name}");
        check_name(name, &path, errs);
        let mut mask = 0u64;
        match &r.levels {
            None => mask = all_levels,
            Some(ls) => {
                for (j, l) in ls.iter().enumerate() {
                    match level_ix.get(l) {
                        Some(t) => mask |= 1 << t,
                        None => errs.push(unknown(
                            ErrorCode::UnknownLevel,
                            &format!("{path}.levels[{j}]"),
                            "level",
                            l,
                            level_ix.names(),
                            errs.len(),
                        )),
                    }
                }
                if ls.is_empty() {
                    errs.push(Error::new(
                        ErrorCode::InvalidValue,
                        format!("{path}.levels"),
                        "a resource needs at least one level",
                    ));
                }
            }
        }
        resource_ix.insert(name, resources.len() as u32);
        resources.push(ResourceInfo {
            name: name.clone(),
            label: r.label.clone().unwrap_or_else(|| humanize(name)),
            levels: mask,
        });
    }
    (resources, resource_ix)
}

/// The actions, each with its required permissions resolved.
fn compile_actions(policy: &mut Policy, doc: &PolicyDoc, errs: &mut Vec<Error>) {
    errs.extend(over_limit(
        "actions",
        doc.actions.len(),
        limits::MAX_POLICY_ITEMS,
        "actions",
    ));
    for (i, (name, a)) in doc
        .actions
        .iter()
        .enumerate()
        .take(limits::MAX_POLICY_ITEMS)
    {
        let path = format!("actions.{name}");
        match name.split_once('.') {
            Some((x, y)) if is_name(x) && is_name(y) => {}
            _ => errs.push(
                Error::new(
                    ErrorCode::InvalidValue,
                    path.clone(),
                    format!("`{name}` is not an action name"),
                )
                .with_help("an action name is two names joined by a dot, like `transfers.approve`"),
            ),
        }
        let mut requires = Vec::new();
        if a.requires.0.is_empty() {
            errs.push(Error::new(
                ErrorCode::InvalidValue,
                format!("{path}.requires"),
                "an action must require at least one permission",
            ));
        }
        errs.extend(over_limit(
            &format!("{path}.requires"),
            a.requires.0.len(),
            limits::MAX_REQUIRES,
            "permissions",
        ));
        for (j, p) in a.requires.0.iter().enumerate().take(limits::MAX_REQUIRES) {
            // `[j]` also locates a single value written without a list (its parent).
            let ppath = format!("{path}.requires[{j}]");
            match policy.resolve_perm(p, errs.len()) {
                Ok(id) if requires.contains(&id) => errs.push(Error::new(
                    ErrorCode::DuplicateId,
                    ppath,
                    format!("`{p}` is required twice"),
                )),
                Ok(id) => requires.push(id),
                Err(e) => errs.push(e.at(&ppath)),
            }
        }
        policy.action_ix.insert(name, i as u32);
        policy.actions.push(ActionInfo {
            name: name.clone(),
            label: a
                .label
                .clone()
                .unwrap_or_else(|| humanize(&name.replace('.', " "))),
            requires,
            distinct_from: a.distinct_from.clone(),
            self_approval_message: a.self_approval_message.clone(),
            forbids: Vec::new(),
        });
    }
}

/// The dimensions contexts may constrain.
fn compile_dimensions(policy: &mut Policy, doc: &PolicyDoc, errs: &mut Vec<Error>) {
    errs.extend(over_limit(
        "dimensions",
        doc.dimensions.len(),
        limits::MAX_DIMENSIONS,
        "dimensions",
    ));
    for (i, d) in doc
        .dimensions
        .iter()
        .enumerate()
        .take(limits::MAX_DIMENSIONS)
    {
        let path = format!("dimensions[{i}]");
        check_name(d, &path, errs);
        if policy.dim_ix.get(d).is_some() {
            errs.push(Error::new(
                ErrorCode::DuplicateId,
                path,
                format!("dimension `{d}` is declared twice"),
            ));
        } else {
            policy.dim_ix.insert(d, policy.dimensions.len() as u32);
            policy.dimensions.push(d.clone());
        }
    }
}

/// Transitive closure of level implication, detecting cycles.
fn close_levels(
    direct: &[u64],
    doc: &IndexMap<String, LevelDoc>,
    errs: &mut Vec<Error>,
) -> Vec<u64> {
    let graph: Vec<Vec<u32>> = direct
        .iter()
        .map(|m| (0..64u32).filter(|b| m >> b & 1 == 1).collect())
        .collect();
    let Some(order) = topo_order(&graph) else {
        let cycle = find_cycle(&graph);
        let names: Vec<&str> = cycle
            .iter()
            .filter_map(|i| doc.get_index(*i as usize).map(|(k, _)| k.as_str()))
            .collect();
        let first = names.first().copied().unwrap_or("?");
        errs.push(Error::new(
            ErrorCode::Cycle,
            format!("levels.{first}.implies"),
            format!(
                "levels imply each other in a cycle: {} → {first}",
                names.join(" → ")
            ),
        ));
        return vec![0; direct.len()];
    };
    let mut closed: Vec<u64> = (0..direct.len()).map(|i| 1u64 << i).collect();
    for i in order {
        let mut m = closed.get(i as usize).copied().unwrap_or(0);
        for &t in graph.get(i as usize).map(Vec::as_slice).unwrap_or(&[]) {
            m |= closed.get(t as usize).copied().unwrap_or(0);
        }
        if let Some(c) = closed.get_mut(i as usize) {
            *c = m;
        }
    }
    closed
}

fn default_levels() -> IndexMap<String, LevelDoc> {
    let mut m = IndexMap::new();
    m.insert("view".to_owned(), LevelDoc::default());
    m.insert(
        "manage".to_owned(),
        LevelDoc {
            implies: vec!["view".into()],
            ..LevelDoc::default()
        },
    );
    m.insert(
        "authorize".to_owned(),
        LevelDoc {
            implies: vec!["view".into()],
            ..LevelDoc::default()
        },
    );
    m
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(crate) fn humanize(s: &str) -> String {
    capitalize(&s.replace('_', " "))
}
