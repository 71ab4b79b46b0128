//! Documented maximums. Inputs beyond them are rejected with `limit_exceeded`, so no input can
//! make the engine use unbounded stack, quadratic time or surprising memory.

/// Largest accepted text input (policy, directory, test file or snapshot).
pub const MAX_INPUT_BYTES: usize = 256 * 1024 * 1024;
/// Deepest nesting of lists and maps in a document or a snapshot (the formats need 6).
pub const MAX_DEPTH: usize = 64;
/// Longest policy name (level, resource, role, dimension, half an action).
pub const MAX_NAME_LEN: usize = 128;
/// Longest directory id (scope, subject, API key) or context value.
pub const MAX_ID_LEN: usize = 256;
/// Most levels in one policy (levels are a 64-bit mask per resource).
pub const MAX_LEVELS: usize = 64;
/// Most dimensions in one policy.
pub const MAX_DIMENSIONS: usize = 32;
/// Most permissions one action may require.
pub const MAX_REQUIRES: usize = 64;
/// Most resources, actions or roles in one policy.
pub const MAX_POLICY_ITEMS: usize = 65_536;
/// Most scopes, assignments, grants or API keys in one directory (scopes, assignments or
/// grants in one snapshot).
pub const MAX_DIRECTORY_ITEMS: usize = 16_000_000;
/// Most bytes of the sets a compiled policy precomputes: a closed permission set and an action
/// set per role (roles × (resources × levels + actions) bits), a permission set per `forbid`
/// rule that names a permission (resources × levels bits), and 4 bytes per action a `forbid`
/// rule applies to. Separately, most bytes of a directory's distinct permission and action sets
/// (each kept twice: in its arena and in the index that deduplicates them). These sets are what
/// makes a decision a few bit tests, and their size is the product of two policy sizes, so a
/// few megabytes of policy could otherwise ask for tens of gigabytes.
pub const MAX_SET_BYTES: usize = 1 << 30;
/// Most points (combinations of listed context values) `can_assign` enumerates exactly; beyond
/// it, the check falls back to the stricter rule that only unconstrained holdings count.
pub const MAX_CONTEXT_POINTS: usize = 4096;
