// A set's usage: a progressbar (aria-valuenow = count, aria-valuemax = quota) with the percentage and a
// word in text, so the colour (amber >= 80%, red >= 90%) is never the only signal.

import { html, type TemplateResult } from 'lit';
import { num, pct, setName, usageLevel } from '../format.js';
import { width } from './width.js';

const WORD = { ok: '', high: ' high', full: ' nearly full' } as const;

/** The bar of a set `{ sid, owner, quota, count }`. */
export function usageBar(set: {
  readonly sid: number;
  readonly owner: string | null;
  readonly quota: number;
  readonly count: number;
}): TemplateResult {
  const level = usageLevel(set.count, set.quota);
  const share = set.quota > 0 ? Math.min(100, (set.count / set.quota) * 100) : 0;
  const percent = pct(set.count, set.quota);
  return html`<div class="bar" data-level=${level}>
    <div
      class="track"
      role="progressbar"
      aria-valuemin="0"
      aria-valuemax=${set.quota}
      aria-valuenow=${set.count}
      aria-valuetext=${`${num(set.count)} of ${num(set.quota)} IDs (${percent})`}
      aria-label=${`Usage of ${setName(set.owner, set.sid)}`}
    >
      <div class="fill" ${width(`${share}%`)}></div>
    </div>
    <span class="text">${percent}${WORD[level]}</span>
  </div>`;
}
