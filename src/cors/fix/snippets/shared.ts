/** Facts every renderer needs about a policy, computed once. */
import type { CorsPolicy } from "../types";

export function isWildcard(policy: CorsPolicy): boolean {
  return policy.allowOrigins.includes("*");
}

/** Methods that are not all upper case: most frameworks compare them byte for byte. */
export function lowerCaseMethods(policy: CorsPolicy): string[] {
  return policy.allowMethods.filter((m) => m !== m.toUpperCase());
}

export function methodCaseCaveat(policy: CorsPolicy): string[] {
  const odd = lowerCaseMethods(policy);
  if (odd.length === 0) return [];
  return [
    `The page sends ${odd.join(", ")} in lower case; browsers compare Access-Control-Allow-Methods byte for byte, so the method is listed exactly as sent. Sending upper-case methods from the page (e.g. method: "${odd[0]?.toUpperCase()}") is more robust.`,
  ];
}

/** `items` rendered as a comma-separated list of literals, e.g. `"a", "b"`. */
export function literalList(items: string[], literal: (value: string) => string): string {
  return items.map(literal).join(", ");
}
