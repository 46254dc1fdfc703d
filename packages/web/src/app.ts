// <ioasid-app>: the dashboard's shell. Signs in (or restores this tab's session), starts the namespace
// store, and shows one view per hash route:
//   #/ overview, #/sets, #/sets/<sid>, #/lookup/<text>, #/events, #/history, #/admin.
// The header always shows the live stream's state; the banner the store's degraded state.

import { css, html, LitElement, nothing } from 'lit';
import { errorText } from './format.js';
import { type Session, signIn, signOut, storedToken } from './session/session.js';
import { NamespaceStore } from './store/namespace-store.js';
import { shared } from './views/styles.js';
import './views/sign-in.js';
import './views/overview.js';
import './views/sets-table.js';
import './views/set-page.js';
import './views/lookup.js';
import './views/events-view.js';
import './views/history-view.js';
import './views/admin-view.js';
import './views/status-bar.js';

/** A parsed route. */
export type Route =
  | { readonly name: 'overview' }
  | { readonly name: 'sets' }
  | { readonly name: 'set'; readonly sid: number }
  | { readonly name: 'lookup'; readonly query: string }
  | { readonly name: 'events' }
  | { readonly name: 'history' }
  | { readonly name: 'admin' };

/** The route of a location hash (unknown hashes show the overview). */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  switch (parts[0]) {
    case 'sets':
      return parts[1] !== undefined && /^\d+$/.test(parts[1])
        ? { name: 'set', sid: Number(parts[1]) }
        : { name: 'sets' };
    case 'lookup':
      return { name: 'lookup', query: decodeURIComponent(parts.slice(1).join('/')) };
    case 'events':
    case 'history':
    case 'admin':
      return { name: parts[0] };
    default:
      return { name: 'overview' };
  }
}

const LINKS: ReadonlyArray<{ href: string; label: string; route: Route['name'][]; admin?: boolean }> = [
  { href: '#/', label: 'Overview', route: ['overview'] },
  { href: '#/sets', label: 'Sets', route: ['sets', 'set'] },
  { href: '#/events', label: 'Events', route: ['events'] },
  { href: '#/history', label: 'History', route: ['history'] },
  { href: '#/admin', label: 'Admin', route: ['admin'], admin: true },
];

/** The dashboard's root element. */
export class IoasidApp extends LitElement {
  static override properties = {
    session: { state: true },
    route: { state: true },
    restoring: { state: true },
    restoreError: { state: true },
  };
  declare session: Session | null;
  declare route: Route;
  declare restoring: boolean;
  declare restoreError: string | null;
  store: NamespaceStore | null = null;

  static override styles = [
    shared,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      header {
        border-bottom: 1px solid var(--border);
        background: var(--panel);
        padding: 0.5rem 1rem;
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
      }
      h1 {
        font-size: 1.2rem;
        margin: 0;
      }
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav a {
        display: inline-block;
        padding: 0.25rem 0.6rem;
        border-radius: 6px;
        text-decoration: none;
      }
      nav a[aria-current='page'] {
        background: var(--accent);
        color: var(--bg);
      }
      .who {
        margin-left: auto;
        display: flex;
        gap: 0.5rem;
        align-items: center;
        flex-wrap: wrap;
      }
      main {
        padding: 1rem;
        max-width: 80rem;
        margin: 0 auto;
      }
      @media (max-width: 40rem) {
        header nav {
          order: 3;
          width: 100%;
        }
        header nav a {
          padding: 0.25rem 0.45rem;
        }
        .who {
          font-size: 0.85rem;
        }
      }
      main > [tabindex='-1']:focus {
        outline: none;
      }
      .skip {
        position: absolute;
        left: -999px;
      }
      .skip:focus {
        left: 0.5rem;
        top: 0.5rem;
        background: var(--bg);
        padding: 0.25rem 0.5rem;
        z-index: 10;
      }
    `,
  ];

  constructor() {
    super();
    this.session = null;
    this.route = parseRoute(location.hash);
    this.restoring = storedToken() !== null;
    this.restoreError = null;
  }

  readonly #onHash = () => {
    this.route = parseRoute(location.hash);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('hashchange', this.#onHash);
    const token = storedToken();
    if (token !== null) {
      signIn(token)
        .then((session) => this.#start(session))
        .catch((error) => {
          signOut();
          this.restoreError = `The credential kept for this tab no longer works: ${errorText(error)}`;
        })
        .finally(() => {
          this.restoring = false;
        });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.#onHash);
    this.store?.stop();
  }

  #start(session: Session): void {
    this.store?.stop();
    this.store = new NamespaceStore(session);
    void this.store.start();
    this.session = session;
  }

  #signOut(): void {
    signOut();
    this.store?.stop();
    this.store = null;
    this.session = null;
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('route') && changed.get('route') !== undefined) {
      // a new page: move focus to its heading for keyboard and screen reader users
      const heading = this.renderRoot.querySelector('main')?.firstElementChild as HTMLElement | null;
      heading?.focus?.();
      scrollTo(0, 0);
    }
  }

  override render() {
    if (this.session === null || this.store === null) {
      return html`<header><h1>ioasid dashboard</h1></header>
        <main>
          ${
            this.restoring
              ? html`<p>Signing in again with this tab's credential...</p>`
              : html`<ioasid-sign-in
                  .notice=${this.restoreError}
                  @signed-in=${(e: CustomEvent<Session>) => this.#start(e.detail)}
                ></ioasid-sign-in>`
          }
        </main>`;
    }
    const admin = this.session.role.kind === 'admin';
    const role = this.session.role;
    return html`<a class="skip" href="#main" @click=${this.#skip}>Skip to content</a>
      <header>
        <h1>ioasid</h1>
        <nav aria-label="Pages">
          <ul>
            ${LINKS.filter((l) => admin || !l.admin).map(
              (l) =>
                html`<li>
                  <a href=${l.href} aria-current=${l.route.includes(this.route.name) ? 'page' : 'false'}>${l.label}</a>
                </li>`,
            )}
          </ul>
        </nav>
        <div class="who">
          <span>${role.kind === 'admin' ? 'Signed in as admin' : `Signed in with the secret of set ${role.sid}`}</span>
          <button @click=${this.#signOut}>Sign out</button>
        </div>
      </header>
      <ioasid-status-bar .store=${this.store} .session=${this.session}></ioasid-status-bar>
      <main id="main">${this.#view()}</main>`;
  }

  #skip(event: Event): void {
    event.preventDefault();
    (this.renderRoot.querySelector('main')?.firstElementChild as HTMLElement | null)?.focus();
  }

  #view() {
    const store = this.store;
    const session = this.session;
    if (store === null || session === null) return nothing;
    const r = this.route;
    switch (r.name) {
      case 'overview':
        return html`<ioasid-overview tabindex="-1" .store=${store} .session=${session}></ioasid-overview>`;
      case 'sets':
        return html`<ioasid-sets-table tabindex="-1" .store=${store} .session=${session}></ioasid-sets-table>`;
      case 'set':
        return html`<ioasid-set-page tabindex="-1" .store=${store} .session=${session} .sid=${r.sid}></ioasid-set-page>`;
      case 'lookup':
        return html`<ioasid-lookup tabindex="-1" .store=${store} .session=${session} .query=${r.query}></ioasid-lookup>`;
      case 'events':
        return html`<ioasid-events-view tabindex="-1" .store=${store} .session=${session}></ioasid-events-view>`;
      case 'history':
        return html`<ioasid-history-view tabindex="-1" .store=${store} .session=${session}></ioasid-history-view>`;
      case 'admin':
        return html`<ioasid-admin-view tabindex="-1" .store=${store} .session=${session}></ioasid-admin-view>`;
    }
  }
}

customElements.define('ioasid-app', IoasidApp);
