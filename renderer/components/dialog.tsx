import * as RadixDialog from '@radix-ui/react-dialog';
import { X } from 'lucide-react';
import { useRef, type ReactNode } from 'react';

/** What a dialog focuses first: the first field of its body, else its first button, else Close. */
const FIRST_FIELD =
  'input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled])';
const FIRST_CONTROL = `${FIRST_FIELD}, button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])`;

/**
 * A modal dialog (Radix: focus trap, Escape closes, labelled by its title). Opened from our own state (not a
 * Radix Trigger), so focus is managed here: it starts on the first field of the body (not on Close), and
 * goes back to the control that opened the dialog when it closes — or, when that control is gone or was
 * disabled, to `returnFocus` / the page's main region, never to <body>.
 */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  wide,
  returnFocus,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  wide?: boolean;
  /** Where focus goes on close when the opener cannot take it. */
  returnFocus?: () => HTMLElement | null | undefined;
}) {
  const opener = useRef<HTMLElement | null>(null);
  const body = useRef<HTMLDivElement>(null);
  if (open && opener.current === null && typeof document !== 'undefined') {
    const active = document.activeElement;
    opener.current = active instanceof HTMLElement && active !== document.body ? active : null;
  }
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-overlay" />
        <RadixDialog.Content
          className={`dialog${wide ? ' dialog-wide' : ''}`}
          onOpenAutoFocus={(event) => {
            const first =
              body.current?.querySelector<HTMLElement>(FIRST_FIELD) ??
              body.current?.querySelector<HTMLElement>(FIRST_CONTROL);
            if (first) {
              event.preventDefault();
              first.focus();
            }
          }}
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            const target = [opener.current, returnFocus?.(), document.getElementById('main')].find(
              (el): el is HTMLElement => focusable(el),
            );
            opener.current = null;
            target?.focus();
          }}
        >
          <div className="dialog-header">
            <RadixDialog.Title className="dialog-title">{title}</RadixDialog.Title>
            <RadixDialog.Close className="icon-button" aria-label="Close">
              <X size={16} aria-hidden="true" />
            </RadixDialog.Close>
          </div>
          {description ? (
            <RadixDialog.Description className="dialog-description">{description}</RadixDialog.Description>
          ) : (
            <RadixDialog.Description className="sr-only">{title}</RadixDialog.Description>
          )}
          <div className="dialog-body" ref={body}>
            {children}
          </div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

function focusable(el: HTMLElement | null | undefined): boolean {
  if (!el || !el.isConnected) return false;
  if ((el as HTMLButtonElement).disabled) return false;
  return el.tabIndex >= 0 || el.id === 'main';
}

/** Asks before something that cannot be undone. */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  body,
  confirmLabel,
  onConfirm,
  busy,
  returnFocus,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  busy?: boolean;
  returnFocus?: () => HTMLElement | null | undefined;
}) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={title}
      description={body}
      returnFocus={returnFocus}
    >
      <div className="button-row end">
        <RadixDialog.Close className="button">Cancel</RadixDialog.Close>
        <button type="button" className="button danger" onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
