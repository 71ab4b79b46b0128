// `rolecall/vue`: Vue 3 bindings over the permission store (the one `rolecall/react`,
// `rolecall/svelte` and `rolecall/dom` use). A plugin or `providePermissions` puts the store in
// the tree; `useCan`, `usePermissions` and `useScopesWhere` are computed refs of it; `<Can>` and
// the `v-can` directive gate a control. Vue (3.3 or newer) is an optional peer dependency.
//
// What goes wrong in other Vue permission bindings (CASL's issues: `$ability.can` not reactive,
// #586; updates that show only after changing page, #400, #687; a `$ability` replaced in one
// component that others never see, #796), and how this file avoids each:
// - Not reactive: each store has one Vue ref of its version, bumped by the store's own
//   `subscribe` on every `store.set(...)`; every computed here reads it, so a new snapshot
//   re-renders exactly the components (and `v-can` elements) that read a decision.
// - Stale closures: `useCan`'s arguments may be refs or getters (`() => props.scope`), read
//   inside the computed, so a changed prop re-decides; nothing captures a value at setup.
// - Replacing the object instead of updating it: the store is provided once and never replaced;
//   a new user's snapshot goes through `store.set(...)`, which every reader sees.
//
// Hiding a button is a convenience for the user, never a security boundary: the server decides
// every request itself (see `rolecall/node`).

import {
  cloneVNode,
  computed,
  defineComponent,
  effectScope,
  inject,
  provide,
  shallowRef,
  toValue,
  watchEffect,
  type App,
  type ComputedRef,
  type InjectionKey,
  type MaybeRefOrGetter,
  type ObjectDirective,
  type PropType,
  type ShallowRef,
  type VNode,
} from 'vue';
import { gateElement, gateError } from './dom.js';
import { PermissionStore, gateKey, type GateOptions, type PermissionsLike } from './store.js';
import type { BulkOptions, Decision, QueryContext, Schema, Target } from './types.js';

export { PermissionStore, createPermissionStore, type GateOptions, type PermissionsLike } from './store.js';

const storeKey: InjectionKey<PermissionStore<Schema>> = Symbol('rolecall');

/** One Vue ref per store: its version, bumped after each `store.set(...)`. */
const versions = new WeakMap<PermissionStore<Schema>, Readonly<ShallowRef<number>>>();

function versionOf<S extends Schema>(store: PermissionStore<S>): Readonly<ShallowRef<number>> {
  const key = store as unknown as PermissionStore<Schema>;
  let version = versions.get(key);
  if (version === undefined) {
    const ref = shallowRef(store.version);
    // Kept for the store's life (the store holds the listener, the listener the ref): no
    // per-component subscription to leak or to forget.
    store.subscribe(() => {
      ref.value = store.version;
    });
    versions.set(key, ref);
    version = ref;
  }
  return version;
}

function asStore<S extends Schema>(given: PermissionStore<S> | PermissionsLike<S>): PermissionStore<S> {
  return given instanceof PermissionStore ? given : new PermissionStore(given);
}

/**
 * The plugin: `app.use(createRolecall(store))` provides the store to every component and
 * registers `v-can` (bound to this store). Given permissions instead of a store, it makes one:
 * `plugin.store.set(next)` then replaces them.
 */
export function createRolecall<S extends Schema = Schema>(
  permissions: PermissionStore<S> | PermissionsLike<S>,
): { store: PermissionStore<S>; install(app: App): void } {
  const store = asStore(permissions);
  return {
    store,
    install(app) {
      app.provide(storeKey, store as unknown as PermissionStore<Schema>);
      app.directive('can', canDirective(store));
    },
  };
}

/**
 * Provides a store to the calling component's subtree (in `setup`), as the plugin does for the
 * whole app; returns it.
 */
export function providePermissions<S extends Schema = Schema>(
  permissions: PermissionStore<S> | PermissionsLike<S>,
): PermissionStore<S> {
  const store = asStore(permissions);
  provide(storeKey, store as unknown as PermissionStore<Schema>);
  return store;
}

/**
 * The store provided above the calling component (in `setup`).
 * @throws {Error} when none was provided.
 */
export function usePermissionStore<S extends Schema = Schema>(): PermissionStore<S> {
  const store = inject(storeKey, null);
  if (store === null) {
    throw new Error(
      'rolecall/vue: no permission store here; install the plugin, app.use(createRolecall(permissions)), ' +
        'or call providePermissions(...) in an ancestor\'s setup',
    );
  }
  return store as unknown as PermissionStore<S>;
}

/** The current permissions, as a computed ref that changes with each new snapshot. */
export function usePermissions<S extends Schema = Schema>(): ComputedRef<PermissionsLike<S>> {
  const store = usePermissionStore<S>();
  const version = versionOf(store);
  return computed(() => (version.value, store.permissions));
}

/**
 * The decision for one control, `store.check(action, scope, options)` memoized per snapshot, as
 * a computed ref: `refund.value.allowed` in script, `refund.allowed` in a template. Each argument
 * may be a value, a ref or a getter (`() => props.scope`), read when the decision is computed.
 * @throws {RolecallError} when read, input errors such as a misspelt action (`unknown_action`).
 */
export function useCan<S extends Schema = Schema>(
  action: MaybeRefOrGetter<Target<S>>,
  scope: MaybeRefOrGetter<string>,
  options?: MaybeRefOrGetter<GateOptions<S> | undefined>,
): ComputedRef<Decision> {
  const store = usePermissionStore<S>();
  const version = versionOf(store);
  return computed(() => (version.value, store.check(toValue(action), toValue(scope), toValue(options))));
}

/** Every reachable scope where the subject may do `action`, in tree order (a tenant switcher). */
export function useScopesWhere<S extends Schema = Schema>(
  action: MaybeRefOrGetter<S['action']>,
  options?: MaybeRefOrGetter<BulkOptions<S> | undefined>,
): ComputedRef<string[]> {
  const store = usePermissionStore<S>();
  const version = versionOf(store);
  return computed(() => (version.value, store.scopesWhere(toValue(action), toValue(options))));
}

/** The value of `v-can`: `v-can="{ action: 'refunds.create', scope }"`. */
export interface CanBinding<S extends Schema = Schema> {
  action: Target<S>;
  scope: string;
  context?: QueryContext<S>;
  /** Attributes of the resource acted on, for maker-checker (`{ created_by: 'paula' }`). */
  resource?: Record<string, string>;
  /** `disable` (the default): disabled with the reason as tooltip; `hide`: hidden. */
  mode?: 'disable' | 'hide';
}

/** What `v-can` keeps per element: its latest value and the effect that gates it. */
interface Gated {
  binding: ShallowRef<CanBinding<Schema>>;
  stop: () => void;
  blockClick: (e: Event) => void;
}

const bindingKey = (b: CanBinding<Schema>): string => `${b.mode ?? 'disable'}\u0000${gateKey(b.action, b.scope, b)}`;

/**
 * `v-can` bound to a store (the plugin registers it as `v-can` with its store): gates the element
 * as `rolecall/dom` does, again after each new snapshot and each change of its value. Denied,
 * mode `disable`: `disabled`, `aria-disabled`, the reason as `title` and as an accessible
 * description, clicks stopped (links too); mode `hide`: `hidden`. A check that throws (a misspelt
 * action) hides the element: fail closed. It gates in the browser; in server rendering use
 * `useCan` or `<Can>`, which render the same markup on both sides.
 */
export function canDirective<S extends Schema = Schema>(store: PermissionStore<S>): ObjectDirective<Element, CanBinding<S>> {
  const gated = new WeakMap<Element, Gated>();
  const version = versionOf(store);
  return {
    mounted(el, { value }) {
      const binding = shallowRef(value as CanBinding<Schema>);
      const blockClick = (e: Event): void => {
        if (el.getAttribute('data-rolecall-state') === 'disabled') swallow(e);
      };
      el.addEventListener('click', blockClick, true);
      // A detached scope of our own: the effect lives exactly as long as the element.
      const scope = effectScope(true);
      scope.run(() =>
        watchEffect(() => {
          const b = binding.value;
          void version.value;
          try {
            gateElement(el, store.check(b.action, b.scope, { context: b.context, resource: b.resource }), b.mode);
          } catch (error) {
            gateError(el, error);
          }
        }),
      );
      gated.set(el, { binding, stop: () => scope.stop(), blockClick });
    },
    updated(el, { value }) {
      const g = gated.get(el);
      // A template re-render makes a new object each time: re-gate only when it says something new.
      if (g !== undefined && bindingKey(value as CanBinding<Schema>) !== bindingKey(g.binding.value)) {
        g.binding.value = value as CanBinding<Schema>;
      }
    },
    unmounted(el) {
      const g = gated.get(el);
      if (g === undefined) return;
      g.stop();
      el.removeEventListener('click', g.blockClick, true);
      gated.delete(el);
    },
  };
}

function swallow(e: Event): void {
  e.preventDefault();
  e.stopImmediatePropagation();
}

/**
 * `<Can action scope>`: gates its one child. Allowed: the child as it is. Denied, mode `disable`
 * (the default): the child with `disabled`, `aria-disabled`, the reason as `title` and
 * `data-rolecall-reason`, clicks stopped; mode `hide`: the `fallback` slot (nothing by default).
 * The default slot receives `{ decision, allowed }` for anything else
 * (`<Can v-slot="{ decision }">`). Renders the same on the server and in the browser.
 */
export const Can = defineComponent({
  name: 'RolecallCan',
  props: {
    action: { type: String, required: true },
    scope: { type: String, required: true },
    context: { type: Object as PropType<QueryContext<Schema>>, default: undefined },
    resource: { type: Object as PropType<Record<string, string>>, default: undefined },
    mode: { type: String as PropType<'disable' | 'hide'>, default: 'disable' },
  },
  setup(props, { slots }) {
    const decision = useCan(
      () => props.action,
      () => props.scope,
      () => ({ context: props.context, resource: props.resource }),
    );
    return (): VNode | VNode[] | null => {
      const d = decision.value;
      if (!d.allowed && props.mode === 'hide') return slots.fallback?.() ?? null;
      const children = slots.default?.({ decision: d, allowed: d.allowed }) ?? [];
      const [only] = children;
      if (children.length !== 1 || only === undefined) return children;
      if (d.allowed) return only;
      return cloneVNode(only, {
        disabled: true,
        'aria-disabled': 'true',
        title: d.message,
        'data-rolecall-reason': d.reason,
        onClickCapture: swallow,
      });
    };
  },
});

/** `h(Can, ...)` in render functions takes the same props as the template form. */
export type CanProps = InstanceType<typeof Can>['$props'];
