import { css } from 'lit';

/** Breakout rooms: the moderators' section of the people tab, and the banner over the stage. */
export default css`
  details.breakout {
    margin-bottom: 10px;
    padding: 8px;
    border: 1px solid #2a3442;
    border-radius: 8px;
  }
  details.breakout > summary {
    min-height: 28px;
    line-height: 28px;
    font-weight: 600;
    cursor: pointer;
  }
  details.breakout[open] > summary {
    margin-bottom: 8px;
  }
  .breakout-summary-time {
    float: right;
    font-variant-numeric: tabular-nums;
    color: var(--cosmo-muted);
  }
  .breakout-running {
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  form.breakout-form {
    flex-direction: column;
    gap: 8px;
    padding: 0;
  }
  .breakout-fields {
    display: flex;
    gap: 8px;
  }
  .breakout-fields label,
  .assign label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    flex: 1;
    min-width: 0;
    color: var(--cosmo-muted);
  }
  .breakout-fields input {
    width: 100%;
    box-sizing: border-box;
  }
  form.breakout-form fieldset {
    min-width: 0;
    margin: 0;
    padding: 4px 8px 8px;
    border: 1px solid #2a3442;
    border-radius: 6px;
  }
  ul.assign,
  ul.breakout-rooms,
  ul.breakout-people {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .assign label {
    flex-direction: row;
    align-items: center;
    justify-content: space-between;
    color: var(--cosmo-fg);
  }
  .assign span {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .breakout-timer {
    display: flex;
    align-items: center;
    gap: 10px;
  }
  .breakout-timer time {
    flex: 1;
    font-size: 22px;
    font-variant-numeric: tabular-nums;
  }
  form.breakout-message {
    display: flex;
    gap: 6px;
    padding: 0;
  }
  form.breakout-message input {
    flex: 1;
    min-width: 0;
  }
  ul.breakout-rooms > li {
    padding: 8px;
    border: 1px solid #2a3442;
    border-radius: 8px;
  }
  ul.breakout-rooms > li[aria-current] {
    border-color: var(--cosmo-accent);
  }
  .breakout-room-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
  }
  ul.breakout-people {
    flex-direction: row;
    flex-wrap: wrap;
    gap: 4px 10px;
    margin-top: 4px;
    color: var(--cosmo-muted);
  }
  .breakout-rooms p {
    margin: 4px 0 0;
  }
  .breakout-actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 8px;
  }
  .breakout-banner {
    /* As wide as it says, not as the widest toast under it: it leaves the sidebar free. */
    align-self: center;
    max-width: 100%;
    box-sizing: border-box;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 12px;
    padding: 8px 14px;
    border-radius: 8px;
    background: var(--cosmo-accent-strong);
    color: white;
    box-shadow: 0 4px 16px rgba(0, 0, 0, 0.4);
  }
  .breakout-banner time {
    font-variant-numeric: tabular-nums;
    font-weight: 600;
  }
  .breakout-pick {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    flex-basis: 100%;
  }
  .breakout-pick button {
    background: transparent;
    border-color: currentColor;
    color: inherit;
  }
`;
