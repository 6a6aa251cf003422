/** What the rule walk found: a failure with everything the message and explanation need. */
import type { FailurePhase } from "./model";

export interface Finding {
  id: string;
  phase: FailurePhase;
  hop?: number;
  /** 0-based index of the hop where the exchange stopped because of this rule */
  index: number;
  header: string | null;
  received: string | null;
  required: string | null;
  missing?: string[];
  variant?: string;
  /** URL of the response (or request) that failed: Chromium's `{url}` */
  url: string;
  /** Chromium puts "Response to preflight request doesn't pass access control check: " before the reason */
  preflightPrefix: boolean;
  /** status of the failing response, when there was one */
  status?: number;
  /** the method or header name a message names; Firefox's first invalid token */
  detail?: string;
  /** redirect target concerned */
  location?: string;
  /** network error string (invalid-response, non-cors ids) */
  netError?: string;
  /** other ids the evidence fits equally (the diagnosis is then only "likely") */
  candidates?: string[];
  /** a sentence on how the browser being judged differs from the other one here */
  browserNote?: string;
}

export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
