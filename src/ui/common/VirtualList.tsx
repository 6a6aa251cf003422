/**
 * A keyboard-navigable listbox that renders only the rows in view (fixed row height), so a
 * log of 10,000 exchanges costs the same to draw as one of 30. The active row is announced
 * with aria-activedescendant; arrows/Home/End/PageUp/PageDown move it, Enter opens it.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  /** accessible name of the list */
  label: string;
  /** unique prefix for row element ids */
  idPrefix: string;
  activeIndex: number;
  selectedIndex: number;
  onActive(index: number): void;
  onOpen(index: number): void;
  renderRow(index: number): ComponentChildren;
  /** rows drawn above and below the visible ones */
  overscan?: number;
  emptyText?: string;
  listRef?: { current: HTMLDivElement | null };
}

/** Used when the element has no layout yet (first paint, jsdom). */
const FALLBACK_HEIGHT = 480;

export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight, activeIndex, overscan = 8 } = props;
  const ref = useRef<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  // The list's height (for scrolling the active row into view and paging) and the height rows
  // are drawn for: the window's when the list is shorter, so that a list whose height changes
  // as content arrives (the narrow layout's grid rows follow their content) is not drawn again
  // when its resize is observed.
  const height = useRef(FALLBACK_HEIGHT);
  const windowHeight = () => (typeof innerHeight === "number" ? innerHeight : 0);
  const [span, setSpan] = useState(() => Math.max(FALLBACK_HEIGHT, windowHeight()));

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      height.current = el.clientHeight || FALLBACK_HEIGHT;
      setSpan(Math.max(height.current, windowHeight()));
    };
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // keep the active row in view when the keyboard moves it
  useEffect(() => {
    const el = ref.current;
    if (!el || activeIndex < 0) return;
    const top = activeIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + height.current) el.scrollTop = top + rowHeight - height.current;
  }, [activeIndex, rowHeight, span]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + span) / rowHeight) + overscan);

  const onKeyDown = (e: KeyboardEvent) => {
    if (count === 0) return;
    const page = Math.max(1, Math.floor(height.current / rowHeight) - 1);
    const move = (to: number) => {
      e.preventDefault();
      props.onActive(Math.max(0, Math.min(count - 1, to)));
    };
    const at = activeIndex < 0 ? -1 : activeIndex;
    switch (e.key) {
      case "ArrowDown":
        return move(at + 1);
      case "ArrowUp":
        return move(at < 0 ? 0 : at - 1);
      case "PageDown":
        return move(at + page);
      case "PageUp":
        return move(at - page);
      case "Home":
        return move(0);
      case "End":
        return move(count - 1);
      case "Enter":
      case " ":
        if (at >= 0) {
          e.preventDefault();
          props.onOpen(at);
        }
        return;
    }
  };

  const rows = [];
  for (let i = first; i < last; i++) {
    rows.push(
      // keyboard selection lives on the listbox (aria-activedescendant), so rows only take clicks
      // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles the keys for every row
      <div
        key={i}
        id={`${props.idPrefix}-${i}`}
        role="option"
        tabIndex={-1}
        aria-selected={i === props.selectedIndex}
        class={`vrow${i === activeIndex ? " active" : ""}${i === props.selectedIndex ? " selected" : ""}`}
        style={{ top: `${i * rowHeight}px`, height: `${rowHeight}px` }}
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => {
          props.onActive(i);
          props.onOpen(i);
          ref.current?.focus();
        }}
      >
        {props.renderRow(i)}
      </div>,
    );
  }

  return (
    <div
      ref={(el) => {
        ref.current = el;
        if (props.listRef) props.listRef.current = el;
      }}
      class="vlist"
      role="listbox"
      tabIndex={0}
      aria-label={props.label}
      aria-activedescendant={activeIndex >= 0 && activeIndex < count ? `${props.idPrefix}-${activeIndex}` : undefined}
      onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
      onKeyDown={onKeyDown}
    >
      {count === 0 && props.emptyText ? <div class="empty">{props.emptyText}</div> : null}
      <div class="vspacer" style={{ height: `${count * rowHeight}px` }}>
        {rows}
      </div>
    </div>
  );
}
