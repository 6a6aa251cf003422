/** A table of header lines as received or sent; the deciding header is highlighted. */
import type { Header } from "../../cors/model";
import { Value } from "../common/Value";

export interface HeaderTableProps {
  title: string;
  headers: Header[] | null;
  /** lower-case name of the header that decided the verdict */
  highlight?: string | null;
}

export function HeaderTable({ title, headers, highlight }: HeaderTableProps) {
  return (
    <section class="headers" aria-label={title}>
      <h4>{title}</h4>
      {headers === null ? (
        <p class="muted">not observed</p>
      ) : headers.length === 0 ? (
        <p class="muted">none</p>
      ) : (
        <table>
          <tbody>
            {headers.map((h, i) => {
              const deciding = highlight != null && h.name.toLowerCase() === highlight;
              return (
                <tr key={i} class={deciding ? "deciding" : undefined}>
                  <th scope="row">
                    <Value value={h.name} limit={80} />
                  </th>
                  <td>
                    <Value value={h.value} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {highlight && headers !== null && !headers.some((h) => h.name.toLowerCase() === highlight) ? (
        <p class="absent">
          <span class="deciding-name">{highlight}</span>
          {" absent"}
        </p>
      ) : null}
    </section>
  );
}
