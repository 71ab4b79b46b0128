//! The WebAssembly binding of rolecall: wasm-bindgen classes over the core, and nothing else.
//!
//! Every method is decode, call, encode: the work is a function of [`ffi`] (plain Rust over JSON
//! text, tested natively) and errors become JS values in one place, [`error::to_js`]. The npm
//! package `rolecall` (js-sdk/) wraps these generated classes and hides their names.
//!
//! Two builds: the full one (Node) and, without the default features `server` and `yaml`, the
//! browser's lean one: JSON input only, and no administration, diff, test files, access review
//! or live updates (the SDK throws `not_available` for those there).
//!
//! What crosses the boundary, by cost:
//! - loading (policy, directory, snapshot): text, once;
//! - full decisions, bulk forms, administration: JSON text in and out;
//! - live directory updates: one item in as JSON, an index or the removed item out;
//! - the hot path ([`Evaluator::can_prepared`], [`Evaluator::can_many`]): integers only. The SDK
//!   interns action names, scope ids and subjects into JS `Map`s from the tables below, and
//!   caches [`Evaluator::allowed_bits`] (every action at one scope, one call) so that most
//!   checks never cross the boundary.
#![deny(missing_docs)]

pub mod error;
pub mod ffi;

use error::to_js;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

type JsResult<T> = Result<T, JsValue>;

fn js<T>(r: ffi::Outcome<T>) -> JsResult<T> {
    r.map_err(to_js)
}

/// A compiled policy.
#[wasm_bindgen]
pub struct Policy {
    inner: Arc<rolecall::Policy>,
}

#[wasm_bindgen]
impl Policy {
    /// Parses a policy from YAML or JSON text.
    ///
    /// # Errors
    /// The first problem, as error data.
    pub fn parse(text: &str) -> JsResult<Policy> {
        js(ffi::parse_policy(text)).map(|p| Policy { inner: Arc::new(p) })
    }

    /// The policy hash (SHA-256, hex, of the canonical form).
    #[wasm_bindgen(getter)]
    pub fn hash(&self) -> String {
        self.inner.hash().to_owned()
    }

    /// Action names in id order: the SDK's table for interning.
    #[wasm_bindgen(js_name = actionNames)]
    pub fn action_names(&self) -> Vec<String> {
        self.inner.action_names().map(str::to_owned).collect()
    }

    /// Ids of the actions that need a resource (`distinct_from`).
    #[wasm_bindgen(js_name = actionsNeedingResource)]
    pub fn actions_needing_resource(&self) -> Vec<u32> {
        ffi::actions_needing_resource(&self.inner)
    }
}

/// An evaluator over a policy and a directory (or one subject's snapshot).
#[wasm_bindgen]
pub struct Evaluator {
    inner: rolecall::Evaluator,
}

#[wasm_bindgen]
impl Evaluator {
    /// Compiles a directory (YAML or JSON text) for a policy.
    ///
    /// # Errors
    /// The first problem in the directory, as error data.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: &Policy, directory: &str) -> JsResult<Evaluator> {
        js(ffi::new_evaluator(&policy.inner, directory)).map(|inner| Evaluator { inner })
    }

    /// An evaluator for one subject from its snapshot (JSON text).
    ///
    /// # Errors
    /// `policy_mismatch` for a stale snapshot; for a malformed one a located input error
    /// (`syntax`, `unknown_field`, `missing_field`, `invalid_value`).
    #[wasm_bindgen(js_name = fromSnapshot)]
    pub fn from_snapshot(policy: &Policy, snapshot: &str) -> JsResult<Evaluator> {
        js(ffi::from_snapshot(&policy.inner, snapshot)).map(|inner| Evaluator { inner })
    }

    /// The decision for a query (JSON), as JSON.
    ///
    /// # Errors
    /// SPEC's input errors.
    pub fn check(&self, query: &str) -> JsResult<String> {
        js(ffi::check(&self.inner, query))
    }

    /// Whether a query (JSON) is allowed.
    ///
    /// # Errors
    /// SPEC's input errors.
    pub fn can(&self, query: &str) -> JsResult<bool> {
        js(ffi::can(&self.inner, query))
    }

    /// A subject's handle; an unknown subject's holds nothing.
    #[wasm_bindgen(js_name = subjectHandle)]
    pub fn subject_handle(&self, subject: &str) -> u32 {
        self.inner.subject_handle(subject)
    }

    /// A scope's handle, `undefined` when unknown.
    #[wasm_bindgen(js_name = scopeHandle)]
    pub fn scope_handle(&self, scope: &str) -> Option<u32> {
        self.inner.scope_handle(scope)
    }

    /// Scope ids in handle order.
    #[wasm_bindgen(js_name = scopeIds)]
    pub fn scope_ids(&self) -> Vec<String> {
        self.inner
            .directory()
            .scope_ids()
            .map(str::to_owned)
            .collect()
    }

    /// Handles of the subjects that are expiring API keys (they need the clock).
    #[wasm_bindgen(js_name = expiringSubjects)]
    pub fn expiring_subjects(&self) -> Vec<u32> {
        ffi::expiring_subjects(&self.inner)
    }

    /// The hot path: handles in, a boolean out. `now_ms` is `NaN` for no time.
    #[wasm_bindgen(js_name = canPrepared)]
    pub fn can_prepared(&self, subject: u32, action: u32, scope: u32, now_ms: f64) -> bool {
        self.inner
            .can_prepared(subject, action, scope, ffi::millis(now_ms))
    }

    /// Many `(action, scope)` handle pairs, interleaved, for one subject: one byte each.
    #[wasm_bindgen(js_name = canMany)]
    pub fn can_many(&self, subject: u32, pairs: &[u32], now_ms: f64) -> Vec<u8> {
        ffi::can_many(&self.inner, subject, pairs, ffi::millis(now_ms))
    }

    /// The actions a subject may do at a scope with no context, resource or time: a bitset by
    /// action id (the SDK's decision cache).
    #[wasm_bindgen(js_name = allowedBits)]
    pub fn allowed_bits(&self, subject: u32, scope: u32) -> Vec<u32> {
        ffi::allowed_bits(&self.inner, subject, scope)
    }

    /// Every action a subject may do at a scope (request JSON), as a JSON list.
    ///
    /// # Errors
    /// `unknown_scope`, `unknown_dimension`, `missing_time`.
    #[wasm_bindgen(js_name = allowedActions)]
    pub fn allowed_actions(&self, request: &str) -> JsResult<String> {
        js(ffi::allowed_actions(&self.inner, request))
    }

    /// Every scope where a subject may do an action (request JSON), as a JSON list.
    ///
    /// # Errors
    /// `unknown_action`, `unknown_dimension`, `missing_time`.
    #[wasm_bindgen(js_name = scopesWhere)]
    pub fn scopes_where(&self, request: &str) -> JsResult<String> {
        js(ffi::scopes_where(&self.inner, request))
    }

    #[cfg(feature = "server")]
    /// Effective permissions of every subject at every scope, as JSON.
    ///
    /// # Errors
    /// Never in practice.
    #[wasm_bindgen(js_name = effectivePermissions)]
    pub fn effective_permissions(&self) -> JsResult<String> {
        js(ffi::effective_permissions(&self.inner))
    }

    /// One subject's snapshot, as JSON.
    ///
    /// # Errors
    /// Never in practice.
    pub fn snapshot(&self, subject: &str) -> JsResult<String> {
        js(ffi::snapshot(&self.inner, subject))
    }

    #[cfg(feature = "server")]
    /// May an actor assign a role (request JSON)? A JSON decision.
    ///
    /// # Errors
    /// `unknown_role`, `unknown_scope`, `unknown_dimension`.
    #[wasm_bindgen(js_name = canAssign)]
    pub fn can_assign(&self, request: &str) -> JsResult<String> {
        js(ffi::can_assign(&self.inner, request))
    }

    #[cfg(feature = "server")]
    /// May an actor revoke an assignment (request JSON)? A JSON decision.
    ///
    /// # Errors
    /// As `canAssign`, and `unknown_assignment`.
    #[wasm_bindgen(js_name = canRevoke)]
    pub fn can_revoke(&self, request: &str) -> JsResult<String> {
        js(ffi::can_revoke(&self.inner, request))
    }

    #[cfg(feature = "server")]
    /// May an actor copy one subject's allocation onto another (request JSON)? A JSON decision.
    ///
    /// # Errors
    /// As `canAssign`.
    #[wasm_bindgen(js_name = canCopy)]
    pub fn can_copy(&self, request: &str) -> JsResult<String> {
        js(ffi::can_copy(&self.inner, request))
    }

    #[cfg(feature = "server")]
    /// Adds an assignment (JSON); its index.
    ///
    /// # Errors
    /// The validation error; nothing changes.
    #[wasm_bindgen(js_name = addAssignment)]
    pub fn add_assignment(&mut self, assignment: &str) -> JsResult<u32> {
        js(ffi::add_assignment(&mut self.inner, assignment))
    }

    #[cfg(feature = "server")]
    /// Removes assignment `index`; the removed one as JSON.
    ///
    /// # Errors
    /// `unknown_assignment`.
    #[wasm_bindgen(js_name = removeAssignment)]
    pub fn remove_assignment(&mut self, index: u32) -> JsResult<String> {
        js(ffi::remove_assignment(&mut self.inner, index))
    }

    #[cfg(feature = "server")]
    /// Adds a direct grant (JSON); its index.
    ///
    /// # Errors
    /// The validation error; nothing changes.
    #[wasm_bindgen(js_name = addGrant)]
    pub fn add_grant(&mut self, grant: &str) -> JsResult<u32> {
        js(ffi::add_grant(&mut self.inner, grant))
    }

    #[cfg(feature = "server")]
    /// Removes direct grant `index`; the removed one as JSON.
    ///
    /// # Errors
    /// `unknown_assignment`.
    #[wasm_bindgen(js_name = removeGrant)]
    pub fn remove_grant(&mut self, index: u32) -> JsResult<String> {
        js(ffi::remove_grant(&mut self.inner, index))
    }

    #[cfg(feature = "server")]
    /// Adds an API key (JSON).
    ///
    /// # Errors
    /// The validation error; nothing changes.
    #[wasm_bindgen(js_name = addApiKey)]
    pub fn add_api_key(&mut self, key: &str) -> JsResult<()> {
        js(ffi::add_api_key(&mut self.inner, key))
    }

    #[cfg(feature = "server")]
    /// Removes the API key `id`; the removed one as JSON.
    ///
    /// # Errors
    /// `unknown_assignment`.
    #[wasm_bindgen(js_name = removeApiKey)]
    pub fn remove_api_key(&mut self, id: &str) -> JsResult<String> {
        js(ffi::remove_api_key(&mut self.inner, id))
    }

    #[cfg(feature = "server")]
    /// The current directory document, as JSON.
    ///
    /// # Errors
    /// Never in practice.
    pub fn directory(&self) -> JsResult<String> {
        js(ffi::directory(&self.inner))
    }
}

#[cfg(feature = "server")]
/// Permissions gained and lost from `before` to `after`, as JSON.
///
/// # Errors
/// Never in practice.
#[wasm_bindgen]
pub fn diff(before: &Evaluator, after: &Evaluator) -> JsResult<String> {
    js(ffi::diff(&before.inner, &after.inner))
}

#[cfg(feature = "server")]
/// Runs a policy test file. `loader(path)` returns the text of a path the file names, or throws
/// a string message.
///
/// # Errors
/// When the file, its policy or its directory does not load.
#[wasm_bindgen(js_name = runTestFile)]
pub fn run_test_file(text: &str, loader: &js_sys::Function) -> JsResult<String> {
    let mut load = |path: &str| -> Result<String, String> {
        match loader.call1(&JsValue::NULL, &JsValue::from_str(path)) {
            Ok(v) => v
                .as_string()
                .ok_or_else(|| "the loader did not return a string".to_owned()),
            Err(e) => Err(e
                .as_string()
                .unwrap_or_else(|| "the loader failed".to_owned())),
        }
    };
    js(ffi::run_test_file(text, &mut load))
}

#[cfg(feature = "panic-hook")]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Installs the panic hook once, when the module is instantiated. No panic is reachable (the
/// workspace denies unwrap, expect, panic and indexing); if one happens anyway it is a bug, and
/// the message says so before the instance traps (the SDK then throws `internal`).
#[cfg(feature = "panic-hook")]
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!(
            "rolecall: internal error, please report it: {info}"
        ));
    }));
}
