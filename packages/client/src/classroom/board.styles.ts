import { css } from 'lit';

/** The board on stage: its toolbar above, the page below at 16:9. */
export default css`
  .board {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    gap: 6px;
    padding: 6px;
  }
  .board-toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: center;
    gap: 4px 12px;
    min-width: 0;
  }
  .board-group {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px;
  }
  .board-toolbar button.icon {
    min-height: 32px;
    width: 32px;
    padding: 0;
    display: inline-grid;
    place-items: center;
    border-radius: 8px;
  }
  .board-toolbar select {
    flex: none;
    min-height: 32px;
    padding: 4px 6px;
    max-width: 9em;
  }
  .board-toolbar button.swatch {
    min-height: 24px;
    width: 24px;
    height: 24px;
    padding: 0;
    border-radius: 50%;
    background: var(--swatch);
    border: 2px solid var(--cosmo-surface);
    box-shadow: 0 0 0 1px #2a3442;
  }
  .board-toolbar button.swatch[aria-pressed='true'] {
    background: var(--swatch);
    box-shadow: 0 0 0 2px var(--cosmo-fg);
  }
  .board-page {
    min-width: 3.5em;
    text-align: center;
    color: var(--cosmo-muted);
    font-variant-numeric: tabular-nums;
  }
  .board-locked {
    display: inline-grid;
    place-items: center;
    color: var(--cosmo-warning);
  }
  .board-progress {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    color: var(--cosmo-muted);
    font-size: 12px;
  }
  .board-progress progress {
    width: 72px;
  }
  cosmo-board-surface {
    flex: 1;
  }
  /* Toasts would cover the board's tools: with the board on stage they stand at the bottom of
     the stage and class grid (an absolutely placed grid item takes its area as its box). */
  .room:has(.stage.board-on) > .toasts {
    grid-area: main;
    top: auto;
    bottom: var(--cosmo-gap);
  }
  /* Captions and reactions float over the page without catching the pen. */
  .stage.board-on .captions,
  .stage.board-on [part='reactions-layer'] {
    pointer-events: none;
  }
  /* A phone: closer together, the page right under the tools. */
  @container (max-width: 760px) {
    .board {
      padding: 4px;
      gap: 4px;
    }
    .board-toolbar {
      gap: 4px 8px;
    }
    cosmo-board-surface {
      place-items: start center;
    }
  }
`;
