// `rolecall/react`: React bindings over the permission store. A provider holds the current
// subject's `Permissions`; `useCan` and `<Can>` read decisions from it through
// `useSyncExternalStore`, so replacing the permissions (a new snapshot) re-renders the
// components that read them, and nothing else. Decisions are memoized per (action, scope) for
// each version of the permissions. No JSX: this file ships as plain JavaScript. React is a peer
// dependency (18 or newer).
//
// Hiding a button is a convenience for the user, never a security boundary: the server decides
// every request itself (see `rolecall/node`).

import {
  Children,
  Fragment,
  cloneElement,
  createContext,
  createElement,
  isValidElement,
  useContext,
  useEffect,
  useId,
  useLayoutEffect,
  useState,
  useSyncExternalStore,
  type CSSProperties,
  type ReactElement,
  type ReactNode,
  type SyntheticEvent,
} from 'react';
import { PermissionStore, type GateOptions, type PermissionsLike } from './store.js';
import type { BulkOptions, Decision, QueryContext, Schema, Target } from './types.js';

export { PermissionStore, createPermissionStore, type GateOptions, type PermissionsLike } from './store.js';

const StoreContext = createContext<PermissionStore<Schema> | null>(null);
StoreContext.displayName = 'RolecallContext';

// A layout effect in the browser (the new permissions apply before paint), a plain effect where
// there is no DOM (server rendering warns about layout effects).
const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

/** Props of `<RolecallProvider>`: the permissions, or a store you replace them in yourself. */
export interface RolecallProviderProps<S extends Schema = Schema> {
  /** The current subject's permissions: `Permissions.fromSnapshot(policy, snapshot)`. */
  permissions?: PermissionsLike<S>;
  /**
   * Or a store (`createPermissionStore(permissions)`): `store.set(next)` then re-renders only the
   * components that read permissions, not the tree under the provider.
   */
  store?: PermissionStore<S>;
  children?: ReactNode;
}

/**
 * Makes the current subject's permissions available to `useCan`, `useScopesWhere` and `<Can>`.
 * Give it `permissions` (replace the prop when a new snapshot arrives) or a `store`.
 * @throws {Error} when given neither, or both.
 */
export function RolecallProvider<S extends Schema = Schema>(props: RolecallProviderProps<S>): ReactElement {
  const { permissions, store: given, children } = props;
  if ((permissions === undefined) === (given === undefined)) {
    throw new Error('rolecall/react: <RolecallProvider> needs exactly one of `permissions` or `store`');
  }
  // A store of our own for the `permissions` form, created once and updated when the prop changes.
  const [own] = useState(() => (permissions === undefined ? null : new PermissionStore<S>(permissions)));
  const store = given ?? own ?? new PermissionStore<S>(permissions as PermissionsLike<S>);
  useIsomorphicLayoutEffect(() => {
    if (given === undefined && own !== null && permissions !== undefined) own.set(permissions);
  }, [given, own, permissions]);
  return createElement(StoreContext.Provider, { value: store as unknown as PermissionStore<Schema> }, children);
}

/**
 * The store of the nearest `<RolecallProvider>` (without subscribing to it).
 * @throws {Error} when there is no provider above the component.
 */
export function usePermissionStore<S extends Schema = Schema>(): PermissionStore<S> {
  return useStore<S>('usePermissionStore');
}

function useStore<S extends Schema>(hook: string): PermissionStore<S> {
  const store = useContext(StoreContext);
  if (store === null) {
    throw new Error(
      `rolecall/react: ${hook}() was called outside <RolecallProvider>; wrap the app in ` +
        '<RolecallProvider permissions={Permissions.fromSnapshot(policy, snapshot)}>',
    );
  }
  return store as unknown as PermissionStore<S>;
}

/** Subscribes the calling component to replacements of the permissions. */
function useVersion<S extends Schema>(store: PermissionStore<S>): number {
  return useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
}

/** The current subject's permissions; the component re-renders when they are replaced. */
export function usePermissions<S extends Schema = Schema>(): PermissionsLike<S> {
  const store = useStore<S>('usePermissions');
  useVersion(store);
  return store.permissions;
}

/**
 * The decision for one control, `permissions.check(action, scope, options)` memoized:
 * `{ allowed, reason, message, ... }`, the same object until the permissions change. `message`
 * is the line to show ("Requires Authorize on Transfers").
 * @throws {RolecallError} input errors, such as a misspelt action (`unknown_action`) or a
 * maker-checker action without its `resource` (`missing_resource_attribute`).
 */
export function useCan<S extends Schema = Schema>(action: Target<S>, scope: string, options?: GateOptions<S>): Decision {
  const store = useStore<S>('useCan');
  useVersion(store);
  return store.check(action, scope, options);
}

/** Every reachable scope where the subject may do `action`, in tree order (a tenant switcher). */
export function useScopesWhere<S extends Schema = Schema>(action: S['action'], options?: BulkOptions<S>): string[] {
  const store = useStore<S>('useScopesWhere');
  useVersion(store);
  return store.scopesWhere(action, options);
}

/** Props of `<Can>`: `useCan`'s arguments by name. */
export interface CanProps<S extends Schema = Schema> {
  action: Target<S>;
  scope: string;
  context?: QueryContext<S>;
  /** Attributes of the resource acted on, for maker-checker (`{ created_by: 'paula' }`). */
  resource?: Record<string, string>;
  /**
   * What to do when denied: `disable` (the default) renders the child disabled, with the reason
   * as its tooltip and accessible description; `hide` renders `fallback` instead.
   */
  mode?: 'hide' | 'disable';
  /** Rendered instead of a hidden child (mode `hide`). */
  fallback?: ReactNode;
  /** One element to gate, or a function of the decision that renders anything. */
  children: ReactElement | ((decision: Decision) => ReactNode);
}

/** Visually hidden but read by screen readers (the description of a disabled control). */
const visuallyHidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0, 0, 0, 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

function swallow(e: SyntheticEvent): void {
  e.preventDefault();
  e.stopPropagation();
}

/**
 * Gates one control. Allowed: the child as it is. Denied, mode `disable`: the child with
 * `disabled`, `aria-disabled`, the reason as `title`, and `aria-describedby` pointing to a
 * visually hidden element holding the reason (clicks are swallowed, for elements such as links
 * that `disabled` does not stop). Denied, mode `hide`: `fallback` (nothing by default).
 * The child must pass these props on to a DOM element (every DOM element does).
 */
export function Can<S extends Schema = Schema>(props: CanProps<S>): ReactElement | null {
  const { action, scope, context, resource, mode = 'disable', fallback = null, children } = props;
  const decision = useCan<S>(action, scope, { context, resource });
  const id = useId();
  if (typeof children === 'function') return createElement(Fragment, null, children(decision));
  const child = Children.only(children);
  if (decision.allowed) return child;
  if (mode === 'hide') return createElement(Fragment, null, fallback);
  if (!isValidElement(child)) return null;
  const own = (child.props as { 'aria-describedby'?: string })['aria-describedby'];
  return createElement(
    Fragment,
    null,
    cloneElement(child as ReactElement<Record<string, unknown>>, {
      disabled: true,
      'aria-disabled': true,
      title: decision.message,
      'aria-describedby': own ? `${own} ${id}` : id,
      'data-rolecall-reason': decision.reason,
      onClick: swallow,
    }),
    createElement('span', { id, style: visuallyHidden, 'data-rolecall-description': '' }, decision.message),
  );
}
