import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.js';

/** GETs `path` (again when it changes, or on `reload()`); `enabled: false` skips the request. */
export function useResource(path, enabled = true) {
  const [state, setState] = useState({ data: undefined, error: undefined });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!enabled) return undefined;
    let live = true;
    api('GET', path).then(
      (data) => live && setState({ data, error: undefined }),
      (error) => live && setState({ data: undefined, error }),
    );
    return () => {
      live = false;
    };
  }, [path, enabled, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
