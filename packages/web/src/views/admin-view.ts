// <ioasid-admin-view>: the admin's page: install capacity (when none), create a set or the system set,
// and the server instances with their lag behind the newest event.

import type { InstanceView } from '@ioasid/client';
import { html, nothing } from 'lit';
import { errorText, num } from '../format.js';
import './actions.js';
import { StoreView } from './store-view.js';
import { shared } from './styles.js';

const POLL_MS = 5_000;

/** The admin page. */
export class AdminView extends StoreView {
  static override properties = {
    ...StoreView.properties,
    instances: { state: true },
    instancesError: { state: true },
  };
  declare instances: InstanceView[] | null;
  declare instancesError: string | null;
  static override styles = [shared];
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.instances = null;
    this.instancesError = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.isAdmin) return;
    void this.#poll();
    this.#timer = setInterval(() => void this.#poll(), POLL_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  async #poll(): Promise<void> {
    try {
      this.instances = await this.session.client.instances();
      this.instancesError = null;
    } catch (error) {
      this.instancesError = errorText(error);
    }
  }

  override render() {
    if (!this.isAdmin) {
      return html`<h2>Admin</h2><p>This page needs the admin token; you are signed in with a set secret.</p>`;
    }
    const m = this.store.model;
    const hasSystem = [...m.sets.values()].some((s) => s.owner === null);
    const top = Math.max(0, ...(this.instances ?? []).map((i) => i.seq));
    return html`<h2>Admin</h2>
      <p class="hint">Manage the namespace. Every refusal is shown with the server's reason.</p>
      <section class="panel" aria-labelledby="cap">
        <h3 id="cap">Capacity</h3>
        ${
          m.capacity === 0
            ? html`<p>No capacity is installed: install one before creating sets.</p>
              <ioasid-install-capacity .store=${this.store} .session=${this.session}></ioasid-install-capacity>`
            : html`<p>${num(m.capacity)} IDs installed; ${num(m.available)} not reserved by any quota. The capacity is installed once and cannot change.</p>`
        }
      </section>
      <section class="panel" aria-labelledby="create">
        <h3 id="create">Create a set</h3>
        <p class="hint">A set is what one VM (its owner) allocates from, up to its quota. Its secret lets the VM's VMM work with the set alone.</p>
        <ioasid-create-set .store=${this.store} .session=${this.session}></ioasid-create-set>
      </section>
      <section class="panel" aria-labelledby="system">
        <h3 id="system">System set</h3>
        <p class="hint">The host's own set (no owner), at most one.${hasSystem ? ' It exists already.' : ''}</p>
        <ioasid-create-system-set .store=${this.store} .session=${this.session}></ioasid-create-system-set>
      </section>
      <section class="panel" aria-labelledby="instances">
        <h3 id="instances">Server instances</h3>
        <p class="hint">Servers of this namespace, refreshed every 5 s. Lag is how many events an instance is behind the newest one any instance has seen.</p>
        ${this.instancesError !== null ? html`<div class="alert" role="alert">The instances could not be loaded: ${this.instancesError}</div>` : nothing}
        ${
          this.instances === null
            ? this.instancesError === null
              ? html`<p class="hint">Loading...</p>`
              : nothing
            : html`<div class="table-wrap"><table aria-label="Server instances">
                <thead><tr><th scope="col">Instance</th><th scope="col">Started</th><th scope="col">Last seen</th><th scope="col" class="num">Seq</th><th scope="col" class="num">Lag</th></tr></thead>
                <tbody>${this.instances.map(
                  (
                    i,
                  ) => html`<tr><td>${i.name}</td><td>${new Date(i.startedAt).toLocaleString()}</td><td>${new Date(i.lastSeenAt).toLocaleTimeString()}</td>
                    <td class="num">${num(i.seq)}</td><td class="num">${top - i.seq === 0 ? 'none' : `${num(top - i.seq)} events`}</td></tr>`,
                )}</tbody></table></div>`
        }
      </section>`;
  }
}

customElements.define('ioasid-admin-view', AdminView);
