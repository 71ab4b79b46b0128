import { createContext, useContext } from 'react';

/** The tenant the user is looking at: `{ id, name, country, all }` (`all`: every reachable tenant). */
export const TenantContext = createContext(null);
export const useTenant = () => useContext(TenantContext);

/** The context of checks at a tenant: its country, when it has one (as the server does). */
export const tenantContext = (tenant) => (tenant?.country ? { country: tenant.country } : undefined);

/** The context of checks at scope `id`, from the tenants the user can reach. */
export const contextAt = (current, id) => tenantContext(id === current.id ? current : current.all.find((t) => t.id === id));
