/** Spring (Web MVC / WebFlux + Spring Security): a CorsConfigurationSource bean. */
import { javaString } from "../escape";
import type { CorsPolicy, ServerSnippet } from "../types";
import { isWildcard, literalList, methodCaseCaveat } from "./shared";

export function renderSpring(policy: CorsPolicy): ServerSnippet {
  const list = (items: string[]): string => `List.of(${literalList(items, javaString)})`;
  const origins = isWildcard(policy) ? list(["*"]) : list(policy.allowOrigins);
  const lines = [
    "import java.util.List;",
    "import org.springframework.context.annotation.Bean;",
    "import org.springframework.context.annotation.Configuration;",
    "import org.springframework.web.cors.CorsConfiguration;",
    "import org.springframework.web.cors.CorsConfigurationSource;",
    "import org.springframework.web.cors.UrlBasedCorsConfigurationSource;",
    "",
    "@Configuration",
    "public class CorsConfig {",
    "    @Bean",
    "    public CorsConfigurationSource corsConfigurationSource() {",
    "        CorsConfiguration config = new CorsConfiguration();",
    `        config.setAllowedOrigins(${origins});`,
    `        config.setAllowedMethods(${list(policy.allowMethods)});`,
    `        config.setAllowedHeaders(${list(policy.allowHeaders)});`,
    `        config.setExposedHeaders(${list(policy.exposeHeaders)});`,
    `        config.setAllowCredentials(${policy.allowCredentials});`,
    `        config.setMaxAge(${policy.maxAge}L);`,
    "        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();",
    '        source.registerCorsConfiguration("/**", config);',
    "        return source;",
    "    }",
    "}",
    "",
    "// With Spring Security, let it answer preflights before authentication:",
    "// http.cors(Customizer.withDefaults());",
    "",
  ];
  return {
    server: "spring",
    label: "Spring (CorsConfiguration)",
    language: "java",
    code: lines.join("\n"),
    caveats: methodCaseCaveat(policy),
  };
}
