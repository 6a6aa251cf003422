/** A checkbox with its text in one label (the `check` class of base.css), reporting the new
 * state: the toolbar's filters, Preserve log and "include secrets", and the options' switches. */
import type { ComponentChildren } from "preact";

export interface CheckProps {
  checked: boolean;
  disabled?: boolean;
  /** the label's tooltip */
  title?: string;
  onChange: (checked: boolean) => void;
  children: ComponentChildren;
}

export function Check({ checked, disabled, title, onChange, children }: CheckProps) {
  return (
    <label class="check" title={title}>
      <input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)} />
      {children}
    </label>
  );
}
