// Loads an ESM-only package (blockstore-fs) from this CommonJS build. TypeScript rewrites a literal
// `import()` into `require()`, which such packages refuse (ERR_PACKAGE_PATH_NOT_EXPORTED), so the call is
// hidden from the compiler behind a Function.

// eslint-disable-next-line @typescript-eslint/no-implied-eval
const dynamicImport = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

/** The module's namespace, typed by the caller with `typeof import("pkg")`. */
export function importEsm<T>(specifier: string): Promise<T> {
  return dynamicImport(specifier) as Promise<T>;
}
