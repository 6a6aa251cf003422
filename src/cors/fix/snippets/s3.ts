/** AWS S3 bucket CORS configuration, as `aws s3api put-bucket-cors --cors-configuration` reads it. */
import type { CorsPolicy, ServerSnippet } from "../types";
import { isWildcard } from "./shared";

/** The only methods an S3 CORS rule accepts (upper case, exact). */
const S3_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"];

export function renderS3(policy: CorsPolicy): ServerSnippet {
  const methods = policy.allowMethods.filter((m) => S3_METHODS.includes(m));
  const unsupported = policy.allowMethods.filter((m) => !S3_METHODS.includes(m));
  const rule = {
    AllowedOrigins: isWildcard(policy) ? ["*"] : policy.allowOrigins,
    AllowedMethods: methods.length > 0 ? methods : ["GET"],
    AllowedHeaders: policy.allowHeaders,
    ExposeHeaders: policy.exposeHeaders,
    MaxAgeSeconds: policy.maxAge,
  };
  const caveats = [
    "Apply with: aws s3api put-bucket-cors --bucket YOUR_BUCKET --cors-configuration file://cors.json (the S3 console's CORS editor takes the CORSRules array alone).",
    "S3 answers preflights itself and sends Access-Control-Allow-Credentials: true whenever the origin matches a rule that is not *.",
  ];
  if (unsupported.length > 0) {
    caveats.push(
      `S3 CORS rules support only GET, PUT, POST, DELETE and HEAD (upper case); ${unsupported.join(", ")} cannot be allowed on S3. Use a supported method, or put CloudFront/API Gateway or an application in front of the bucket.`,
    );
  }
  // JSON.stringify escapes every value, so hostile strings stay inside their JSON strings.
  const code = `${JSON.stringify({ CORSRules: [rule] }, null, 2)}\n`;
  return { server: "s3", label: "AWS S3 bucket CORS (cors.json)", language: "json", code, caveats };
}
