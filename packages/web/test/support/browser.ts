// A real Chromium for the dashboard's browser tests, driven by playwright-core (which downloads no
// browser): /usr/bin/chromium or $IOASID_CHROMIUM (`npm test` installs it, scripts/ensure-chromium.sh),
// headless, a fresh profile per launch. Every page records what must not happen on a healthy dashboard:
// console errors, uncaught page errors and Content-Security-Policy violations (the
// `securitypolicyviolation` event, and Chromium's console lines about the policy).

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** The Chromium binary the tests drive. */
export const CHROMIUM = process.env.IOASID_CHROMIUM || '/usr/bin/chromium';

/** Chromium's flags: headless, no sandbox (tests may run as root), nothing that phones home. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Where screenshots go: $IOASID_SHOTS, or /tmp/shots. */
export const SHOTS_DIR = process.env.IOASID_SHOTS || '/tmp/shots';

/** Something that went wrong in a page. */
export interface PageProblem {
  /** `console`: a console error; `pageerror`: an uncaught exception; `csp`: a policy violation. */
  readonly kind: 'console' | 'pageerror' | 'csp';
  readonly text: string;
}

/** A page whose problems are recorded from its creation on. */
export interface WatchedPage {
  readonly page: Page;
  /** Every problem so far, in order. */
  readonly problems: PageProblem[];
  /** The CSP violations so far (a subset of `problems`). */
  cspViolations(): PageProblem[];
  /**
   * Lets pending violation reports arrive, then throws an Error listing every problem not matched by
   * one of `allowed` (e.g. the console line of a 401 a test provoked on purpose).
   */
  expectNoProblems(allowed?: readonly RegExp[]): Promise<void>;
}

/** One Chromium with one fresh profile. */
export interface TestBrowser {
  readonly context: BrowserContext;
  /** Opens a watched page (viewport 1280x800 unless given). */
  newPage(viewport?: { width: number; height: number }): Promise<WatchedPage>;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Runs in every page before its own scripts: reports policy violations to the test. */
const REPORT_VIOLATIONS = `
document.addEventListener('securitypolicyviolation', (event) => {
  globalThis.__ioasidCspViolation(
    event.effectiveDirective + ' blocked ' + (event.blockedURI || '(inline)') + ' at ' +
      (event.sourceFile || '?') + ':' + event.lineNumber + (event.sample ? ' "' + event.sample + '"' : ''),
  );
}, true);
`;

const CSP_CONSOLE = /content security policy|refused to (load|execute|apply|connect|frame)/i;

/**
 * Launches Chromium with a fresh temporary profile (launchPersistentContext).
 * @throws Error when the binary is missing, saying how to install it
 */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM}: run \`bash scripts/ensure-chromium.sh\` (as root it installs it) or set IOASID_CHROMIUM`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'ioasid-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1280, height: 800 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const watched = new Map<Page, PageProblem[]>();
  await context.exposeBinding('__ioasidCspViolation', ({ page }, text: string) => {
    watched.get(page)?.push({ kind: 'csp', text });
  });
  await context.addInitScript({ content: REPORT_VIOLATIONS });
  // A persistent context opens with one blank page; the tests open their own.
  for (const page of context.pages()) await page.close();
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport !== undefined) await page.setViewportSize(viewport);
      const problems: PageProblem[] = [];
      watched.set(page, problems);
      page.on('console', (message) => {
        const text = message.text();
        if (CSP_CONSOLE.test(text)) problems.push({ kind: 'csp', text });
        else if (message.type() === 'error') {
          const where = message.location();
          problems.push({ kind: 'console', text: where.url ? `${text} (${where.url})` : text });
        }
      });
      page.on('pageerror', (error) =>
        problems.push({ kind: 'pageerror', text: error.stack ?? error.message }),
      );
      return {
        page,
        problems,
        cspViolations: () => problems.filter((p) => p.kind === 'csp'),
        async expectNoProblems(allowed = []) {
          // Violation reports are dispatched as tasks: one round trip lets those already queued arrive.
          if (!page.isClosed()) await page.evaluate('new Promise((resolve) => setTimeout(resolve, 0))');
          const left = problems.filter((p) => !allowed.some((re) => re.test(p.text)));
          if (left.length > 0) {
            throw new Error(
              `the page had ${left.length} problem(s):\n${left.map((p) => `  [${p.kind}] ${p.text}`).join('\n')}`,
            );
          }
        },
      };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Saves a full-page PNG of `page` as `<SHOTS_DIR>/<name>.png` (the folder is created) and returns its
 * path.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const path = join(SHOTS_DIR, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
