import { css } from 'lit';

/** The pre-join screen: one column, centred, that fits a phone and scrolls if it must. */
export default css`
  .prejoin {
    display: flex;
    flex-direction: column;
    gap: 12px;
    /* Centred on a tall screen; from the top (scrolling) when it does not fit. */
    justify-content: safe center;
    width: min(100%, var(--cosmo-prejoin-width, 520px));
    height: 100%;
    margin: 0 auto;
    padding: 16px;
    overflow-y: auto;
  }
  .prejoin h2 {
    margin: 0;
    font-size: 18px;
  }
  .preview {
    position: relative;
    flex-shrink: 0;
    aspect-ratio: 16 / 9;
    max-height: 45vh;
    border-radius: var(--cosmo-radius);
    overflow: hidden;
    background: var(--cosmo-tile-bg, #1d2430);
    display: grid;
    place-items: center;
  }
  .preview cosmo-video {
    position: absolute;
    inset: 0;
  }
  .initial {
    font-size: 48px;
    color: var(--cosmo-muted);
  }
  meter {
    width: 100%;
    height: 8px;
  }
  meter::-webkit-meter-bar {
    background: var(--cosmo-surface);
    border: 0;
    border-radius: 4px;
  }
  meter::-webkit-meter-optimum-value {
    background: var(--cosmo-accent);
    border-radius: 4px;
  }
  .device {
    display: flex;
    gap: 8px;
  }
  .device button {
    flex: 0 0 9em;
  }
  .problem {
    padding: 8px 12px;
    border-radius: var(--cosmo-radius);
    border: 1px solid var(--cosmo-warning);
  }
  .problem p {
    margin: 0 0 8px;
  }
  .prejoin .hint {
    /* The bar's hint fills its row (flex-basis 100%); here it is one line of the column. */
    flex: none;
    text-align: start;
  }
`;
