import { css } from 'lit';

/** The teaching tools: polls, reactions, the waiting room. */
export default css`
  /* Six or seven tabs (polls beside the others) keep one row in a 340px sidebar in every
     language: their labels get a little smaller and tighter rather than cut or wrapped. */
  [role='tablist']:has(> :nth-child(6)) [role='tab'] {
    font-size: 12px;
    padding-inline: 3px;
  }

  /* ---- polls ---- */
  .polls {
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  form.poll-form {
    flex-direction: column;
    gap: 8px;
    padding: 8px;
    border: 1px solid #2a3442;
    border-radius: 8px;
  }
  form.answer {
    flex-direction: column;
    gap: 8px;
    padding: 0;
  }
  form.poll-form h3 {
    margin: 0;
  }
  form.poll-form > label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    color: var(--cosmo-muted);
  }
  .checks {
    display: flex;
    flex-wrap: wrap;
    gap: 6px 16px;
  }
  .checks label,
  .switches label {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    min-height: 28px;
  }
  input[type='checkbox'],
  input[type='radio'] {
    flex: none;
    width: 18px;
    height: 18px;
    margin: 0;
    accent-color: var(--cosmo-accent);
  }
  fieldset.options,
  form.answer fieldset {
    display: flex;
    flex-direction: column;
    gap: 6px;
    margin: 0;
    padding: 8px;
    border: 1px solid #2a3442;
    border-radius: 8px;
    min-width: 0;
  }
  fieldset.options legend {
    color: var(--cosmo-muted);
  }
  form.answer fieldset {
    border: none;
    padding: 0;
  }
  .option-row {
    display: flex;
    align-items: center;
    gap: 6px;
  }
  .option-row button {
    flex: none;
  }
  fieldset.options > button {
    align-self: flex-start;
  }
  .polls .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .polls .hint {
    margin: 0;
    color: var(--cosmo-warning);
    font-size: 12px;
  }
  details.prepared summary,
  details.votes summary {
    cursor: pointer;
    color: var(--cosmo-muted);
  }
  .poll-card {
    display: flex;
    flex-direction: column;
    gap: 6px;
    padding: 10px;
    border-radius: 8px;
    background: var(--cosmo-bg);
    overflow-wrap: anywhere;
  }
  .poll-card.live {
    border-left: 3px solid var(--cosmo-accent);
  }
  .poll-card header {
    display: flex;
  }
  .poll-card p {
    margin: 0;
  }
  .poll-question {
    font-weight: 600;
    font-size: 15px;
    padding: 0;
    margin-bottom: 4px;
  }
  .tags {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  .tags .tag,
  .waiting-room .tag {
    margin: 0;
    font-size: 11px;
    color: var(--cosmo-muted);
  }
  .tags .tag.open {
    color: var(--cosmo-accent-text);
  }
  label.choice {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 10px;
    border: 1px solid #2a3442;
    border-radius: 8px;
    cursor: pointer;
  }
  label.choice:has(input:checked) {
    border-color: var(--cosmo-accent);
    background: color-mix(in srgb, var(--cosmo-accent) 14%, transparent);
  }
  label.choice:focus-within {
    outline: 2px solid var(--cosmo-accent);
    outline-offset: 1px;
  }
  form.answer button[type='submit'] {
    align-self: flex-start;
  }
  ul.bars {
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  li.bar {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    gap: 2px 8px;
    font-size: 13px;
  }
  .bar-count {
    color: var(--cosmo-muted);
    font-variant-numeric: tabular-nums;
  }
  .bar-track {
    grid-column: 1 / -1;
    height: 8px;
    border-radius: 4px;
    background: #2a3442;
    overflow: hidden;
  }
  .bar-fill {
    display: block;
    height: 100%;
    background: var(--cosmo-accent);
  }
  li.bar.correct .bar-fill {
    background: #30a46c;
  }
  li.bar.mine .bar-label {
    font-weight: 600;
  }
  .mark {
    color: #3dd68c;
    margin-inline-end: 4px;
  }
  ul.texts {
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  ul.texts li {
    padding: 4px 8px;
    border-radius: 6px;
    background: var(--cosmo-surface);
  }
  .verdict {
    font-weight: 600;
  }
  .verdict.right {
    color: #3dd68c;
  }
  .verdict.wrong {
    color: var(--cosmo-warning);
  }
  .score {
    margin: 0;
    padding: 6px 10px;
    border-radius: 8px;
    background: var(--cosmo-bg);
    font-weight: 600;
  }
  @media (prefers-reduced-motion: no-preference) {
    .bar-fill {
      transition: width 300ms ease-out;
    }
  }

  /* ---- reactions ---- */
  footer .group.reactions {
    gap: 4px;
    align-items: center;
  }
  button.reaction {
    min-width: 36px;
    padding: 4px 6px;
    display: inline-grid;
    place-items: center;
  }
  .reaction-icon {
    width: 22px;
    height: 22px;
    display: block;
  }
  .reactions-rest {
    flex-basis: auto;
  }
  .reactions-layer {
    position: absolute;
    inset: 0;
    overflow: hidden;
    pointer-events: none;
    z-index: 2;
  }
  .bubble {
    position: absolute;
    bottom: 12%;
    display: inline-flex;
    align-items: center;
    gap: 2px;
    opacity: 0;
    animation: cosmo-fade 2.6s ease-out forwards;
  }
  .bubble .reaction-icon {
    width: var(--size);
    height: var(--size);
    filter: drop-shadow(0 2px 4px rgba(0, 0, 0, 0.5));
  }
  .bubble b {
    padding: 0 6px;
    border-radius: 999px;
    background: rgba(0, 0, 0, 0.72);
    font-size: 13px;
  }
  @media (prefers-reduced-motion: no-preference) {
    .bubble {
      animation-name: cosmo-rise;
    }
  }
  @keyframes cosmo-rise {
    0% {
      opacity: 0;
      translate: 0 0;
      scale: 0.6;
    }
    12% {
      opacity: 1;
      scale: 1;
    }
    75% {
      opacity: 1;
    }
    100% {
      opacity: 0;
      translate: 0 -220%;
    }
  }
  @keyframes cosmo-fade {
    0%,
    100% {
      opacity: 0;
    }
    10%,
    75% {
      opacity: 1;
    }
  }
  .reaction-counts {
    position: absolute;
    top: 8px;
    right: 8px;
    z-index: 3;
    display: flex;
    gap: 6px;
    padding: 4px 8px;
    border-radius: 999px;
    background: rgba(0, 0, 0, 0.72);
    font-variant-numeric: tabular-nums;
  }
  .reaction-counts .count {
    display: inline-flex;
    align-items: center;
    gap: 3px;
  }
  .reaction-counts .reaction-icon {
    width: 18px;
    height: 18px;
  }

  /* ---- the waiting room ---- */
  .waiting-screen {
    padding: 24px;
    max-width: 520px;
    margin: 0 auto;
  }
  .waiting-screen h2 {
    margin: 0;
    /* Japanese and Chinese break between phrases, not inside a word. */
    word-break: auto-phrase;
    font-size: 20px;
    font-weight: 600;
  }
  .waiting-screen p {
    margin: 0;
    font-size: 14px;
  }
  .door {
    color: var(--cosmo-accent-text);
  }
  @media (prefers-reduced-motion: no-preference) {
    .door {
      animation: cosmo-breathe 2.4s ease-in-out infinite;
    }
  }
  @keyframes cosmo-breathe {
    50% {
      opacity: 0.55;
    }
  }
  .waiting-room {
    margin-bottom: 10px;
    padding-bottom: 8px;
    border-bottom: 1px solid #2a3442;
  }
  .waiting-room h3 {
    margin-top: 0;
  }
  .switches {
    display: flex;
    flex-direction: column;
    gap: 2px;
    margin-bottom: 6px;
  }
  .waiting-room .tag.roster {
    color: #3dd68c;
  }
  .waiting-room .tag.guest {
    color: var(--cosmo-warning);
  }
  .waiting-room li.person .role {
    display: flex;
    align-items: center;
    gap: 6px;
  }
  button.badge.waiting {
    border-color: var(--cosmo-accent);
  }
`;
