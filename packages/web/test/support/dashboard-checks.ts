// Checks the dashboard e2e tests share: the console errors that count, and polling the page for a value
// with room for a busy machine (what the page shows arrives over HTTP and the event stream).

import { expect } from 'vitest';

/** The console errors of `errors` that are not the browser's notes of refused requests. */
export function appErrors(errors: readonly string[]): string[] {
  return errors.filter((e) => !e.startsWith('Failed to load resource'));
}

/** `expect.poll` with a 15 s limit (the default 1 s is short for a loaded machine). */
export function eventually<T>(read: () => Promise<T> | T): ReturnType<typeof expect.poll<T>> {
  return expect.poll(read, { timeout: 15_000, interval: 100 });
}
