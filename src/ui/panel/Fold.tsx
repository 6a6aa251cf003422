/**
 * A group of toolbar controls that folds into a drop-down menu when the panel is narrow
 * (DevTools docked at the side is often 400-560 px wide), and the media-query hook that
 * decides when.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";

/** Whether a media query matches, following changes (false where matchMedia is missing, e.g. jsdom). */
export function useMedia(query: string): boolean {
  // one MediaQueryList per query, not one per render: making one evaluates the query, which
  // makes the browser bring its style up to date first (in the middle of a render)
  const list = useMemo(() => (typeof matchMedia === "function" ? matchMedia(query) : null), [query]);
  const [matches, setMatches] = useState(list?.matches ?? false);
  useEffect(() => {
    if (!list) return;
    const onChange = () => setMatches(list.matches);
    onChange();
    list.addEventListener("change", onChange);
    return () => list.removeEventListener("change", onChange);
  }, [list]);
  return matches;
}

interface FoldProps {
  id: string;
  label: string;
  folded: boolean;
  /** closes the menu after a click on a button inside it (an action, not a setting) */
  closeOnAction?: boolean;
  children: ComponentChildren;
}

/**
 * A group of controls shown inline, or, when `folded`, behind a disclosure button as a
 * drop-down. The children stay mounted either way (their state survives a resize); Escape,
 * a click elsewhere or focus moving out closes the drop-down.
 */
export function Fold({ id, label, folded, closeOnAction = false, children }: FoldProps) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const shown = folded && open;
  // attached as the menu opens (a layout effect, not an effect: Preact runs effects after the
  // next frame, which a background page may not get soon, and an Escape pressed meanwhile was lost)
  useLayoutEffect(() => {
    const el = root.current;
    if (!shown || !el) return;
    const outside = (target: EventTarget | null) => target instanceof Node && !el.contains(target);
    const onPointer = (e: Event) => {
      if (outside(e.target)) setOpen(false);
    };
    // keyboard users leaving the menu close it (a file chooser taking focus has no relatedTarget)
    const onFocusOut = (e: FocusEvent) => {
      if (outside(e.relatedTarget)) setOpen(false);
    };
    const onClick = (e: Event) => {
      if (closeOnAction && e.target instanceof Element && e.target.closest(".fold-body button")) setOpen(false);
    };
    // handled on the group, before the panel's Escape on <html> (which would also close the
    // detail) and before DevTools sees it (which would toggle its console drawer)
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      el.querySelector<HTMLButtonElement>(".fold-toggle")?.focus();
    };
    document.addEventListener("pointerdown", onPointer);
    el.addEventListener("focusout", onFocusOut);
    el.addEventListener("click", onClick);
    el.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      el.removeEventListener("focusout", onFocusOut);
      el.removeEventListener("click", onClick);
      el.removeEventListener("keydown", onKey);
    };
  }, [shown, closeOnAction]);

  return (
    <span ref={root} class={`fold${folded ? " folded" : ""}${shown ? " open" : ""}`}>
      {folded ? (
        <button type="button" class="fold-toggle" aria-expanded={shown} aria-controls={id} onClick={() => setOpen(!open)}>
          {label}
          <span aria-hidden="true"> ▾</span>
        </button>
      ) : null}
      <span id={id} class="fold-body">
        {children}
      </span>
    </span>
  );
}
