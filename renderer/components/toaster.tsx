import { CircleCheck, CircleAlert, Info, X } from 'lucide-react';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';

/**
 * Short confirmations after something was done ("Added Echo", "Saved GITHUB_TOKEN; Echo restarts with it"),
 * in one polite live region so screen readers hear them too. They fade after a few seconds and can be
 * dismissed; nothing important lives only in a toast (the page itself shows the new state).
 */
export type ToastTone = 'ok' | 'info' | 'err';
export type Notify = (message: string, tone?: ToastTone) => void;

interface Toast {
  id: number;
  message: string;
  tone: ToastTone;
}

const ToastContext = createContext<Notify>(() => {});

/** The function that shows a toast; a no-op outside a ToastProvider. */
export function useToast(): Notify {
  return useContext(ToastContext);
}

const TOAST_MS = 6000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);
  const notify = useCallback<Notify>(
    (message, tone = 'ok') => {
      const id = next.current++;
      setToasts((list) => [...list.slice(-3), { id, message, tone }]);
      timers.current.set(
        id,
        setTimeout(() => dismiss(id), TOAST_MS),
      );
    },
    [dismiss],
  );
  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
    };
  }, []);
  const value = useMemo(() => notify, [notify]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite" aria-label="Notifications">
        {toasts.map((toast) => {
          const Icon = toast.tone === 'err' ? CircleAlert : toast.tone === 'info' ? Info : CircleCheck;
          return (
            <div key={toast.id} className="toast" data-tone={toast.tone}>
              <Icon size={16} aria-hidden="true" />
              <span className="toast-text">{toast.message}</span>
              <button
                type="button"
                className="icon-button"
                aria-label="Dismiss"
                onClick={() => dismiss(toast.id)}
              >
                <X size={14} aria-hidden="true" />
              </button>
            </div>
          );
        })}
      </div>
    </ToastContext.Provider>
  );
}
