//! Object inputs read with serde-wasm-bindgen, for measurement only (the feature
//! `object-inputs`, never in a shipped build): a directory, a live update and a `canAssign`
//! request given as the JS object itself, beside the shipped path that gives the same value as
//! `JSON.stringify` text. `bench/js/object-inputs.mjs` times the two against each other
//! (bench/results.md, "Boundary"); the SDK keeps whichever was faster, and that was the text for
//! every input measured, so these methods are not wired into the SDK. A value the object reader
//! refuses would go through the text path, so an error has the same code and path either way.

use crate::{ffi, js, object, Evaluator, JsResult, Policy};
use rolecall::model::{AssignDoc, AssignmentDoc, DirectoryDoc};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

/// `value` read with serde-wasm-bindgen; when that fails, its `JSON.stringify` text, for the
/// located reader of the text path.
fn read<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value.clone()).map_err(|_| {
        js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    })
}

#[wasm_bindgen]
impl Evaluator {
    /// `new Evaluator(policy, directory)` for a directory given as an object.
    ///
    /// # Errors
    /// As the constructor.
    #[wasm_bindgen(js_name = fromDirectoryObject)]
    pub fn from_directory_object(policy: &Policy, directory: JsValue) -> JsResult<Evaluator> {
        let inner = match read::<DirectoryDoc>(directory) {
            Ok(doc) => rolecall::Directory::from_doc(&policy.inner, doc)
                .map_err(|errs| {
                    let first = errs.into_iter().next().unwrap_or_else(|| {
                        rolecall::Error::new(rolecall::ErrorCode::InvalidValue, "", "invalid")
                    });
                    crate::error::ErrorData::from_input("directory", first)
                })
                .and_then(|dir| {
                    rolecall::Evaluator::new(policy.inner.clone(), dir)
                        .map_err(crate::error::ErrorData::from)
                }),
            Err(text) => ffi::new_evaluator(&policy.inner, &text),
        };
        js(inner).map(|inner| Evaluator { inner })
    }

    /// `addAssignment` for an assignment given as an object.
    ///
    /// # Errors
    /// As `addAssignment`.
    #[wasm_bindgen(js_name = addAssignmentObject)]
    pub fn add_assignment_object(&mut self, assignment: JsValue) -> JsResult<u32> {
        match read::<AssignmentDoc>(assignment) {
            Ok(a) => js(self
                .inner
                .add_assignment(a)
                .map_err(|e| crate::error::ErrorData::from_input("assignment", e))
                .map(|i| u32::try_from(i).unwrap_or(u32::MAX))),
            Err(text) => js(ffi::add_assignment(&mut self.inner, &text)),
        }
    }

    /// `canAssign` for a request given as an object.
    ///
    /// # Errors
    /// As `canAssign`.
    #[wasm_bindgen(js_name = canAssignObject, unchecked_return_type = "Decision")]
    pub fn can_assign_object(&self, request: JsValue) -> JsResult<JsValue> {
        let decision = match read::<AssignDoc>(request) {
            Ok(r) => self
                .inner
                .can_assign(&r)
                .map(crate::wire::Decision::from)
                .map_err(crate::error::ErrorData::from),
            Err(text) => ffi::can_assign(&self.inner, &text),
        };
        object(&js(decision)?)
    }
}
