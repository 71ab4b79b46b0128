//! The server build's exports (the `server` feature, on in the Node build, off in the browser's
//! lean one): the permission reference, who-can, the access review and its export,
//! administration checks, live directory updates, the directory document, diff and policy test
//! files. Each is decode, call, encode through [`crate::ffi`].

use crate::{ffi, js, object, text, Evaluator, JsResult, Policy};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Evaluator {
    /// One subject's snapshot with its decisions prepared (a `Snapshot` with `decisions`), as
    /// JSON: a page answers from it before its engine has loaded (`SnapshotDecisions`).
    ///
    /// # Errors
    /// Never in practice.
    #[wasm_bindgen(js_name = preparedSnapshot)]
    pub fn prepared_snapshot(&self, subject: &str) -> JsResult<String> {
        js(ffi::prepared_snapshot(&self.inner, subject))
    }

    /// Effective permissions of every subject at every scope (`EffectiveEntry[]`), as JSON.
    ///
    /// # Errors
    /// Never in practice.
    #[wasm_bindgen(js_name = effectivePermissions)]
    pub fn effective_permissions(&self) -> JsResult<String> {
        text(&ffi::effective_permissions(&self.inner))
    }

    /// May an actor assign a role (request JSON)?
    ///
    /// # Errors
    /// `unknown_role`, `unknown_scope`, `unknown_dimension`.
    #[wasm_bindgen(js_name = canAssign, unchecked_return_type = "Decision")]
    pub fn can_assign(&self, request: &str) -> JsResult<JsValue> {
        object(&js(ffi::can_assign(&self.inner, request))?)
    }

    /// May an actor revoke an assignment (request JSON)?
    ///
    /// # Errors
    /// As `canAssign`, and `unknown_assignment`.
    #[wasm_bindgen(js_name = canRevoke, unchecked_return_type = "Decision")]
    pub fn can_revoke(&self, request: &str) -> JsResult<JsValue> {
        object(&js(ffi::can_revoke(&self.inner, request))?)
    }

    /// May an actor copy one subject's allocation onto another (request JSON)?
    ///
    /// # Errors
    /// As `canAssign`.
    #[wasm_bindgen(js_name = canCopy, unchecked_return_type = "Decision")]
    pub fn can_copy(&self, request: &str) -> JsResult<JsValue> {
        object(&js(ffi::can_copy(&self.inner, request))?)
    }

    /// May an actor define (create or change) a custom role (request JSON)?
    ///
    /// # Errors
    /// The role's own errors at `role...`.
    #[wasm_bindgen(js_name = canDefineRole, unchecked_return_type = "Decision")]
    pub fn can_define_role(&self, request: &str) -> JsResult<JsValue> {
        object(&js(ffi::can_define_role(&self.inner, request))?)
    }

    /// Defines a custom role (JSON), or replaces the one with its id; whether one was replaced.
    ///
    /// # Errors
    /// The validation error; nothing changes.
    #[wasm_bindgen(js_name = defineRole)]
    pub fn define_role(&mut self, role: &str) -> JsResult<bool> {
        js(ffi::define_role(&mut self.inner, role))
    }

    /// Deletes custom role `id` (with its assignments when `removeAssignments`); the deleted one.
    ///
    /// # Errors
    /// `unknown_role`, `role_in_use`.
    #[wasm_bindgen(js_name = removeRole, unchecked_return_type = "CustomRole")]
    pub fn remove_role(&mut self, id: &str, remove_assignments: bool) -> JsResult<JsValue> {
        object(&js(ffi::remove_role(
            &mut self.inner,
            id,
            remove_assignments,
        ))?)
    }

    /// Adds an assignment (JSON); its index.
    ///
    /// # Errors
    /// The validation error; nothing changes.
    #[wasm_bindgen(js_name = addAssignment)]
    pub fn add_assignment(&mut self, assignment: &str) -> JsResult<u32> {
        js(ffi::add_assignment(&mut self.inner, assignment))
    }

    /// Removes assignment `index`; the removed one.
    ///
    /// # Errors
    /// `unknown_assignment`.
    #[wasm_bindgen(js_name = removeAssignment, unchecked_return_type = "Assignment")]
    pub fn remove_assignment(&mut self, index: u32) -> JsResult<JsValue> {
        object(&js(ffi::remove_assignment(&mut self.inner, index))?)
    }

    /// Removes the assignment with id `id`; the removed one.
    ///
    /// # Errors
    /// `unknown_assignment`.
    #[wasm_bindgen(js_name = removeAssignmentById, unchecked_return_type = "Assignment")]
    pub fn remove_assignment_by_id(&mut self, id: &str) -> JsResult<JsValue> {
        object(&js(ffi::remove_assignment_by_id(&mut self.inner, id))?)
    }

    /// The id of assignment `index`, or undefined.
    #[wasm_bindgen(js_name = assignmentId)]
    pub fn assignment_id(&self, index: u32) -> Option<String> {
        ffi::assignment_id(&self.inner, index)
    }

    /// The id of direct grant `index`, or undefined.
    #[wasm_bindgen(js_name = grantId)]
    pub fn grant_id(&self, index: u32) -> Option<String> {
        ffi::grant_id(&self.inner, index)
    }

    /// Removes the direct grant with id `id`; the removed one.
    ///
    /// # Errors
    /// `unknown_assignment`.
    #[wasm_bindgen(js_name = removeGrantById, unchecked_return_type = "Grant")]
    pub fn remove_grant_by_id(&mut self, id: &str) -> JsResult<JsValue> {
        object(&js(ffi::remove_grant_by_id(&mut self.inner, id))?)
    }

    /// Adds a direct grant (JSON); its index.
    ///
    /// # Errors
    /// The validation error; nothing changes.
    #[wasm_bindgen(js_name = addGrant)]
    pub fn add_grant(&mut self, grant: &str) -> JsResult<u32> {
        js(ffi::add_grant(&mut self.inner, grant))
    }

    /// Removes direct grant `index`; the removed one.
    ///
    /// # Errors
    /// `unknown_assignment`.
    #[wasm_bindgen(js_name = removeGrant, unchecked_return_type = "Grant")]
    pub fn remove_grant(&mut self, index: u32) -> JsResult<JsValue> {
        object(&js(ffi::remove_grant(&mut self.inner, index))?)
    }

    /// Adds an API key (JSON).
    ///
    /// # Errors
    /// The validation error; nothing changes.
    #[wasm_bindgen(js_name = addApiKey)]
    pub fn add_api_key(&mut self, key: &str) -> JsResult<()> {
        js(ffi::add_api_key(&mut self.inner, key))
    }

    /// Removes the API key `id`; the removed one.
    ///
    /// # Errors
    /// `unknown_assignment`.
    #[wasm_bindgen(js_name = removeApiKey, unchecked_return_type = "ApiKey")]
    pub fn remove_api_key(&mut self, id: &str) -> JsResult<JsValue> {
        object(&js(ffi::remove_api_key(&mut self.inner, id))?)
    }

    /// Every subject allowed an action or permission at a scope (request JSON), with its
    /// sources, and those denied only by a context or an `except`, as JSON.
    ///
    /// # Errors
    /// As `check`.
    #[wasm_bindgen(js_name = whoCan)]
    pub fn who_can(&self, request: &str) -> JsResult<String> {
        js(ffi::who_can(&self.inner, request))
    }

    /// The access-review export, `csv` or `json`.
    ///
    /// # Errors
    /// `invalid_value` for another format.
    #[wasm_bindgen(js_name = accessReport)]
    pub fn access_report(&self, format: &str) -> JsResult<String> {
        js(ffi::access_report(&self.inner, format))
    }

    /// The current directory document (a `DirectoryDocument`), as JSON.
    ///
    /// # Errors
    /// Never in practice.
    pub fn directory(&self) -> JsResult<String> {
        text(&ffi::directory(&self.inner))
    }
}

#[wasm_bindgen]
impl Policy {
    /// The permission reference (the action table, the roles-by-resources matrix, the levels
    /// and the rules), as JSON.
    ///
    /// # Errors
    /// Never in practice.
    pub fn reference(&self) -> JsResult<String> {
        js(ffi::reference(&self.inner))
    }
}

/// Permissions gained and lost from `before` to `after` (an `AccessDiff`), as JSON.
///
/// # Errors
/// Never in practice.
#[wasm_bindgen]
pub fn diff(before: &Evaluator, after: &Evaluator) -> JsResult<String> {
    text(&ffi::diff(&before.inner, &after.inner))
}

/// Runs a policy test file. `loader(path)` returns the text of a path the file names, or throws
/// a string message.
///
/// # Errors
/// When the file, its policy or its directory does not load.
#[wasm_bindgen(js_name = runTestFile, unchecked_return_type = "TestReport")]
pub fn run_test_file(text: &str, loader: &js_sys::Function) -> JsResult<JsValue> {
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
    object(&js(ffi::run_test_file(text, &mut load))?)
}
