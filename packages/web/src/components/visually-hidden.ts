// The components' one rule for text meant for screen readers only: out of sight, still read aloud.
import { css } from 'lit';

/** `.sr-only`: the element is read by assistive technology but takes no room and is not drawn. */
export const visuallyHidden = css`
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
`;
