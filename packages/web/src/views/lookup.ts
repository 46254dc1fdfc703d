// <ioasid-lookup .query>: what the searchbox found. Rules (also shown on the page):
// - "S:P" (or "S/P"): the ID that guest ID (spid) P stands for in set S;
// - a number N (decimal, or hex with 0x): every match at once: ID N, set N, an owner named "N", and for a
//   set secret the ID with spid N in its set (an admin writes S:P, since a spid is only unique in a set);
// - other text: the sets whose owner is or contains it (exact match first).

import { type IdRefs, type IdView, IoasidHttpError } from '@ioasid/client';
import { html, nothing, type TemplateResult } from 'lit';
import { errorText, num, setName } from '../format.js';
import type { SetRow } from '../store/model.js';
import './actions.js';
import { StoreView } from './store-view.js';
import { shared } from './styles.js';
import { usageBar } from './usage-bar.js';

/** One thing the query matched. */
type Match =
  | { kind: 'id'; how: string; view: IdView; refs: IdRefs | null; refsError: string | null }
  | { kind: 'set'; how: string; set: SetRow };

const MAX_OWNER_MATCHES = 50;

/** The lookup page. */
export class Lookup extends StoreView {
  static override properties = {
    ...StoreView.properties,
    query: { type: String },
    found: { state: true },
    misses: { state: true },
    busy: { state: true },
    failure: { state: true },
    notice: { state: true },
  };
  declare notice: string | null;
  declare query: string;
  declare found: Match[];
  declare misses: string[];
  declare busy: boolean;
  declare failure: string | null;
  static override styles = [shared];
  #run = 0;

  constructor() {
    super();
    this.query = '';
    this.found = [];
    this.misses = [];
    this.busy = false;
    this.failure = null;
    this.notice = null;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('query')) {
      this.notice = null;
      void this.#search(this.query.trim());
    }
  }

  async #id(id: number, how: string): Promise<Match | null> {
    try {
      const view = await this.session.client.describeId(id);
      let refs: IdRefs | null = null;
      let refsError: string | null = null;
      try {
        refs = await this.session.client.idRefs(id);
      } catch (error) {
        refsError = errorText(error);
      }
      return { kind: 'id', how, view, refs, refsError };
    } catch (error) {
      if (error instanceof IoasidHttpError && (error.code === 'ENOENT' || error.code === 'EACCES')) {
        this.misses = [...this.misses, `${how}: ${error.message}`];
        return null;
      }
      throw error;
    }
  }

  async #search(text: string): Promise<void> {
    const run = ++this.#run;
    this.found = [];
    this.misses = [];
    this.failure = null;
    if (text === '') return;
    this.busy = true;
    const found: Array<Match | null> = [];
    const sets = this.store.model.sets;
    try {
      const pair = /^(\d+)\s*[:/]\s*(\d+)$/.exec(text);
      const number = /^(0x[0-9a-f]+|\d[\d,]*)$/i.test(text) ? Number(text.replaceAll(',', '')) : null;
      if (pair !== null) {
        const sid = Number(pair[1]);
        const spid = Number(pair[2]);
        try {
          const id = await this.session.client.findBySpid(sid, spid);
          found.push(await this.#id(id, `spid ${num(spid)} of set ${sid}`));
        } catch (error) {
          if (!(error instanceof IoasidHttpError)) throw error;
          this.misses = [...this.misses, `spid ${num(spid)} of set ${sid}: ${error.message}`];
        }
      } else if (number !== null && Number.isSafeInteger(number)) {
        found.push(await this.#id(number, `ID ${num(number)}`));
        const set = sets.get(number);
        if (set !== undefined) found.push({ kind: 'set', how: `set ID ${number}`, set });
        else
          this.misses = [
            ...this.misses,
            `set ID ${number}: no such set${this.isAdmin ? '' : ' visible to you'}`,
          ];
        const role = this.session.role;
        if (role.kind === 'set') {
          try {
            const id = await this.session.client.findBySpid(role.sid, number);
            found.push(await this.#id(id, `spid ${num(number)} of your set ${role.sid}`));
          } catch (error) {
            if (!(error instanceof IoasidHttpError)) throw error;
            this.misses = [...this.misses, `spid ${num(number)} of your set: ${error.message}`];
          }
        }
      }
      if (pair === null) {
        const lower = text.toLowerCase();
        const owners = [...sets.values()]
          .filter((s) => s.owner?.toLowerCase().includes(lower))
          .sort((a, b) => Number(b.owner === text) - Number(a.owner === text) || a.sid - b.sid)
          .slice(0, MAX_OWNER_MATCHES);
        for (const set of owners)
          found.push({ kind: 'set', how: set.owner === text ? 'owner' : 'owner contains the text', set });
        if (owners.length === 0 && number === null)
          this.misses = [...this.misses, `owner: no set's owner contains "${text}"`];
      }
    } catch (error) {
      if (run === this.#run) this.failure = errorText(error);
    }
    if (run !== this.#run) return;
    this.found = found.filter((m): m is Match => m !== null);
    this.busy = false;
  }

  override render() {
    return html`<h2>Lookup${this.query ? html`: “${this.query}”` : nothing}</h2>
      <p class="hint">
        Type into the search box above: an ID (<code>4096</code> or <code>0x1000</code>), a set ID, an owner
        (<code>vm-7</code>), or a set and a guest ID as <code>set:spid</code> (<code>3:101</code>). A number can
        be an ID and a set ID at once: every match is listed${this.isAdmin ? '' : ', and with your set secret also the ID whose spid it is'}.
      </p>
      ${this.notice !== null ? html`<p class="note" role="status">${this.notice}</p>` : nothing}
      ${this.failure !== null ? html`<div class="alert" role="alert">The lookup failed: ${this.failure}</div>` : nothing}
      ${this.busy ? html`<p role="status">Looking up...</p>` : nothing}
      ${
        !this.busy && this.query !== ''
          ? html`<p role="status">${this.found.length === 0 ? 'Nothing matched.' : `${this.found.length} match${this.found.length === 1 ? '' : 'es'}.`}</p>`
          : nothing
      }
      ${this.found.map((m) => (m.kind === 'id' ? this.#idCard(m) : this.#setCard(m)))}
      ${
        this.misses.length > 0 && !this.busy
          ? html`<details><summary>Not found (${this.misses.length})</summary><ul>${this.misses.map((t) => html`<li>${t}</li>`)}</ul></details>`
          : nothing
      }`;
  }

  #idCard(m: Extract<Match, { kind: 'id' }>): TemplateResult {
    const v = m.view;
    const set = this.store.model.sets.get(v.sid);
    return html`<section class="panel" aria-label=${`ID ${v.id}`}>
      <h3>ID ${num(v.id)} <span class="hint">(matched as ${m.how})</span></h3>
      <dl class="facts">
        <dt>Set</dt><dd><a href=${`#/sets/${v.sid}`}>${set ? setName(set.owner, v.sid) : `set ${v.sid}`}</a></dd>
        <dt>State</dt><dd>${v.state}${v.state === 'free-pending' ? ': freed, waits for its last references' : ''}</dd>
        <dt>spid</dt><dd>${v.spid === null ? 'none' : num(v.spid)}</dd>
        <dt>Data</dt><dd>${v.data === null || v.data === undefined ? 'none' : html`<pre>${JSON.stringify(v.data, null, 2)}</pre>`}</dd>
        <dt>References</dt>
        <dd>
          ${
            m.refs !== null
              ? html`${num(m.refs.refs)}${
                  m.refs.leases.length > 0
                    ? html`, held by: <ul>${m.refs.leases.map((l) => html`<li><code>${l.lease}</code> (${l.sid === null ? 'admin' : `set ${l.sid}`}): ${num(l.refs)}</li>`)}</ul>`
                    : ' (no lease holds it)'
                }`
              : html`unknown (${m.refsError})`
          }
        </dd>
      </dl>
      ${
        v.state === 'active'
          ? html`<ioasid-free-id .store=${this.store} .session=${this.session} .ioasid=${v.id} @freed=${() => {
              this.notice = `ID ${num(v.id)} freed.`;
              void this.#search(this.query.trim());
            }}></ioasid-free-id>`
          : nothing
      }
    </section>`;
  }

  #setCard(m: Extract<Match, { kind: 'set' }>): TemplateResult {
    const s = m.set;
    return html`<section class="panel" aria-label=${`Set ${s.sid}`}>
      <h3><a href=${`#/sets/${s.sid}`}>${setName(s.owner, s.sid)}</a> <span class="hint">(matched as ${m.how})</span></h3>
      ${usageBar(s)}
      <p>${num(s.count)} of ${num(s.quota)} IDs${s.dying ? ', dying' : ''}.</p>
    </section>`;
  }
}

customElements.define('ioasid-lookup', Lookup);
