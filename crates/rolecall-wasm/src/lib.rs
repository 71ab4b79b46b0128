//! The WebAssembly binding of rolecall: wasm-bindgen classes over the core, and nothing else.
//!
//! Every method is decode, call, encode: the work is a function of [`ffi`] (plain Rust, tested
//! natively), values become JS objects in one place, [`wire::to_js`] (serde-wasm-bindgen), and
//! errors in another, [`error::to_js`]. The data's TypeScript declarations are generated from
//! [`wire`]'s types (tsify). The npm
//! package `rolecall` (js-sdk/) wraps these generated classes and hides their names.
//!
//! Two builds: the full one (Node) and, without the default features `server` and `yaml`, the
//! browser's lean one: JSON input only, and no administration, diff, test files, access review
//! or live updates (the SDK throws `not_available` for those there). The server's exports are
//! all in `server.rs`.
//!
//! What crosses the boundary, by cost:
//! - loading (policy, directory, snapshot): text, once; the SDK writes an object given there
//!   (and a live update's item, an administration request) with `JSON.stringify`, since reading
//!   the object with serde-wasm-bindgen was slower for each (measured with the feature
//!   `object-inputs`: bench/results.md, "Object inputs");
//! - full decisions, administration, test reports, errors: the query as JSON text in (the
//!   located reader keeps its line and column), a plain object out (serde-wasm-bindgen: no JSON
//!   text to write or parse), with the default feature `objects`; the browser build, without it,
//!   returns a decision as JSON text of the same wire type (its serializer would cost 2.4 KB
//!   gzipped there);
//! - lists and large reports (allowed actions, scopes where, the effective report, the diff,
//!   the directory, the snapshot, which is sent on as JSON): JSON text out, since `JSON.parse`
//!   builds them faster than serde-wasm-bindgen does (measured: bench/results.md, "Boundary");
//! - live directory updates: one item in as JSON, an index or the removed item (an object) out;
//! - the hot path ([`Evaluator::can_prepared`], [`Evaluator::can_many`]): integers only. The SDK
//!   interns action names, scope ids and subjects into JS `Map`s from the tables below, and
//!   caches [`Evaluator::allowed_bits`] (every action at one scope, one call) so that most
//!   checks never cross the boundary.
#![deny(missing_docs)]

pub mod error;
pub mod ffi;
mod heap;
#[cfg(feature = "object-inputs")]
mod object_inputs;
#[cfg(feature = "server")]
mod server;
pub mod wire;

use error::to_js;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

type JsResult<T> = Result<T, JsValue>;

fn js<T>(r: ffi::Outcome<T>) -> JsResult<T> {
    r.map_err(to_js)
}

/// A value as a plain JS object (the wire types' declared shape).
#[cfg(feature = "objects")]
fn object<T: serde::Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    wire::to_js(value).map_err(|_| unencodable())
}

/// A list or a large report as JSON text: `JSON.parse` builds it faster than serde-wasm-bindgen
/// (bench/results.md, "Boundary"). The shape is still the wire type's.
fn text<T: serde::Serialize + ?Sized>(value: &T) -> JsResult<String> {
    // Our outputs always encode (string keys, no floats); the error's own text is left out so
    // serde_json's error messages (and std's I/O error names) stay out of the .wasm.
    serde_json::to_string(value).map_err(|_| unencodable())
}

fn unencodable() -> JsValue {
    to_js(error::ErrorData::from(rolecall::Error::new(
        rolecall::ErrorCode::InvalidValue,
        "",
        "the result could not be encoded",
    )))
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

    /// The canonical JSON form (the text the hash is taken of), which the lean build parses.
    #[wasm_bindgen(js_name = canonicalJson)]
    pub fn canonical_json(&self) -> String {
        self.inner.canonical_json()
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

/// A directory's JSON text assembled in WebAssembly memory a part at a time: the SDK writes a
/// document given as an object one list item at a time, so its text is never whole in the
/// JavaScript heap beside the compile (a million assignments from an object took 3.7x the
/// text's size in peak memory as one string, bench/results.md "Large directories").
#[wasm_bindgen]
#[derive(Default)]
pub struct TextParts {
    text: String,
    /// Bytes pushed in all, counted on past the input limit (nothing is kept beyond it).
    len: usize,
}

#[wasm_bindgen]
impl TextParts {
    /// No text yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> TextParts {
        TextParts::default()
    }

    /// Appends a part. Past the input limit nothing more is kept, and the compile answers
    /// `limit_exceeded` with the whole length.
    pub fn push(&mut self, part: &str) {
        self.len = self.len.saturating_add(part.len());
        if self.len <= rolecall::limits::MAX_INPUT_BYTES {
            self.text.push_str(part);
        }
    }

    /// Appends a part given as UTF-8 (the SDK's `TextEncoder.encodeInto` output, copied into
    /// WebAssembly memory in one step: a string argument is copied by JavaScript a UTF-16 unit
    /// at a time, which a cold process runs unoptimized). Bytes that are not UTF-8, which the
    /// SDK never sends, are read as replacement characters.
    #[wasm_bindgen(js_name = pushBytes)]
    pub fn push_bytes(&mut self, part: &[u8]) {
        match std::str::from_utf8(part) {
            Ok(s) => self.push(s),
            Err(_) => self.push(&String::from_utf8_lossy(part)),
        }
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
        heap::reserve_for_input(directory.len());
        js(ffi::new_evaluator(&policy.inner, directory)).map(|inner| Evaluator { inner })
    }

    /// Compiles a directory from the JSON text assembled in `parts` (which it takes).
    ///
    /// # Errors
    /// As the constructor; `limit_exceeded` for text over the input limit.
    #[wasm_bindgen(js_name = fromParts)]
    pub fn from_parts(policy: &Policy, parts: TextParts) -> JsResult<Evaluator> {
        if parts.len > rolecall::limits::MAX_INPUT_BYTES {
            return Err(to_js(error::ErrorData::from_input(
                "directory",
                rolecall::Error::new(
                    rolecall::ErrorCode::LimitExceeded,
                    "",
                    format!(
                        "input of {} bytes is larger than the limit of {} bytes",
                        parts.len,
                        rolecall::limits::MAX_INPUT_BYTES
                    ),
                ),
            )));
        }
        Self::new(policy, &parts.text)
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

    /// The decision for a query (JSON).
    ///
    /// # Errors
    /// SPEC's input errors.
    #[cfg(feature = "objects")]
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn check(&self, query: &str) -> JsResult<JsValue> {
        object(&js(ffi::check(&self.inner, query))?)
    }

    /// The decision for a query (JSON), as JSON text (the browser build, without `objects`).
    ///
    /// # Errors
    /// SPEC's input errors.
    #[cfg(not(feature = "objects"))]
    pub fn check(&self, query: &str) -> JsResult<String> {
        text(&js(ffi::check(&self.inner, query))?)
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
        text(&js(ffi::allowed_actions(&self.inner, request))?)
    }

    /// Every scope where a subject may do an action (request JSON), as a JSON list.
    ///
    /// # Errors
    /// `unknown_action`, `unknown_dimension`, `missing_time`.
    #[wasm_bindgen(js_name = scopesWhere)]
    pub fn scopes_where(&self, request: &str) -> JsResult<String> {
        text(&js(ffi::scopes_where(&self.inner, request))?)
    }

    /// The plan of the rows a subject may act on (request JSON), as JSON (a `Plan`).
    ///
    /// # Errors
    /// `unknown_action`, `unknown_permission`, `unknown_dimension`, `missing_time`,
    /// `limit_exceeded`.
    pub fn filter(&self, request: &str) -> JsResult<String> {
        text(&js(ffi::filter(&self.inner, request))?)
    }

    /// One subject's snapshot (a `Snapshot`), as JSON: the form it is sent on in.
    ///
    /// # Errors
    /// Never in practice.
    pub fn snapshot(&self, subject: &str) -> JsResult<String> {
        text(&ffi::snapshot(&self.inner, subject))
    }
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
