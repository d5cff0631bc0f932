/** Types of ui-build.mjs for the TypeScript callers (test kit). */
export function uiIsStale(root: string): boolean;
export function ensureUiBuilt(root: string, options?: { force?: boolean }): void;
