/**
 * A function component that renders again only when one of its props changed (shallow `===`),
 * like React's `memo`. Preact's own memo lives in preact/compat, whose import patches Preact's
 * global options for React compatibility: not worth it for one list row.
 *
 * Why: the panel renders on every live update (several a second during a burst of traffic),
 * and its exchange list redrew each of its ~40 visible rows every time, though a row changes
 * only when its exchange does (a changed exchange is a new row object).
 */
import { Component, type ComponentChildren } from "preact";

export function pure<P extends object>(render: (props: P) => ComponentChildren, name = render.name): new (props: P) => Component<P> {
  class Pure extends Component<P> {
    static override displayName = name;
    override shouldComponentUpdate(next: P): boolean {
      const now = this.props as Record<string, unknown>;
      const then = next as Record<string, unknown>;
      for (const key in then) if (then[key] !== now[key]) return true;
      for (const key in now) if (!(key in then)) return true;
      return false;
    }
    override render(props: P): ComponentChildren {
      return render(props);
    }
  }
  return Pure;
}
