/** The submit button of both argument forms (generated and raw JSON): Ctrl+Enter runs too (submitOnCtrlEnter). */
export function RunButton({ busy, label }: { busy: boolean; label: string }) {
  return (
    <button
      type="submit"
      className="button primary"
      disabled={busy}
      aria-keyshortcuts="Control+Enter"
      title="Run (Ctrl+Enter)"
    >
      {busy ? 'Running…' : label}
    </button>
  );
}
