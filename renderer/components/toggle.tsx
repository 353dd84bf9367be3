import * as Switch from '@radix-ui/react-switch';

/** An on/off switch (Radix: role="switch", Space/Enter toggle) with an accessible name. */
export function Toggle({
  checked,
  onCheckedChange,
  label,
  disabled,
  id,
}: {
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
  label?: string;
  disabled?: boolean;
  id?: string;
}) {
  return (
    <Switch.Root
      className="switch"
      checked={checked}
      onCheckedChange={onCheckedChange}
      aria-label={label}
      disabled={disabled}
      id={id}
    >
      <Switch.Thumb className="switch-thumb" />
    </Switch.Root>
  );
}
