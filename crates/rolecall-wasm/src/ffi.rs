//! The binding's operations as plain Rust (cedar's `ffi` pattern): text in where the user gave
//! text (documents, JSON queries), the wire values of [`crate::wire`] out. Each JS-facing method
//! in `lib.rs` is one of these plus [`crate::wire::to_js`] or [`crate::error::to_js`], so the
//! whole surface runs natively in `cargo test` without a JavaScript engine. Every function is
//! decode, call the core, encode: rules live in the core only.

use crate::error::ErrorData;
use crate::wire;
use indexmap::IndexMap;
use rolecall::model::{
    ApiKeyDoc, AssignDoc, AssignmentDoc, CopyDoc, CustomRoleDoc, DefineDoc, DirectoryDoc, GrantDoc,
    QueryDoc, Text,
};
use rolecall::testfile::run_test_file as run_file;
use rolecall::{AccessDiff, Directory, EffectiveEntry, Evaluator, Policy, Snapshot, Timestamp};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What the binding returns: a value or the error as data.
pub type Outcome<T> = Result<T, ErrorData>;

/// Parses a policy (YAML or JSON text).
///
/// # Errors
/// The first problem, with origin `policy`, path and location.
pub fn parse_policy(text: &str) -> Outcome<Policy> {
    Policy::parse(text).map_err(|e| ErrorData::from_input("policy", e))
}

/// Compiles a directory (YAML or JSON text) for a policy into an evaluator.
///
/// # Errors
/// The first problem, with origin `directory`, path and location.
pub fn new_evaluator(policy: &Arc<Policy>, directory: &str) -> Outcome<Evaluator> {
    let dir =
        Directory::parse(policy, directory).map_err(|e| ErrorData::from_input("directory", e))?;
    Evaluator::new(policy.clone(), dir).map_err(ErrorData::from)
}

/// An evaluator for one subject from its snapshot (JSON text).
///
/// # Errors
/// `policy_mismatch` for a snapshot taken under another policy; `invalid_value` for bad JSON.
pub fn from_snapshot(policy: &Arc<Policy>, snapshot: &str) -> Outcome<Evaluator> {
    let snap = Snapshot::from_json(snapshot).map_err(|e| ErrorData::from_input("snapshot", e))?;
    Evaluator::from_snapshot(policy.clone(), &snap)
        .map_err(|e| ErrorData::from_input("snapshot", e))
}

/// The decision for a query (`QueryDoc` JSON).
///
/// # Errors
/// SPEC's input errors, or `invalid_value` for JSON that is not a query.
pub fn check(eval: &Evaluator, query: &str) -> Outcome<wire::Decision> {
    let q: QueryDoc = decode("query", query)?;
    Ok(eval.check_doc(&q)?.into())
}

/// Whether a query (`QueryDoc` JSON) is allowed: the slow path, for queries with a context or a
/// resource.
///
/// # Errors
/// As [`check`].
pub fn can(eval: &Evaluator, query: &str) -> Outcome<bool> {
    let q: QueryDoc = decode("query", query)?;
    Ok(eval.can_doc(&q)?)
}

/// A bulk request: `allowed_actions` uses `scope`, `scopes_where` uses `action`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkRequest {
    subject: Text,
    #[serde(default)]
    scope: Option<Text>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    context: IndexMap<String, Text>,
    #[serde(default)]
    now: Option<String>,
}

impl BulkRequest {
    fn context(&self) -> Vec<(&str, &str)> {
        self.context
            .iter()
            .map(|(k, v)| (k.as_str(), v.0.as_str()))
            .collect()
    }

    fn now(&self) -> Outcome<Option<Timestamp>> {
        self.now
            .as_deref()
            .map(|t| Timestamp::parse(t).map_err(|m| invalid("now", m)))
            .transpose()
    }
}

/// Every action a subject may do at a scope (`{subject, scope, context?, now?}` JSON): names.
///
/// # Errors
/// `unknown_scope`, `unknown_dimension`, `missing_time`, `invalid_value`.
pub fn allowed_actions(eval: &Evaluator, request: &str) -> Outcome<Vec<String>> {
    let r: BulkRequest = decode("request", request)?;
    let scope = r.scope.as_ref().map_or("", |s| s.0.as_str());
    let names = eval.allowed_actions(&r.subject.0, scope, &r.context(), r.now()?)?;
    Ok(names.into_iter().map(str::to_owned).collect())
}

/// Every scope where a subject may do an action (`{subject, action, context?, now?}` JSON):
/// scope ids.
///
/// # Errors
/// `unknown_action`, `unknown_dimension`, `missing_time`, `invalid_value`.
pub fn scopes_where(eval: &Evaluator, request: &str) -> Outcome<Vec<String>> {
    let r: BulkRequest = decode("request", request)?;
    let action = r.action.as_deref().unwrap_or("");
    let ids = eval.scopes_where(&r.subject.0, action, &r.context(), r.now()?)?;
    Ok(ids.into_iter().map(str::to_owned).collect())
}

/// The target a request names: exactly one of `action` or `permission`.
fn target_of<'a>(
    action: Option<&'a str>,
    permission: Option<&'a str>,
) -> Outcome<rolecall::Target<'a>> {
    match (action, permission) {
        (Some(a), None) => Ok(rolecall::Target::Action(a)),
        (None, Some(p)) => Ok(rolecall::Target::Permission(p)),
        _ => Err(invalid(
            "",
            "a request names exactly one of `action` or `permission`".into(),
        )),
    }
}

/// A request's `context` or `resource` map as the core's name-value pairs.
fn pairs(map: &IndexMap<String, Text>) -> Vec<(&str, &str)> {
    map.iter()
        .map(|(k, v)| (k.as_str(), v.0.as_str()))
        .collect()
}

/// A request's `now`, parsed (`invalid_value` at `now` when it is not a time).
fn time_of(now: Option<&str>) -> Outcome<Option<Timestamp>> {
    now.map(|t| Timestamp::parse(t).map_err(|m| invalid("now", m)))
        .transpose()
}

/// A filter request: a subject, an action or a permission, and the context fixed for every
/// row and the time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterRequest {
    subject: Text,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    permission: Option<String>,
    #[serde(default)]
    context: IndexMap<String, Text>,
    #[serde(default)]
    now: Option<String>,
}

/// The plan of the rows a subject may act on (`{subject, action | permission, context?, now?}`
/// JSON; docs/filter.md).
///
/// # Errors
/// `unknown_action`, `unknown_permission`, `unknown_dimension`, `missing_time`,
/// `limit_exceeded`, and `invalid_value` for a request naming both or neither of `action` and
/// `permission`.
pub fn filter(eval: &Evaluator, request: &str) -> Outcome<rolecall::Plan> {
    let r: FilterRequest = decode("request", request)?;
    let target = target_of(r.action.as_deref(), r.permission.as_deref())?;
    let context = pairs(&r.context);
    let now = time_of(r.now.as_deref())?;
    Ok(eval.filter(&r.subject.0, target, &context, now)?)
}

/// The effective permissions of every subject at every scope ([`wire::EffectiveEntry`]).
pub fn effective_permissions(eval: &Evaluator) -> Vec<EffectiveEntry> {
    eval.effective_permissions()
}

/// One subject's snapshot ([`wire::Snapshot`]).
pub fn snapshot(eval: &Evaluator, subject: &str) -> Snapshot {
    eval.snapshot(subject)
}

/// One subject's snapshot with the decisions a page answers before its engine loads
/// ([`rolecall::PreparedSnapshot`]), as JSON.
///
/// # Errors
/// None in practice (the evaluator's own snapshot always loads).
pub fn prepared_snapshot(eval: &Evaluator, subject: &str) -> Outcome<String> {
    Ok(eval.prepared_snapshot(subject)?.to_json())
}

/// `can_assign` for an `AssignDoc` (JSON).
///
/// # Errors
/// `unknown_role`, `unknown_scope`, `unknown_dimension`, `invalid_value`.
pub fn can_assign(eval: &Evaluator, request: &str) -> Outcome<wire::Decision> {
    let r: AssignDoc = decode("request", request)?;
    Ok(eval.can_assign(&r)?.into())
}

/// `can_revoke` for an `AssignDoc` (JSON).
///
/// # Errors
/// As [`can_assign`], and `unknown_assignment`.
pub fn can_revoke(eval: &Evaluator, request: &str) -> Outcome<wire::Decision> {
    let r: AssignDoc = decode("request", request)?;
    Ok(eval.can_revoke(&r)?.into())
}

/// `can_copy` for a `CopyDoc` (JSON).
///
/// # Errors
/// As [`can_assign`].
pub fn can_copy(eval: &Evaluator, request: &str) -> Outcome<wire::Decision> {
    let r: CopyDoc = decode("request", request)?;
    Ok(eval.can_copy(&r)?.into())
}

/// `can_define_role` for a `DefineDoc` (JSON).
///
/// # Errors
/// The role's own errors at `role...` (`unknown_*`, `duplicate_id`, `role_out_of_scope`,
/// `cycle`).
pub fn can_define_role(eval: &Evaluator, request: &str) -> Outcome<wire::Decision> {
    let r: DefineDoc = decode("request", request)?;
    Ok(eval.can_define_role(&r)?.into())
}

/// What each subject gains and loses at each scope from `before` to `after`
/// ([`wire::AccessDiff`]).
pub fn diff(before: &Evaluator, after: &Evaluator) -> AccessDiff {
    rolecall::diff(before, after)
}

/// A test file's report ([`wire::TestReport`]): the core's cases plus the two counts, so callers
/// need not recount.
#[derive(Debug, Serialize)]
pub struct Report {
    /// How many cases passed.
    pub passed: usize,
    /// How many failed.
    pub failed: usize,
    /// Every case, in order.
    pub cases: Vec<rolecall::testfile::CaseResult>,
}

/// Runs a policy test file; `load` reads the paths it names.
///
/// # Errors
/// When the file, its policy or its directory does not load.
pub fn run_test_file(
    text: &str,
    load: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Outcome<Report> {
    let report = run_file(text, load)?;
    Ok(Report {
        passed: report.passed(),
        failed: report.failed(),
        cases: report.cases,
    })
}

// ---- Live directory updates: one item in as JSON, the index or the removed item out. ----

/// Adds an assignment (`AssignmentDoc` JSON); its index in the directory's list.
///
/// # Errors
/// The core's validation error (origin `assignment`); the evaluator is unchanged.
pub fn add_assignment(eval: &mut Evaluator, assignment: &str) -> Outcome<u32> {
    let a: AssignmentDoc = decode("assignment", assignment)?;
    index(eval.add_assignment(a), "assignment")
}

/// Removes assignment `index`; the removed assignment ([`wire::Assignment`]). The last
/// assignment takes its index.
///
/// # Errors
/// `unknown_assignment` for an index out of range.
pub fn remove_assignment(eval: &mut Evaluator, index: u32) -> Outcome<AssignmentDoc> {
    let removed = eval.remove_assignment(index as usize);
    removed.map_err(|e| ErrorData::from_input("assignment", e))
}

/// Defines a custom role (`CustomRoleDoc` JSON), or replaces the one with its id; whether one
/// was replaced.
///
/// # Errors
/// The core's validation error (origin `role`); the evaluator is unchanged.
pub fn define_role(eval: &mut Evaluator, role: &str) -> Outcome<bool> {
    let r: CustomRoleDoc = decode("role", role)?;
    eval.define_role(r)
        .map_err(|e| ErrorData::from_input("role", e))
}

/// Deletes custom role `id`, with its assignments when `remove_assignments`; the deleted role
/// ([`wire::CustomRole`]).
///
/// # Errors
/// `unknown_role`; `role_in_use` for a role still assigned or included.
pub fn remove_role(
    eval: &mut Evaluator,
    id: &str,
    remove_assignments: bool,
) -> Outcome<CustomRoleDoc> {
    eval.remove_role(id, remove_assignments)
        .map_err(|e| ErrorData::from_input("role", e))
}

/// Removes the assignment with id `id`; the removed assignment ([`wire::Assignment`]).
///
/// # Errors
/// `unknown_assignment` at `id` when no assignment has it.
pub fn remove_assignment_by_id(eval: &mut Evaluator, id: &str) -> Outcome<AssignmentDoc> {
    let removed = eval.remove_assignment_by_id(id);
    removed.map_err(|e| ErrorData::from_input("assignment", e))
}

/// The id of assignment `index` (given, or generated when it was added), if there is one.
pub fn assignment_id(eval: &Evaluator, index: u32) -> Option<String> {
    eval.directory().assignment_id(index as usize)
}

/// The id of direct grant `index`, if there is one.
pub fn grant_id(eval: &Evaluator, index: u32) -> Option<String> {
    eval.directory().grant_id(index as usize)
}

/// Adds a direct grant (`GrantDoc` JSON); its index in the directory's list.
///
/// # Errors
/// The core's validation error (origin `grant`); the evaluator is unchanged.
pub fn add_grant(eval: &mut Evaluator, grant: &str) -> Outcome<u32> {
    let g: GrantDoc = decode("grant", grant)?;
    index(eval.add_grant(g), "grant")
}

/// Removes direct grant `index`; the removed grant ([`wire::Grant`]). The last grant takes its
/// index.
///
/// # Errors
/// `unknown_assignment` for an index out of range.
pub fn remove_grant(eval: &mut Evaluator, index: u32) -> Outcome<GrantDoc> {
    let removed = eval.remove_grant(index as usize);
    removed.map_err(|e| ErrorData::from_input("grant", e))
}

/// Removes the direct grant with id `id`; the removed grant ([`wire::Grant`]).
///
/// # Errors
/// `unknown_assignment` at `id` when no grant has it.
pub fn remove_grant_by_id(eval: &mut Evaluator, id: &str) -> Outcome<GrantDoc> {
    let removed = eval.remove_grant_by_id(id);
    removed.map_err(|e| ErrorData::from_input("grant", e))
}

/// Adds an API key (`ApiKeyDoc` JSON).
///
/// # Errors
/// The core's validation error (origin `api_key`); the evaluator is unchanged.
pub fn add_api_key(eval: &mut Evaluator, key: &str) -> Outcome<()> {
    let k: ApiKeyDoc = decode("api_key", key)?;
    eval.add_api_key(k)
        .map_err(|e| ErrorData::from_input("api_key", e))
}

/// Removes the API key `id`; the removed key ([`wire::ApiKey`]).
///
/// # Errors
/// `unknown_assignment` when there is no such key.
pub fn remove_api_key(eval: &mut Evaluator, id: &str) -> Outcome<ApiKeyDoc> {
    let removed = eval.remove_api_key(id);
    removed.map_err(|e| ErrorData::from_input("api_key", e))
}

/// The current directory document, after every update ([`wire::DirectoryDocument`]).
pub fn directory(eval: &Evaluator) -> DirectoryDoc {
    eval.directory().doc()
}

fn index(added: rolecall::Result<usize>, origin: &str) -> Outcome<u32> {
    let i = added.map_err(|e| ErrorData::from_input(origin, e))?;
    u32::try_from(i).map_err(|_| invalid("", format!("index {i} does not fit in 32 bits")))
}

/// A who-can request: an action or a permission, a scope, and the query's optional parts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhoCanRequest {
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    permission: Option<String>,
    scope: Text,
    #[serde(default)]
    context: IndexMap<String, Text>,
    #[serde(default)]
    resource: IndexMap<String, Text>,
    #[serde(default)]
    now: Option<String>,
}

/// Every subject allowed an action or permission at a scope, with its sources, and those denied
/// only by a context or an `except` (`{action | permission, scope, context?, resource?, now?}`
/// JSON), as JSON.
///
/// # Errors
/// As a check, and `invalid_value` for a request naming both or neither of `action` and
/// `permission`.
pub fn who_can(eval: &Evaluator, request: &str) -> Outcome<String> {
    let r: WhoCanRequest = decode("request", request)?;
    let target = target_of(r.action.as_deref(), r.permission.as_deref())?;
    let context = pairs(&r.context);
    let resource = pairs(&r.resource);
    let now = time_of(r.now.as_deref())?;
    encode(&eval.who_can(target, &r.scope.0, &context, &resource, now)?)
}

/// The permission reference of a policy ([`Policy::reference`]), as JSON.
///
/// # Errors
/// Never in practice (encoding plain data).
pub fn reference(policy: &Policy) -> Outcome<String> {
    encode(&policy.reference())
}

/// The access-review export ([`Evaluator::access_report`]): `csv` or `json`.
///
/// # Errors
/// `invalid_value` for another format.
pub fn access_report(eval: &Evaluator, format: &str) -> Outcome<String> {
    match format {
        "csv" => Ok(rolecall::access_report_csv(&eval.access_report())),
        "json" => encode(&eval.access_report()),
        _ => Err(invalid(
            "format",
            format!("unknown format `{format}`: `csv` or `json`"),
        )),
    }
}

// ---- The prepared fast path: numbers in, numbers out. ----

/// The time a fast-path call carries: milliseconds since the epoch, `NaN` for none.
pub fn millis(now_ms: f64) -> Option<Timestamp> {
    // `as` saturates; a finite millisecond count is exact in an f64 up to 2^53.
    now_ms
        .is_finite()
        .then(|| Timestamp::from_millis(now_ms as i64))
}

/// Decides `(action, scope)` pairs, given as interleaved handles, for one subject: `1` allowed,
/// `0` not ([`Evaluator::can_many`]).
pub fn can_many(eval: &Evaluator, subject: u32, pairs: &[u32], now: Option<Timestamp>) -> Vec<u8> {
    eval.can_many(subject, pairs, now)
}

/// The actions `subject` may do at `scope` with no context, no resource and no time, as a
/// bitset by action id ([`Evaluator::allowed_bits`]). The SDK fills its decision cache with one
/// call per (subject, scope) and answers every later check there with a bit test in JavaScript.
pub fn allowed_bits(eval: &Evaluator, subject: u32, scope: u32) -> Vec<u32> {
    eval.allowed_bits(subject, scope)
}

/// Handles of the subjects that are expiring API keys ([`Evaluator::expiring_subjects`]): the
/// SDK reads the clock only for these.
pub fn expiring_subjects(eval: &Evaluator) -> Vec<u32> {
    eval.expiring_subjects()
}

/// Ids of the actions with `distinct_from` ([`Policy::actions_needing_resource`]): they need a
/// resource, so never take the fast path.
pub fn actions_needing_resource(policy: &Policy) -> Vec<u32> {
    policy.actions_needing_resource()
}

/// Decodes an input; an error is tagged with the input it came from.
fn decode<T: DeserializeOwned>(origin: &str, text: &str) -> Outcome<T> {
    rolecall::from_json(text).map_err(|e| ErrorData::from_input(origin, e))
}

/// A server-only result as JSON text (the review's outputs are read by the SDK as text).
fn encode<T: Serialize + ?Sized>(value: &T) -> Outcome<String> {
    serde_json::to_string(value).map_err(|_| invalid("", "the result could not be encoded".into()))
}

fn invalid(path: &str, message: String) -> ErrorData {
    ErrorData::from(rolecall::Error::new(
        rolecall::ErrorCode::InvalidValue,
        path,
        message,
    ))
}
