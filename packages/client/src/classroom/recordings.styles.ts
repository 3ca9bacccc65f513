import { css } from 'lit';

/** The recording indicator in the header and the Recordings tab. */
export default css`
  .badge.recording {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    background: var(--cosmo-danger-strong);
    color: white;
  }
  .badge.recording .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: #ff5a5f;
    box-shadow: 0 0 0 2px rgba(255, 255, 255, 0.35);
  }
  @media (prefers-reduced-motion: no-preference) {
    .badge.recording .dot {
      animation: cosmo-blink 1.6s ease-in-out infinite;
    }
  }
  @keyframes cosmo-blink {
    50% {
      opacity: 0.35;
    }
  }
  [role='tab']:has(.tab-icon) {
    position: relative;
    flex: none;
    line-height: 0;
  }
  [role='tab'] .tab-icon {
    display: inline-block;
    padding-inline: 3px;
  }
  .recordings {
    display: flex;
    flex-direction: column;
    gap: 10px;
    min-width: 0;
  }
  /* The moderator's Start/Stop and download choice stay at the top of the scrolling panel, in
     reach on a phone once the player opens. The panel's 8px padding is covered too. */
  .record-setup {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 12px;
    position: sticky;
    top: -8px;
    z-index: 1;
    margin: -8px -8px 0;
    padding: 8px;
    background: var(--cosmo-surface);
    border-bottom: 1px solid #222b37;
  }
  /* What is scrolled into view (the player as it opens, a focused control) stops below it. */
  [role='tabpanel']:has(> .recordings > .record-setup) {
    scroll-padding-top: 64px;
  }
  .record-setup label {
    font-size: 13px;
    line-height: 1.3;
  }
  /* The ended class's screen: its message, then the recordings, scrolling when they are long. */
  .ended:has(.ended-recordings) {
    grid-template-columns: minmax(0, 560px);
    place-content: start center;
    overflow: hidden auto;
    padding: 24px 12px;
    box-sizing: border-box;
  }
  .ended-recordings {
    justify-self: stretch;
    margin-top: 8px;
    padding: 12px;
    box-sizing: border-box;
    border-radius: var(--cosmo-radius);
    background: var(--cosmo-surface);
    font-size: 14px;
    text-align: start;
  }
  .ended-recordings h2 {
    margin: 0;
    font-size: 16px;
  }
  .ended-recordings ul.recording-list {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .record-setup label,
  .player-actions label {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    min-height: 28px;
    color: var(--cosmo-muted);
    flex: 1 1 12em;
    min-width: 0;
  }
  .recordings input[type='checkbox'] {
    flex: none;
    width: 18px;
    height: 18px;
    margin: 0;
    accent-color: var(--cosmo-accent);
  }
  .recordings-error {
    margin: 0;
    color: var(--cosmo-fg);
    border-left: 3px solid var(--cosmo-danger);
    padding-left: 8px;
  }
  .recording-player {
    display: flex;
    flex-direction: column;
    gap: 8px;
    min-width: 0;
  }
  .recording-player video {
    display: block;
    width: 100%;
    aspect-ratio: 16 / 9;
    max-height: 40vh;
    border-radius: 8px;
    background: var(--cosmo-tile-bg, black);
  }
  ol.chapters {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  ol.chapters button {
    width: 100%;
    text-align: start;
    border-radius: 8px;
    overflow-wrap: anywhere;
  }
  ol.chapters .at {
    font-variant-numeric: tabular-nums;
    color: var(--cosmo-accent-text);
    margin-inline-end: 6px;
  }
  .player-actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 12px;
  }
  ul.recording-list {
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .recording-item {
    display: flex;
    flex-direction: column;
    align-items: stretch;
    gap: 2px;
    width: 100%;
    min-width: 0;
    padding: 8px 10px;
    border-radius: 8px;
    border: 1px solid #2a3442;
    background: var(--cosmo-bg);
    text-align: start;
    overflow-wrap: anywhere;
  }
  button.recording-item[aria-pressed='true'] .role {
    color: inherit;
  }
  .recording-title {
    font-weight: 600;
  }
  li[data-status='failed'] .recording-item {
    border-color: var(--cosmo-danger);
  }
  li[data-status='failed'] .status {
    color: #ff8a8d;
    font-weight: 600;
  }
  li[data-status='recording'] .status {
    color: #ff8a8d;
  }
  .recording-item progress {
    width: 100%;
    height: 6px;
    accent-color: var(--cosmo-accent);
  }
`;
