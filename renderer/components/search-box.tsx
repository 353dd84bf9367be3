import { Search } from 'lucide-react';
import { useId } from 'react';

/** A search field with its icon and a screen-reader label (the placeholder doubles as the visible cue). */
export function SearchBox({
  label,
  placeholder = label,
  value,
  onChange,
  small,
}: {
  label: string;
  placeholder?: string;
  value: string;
  onChange: (value: string) => void;
  small?: boolean;
}) {
  const inputId = useId();
  return (
    <div className={small ? 'search small' : 'search'}>
      <Search size={14} aria-hidden="true" />
      <label htmlFor={inputId} className="sr-only">
        {label}
      </label>
      <input
        id={inputId}
        type="search"
        placeholder={placeholder}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
