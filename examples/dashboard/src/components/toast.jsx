import { createContext, useCallback, useContext, useState } from 'react';

const ToastContext = createContext(() => {});
export const useToast = () => useContext(ToastContext);

/** Short confirmations and refusals, bottom right; each goes away after a few seconds. */
export function Toasts({ children }) {
  const [items, setItems] = useState([]);
  const push = useCallback((kind, text, code) => {
    const id = Math.random();
    setItems((xs) => [...xs.slice(-3), { id, kind, text, code }]);
    setTimeout(() => setItems((xs) => xs.filter((x) => x.id !== id)), 6000);
  }, []);
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {items.map((t) => (
          <div key={t.id} className={`toast ${t.kind}`} data-code={t.code ?? ''}>
            {t.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

/** Runs a request; says what happened, with the server's reason code when it refused. */
export function useRun() {
  const toast = useToast();
  return useCallback(
    async (label, fn) => {
      try {
        const result = await fn();
        toast('ok', label);
        return result;
      } catch (e) {
        toast('error', `${e.message}${e.code ? ` (${e.code})` : ''}`, e.code);
        return undefined;
      }
    },
    [toast],
  );
}
