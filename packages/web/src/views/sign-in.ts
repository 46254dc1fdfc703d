// <ioasid-sign-in>: asks for the admin token or a set secret, checks it against the API and fires
// `signed-in` with the session. A refusal shows the API's message in an alert.

import { css, html, LitElement, nothing } from 'lit';
import { errorText } from '../format.js';
import { signIn } from '../session/session.js';
import { shared } from './styles.js';

/** The sign-in form. */
export class SignIn extends LitElement {
  static override properties = {
    notice: { attribute: false },
    error: { state: true },
    busy: { state: true },
  };
  declare notice: string | null;
  declare error: string | null;
  declare busy: boolean;

  static override styles = [
    shared,
    css`
      form {
        display: flex;
        flex-direction: column;
        gap: 0.75rem;
        max-width: 28rem;
      }
      input {
        width: 100%;
      }
    `,
  ];

  constructor() {
    super();
    this.notice = null;
    this.error = null;
    this.busy = false;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const input = this.renderRoot.querySelector('input') as HTMLInputElement;
    const token = input.value.trim();
    if (token === '') {
      this.error = 'Enter the admin token or a set secret.';
      return;
    }
    this.busy = true;
    this.error = null;
    try {
      const session = await signIn(token);
      this.dispatchEvent(new CustomEvent('signed-in', { detail: session, bubbles: true, composed: true }));
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<section class="panel" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      <p>
        This dashboard shows an ioasid namespace live: its capacity, its sets and the IDs they hold. Sign in
        with the <strong>admin token</strong> (in <code>admin.token</code> of the server's data directory) to
        see and manage everything, or with a <strong>set secret</strong> to see that one set.
      </p>
      <p class="hint">The credential is kept for this browser tab only, and forgotten when you sign out or close it.</p>
      ${this.notice ? html`<p class="note">${this.notice}</p>` : nothing}
      <form @submit=${this.#submit}>
        <label
          >Admin token or set secret
          <input type="password" name="token" autocomplete="off" spellcheck="false" required />
        </label>
        <div><button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Signing in...' : 'Sign in'}</button></div>
      </form>
      ${this.error ? html`<div class="alert" role="alert">Sign-in refused: ${this.error}</div>` : nothing}
    </section>`;
  }
}

customElements.define('ioasid-sign-in', SignIn);
