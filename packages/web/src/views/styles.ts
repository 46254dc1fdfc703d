// Styles every view shares (each view has its own shadow root): text, buttons, fields, tables, bars,
// alerts and a visible focus ring. Colours come from the variables of theme.css.

import { css } from 'lit';

/** The shared view styles. */
export const shared = css`
  :host {
    display: block;
    min-width: 0;
  }
  * {
    box-sizing: border-box;
  }
  h2 {
    font-size: 1.25rem;
    margin: 0 0 0.5rem;
  }
  h3 {
    font-size: 1.05rem;
    margin: 1.25rem 0 0.4rem;
  }
  p {
    margin: 0.3rem 0 0.6rem;
  }
  .panel > h3:first-child,
  .panel > h2:first-child {
    margin-top: 0;
  }
  .hint {
    color: var(--muted);
    font-size: 0.9rem;
  }
  a {
    color: var(--accent);
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  button,
  input,
  select {
    font: inherit;
    color: inherit;
  }
  button {
    background: var(--panel);
    border: 1px solid var(--border);
    border-radius: 6px;
    padding: 0.3rem 0.75rem;
    cursor: pointer;
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--bg);
  }
  button.danger {
    border-color: var(--bad);
    color: var(--bad);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  input,
  select {
    background: var(--bg);
    border: 1px solid var(--border);
    border-radius: 6px;
    padding: 0.3rem 0.5rem;
    max-width: 100%;
  }
  label {
    display: inline-flex;
    flex-direction: column;
    gap: 0.15rem;
    font-size: 0.9rem;
    max-width: 100%;
  }
  label > select,
  label > input {
    min-width: 0;
  }
  form.inline {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: flex-end;
    margin: 0.5rem 0;
  }
  .panel {
    background: var(--panel);
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 0.75rem 1rem;
    margin: 0 0 1rem;
    min-width: 0;
  }
  .alert {
    border: 1px solid var(--bad);
    border-left-width: 6px;
    border-radius: 6px;
    padding: 0.5rem 0.75rem;
    margin: 0.5rem 0;
    background: var(--bg);
  }
  .note {
    border: 1px solid var(--border);
    border-left: 6px solid var(--accent);
    border-radius: 6px;
    padding: 0.5rem 0.75rem;
    margin: 0.5rem 0;
  }
  .table-wrap {
    overflow-x: auto;
    max-width: 100%;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    text-align: left;
    padding: 0.3rem 0.5rem;
    border-bottom: 1px solid var(--border);
    vertical-align: middle;
  }
  td.num,
  th.num {
    text-align: right;
  }
  .bar {
    display: flex;
    align-items: center;
    gap: 0.4rem;
    min-width: 7rem;
  }
  .bar .track {
    flex: 1;
    height: 0.7rem;
    border: 1px solid var(--border);
    border-radius: 4px;
    background: var(--bg);
    overflow: hidden;
    min-width: 3rem;
  }
  .bar .fill {
    height: 100%;
    background: var(--ok);
  }
  .bar[data-level='high'] .fill {
    background: var(--warn);
  }
  .bar[data-level='full'] .fill {
    background: var(--bad);
  }
  .bar .text {
    white-space: nowrap;
    font-size: 0.85rem;
  }
  /* Room for the longest text ("100.0% nearly full"), so every track of a column is as long. */
  @media (min-width: 48rem) {
    .bar .text {
      min-width: 9.5em;
    }
  }
  .badge {
    display: inline-block;
    border: 1px solid currentColor;
    border-radius: 999px;
    padding: 0 0.45rem;
    font-size: 0.8rem;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  pre {
    white-space: pre-wrap;
    word-break: break-all;
    margin: 0;
  }
  dl.facts {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.2rem 1rem;
    margin: 0.5rem 0;
  }
  dl.facts dt {
    color: var(--muted);
  }
  dl.facts dd {
    margin: 0;
    min-width: 0;
    overflow-wrap: anywhere;
  }
`;
