// Base of the views that draw the store: subscribes while connected and re-renders at most once per
// frame (the store notifies once per animation frame); `changed(change)` may do more.

import { LitElement } from 'lit';
import type { Session } from '../session/session.js';
import type { Change, NamespaceStore } from '../store/namespace-store.js';

/** A view of the namespace store. */
export class StoreView extends LitElement {
  static override properties = {
    store: { attribute: false },
    session: { attribute: false },
  };
  declare store: NamespaceStore;
  declare session: Session;
  #unsubscribe: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unsubscribe = this.store?.subscribe((change) => this.changed(change)) ?? null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Called once per notified frame; the default re-renders. */
  protected changed(_change: Change): void {
    this.requestUpdate();
  }

  /** True when signed in with the admin token. */
  protected get isAdmin(): boolean {
    return this.session.role.kind === 'admin';
  }
}
