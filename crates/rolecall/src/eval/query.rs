//! What a caller asks: a [`Query`] (subject, action or permission, scope, context, resource
//! attributes, time) and its [`Target`], and the query documents of test files and JSON turned
//! into one.

use crate::error::{Error, ErrorCode, Result};
use crate::model::QueryDoc;
use crate::time::Timestamp;

/// What a query asks about: an action, or one permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// An action name (`transfers.approve`).
    Action(&'a str),
    /// One permission (`transfers:authorize`).
    Permission(&'a str),
}

/// A query: may `subject` do `target` in `scope`?
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    /// Who asks; an unknown subject holds nothing.
    pub subject: &'a str,
    /// The action or permission.
    pub target: Target<'a>,
    /// Where.
    pub scope: &'a str,
    /// Dimension to one value, or `*` for any value.
    pub context: &'a [(&'a str, &'a str)],
    /// Attributes of the resource acted on.
    pub resource: &'a [(&'a str, &'a str)],
    /// The time of the query, for expiring API keys.
    pub now: Option<Timestamp>,
}

impl<'a> Query<'a> {
    /// A query for an action, with no context, resource or time.
    pub fn action(subject: &'a str, action: &'a str, scope: &'a str) -> Self {
        Query {
            subject,
            target: Target::Action(action),
            scope,
            context: &[],
            resource: &[],
            now: None,
        }
    }

    /// A query for one permission.
    pub fn permission(subject: &'a str, permission: &'a str, scope: &'a str) -> Self {
        Query {
            subject,
            target: Target::Permission(permission),
            scope,
            context: &[],
            resource: &[],
            now: None,
        }
    }

    /// With context values.
    pub fn context(mut self, context: &'a [(&'a str, &'a str)]) -> Self {
        self.context = context;
        self
    }

    /// With resource attributes.
    pub fn resource(mut self, resource: &'a [(&'a str, &'a str)]) -> Self {
        self.resource = resource;
        self
    }

    /// At a time.
    pub fn now(mut self, now: Timestamp) -> Self {
        self.now = Some(now);
        self
    }
}

/// Runs `f` on the [`Query`] a [`QueryDoc`] describes.
pub(crate) fn with_query<T>(q: &QueryDoc, f: impl FnOnce(&Query<'_>) -> Result<T>) -> Result<T> {
    let target = match (&q.action, &q.permission) {
        (Some(a), None) => Target::Action(a),
        (None, Some(p)) => Target::Permission(p),
        _ => {
            return Err(Error::new(
                ErrorCode::InvalidValue,
                "",
                "a query names exactly one of `action` or `permission`",
            ))
        }
    };
    let context: Vec<(&str, &str)> = q
        .context
        .iter()
        .map(|(k, v)| (k.as_str(), v.0.as_str()))
        .collect();
    let resource: Vec<(&str, &str)> = q
        .resource
        .iter()
        .map(|(k, v)| (k.as_str(), v.0.as_str()))
        .collect();
    let now = match &q.now {
        Some(t) => {
            Some(Timestamp::parse(t).map_err(|m| Error::new(ErrorCode::InvalidValue, "now", m))?)
        }
        None => None,
    };
    let query = Query {
        subject: &q.subject.0,
        target,
        scope: &q.scope.0,
        context: &context,
        resource: &resource,
        now,
    };
    f(&query)
}
