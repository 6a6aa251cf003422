/**
 * Renders an untrusted string (header value, URL, explanation) as text: invisible characters
 * become visible escapes, values longer than the display limit are cut with a "show all"
 * toggle. Every piece is a text node; nothing is ever parsed as HTML.
 */
import { useState } from "preact/hooks";
import { cut, DISPLAY_LIMIT, visibleSegments } from "./text";

export interface ValueProps {
  value: string;
  limit?: number;
  class?: string;
  /** keep line feeds and tabs (generated code); header values never set this */
  multiline?: boolean;
}

export function Value({ value, limit = DISPLAY_LIMIT, class: className, multiline = false }: ValueProps) {
  const [expanded, setExpanded] = useState(false);
  const { head, rest } = expanded ? { head: value, rest: 0 } : cut(value, limit);
  const long = value.length > limit;
  return (
    <span class={`value${expanded ? " value-expanded" : ""}${className ? ` ${className}` : ""}`}>
      {visibleSegments(head, multiline).map((segment, i) =>
        segment.escaped ? (
          <span key={i} class="esc" title="invisible character made visible">
            {segment.text}
          </span>
        ) : (
          segment.text
        ),
      )}
      {long && (
        <button
          type="button"
          class="linkish show-all"
          aria-expanded={expanded}
          onClick={(e) => {
            e.stopPropagation();
            setExpanded(!expanded);
          }}
        >
          {expanded ? "show less" : `… show all (${rest.toLocaleString("en")} more characters)`}
        </button>
      )}
    </span>
  );
}
