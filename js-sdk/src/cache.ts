// The decision cache behind the fast path: for each subject, and each scope asked about, the
// bitset of the actions allowed there with no context, no resource and no time. One call into
// WebAssembly fills a scope (the core decides every action there); every later check at that
// scope is a bit test in JavaScript (`allows`, the only one) and never crosses the boundary.
//
// Not cached: expiring API keys (their answers change with time; they keep the numbers-only call
// with the clock) and actions with `distinct_from` (the callers never ask the bits about them:
// they need a resource). A live directory update, or an eviction, bumps `version`: what prepared
// subjects copied out of an entry is stale from then on, and they look it up again.

import { freed, idText } from './args.js';
import type { NativeEvaluator } from './binding.js';

/** The core's handle for a subject the directory does not know: it holds nothing. */
const UNKNOWN_SUBJECT = 0xffff_ffff;
/** Scopes kept per subject: those with a smaller handle. Past it, one call per check. */
const MAX_SLOTS = 4096;
/** Bits kept across subjects, in 32-bit words (16 MB); past it the oldest subjects go. */
const BUDGET_WORDS = 1 << 22;
/** Subjects kept at least, whatever the size of their tables. */
const MIN_SUBJECTS = 256;
/** Tables allocated at first; the arena doubles up to the limit. */
const FIRST_TABLES = 64;

/** One subject as the fast path reads it. */
export interface CachedSubject {
  /** The core's handle. */
  readonly handle: number;
  /** Where its table starts in the arena; -1 for an expiring API key (no bits). */
  readonly base: number;
}

/**
 * Per-subject decision bits of one evaluator, in one arena (one typed array for every subject,
 * so a check touches one object). A subject's table has one slot per scope handle (up to
 * `MAX_SLOTS`), of `stride` words: the action bits, then one more bit, set once the slot is
 * filled.
 */
export class DecisionCache {
  /** Bumped by every live update and every eviction: entries copied before are stale. */
  version = 0;
  /** Every subject's table (replaced when it grows). */
  private arena: Uint32Array;
  /** Actions in the policy: the filled bit of a slot is bit number `actions`. */
  readonly actions: number;
  /** Words per slot. */
  private readonly stride: number;
  /** Slots per subject: scope handles below it are cached. */
  private readonly slots: number;
  /** The word of a slot holding its filled bit, and that bit. */
  private readonly filledAt: number;
  private readonly filledBit: number;
  readonly #ffi: NativeEvaluator;
  /** Words per subject. */
  readonly #table: number;
  readonly #maxSubjects: number;
  readonly #subjects = new Map<string, CachedSubject>();
  #expiring: Set<number>;
  /** Tables handed out so far, and the ones evicted subjects gave back. */
  #used = 0;
  #free: number[] = [];
  /** Shared by every unknown subject: they all have the same handle and hold nothing. */
  #unknown = -1;
  /** Set by `free()`: no answer is served from here again, and nothing reaches the binding. */
  freed = false;

  constructor(ffi: NativeEvaluator, actions: number, scopes: number) {
    this.#ffi = ffi;
    this.actions = actions;
    this.stride = (actions + 32) >>> 5;
    this.filledAt = actions >>> 5;
    this.filledBit = 1 << (actions & 31);
    this.slots = Math.min(scopes, MAX_SLOTS);
    this.#table = Math.max(1, this.slots * this.stride);
    this.#maxSubjects = Math.max(MIN_SUBJECTS, Math.floor(BUDGET_WORDS / this.#table));
    this.arena = new Uint32Array(FIRST_TABLES * this.#table);
    this.#expiring = new Set(ffi.expiringSubjects());
  }

  /** Whether the subject is an expiring API key; gives it no table (the check path asks this). */
  isExpiring(name: string): boolean {
    if (this.#expiring.size === 0) return false;
    const e = this.#subjects.get(name);
    return e !== undefined ? e.base < 0 : this.#expiring.has(this.#ffi.subjectHandle(name));
  }

  /** The subject's entry, made (and its handle asked once) on first use. */
  subject(name: string): CachedSubject {
    return this.#subjects.get(name) ?? this.#add(name);
  }

  /**
   * Whether the subject whose table starts at `base` may do `action` at `scope` (handles,
   * converted as the binding converts them: an id it does not know is `false`). The bit test of
   * every fast check: kept this small so V8 inlines it into its callers.
   */
  allows(base: number, subject: number, action: number, scope: number): boolean {
    const a = action >>> 0;
    const s = scope >>> 0;
    if (a < this.actions && s < this.slots) {
      const at = base + s * this.stride;
      const t = this.arena;
      if ((t[at + this.filledAt] & this.filledBit) !== 0) return ((t[at + (a >>> 5)] >>> (a & 31)) & 1) === 1;
    }
    return this.#miss(base, subject, a, s);
  }

  /** `allows` where the bits are not there yet: fills the slot (one call), or asks the core. */
  #miss(base: number, subject: number, a: number, s: number): boolean {
    if (a >= this.actions) return false;
    if (s >= this.slots) return this.#ffi.canPrepared(subject, a, s, NaN);
    const at = base + s * this.stride;
    const t = this.arena;
    t.set(this.#ffi.allowedBits(subject, s), at);
    t[at + this.filledAt] |= this.filledBit;
    return ((t[at + (a >>> 5)] >>> (a & 31)) & 1) === 1;
  }

  /**
   * The evaluator was freed: every entry goes, and so every check comes to `#add` (or, for a
   * prepared subject, to its refresh and then `#add`), which answers `freed`.
   */
  free(): void {
    this.freed = true;
    this.version++;
    this.#subjects.clear();
    this.arena = new Uint32Array(0);
    this.#free = [];
  }

  /** After a live update: every entry is stale, handles and expiring keys may have changed. */
  invalidate(): void {
    this.version++;
    this.#subjects.clear();
    this.arena = new Uint32Array(FIRST_TABLES * this.#table);
    this.#used = 0;
    this.#free = [];
    this.#unknown = -1;
    this.#expiring = new Set(this.#ffi.expiringSubjects());
  }

  #add(name: string): CachedSubject {
    if (this.freed) throw freed();
    // Once per subject, before its name reaches the binding: a string of well-formed Unicode
    // within the id limit (the core refuses the same in JSON queries).
    idText(name, 'subject');
    if (this.#subjects.size >= this.#maxSubjects) this.#evictOldest();
    const handle = this.#ffi.subjectHandle(name);
    let base = -1;
    if (handle === UNKNOWN_SUBJECT) {
      if (this.#unknown < 0) this.#unknown = this.#newTable();
      base = this.#unknown;
    } else if (!this.#expiring.has(handle)) {
      base = this.#newTable();
    }
    const entry = { handle, base };
    this.#subjects.set(name, entry);
    return entry;
  }

  /** Oldest first (a Map iterates in insertion order); its table goes to the next subject. */
  #evictOldest(): void {
    const oldest = this.#subjects.entries().next();
    if (oldest.done === true) return;
    const [name, entry] = oldest.value;
    this.#subjects.delete(name);
    this.version++;
    if (entry.base >= 0 && entry.base !== this.#unknown) this.#free.push(entry.base);
  }

  /** A zeroed table's base: a freed one, or a new one (the arena doubles when full). */
  #newTable(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) {
      this.arena.fill(0, reused, reused + this.#table);
      return reused;
    }
    const base = this.#used;
    this.#used += this.#table;
    if (this.#used > this.arena.length) {
      const grown = new Uint32Array(Math.max(this.#used, this.arena.length * 2));
      grown.set(this.arena);
      this.arena = grown;
    }
    return base;
  }
}
