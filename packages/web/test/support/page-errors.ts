// What counts as a console error in the e2e tests: everything except the browser's own line for a
// failed request ("Failed to load resource: ... 409"), which every refusal the page shows produces.

/** The console errors of `errors` that are not the browser's notes of refused requests. */
export function appErrors(errors: readonly string[]): string[] {
  return errors.filter((e) => !e.startsWith('Failed to load resource'));
}
