// The admin actions as small forms: install capacity, create a set (its secret shown once, with copy
// and a warning), create the system set, adjust a quota, free a set (with or without destroying it,
// confirmed in a <dialog>), free an ID. Every refusal is shown in the API's words in an alert.

import type { NewSet } from '@ioasid/client';
import { css, html, LitElement, nothing } from 'lit';
import { errorText, num, setName } from '../format.js';
import type { Session } from '../session/session.js';
import type { NamespaceStore } from '../store/namespace-store.js';
import { shared } from './styles.js';

/** Base of the action forms: session, store, a busy flag, the last refusal and the last success. */
class Action extends LitElement {
  static override properties = {
    store: { attribute: false },
    session: { attribute: false },
    busy: { state: true },
    error: { state: true },
    done: { state: true },
  };
  declare store: NamespaceStore;
  declare session: Session;
  declare busy: boolean;
  declare error: string | null;
  declare done: string | null;
  static override styles = [shared];

  constructor() {
    super();
    this.busy = false;
    this.error = null;
    this.done = null;
  }

  /** Runs `work`; its refusal goes to the alert; on success the store reloads and `message` shows. */
  protected async run(work: () => Promise<string>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    this.done = null;
    try {
      this.done = await work();
      await this.store.reload();
      return true;
    } catch (error) {
      this.error = errorText(error);
      return false;
    } finally {
      this.busy = false;
    }
  }

  protected value(name: string): string {
    return (this.renderRoot.querySelector(`[name=${name}]`) as HTMLInputElement).value.trim();
  }

  protected outcome() {
    return html`${this.error !== null ? html`<div class="alert" role="alert">Refused: ${this.error}</div>` : nothing}
    ${this.done !== null ? html`<p role="status">${this.done}</p>` : nothing}`;
  }
}

const parseCount = (text: string) =>
  /^\d+$/.test(text.replaceAll(',', '')) ? Number(text.replaceAll(',', '')) : Number.NaN;

/** <ioasid-install-capacity>: PUT /v1/capacity (once, admin). */
export class InstallCapacity extends Action {
  #submit(e: SubmitEvent) {
    e.preventDefault();
    const n = parseCount(this.value('capacity'));
    void this.run(async () => {
      const answer = await this.session.client.installCapacity(n);
      return `Capacity installed: ${num(answer.capacity)} IDs.`;
    });
  }
  override render() {
    return html`<form class="inline" @submit=${this.#submit}>
        <label>Capacity (number of IDs)<input name="capacity" inputmode="numeric" value="1048576" required /></label>
        <button class="primary" ?disabled=${this.busy}>Install capacity</button>
      </form>
      <p class="hint">1,048,576 is the 20-bit PASID space of Intel VT-d. It can be installed only once.</p>
      ${this.outcome()}`;
  }
}
customElements.define('ioasid-install-capacity', InstallCapacity);

/** <ioasid-create-set>: POST /v1/sets; shows the new set's secret once. */
export class CreateSet extends Action {
  static override properties = { ...Action.properties, created: { state: true }, copied: { state: true } };
  declare created: NewSet | null;
  declare copied: string | null;
  static override styles = [
    shared,
    css`
      .secret {
        font-family: ui-monospace, monospace;
        overflow-wrap: anywhere;
        background: var(--bg);
        border: 1px solid var(--border);
        padding: 0.3rem 0.5rem;
        border-radius: 6px;
      }
    `,
  ];
  constructor() {
    super();
    this.created = null;
    this.copied = null;
  }
  #submit(e: SubmitEvent) {
    e.preventDefault();
    const owner = this.value('owner');
    const quota = parseCount(this.value('quota'));
    this.created = null;
    this.copied = null;
    void this.run(async () => {
      this.created = await this.session.client.createSet({ owner, quota });
      return `Set ${this.created.sid} created for ${owner}.`;
    });
  }
  async #copy() {
    if (this.created === null) return;
    try {
      await navigator.clipboard.writeText(this.created.secret);
      this.copied = 'Copied to the clipboard.';
    } catch {
      this.copied = 'The browser refused the clipboard: select the secret and copy it by hand.';
    }
  }
  override render() {
    return html`<form class="inline" @submit=${this.#submit}>
        <label>Owner (e.g. a VM name)<input name="owner" required maxlength="128" /></label>
        <label>Quota (IDs)<input name="quota" inputmode="numeric" required /></label>
        <button class="primary" ?disabled=${this.busy}>Create set</button>
      </form>
      ${this.outcome()}
      ${
        this.created !== null
          ? html`<div class="note">
            <p><strong>The secret of set ${this.created.sid}, shown this once:</strong></p>
            <p class="secret" id="secret">${this.created.secret}</p>
            <p>
              <button @click=${this.#copy}>Copy secret</button>
              <span role="status">${this.copied ?? ''}</span>
            </p>
            <p><strong>Warning:</strong> it cannot be shown again. Hand it to the set's owner now; whoever holds it can allocate and free the set's IDs.</p>
          </div>`
          : nothing
      }`;
  }
}
customElements.define('ioasid-create-set', CreateSet);

/** <ioasid-create-system-set>: POST /v1/sets/system (owner null, at most one). */
export class CreateSystemSet extends Action {
  #submit(e: SubmitEvent) {
    e.preventDefault();
    const quota = parseCount(this.value('quota'));
    void this.run(async () => {
      const set = await this.session.client.createSystemSet(quota);
      return `System set ${set.sid} created with quota ${num(set.quota)}.`;
    });
  }
  override render() {
    return html`<form class="inline" @submit=${this.#submit}>
        <label>Quota (IDs)<input name="quota" inputmode="numeric" required /></label>
        <button ?disabled=${this.busy}>Create system set</button>
      </form>
      ${this.outcome()}`;
  }
}
customElements.define('ioasid-create-system-set', CreateSystemSet);

/** <ioasid-adjust-quota .sid>: PATCH /v1/sets/{sid}. */
export class AdjustQuota extends Action {
  static override properties = { ...Action.properties, sid: { type: Number }, quota: { type: Number } };
  declare sid: number;
  declare quota: number;
  #submit(e: SubmitEvent) {
    e.preventDefault();
    const quota = parseCount(this.value('quota'));
    void this.run(async () => {
      const set = await this.session.client.adjustSet(this.sid, quota);
      return `Quota of set ${set.sid} is now ${num(set.quota)}.`;
    });
  }
  override render() {
    return html`<form class="inline" @submit=${this.#submit}>
        <label>New quota<input name="quota" inputmode="numeric" required .value=${String(this.quota ?? '')} /></label>
        <button ?disabled=${this.busy}>Adjust quota</button>
      </form>
      ${this.outcome()}`;
  }
}
customElements.define('ioasid-adjust-quota', AdjustQuota);

/** <ioasid-free-set .set>: DELETE /v1/sets/{sid}[?destroy=true], confirmed in a modal <dialog>. */
export class FreeSet extends Action {
  static override properties = { ...Action.properties, set: { attribute: false }, destroy: { state: true } };
  declare set: { sid: number; owner: string | null; count: number };
  declare destroy: boolean;
  static override styles = [
    shared,
    css`
      dialog {
        background: var(--bg);
        color: var(--fg);
        border: 1px solid var(--border);
        border-radius: 8px;
        max-width: min(32rem, calc(100vw - 2rem));
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.45);
      }
      fieldset {
        border: 0;
        padding: 0;
        margin: 0.5rem 0;
        display: grid;
        gap: 0.4rem;
      }
      .choice {
        flex-direction: row;
        gap: 0.4rem;
        align-items: flex-start;
      }
      .buttons {
        display: flex;
        gap: 0.5rem;
        justify-content: flex-end;
        flex-wrap: wrap;
      }
    `,
  ];
  #open() {
    this.error = null;
    this.done = null;
    this.destroy = false;
    for (const radio of this.renderRoot.querySelectorAll<HTMLInputElement>('input[name=what]')) {
      radio.checked = radio.value === 'keep';
    }
    (this.renderRoot.querySelector('dialog') as HTMLDialogElement).showModal();
  }
  #close() {
    (this.renderRoot.querySelector('dialog') as HTMLDialogElement).close();
  }
  async #confirm(e: SubmitEvent) {
    e.preventDefault();
    const destroy = (this.renderRoot.querySelector('input[value=destroy]') as HTMLInputElement).checked;
    const { sid } = this.set;
    const ok = await this.run(async () => {
      await this.session.client.freeSet(sid, { destroy });
      return destroy ? `Set ${sid} freed and destroyed.` : `Every ID of set ${sid} freed.`;
    });
    if (ok) {
      this.#close();
      if (destroy) location.hash = '#/sets';
    }
  }
  override render() {
    const name = setName(this.set.owner, this.set.sid);
    const admin = this.session.role.kind === 'admin';
    return html`<button class="danger" @click=${this.#open}>Free set...</button>
      ${this.done !== null ? html`<p role="status">${this.done}</p>` : nothing}
      <dialog aria-labelledby="free-title">
        <form
          @submit=${this.#confirm}
          @change=${(e: Event) => {
            this.destroy = (e.target as HTMLInputElement).value === 'destroy';
          }}
        >
          <h2 id="free-title">Free ${name}?</h2>
          <p>All ${num(this.set.count)} IDs of the set are freed (IDs still referenced by a lease stay free-pending until released). This cannot be undone.</p>
          <fieldset>
            <legend>What then</legend>
            <label class="choice"><input type="radio" name="what" value="keep" checked /> Keep the set (empty, same quota and secret)</label>
            ${admin ? html`<label class="choice"><input type="radio" name="what" value="destroy" /> Destroy the set too (its quota returns to the namespace, its secret stops working)</label>` : html`<input type="radio" name="what" value="destroy" hidden disabled />`}
          </fieldset>
          ${this.error !== null ? html`<div class="alert" role="alert">Refused: ${this.error}</div>` : nothing}
          <div class="buttons">
            <button type="button" @click=${this.#close}>Cancel</button>
            <button class="danger" type="submit" ?disabled=${this.busy}>
              ${this.destroy ? 'Free the IDs and destroy the set' : 'Free the IDs'}
            </button>
          </div>
        </form>
      </dialog>`;
  }
}
customElements.define('ioasid-free-set', FreeSet);

/** <ioasid-free-id .ioasid>: DELETE /v1/ioasids/{id}, after a second click to confirm; fires `freed`. */
export class FreeId extends Action {
  static override properties = { ...Action.properties, ioasid: { type: Number }, asking: { state: true } };
  declare ioasid: number;
  declare asking: boolean;
  constructor() {
    super();
    this.asking = false;
  }
  async #free() {
    this.asking = false;
    const ok = await this.run(async () => {
      await this.session.client.free(this.ioasid);
      return `ID ${num(this.ioasid)} freed.`;
    });
    if (ok)
      this.dispatchEvent(new CustomEvent('freed', { detail: this.ioasid, bubbles: true, composed: true }));
  }
  override render() {
    if (this.asking) {
      return html`<span role="group" aria-label=${`Confirm freeing ID ${this.ioasid}`}>
        <button class="danger" @click=${this.#free}>Free ID ${num(this.ioasid)}</button>
        <button @click=${() => {
          this.asking = false;
        }}>Cancel</button></span>`;
    }
    return html`<button class="danger" ?disabled=${this.busy} @click=${() => {
      this.asking = true;
      void this.updateComplete.then(() =>
        (this.renderRoot.querySelector('button') as HTMLButtonElement)?.focus(),
      );
    }} aria-label=${`Free ID ${this.ioasid}`}>Free...</button>${this.outcome()}`;
  }
}
customElements.define('ioasid-free-id', FreeId);
