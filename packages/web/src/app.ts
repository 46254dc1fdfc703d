// <ioasid-app>: the dashboard's shell. Until the views exist it shows the sign-in form.
import { css, html, LitElement } from 'lit';

/** The dashboard's root element. */
export class IoasidApp extends LitElement {
  static override styles = css`
    :host {
      display: block;
      padding: 1rem;
    }
  `;

  override render() {
    return html`<h1>ioasid</h1>`;
  }
}

customElements.define('ioasid-app', IoasidApp);
