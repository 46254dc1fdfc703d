// What the browser benchmark runs inside the page (as text: the page is not this process). It finds the
// dashboard's parts by their ARIA roles through open shadow roots (the app is lit elements), as the
// tests do: the sets `table` and its rows, the capacity map (a canvas with role `img` and an aria-label
// stating the occupancy), the event `log`, each set's usage `progressbar` (aria-valuenow = count).
// Installed with addInitScript as `globalThis.__bench`. Finding elements walks every shadow root; the
// first-paint and map probes do it once per animation frame from the sign-in on, which the figures
// include (a few ms).

/** The in-page helpers (plain JavaScript). */
export const PAGE_PROBES = String.raw`
(() => {
  const IMPLICIT = { TABLE: 'table', TR: 'row', TD: 'cell', TH: 'columnheader', PROGRESS: 'progressbar' };
  const B = { armedAt: null, armed: false };
  B.elements = () => {
    const out = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        out.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return out;
  };
  B.role = (el) => el.getAttribute('role') || IMPLICIT[el.tagName] || null;
  B.deepText = (el) => {
    let text = el.textContent || '';
    const walk = (root) => {
      for (const e of root.querySelectorAll('*')) {
        if (e.shadowRoot) {
          text += ' ' + e.shadowRoot.textContent;
          walk(e.shadowRoot);
        }
      }
    };
    if (el.shadowRoot) {
      text += ' ' + el.shadowRoot.textContent;
      walk(el.shadowRoot);
    }
    walk(el);
    return text;
  };
  const dataRows = (table) =>
    [...table.querySelectorAll('tr, [role=row]')].filter((r) => r.querySelector('td, [role=cell], [role=gridcell]'));

  // The moment the user submits the sign-in form: Enter (or a click) after arm().
  // With withMap, the capacity map is watched from then on too (the overview).
  B.arm = (withMap) => {
    B.armed = true;
    B.armedAt = null;
    B.map = null;
    if (withMap) watchMap();
  };
  const submitted = () => {
    if (B.armed && B.armedAt === null) B.armedAt = performance.now();
  };
  addEventListener('keydown', (e) => { if (e.key === 'Enter') submitted(); }, true);
  addEventListener('click', submitted, true);

  // Resolves at the first animation frame where what the route shows has its data: the sets table
  // rows naming sets (what.owners), and/or the overview's capacity figure (what.capacityTexts); at most
  // timeoutMs after the call.
  B.firstPaint = (what, timeoutMs) =>
    new Promise((resolve) => {
      const start = performance.now();
      const tick = () => {
        const now = performance.now();
        const els = B.elements();
        const table = what.owners
          ? els.find((el) => B.role(el) === 'table' && dataRows(el).length > 0 &&
              what.owners.some((o) => el.textContent.includes(o)))
          : null;
        const tableOk = !what.owners || Boolean(table);
        const numbersOk = !what.capacityTexts ||
          (tableOk && what.capacityTexts.some((c) => B.deepText(document.documentElement).includes(c)));
        if (tableOk && numbersOk) {
          resolve({ ok: true, submittedAt: B.armedAt, doneAt: now, rows: table ? dataRows(table).length : null });
          return;
        }
        if (now - start > timeoutMs) {
          resolve({ ok: false, submittedAt: B.armedAt, doneAt: now, table: Boolean(table),
            roles: [...new Set(els.map(B.role).filter(Boolean))] });
          return;
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });

  B.mapCanvas = () => B.elements().find((el) => el.tagName === 'CANVAS' && el.getAttribute('role') === 'img');

  // The first frame where the map's aria-label reports allocated IDs, with the end of the latest
  // GET /v1/map response before it and the app's own performance entries about the map. Watched from
  // arm(true) on, every frame: the map may be drawn before the page shows its other data, i.e. before
  // mapDrawn is called (waiting for that call would time the benchmark, not the page).
  B.map = null;
  const mapSeen = (now) => {
    const canvas = B.mapCanvas();
    const label = canvas ? canvas.getAttribute('aria-label') || '' : '';
    if (!/[1-9][0-9,. ]* allocated/.test(label)) return null;
    const maps = performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/map') && e.responseEnd <= now);
    const last = maps[maps.length - 1];
    const entries = [...performance.getEntriesByType('measure'), ...performance.getEntriesByType('mark')]
      .filter((e) => /map/i.test(e.name))
      .map((e) => ({ name: e.name, type: e.entryType, startTime: e.startTime, duration: e.duration }));
    return { ok: true, at: now, label, responseEnd: last ? last.responseEnd : null, requests: maps.length, entries };
  };
  const watchMap = () => {
    const start = performance.now();
    const tick = () => {
      const now = performance.now();
      B.map = mapSeen(now);
      if (B.map === null && now - start < 30000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  // Resolves with what the watch saw (waiting at most timeoutMs more for it).
  B.mapDrawn = (timeoutMs) =>
    new Promise((resolve) => {
      const start = performance.now();
      const tick = () => {
        if (B.map !== null) {
          resolve(B.map);
          return;
        }
        if (performance.now() - start > timeoutMs) {
          const canvas = B.mapCanvas();
          resolve({ ok: false, canvas: Boolean(canvas), label: canvas ? canvas.getAttribute('aria-label') || '' : '' });
          return;
        }
        requestAnimationFrame(tick);
      };
      tick();
    });

  // Under load: every frame, which bench markers the event log shows (first seen, Date.now()) and the
  // probe set's progressbar value (each change, Date.now()).
  B.watch = (probeOwner) => {
    const seen = {};
    const values = [];
    let log = null;
    let bar = null;
    let lastSearch = 0;
    let running = true;
    const tick = () => {
      if (!running) return;
      const now = Date.now();
      if ((!log || !log.isConnected || !bar || !bar.isConnected) && now - lastSearch > 500) {
        lastSearch = now;
        const els = B.elements();
        if (!log || !log.isConnected) log = els.find((el) => B.role(el) === 'log') || null;
        if (!bar || !bar.isConnected)
          bar = els.find((el) => B.role(el) === 'progressbar' && (el.getAttribute('aria-label') || '').includes(probeOwner)) || null;
      }
      if (log) {
        for (const m of B.deepText(log).matchAll(/bench-mark-(\d+)/g)) if (!(m[1] in seen)) seen[m[1]] = now;
      }
      if (bar) {
        const value = Number(bar.getAttribute('aria-valuenow'));
        if (values.length === 0 || values[values.length - 1].value !== value) values.push({ at: now, value });
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    B.stopWatch = () => {
      running = false;
      return { seen, values, log: Boolean(log), bar: Boolean(bar) };
    };
  };
  globalThis.__bench = B;
})();
`;
