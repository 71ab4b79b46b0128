// `rolecall/dom`: gating for pages without a framework. Elements marked in HTML are hidden or
// disabled with the reason, in one pass over a subtree, and again whenever the permissions change:
//
//   <section data-rolecall-scope="acme-cl">
//     <button data-rolecall-action="refunds.create">Refund</button>
//     <button data-rolecall-action="transfers.approve" data-rolecall-resource-created_by="paula"
//             data-rolecall-mode="hide">Approve</button>
//     <a data-rolecall-action="refunds.create" data-rolecall-context-country="CL" href="/r">…</a>
//   </section>
//
// Attributes: `data-rolecall-action` (required), `data-rolecall-scope` (on the element or an
// ancestor, else the `scope` option), `data-rolecall-context-<dimension>`,
// `data-rolecall-resource-<attribute>`, `data-rolecall-mode` (`disable`, the default, or `hide`).
// A control whose check fails (a misspelt action, a missing scope) is hidden: fail closed.
//
// Hiding a button protects nothing: the server decides every request itself.

import type { GateOptions, PermissionStore, PermissionsLike } from './store.js';
import type { Decision, QueryContext, Schema } from './types.js';

export { PermissionStore, createPermissionStore, type PermissionsLike } from './store.js';

const ACTION = 'data-rolecall-action';
const SCOPE = 'data-rolecall-scope';
const MODE = 'data-rolecall-mode';
const CONTEXT = 'data-rolecall-context-';
const RESOURCE = 'data-rolecall-resource-';
/** Set by `applyPermissions`: `allowed`, `disabled`, `hidden` or `error`. */
const STATE = 'data-rolecall-state';
const REASON = 'data-rolecall-reason';
const DESCRIPTION = 'data-rolecall-description';

/** Options of `applyPermissions` and `watch`. */
export interface ApplyOptions<S extends Schema = Schema> {
  /** The scope of elements with no `data-rolecall-scope` on them or an ancestor. */
  scope?: string;
  /** Context merged under each element's own `data-rolecall-context-*` attributes. */
  context?: QueryContext<S>;
}

/** What one pass did. */
export interface ApplyReport {
  allowed: number;
  disabled: number;
  hidden: number;
  /** Controls whose check failed (hidden); the error says why. */
  errors: { element: Element; error: unknown }[];
}

/** What an element was before rolecall touched it, to restore when it becomes allowed. */
interface Original {
  hidden: boolean;
  disabled: boolean | undefined;
  title: string | null;
  ariaDisabled: string | null;
  ariaDescribedBy: string | null;
  tabIndex: string | null;
}

const originals = new WeakMap<Element, Original>();
const descriptions = new WeakMap<Element, HTMLElement>();
let nextId = 0;

/**
 * Gates every marked element in `root` (and `root` itself) in one pass: allowed elements are
 * restored to how they were; denied ones are hidden, or disabled with the reason as `title` and
 * as an accessible description. Safe to run again: it is how permission changes are applied.
 */
export function applyPermissions<S extends Schema = Schema>(
  root: ParentNode,
  permissions: PermissionsLike<S> | PermissionStore<S>,
  options: ApplyOptions<S> = {},
): ApplyReport {
  // A store memoizes per version; bare permissions decide each time.
  const source = permissions as { check(action: string, scope: string, options: GateOptions<S>): Decision };
  const report: ApplyReport = { allowed: 0, disabled: 0, hidden: 0, errors: [] };
  const elements: Element[] = [];
  if (root instanceof Element && root.hasAttribute(ACTION)) elements.push(root);
  elements.push(...root.querySelectorAll(`[${ACTION}]`));
  for (const el of elements) {
    let decision: Decision;
    try {
      const scope = el.closest(`[${SCOPE}]`)?.getAttribute(SCOPE) ?? options.scope;
      if (scope === undefined || scope === '') throw new Error(`no scope for \`${el.getAttribute(ACTION)}\``);
      const { context, resource } = attributes(el);
      decision = source.check(el.getAttribute(ACTION) ?? '', scope, {
        context: { ...options.context, ...context } as QueryContext<S>,
        resource,
      });
    } catch (error) {
      report.errors.push({ element: el, error });
      gateError(el, error);
      continue;
    }
    const mode = el.getAttribute(MODE) === 'hide' ? 'hide' : 'disable';
    const state = gateElement(el, decision, mode);
    report[state === 'allowed' ? 'allowed' : state === 'hidden' ? 'hidden' : 'disabled'] += 1;
  }
  return report;
}

/**
 * Gates one element with a decision made elsewhere (`rolecall/vue`'s `v-can` uses it): allowed,
 * restored to how it was; denied, hidden (mode `hide`) or disabled with the reason as `title` and
 * as an accessible description. Returns the state written to `data-rolecall-state`.
 */
export function gateElement(el: Element, decision: Decision, mode: 'disable' | 'hide' = 'disable'): 'allowed' | 'disabled' | 'hidden' {
  if (decision.allowed) {
    restore(el);
    el.setAttribute(STATE, 'allowed');
    return 'allowed';
  }
  if (mode === 'hide') {
    hide(el, decision.reason, decision.message);
    return 'hidden';
  }
  disable(el, decision);
  return 'disabled';
}

/** Hides an element whose check failed (a misspelt action, no scope): fail closed. */
export function gateError(el: Element, error: unknown): void {
  hide(el, 'error', error instanceof Error ? error.message : String(error));
}

/** The `data-rolecall-context-*` and `data-rolecall-resource-*` attributes of an element. */
function attributes(el: Element): { context?: Record<string, string>; resource?: Record<string, string> } {
  let context: Record<string, string> | undefined;
  let resource: Record<string, string> | undefined;
  for (const { name, value } of el.attributes) {
    if (name.startsWith(CONTEXT)) (context ??= {})[name.slice(CONTEXT.length)] = value;
    else if (name.startsWith(RESOURCE)) (resource ??= {})[name.slice(RESOURCE.length)] = value;
  }
  return { context, resource };
}

function remember(el: Element): void {
  if (originals.has(el)) return;
  const h = el as HTMLElement;
  originals.set(el, {
    hidden: h.hidden === true,
    disabled: 'disabled' in el ? (el as HTMLButtonElement).disabled : undefined,
    title: el.getAttribute('title'),
    ariaDisabled: el.getAttribute('aria-disabled'),
    ariaDescribedBy: el.getAttribute('aria-describedby'),
    tabIndex: el.getAttribute('tabindex'),
  });
}

function restoreAttribute(el: Element, name: string, value: string | null): void {
  if (value === null) el.removeAttribute(name);
  else el.setAttribute(name, value);
}

/** Back to how the page wrote it. */
function restore(el: Element): void {
  const o = originals.get(el);
  descriptions.get(el)?.remove();
  descriptions.delete(el);
  el.removeAttribute(REASON);
  if (o === undefined) return;
  (el as HTMLElement).hidden = o.hidden;
  if (o.disabled !== undefined) (el as HTMLButtonElement).disabled = o.disabled;
  restoreAttribute(el, 'title', o.title);
  restoreAttribute(el, 'aria-disabled', o.ariaDisabled);
  restoreAttribute(el, 'aria-describedby', o.ariaDescribedBy);
  restoreAttribute(el, 'tabindex', o.tabIndex);
  originals.delete(el);
}

function hide(el: Element, reason: string, message: string): void {
  restore(el);
  remember(el);
  (el as HTMLElement).hidden = true;
  el.setAttribute(STATE, reason === 'error' ? 'error' : 'hidden');
  el.setAttribute(REASON, reason);
  el.setAttribute('title', message);
}

function disable(el: Element, d: Decision): void {
  restore(el);
  remember(el);
  if ('disabled' in el) (el as HTMLButtonElement).disabled = true;
  else el.setAttribute('tabindex', '-1'); // a link: out of the tab order (clicks: see `watch`)
  el.setAttribute('aria-disabled', 'true');
  el.setAttribute('title', d.message);
  el.setAttribute(STATE, 'disabled');
  el.setAttribute(REASON, d.reason);
  const doc = el.ownerDocument;
  const span = doc.createElement('span');
  span.id = `rolecall-reason-${++nextId}`;
  span.setAttribute(DESCRIPTION, '');
  span.textContent = d.message;
  span.style.cssText =
    'position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0';
  el.insertAdjacentElement('afterend', span);
  descriptions.set(el, span);
  const own = originals.get(el)?.ariaDescribedBy;
  el.setAttribute('aria-describedby', own ? `${own} ${span.id}` : span.id);
}

/**
 * Gates `root` now and keeps it gated: again whenever `store.set(...)` replaces the permissions,
 * and for marked elements added to or changed in the subtree later. Clicks on disabled controls
 * (links included) are stopped. Returns the function that stops watching.
 */
export function watch<S extends Schema = Schema>(
  root: Element | Document,
  store: PermissionStore<S>,
  options: ApplyOptions<S> & { onApply?: (report: ApplyReport) => void } = {},
): () => void {
  const { onApply, ...applyOptions } = options;
  let observer: MutationObserver | undefined;
  const run = (): void => {
    const report = applyPermissions(root, store, applyOptions);
    // Our own changes (attributes, description elements) must not trigger another pass.
    observer?.takeRecords();
    onApply?.(report);
  };
  let queued = false;
  const schedule = (): void => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      run();
    });
  };
  const blockClick = (e: Event): void => {
    const target = e.target instanceof Element ? e.target.closest(`[${STATE}="disabled"]`) : null;
    if (target !== null) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  };
  root.addEventListener('click', blockClick, true);
  const unsubscribe = store.subscribe(run);
  if (typeof MutationObserver !== 'undefined') {
    observer = new MutationObserver((records) => {
      const relevant = records.some(
        (r) =>
          r.type === 'attributes' ||
          [...r.addedNodes].some((n) => n instanceof Element && !n.hasAttribute(DESCRIPTION)),
      );
      if (relevant) schedule();
    });
    observer.observe(root, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: [ACTION, SCOPE, MODE],
    });
  }
  run();
  return () => {
    unsubscribe();
    observer?.disconnect();
    root.removeEventListener('click', blockClick, true);
  };
}
