/** IP address spaces for Local Network Access (cors-failures.md 2.6), from a host name or IP literal. */

export type AddressSpace = "loopback" | "local" | "public";

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const BRACKETS = /^\[|\]$/g;

export function addressSpaceOf(host: string): AddressSpace {
  const h = host.toLowerCase().replace(BRACKETS, "");
  if (h === "localhost" || h.endsWith(".localhost") || h === "::1") return "loopback";
  const m = IPV4.exec(h);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (a === 127) return "loopback";
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || a === 0) return "local";
    return "public";
  }
  if (h.includes(":")) {
    if (h.startsWith("fc") || h.startsWith("fd") || h.startsWith("fe80")) return "local";
    return "public";
  }
  if (h.endsWith(".local")) return "local";
  return "public";
}

const RANK: Record<AddressSpace, number> = { public: 0, local: 1, loopback: 2 };

/** True when the target is in a more private space than the initiator (LNA applies). */
export function morePrivate(target: AddressSpace, initiator: AddressSpace): boolean {
  return RANK[target] > RANK[initiator];
}
