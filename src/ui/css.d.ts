/** Stylesheets imported by the entry points; esbuild emits them as <entry>.css. */
declare module "*.css";
