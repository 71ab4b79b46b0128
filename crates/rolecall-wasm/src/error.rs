//! Errors as tagged data. Every failure that leaves the binding is an [`ErrorData`]: SPEC's
//! code, the lowercase message, the path, the location, the hint and the input it is in. The
//! native functions return it as is; [`to_js`] is the one place it becomes a JavaScript value,
//! which the SDK turns into a `RolecallError`.

use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::JsValue;

/// One error, as it crosses the boundary: `{ code, message, path, line, column, help, origin }`.
/// Declared for TypeScript (`ErrorData`) with `code` as the generated `ErrorCode` union.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
pub struct ErrorData {
    /// SPEC's code (`unknown_action`, `policy_mismatch`, ...): one of `ErrorCode::ALL`.
    #[tsify(type = "ErrorCode")]
    pub code: String,
    /// Lowercase, no final period, user input in backticks.
    pub message: String,
    /// Where in the document (`roles.admin.includes[0]`); empty for the whole input.
    pub path: String,
    /// 1-based line, when the input was text.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub line: Option<usize>,
    /// 1-based column, when the input was text.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub column: Option<usize>,
    /// A suggestion ("did you mean `operations`?").
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub help: Option<String>,
    /// Which input: `policy`, `directory`, `snapshot`, `query`, a test file's path.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub origin: Option<String>,
}

impl From<rolecall::Error> for ErrorData {
    fn from(e: rolecall::Error) -> Self {
        ErrorData {
            code: e.code.as_str().to_owned(),
            message: e.message,
            path: e.path,
            line: e.location.map(|l| l.line),
            column: e.location.map(|l| l.column),
            help: e.help,
            origin: e.origin,
        }
    }
}

impl ErrorData {
    /// A core error from one input, tagged with that input unless the core already named one.
    pub fn from_input(origin: &str, e: rolecall::Error) -> Self {
        ErrorData::from(e.with_origin(origin))
    }
}

/// The one conversion to JavaScript: a plain object with exactly the fields of the native JSON
/// (absent options left out), through the binding's one serializer ([`crate::wire::to_js`]).
#[cfg(feature = "objects")]
pub fn to_js(e: ErrorData) -> JsValue {
    crate::wire::to_js(&e).unwrap_or_else(|_| JsValue::from_str(&e.message))
}

/// Without the `objects` feature (the browser build): the same object, through JSON text.
#[cfg(not(feature = "objects"))]
pub fn to_js(e: ErrorData) -> JsValue {
    let text = serde_json::to_string(&e).unwrap_or_default();
    js_sys::JSON::parse(&text).unwrap_or_else(|_| JsValue::from_str(&e.message))
}
