/** Versions inlined at build time by vite.config.ts. */
declare const __REACT_VERSION__: string;
declare const __FLUENT_VERSION__: string;
declare const __QUERY_VERSION__: string;
