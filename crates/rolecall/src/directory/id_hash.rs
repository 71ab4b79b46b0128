//! What a generated id is made from: `a_` (assignments) or `g_` (grants) and the first 16 hex
//! digits of the SHA-256 of the item's fields, each followed by a 0 byte: subject, role (a
//! grant: its permission or action), scope; then the context between two `\x01` bytes (each
//! dimension in sorted order, then its values sorted, then a `\x02` byte); then an
//! assignment's `except` entries, sorted. (Fed to the hasher directly: generating 100k ids
//! costs no allocation but the id itself.) `ids` gives each its suffix and keeps the table.

use crate::model::{AssignmentDoc, ContextDoc, GrantDoc, OneOrMany};
use sha2::{Digest, Sha256};

/// 16 hex digits of the SHA-256 of the assignment's fields (see this module's comment).
pub(crate) fn assignment_hash(a: &AssignmentDoc) -> u64 {
    assignment_hash_of(&a.subject.0, &a.role, &a.scope.0, &a.context, &a.except)
}

/// [`assignment_hash`] of an assignment's fields.
pub(crate) fn assignment_hash_of(
    subject: &str,
    role: &str,
    scope: &str,
    context: &ContextDoc,
    except: &[String],
) -> u64 {
    let mut h = Sha256::new();
    for field in [subject, role, scope] {
        field_into(&mut h, field);
    }
    context_into(&mut h, context);
    let mut except: Vec<&String> = except.iter().collect();
    crate::sorting::sort(&mut except);
    for e in except {
        field_into(&mut h, e);
    }
    short(h)
}

/// 16 hex digits of the SHA-256 of the grant's fields (see this module's comment).
pub(crate) fn grant_hash(g: &GrantDoc) -> u64 {
    let what = g
        .permission
        .as_deref()
        .or(g.action.as_deref())
        .unwrap_or("");
    let mut h = Sha256::new();
    for field in [g.subject.0.as_str(), what, g.scope.0.as_str()] {
        field_into(&mut h, field);
    }
    context_into(&mut h, &g.context);
    short(h)
}

/// The field's bytes and a 0 byte (a NUL inside a field could only make two items share a
/// hash, which the `_2` suffix resolves).
fn field_into(h: &mut Sha256, field: &str) {
    h.update(field.as_bytes());
    h.update([0u8]);
}

/// `\x01`, then each dimension (sorted) and its values (sorted), each as a field; `\x01` again.
fn context_into(h: &mut Sha256, c: &ContextDoc) {
    h.update([1u8]);
    let mut dims: Vec<(&String, &OneOrMany)> = c.iter().collect();
    crate::sorting::sort_by(&mut dims, |x, y| x.0.cmp(y.0));
    for (dim, values) in dims {
        field_into(h, dim);
        let mut vs: Vec<&String> = values.0.iter().collect();
        crate::sorting::sort(&mut vs);
        for v in vs {
            field_into(h, v);
        }
        h.update([2u8]);
    }
    h.update([1u8]);
}

/// The first 8 bytes of the digest, big-endian: written as 16 hex digits, the id's hash.
fn short(h: Sha256) -> u64 {
    let d = h.finalize();
    d.iter()
        .take(8)
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}
