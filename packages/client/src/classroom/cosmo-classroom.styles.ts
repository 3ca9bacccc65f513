import { css } from 'lit';

export default css`
  :host {
    --cosmo-bg: #0f141b;
    --cosmo-surface: #18202b;
    --cosmo-fg: #e9eef5;
    --cosmo-muted: #93a1b3;
    --cosmo-accent: #4f8cff;
    --cosmo-danger: #e5484d;
    --cosmo-warning: #f5a524;
    --cosmo-radius: 10px;
    --cosmo-gap: 8px;
    --cosmo-sidebar-width: 340px;
    --cosmo-tile-min: 140px;
    /* Derived from the accent and danger colours so that text on them passes WCAG AA whatever
       colour the page picks: white text sits on a darkened shade, coloured text is lightened. */
    --cosmo-accent-strong: color-mix(in srgb, var(--cosmo-accent) 62%, black);
    --cosmo-accent-text: color-mix(in srgb, var(--cosmo-accent) 55%, white);
    --cosmo-danger-strong: color-mix(in srgb, var(--cosmo-danger) 70%, black);
    --cosmo-font:
      system-ui, -apple-system, 'Segoe UI', 'Hiragino Sans', 'Noto Sans CJK JP', 'Microsoft YaHei',
      sans-serif;
    display: block;
    height: 100%;
    min-height: 480px;
    color: var(--cosmo-fg);
    background: var(--cosmo-bg);
    font-family: var(--cosmo-font);
    font-size: 14px;
    /* Layout follows the element's own width, not the window's: it may sit in a narrow column. */
    container-type: inline-size;
  }
  * {
    box-sizing: border-box;
  }
  .room {
    position: relative;
    display: grid;
    overflow: hidden;
    grid-template-columns: minmax(0, 1fr) var(--cosmo-sidebar-width);
    grid-template-rows: auto 1fr auto;
    grid-template-areas: 'header header' 'main side' 'controls controls';
    height: 100%;
    gap: var(--cosmo-gap);
    padding: var(--cosmo-gap);
  }
  header {
    grid-area: header;
    display: flex;
    align-items: center;
    gap: 8px 12px;
    min-width: 0;
    flex-wrap: wrap;
  }
  header h1 {
    flex: 1 1 8em;
    min-width: 0;
    font-size: 16px;
    margin: 0;
    font-weight: 600;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  header > :not(h1) {
    flex-shrink: 0;
  }
  .badge {
    padding: 2px 8px;
    border-radius: 999px;
    background: var(--cosmo-surface);
    color: var(--cosmo-muted);
    font-size: 12px;
  }
  .badge.live {
    background: var(--cosmo-accent-strong);
    color: white;
  }
  button.badge {
    border: 1px solid var(--cosmo-warning);
    color: var(--cosmo-fg);
    display: inline-flex;
    align-items: center;
    gap: 4px;
  }
  .badge.warn {
    background: var(--cosmo-warning);
    color: black;
  }
  .spacer {
    display: none;
  }
  main {
    grid-area: main;
    display: grid;
    /* The stage takes what the class grid leaves; the grid is as tall as its rows, up to 40%. */
    grid-template-rows: minmax(0, 1fr) fit-content(40%);
    gap: var(--cosmo-gap);
    min-height: 0;
    min-width: 0;
  }
  .room.crowded main {
    grid-template-rows: minmax(0, 1fr) minmax(0, 1fr);
  }
  .grid-wrap {
    overflow: hidden;
  }
  .room.crowded {
    --cosmo-tile-min: 112px;
  }
  .stage {
    position: relative;
    /* Caption lines are sized to the stage's width. */
    container-type: inline-size;
    border-radius: var(--cosmo-radius);
    overflow: hidden;
    background: var(--cosmo-surface);
  }
  .stage cosmo-video {
    position: absolute;
    inset: 0;
  }
  .stage .placeholder {
    display: grid;
    place-content: center;
    justify-items: center;
    gap: 8px;
    text-align: center;
    padding: 8px;
    height: 100%;
    color: var(--cosmo-muted);
    font-size: 18px;
  }
  .captions {
    position: absolute;
    left: 5%;
    right: 5%;
    bottom: 12px;
    text-align: center;
    /* A 42-letter line (21em) fits the box; 20px where the stage is wide enough. A line wider
       in its font than the breaker's estimate shrinks the font (--caption-fit, set by the element). */
    font-size: 20px;
    font-size: calc(min(20px, (90cqi - 24px) / 22) * var(--caption-fit, 1));
    line-height: 1.4;
    padding: 6px 12px;
    border-radius: 8px;
    background: rgba(0, 0, 0, 0.72);
  }
  /* Chinese and Japanese: an 18-character line fits the box. */
  .captions.wide {
    font-size: calc(min(20px, (90cqi - 24px) / 19) * var(--caption-fit, 1));
  }
  /* The breaker's lines, never wrapped again by the browser (which would break inside a word). */
  .captions .line {
    white-space: nowrap;
  }
  /* Before a caption left in the spoken language: says why it is not in the reader's. */
  .tag {
    display: inline-block;
    margin-inline-end: 6px;
    padding: 0 6px;
    border-radius: 4px;
    border: 1px solid currentColor;
    font-size: 0.7em;
    font-style: normal;
    vertical-align: middle;
  }
  .captions.interim {
    color: #d5dbe3;
  }
  /* The recogniser was unsure: dimmer than an interim, still legible on the caption's black. */
  .captions.uncertain,
  .transcript .uncertain {
    color: var(--cosmo-muted);
    font-style: italic;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .transcript {
    margin: 0 0 8px;
    padding-left: 0;
    list-style: none;
    line-height: 1.45;
  }
  .transcript li {
    margin-bottom: 6px;
  }
  .grid-wrap {
    display: flex;
    flex-direction: column;
    min-height: 0;
    gap: 4px;
  }
  .grid {
    flex: 1;
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(var(--cosmo-tile-min), 100%), 1fr));
    /* Rows as tall as their tiles: a grid taller than its box scrolls, tiles never overlap. */
    grid-auto-rows: max-content;
    align-content: start;
    gap: var(--cosmo-gap);
    overflow: hidden auto;
    min-height: 0;
  }
  .tile {
    position: relative;
    aspect-ratio: 16 / 10;
    border-radius: var(--cosmo-radius);
    overflow: hidden;
    background: var(--cosmo-surface);
    border: 2px solid transparent;
  }
  .tile.speaking {
    border-color: var(--cosmo-accent);
  }
  .tile cosmo-video {
    position: absolute;
    inset: 0;
  }
  .tile .avatar {
    position: absolute;
    inset: 0 0 24px;
    display: grid;
    place-items: center;
    font-size: 24px;
    color: var(--cosmo-muted);
  }
  .name {
    position: absolute;
    left: 6px;
    bottom: 6px;
    max-width: calc(100% - 12px);
    padding: 1px 6px;
    border-radius: 6px;
    background: rgba(0, 0, 0, 0.72);
    font-size: 12px;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .hand {
    position: absolute;
    right: 6px;
    top: 6px;
  }
  .hand-inline {
    flex-shrink: 0;
    display: inline-flex;
  }
  .stage .name {
    z-index: 1;
  }
  .pager {
    display: flex;
    justify-content: center;
    align-items: center;
    gap: 8px;
    color: var(--cosmo-muted);
  }
  aside {
    grid-area: side;
    display: flex;
    flex-direction: column;
    background: var(--cosmo-surface);
    border-radius: var(--cosmo-radius);
    min-height: 0;
    min-width: 0;
  }
  [role='tablist'] {
    display: flex;
    overflow: hidden;
    border-bottom: 1px solid #2a3442;
  }
  [role='tab'] {
    /* One row: the sidebar is wide enough for six tabs in each UI language. */
    flex: 1 1 auto;
    min-width: 0;
    padding: 10px 5px;
    border-radius: 0;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
    font-size: 13px;
    background: none;
    border: none;
    color: var(--cosmo-muted);
    font: inherit;
    cursor: pointer;
  }
  /* Seven tabs or more: closer together, Recordings as an icon. Eight (a class's teacher) need a
     wider sidebar than the default to keep every label whole. */
  [role='tablist'].full [role='tab'] {
    padding-inline: 3px;
  }
  @container (min-width: 761px) {
    .room:has([role='tablist'][data-tabs='8']) {
      grid-template-columns: minmax(0, 1fr) max(var(--cosmo-sidebar-width), 384px);
    }
  }
  [role='tab'][aria-selected='true'] {
    color: var(--cosmo-fg);
    box-shadow: inset 0 -2px 0 var(--cosmo-accent);
  }
  [role='tabpanel'] {
    flex: 1;
    overflow: hidden auto;
    padding: 8px;
  }
  .panel {
    display: flex;
    flex-direction: column;
    min-height: 0;
    flex: 1;
  }
  .messages {
    flex: 1;
    min-height: 0;
    overflow: hidden auto;
    overflow-wrap: anywhere;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .message b {
    color: var(--cosmo-accent-text);
    font-weight: 600;
  }
  form {
    display: flex;
    gap: 6px;
    padding-top: 8px;
  }
  form.lesson {
    flex-direction: column;
  }
  form.lesson label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    color: var(--cosmo-muted);
  }
  /* The lesson's reviewed translations: a language code and its lines, per language. */
  fieldset.translations {
    display: flex;
    flex-direction: column;
    gap: 6px;
    margin: 0;
    padding: 8px;
    border: 1px solid #2a3442;
    border-radius: 8px;
    min-width: 0;
  }
  fieldset.translations legend {
    color: var(--cosmo-muted);
  }
  .translation {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .translation input {
    flex: 1 1 6em;
  }
  .translation button {
    flex: none;
  }
  .translation textarea {
    flex: 1 1 100%;
  }
  .problems {
    margin: 0;
    padding: 6px 8px 6px 24px;
    border-radius: 8px;
    border: 1px solid var(--cosmo-warning);
    color: var(--cosmo-fg);
  }
  .preview {
    overflow-x: auto;
  }
  .preview table {
    width: 100%;
    border-collapse: collapse;
    font-size: 13px;
  }
  .preview caption {
    text-align: start;
    color: var(--cosmo-muted);
  }
  .preview th,
  .preview td {
    padding: 4px;
    border-bottom: 1px solid #2a3442;
    text-align: start;
    vertical-align: top;
    overflow-wrap: anywhere;
  }
  .preview .missing {
    color: var(--cosmo-warning);
  }
  textarea {
    width: 100%;
    resize: vertical;
  }
  input,
  textarea,
  select {
    flex: 1;
    min-width: 0;
    padding: 8px;
    border-radius: 8px;
    border: 1px solid #2a3442;
    background: var(--cosmo-bg);
    color: var(--cosmo-fg);
    font: inherit;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li.person {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px;
    padding: 6px 0;
    border-bottom: 1px solid #222b37;
  }
  li.person .who {
    flex: 1 1 120px;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  li.person .line {
    display: flex;
    align-items: center;
    gap: 4px;
    min-width: 0;
  }
  .person-name {
    min-width: 0;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  li.person .who > .role {
    display: block;
  }
  li.person .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  .role {
    color: var(--cosmo-muted);
    font-size: 12px;
  }
  .push {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 10px;
    margin-bottom: 10px;
  }
  .notice {
    padding: 8px;
    border-radius: 8px;
    background: var(--cosmo-bg);
    margin-bottom: 6px;
  }
  .notice {
    overflow-wrap: anywhere;
  }
  .notice.unread {
    border-left: 3px solid var(--cosmo-accent);
  }
  .notice.urgent {
    border-left-color: var(--cosmo-danger);
  }
  a.button {
    display: inline-block;
    padding: 3px 8px;
    border-radius: 999px;
    border: 1px solid #2a3442;
    color: var(--cosmo-fg);
    text-decoration: none;
    font-size: 12px;
  }
  h3 {
    font-size: 13px;
    margin: 12px 0 6px;
    color: var(--cosmo-muted);
  }
  form.leave {
    flex-direction: column;
  }
  form.leave label {
    display: flex;
    gap: 6px;
    align-items: center;
    color: var(--cosmo-muted);
  }
  table.attendance {
    width: 100%;
    border-collapse: collapse;
    font-size: 12px;
  }
  table.attendance td {
    padding: 3px 4px;
    border-bottom: 1px solid #222b37;
  }
  tr[data-status='late'] td:nth-child(2) {
    color: var(--cosmo-warning);
  }
  tr[data-status='absent'] td:nth-child(2) {
    color: var(--cosmo-danger);
  }
  footer {
    grid-area: controls;
    position: relative;
    display: flex;
    gap: 8px 14px;
    justify-content: center;
    align-items: center;
    flex-wrap: wrap;
    min-width: 0;
  }
  /* A teacher's bar (her media, reactions, six class tools, Leave) stays one row at 1280 px in
     every UI language, the room locked or not. */
  @container (min-width: 761px) {
    footer button {
      padding-inline: 12px;
    }
  }
  footer .group {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 8px;
  }
  .tools-toggle {
    display: none;
  }
  .hint {
    flex-basis: 100%;
    margin: 0;
    text-align: center;
    color: var(--cosmo-muted);
    font-size: 12px;
  }
  button {
    min-height: 36px;
    padding: 8px 14px;
    border-radius: 999px;
    border: 1px solid #2a3442;
    background: var(--cosmo-surface);
    color: var(--cosmo-fg);
    font: inherit;
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    border-color: var(--cosmo-accent);
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  [role='tab']:focus-visible {
    outline: 2px solid var(--cosmo-accent);
    outline-offset: 2px;
  }
  button[aria-pressed='true'],
  button.primary {
    background: var(--cosmo-accent-strong);
    border-color: var(--cosmo-accent);
    color: white;
  }
  button.danger {
    background: var(--cosmo-danger-strong);
    border-color: var(--cosmo-danger);
    color: white;
  }
  button.caution {
    border-color: var(--cosmo-danger);
  }
  button.small {
    min-height: 28px;
    padding: 3px 8px;
    font-size: 12px;
  }
  button:disabled {
    opacity: 0.45;
    cursor: not-allowed;
  }
  .toasts {
    position: absolute;
    top: 48px;
    left: 50%;
    transform: translateX(-50%);
    width: max-content;
    max-width: calc(100% - 16px);
    display: flex;
    flex-direction: column;
    gap: 6px;
    z-index: 4;
  }
  .toast {
    display: flex;
    align-items: center;
    gap: 10px;
    padding: 8px 10px 8px 14px;
    border-radius: 8px;
    background: var(--cosmo-danger-strong);
    color: white;
    box-shadow: 0 4px 16px rgba(0, 0, 0, 0.4);
  }
  .toast > span {
    flex: 1;
    min-width: 0;
  }
  .toast button {
    flex-shrink: 0;
    background: transparent;
    border-color: currentColor;
    color: inherit;
  }
  .toast.info,
  .toast.urgent {
    background: var(--cosmo-warning);
    color: black;
  }
  dialog.confirm {
    max-width: min(420px, calc(100vw - 32px));
    padding: 20px;
    border: 1px solid #2a3442;
    border-radius: var(--cosmo-radius);
    background: var(--cosmo-surface);
    color: var(--cosmo-fg);
    font-family: var(--cosmo-font);
  }
  dialog.confirm::backdrop {
    background: rgba(0, 0, 0, 0.6);
  }
  dialog.confirm h2 {
    margin: 0 0 8px;
    font-size: 18px;
  }
  dialog.confirm p {
    margin: 0 0 16px;
    color: var(--cosmo-muted);
  }
  dialog.confirm .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 8px;
  }
  @media (prefers-reduced-motion: no-preference) {
    .toast,
    dialog.confirm {
      animation: cosmo-in 160ms ease-out;
    }
    .tile {
      transition: border-color 150ms;
    }
  }
  @keyframes cosmo-in {
    from {
      opacity: 0;
      translate: 0 -6px;
    }
  }
  .ended {
    display: grid;
    place-content: center;
    justify-items: center;
    gap: 12px;
    height: 100%;
    font-size: 18px;
    text-align: center;
  }
  @container (max-width: 760px) {
    .room {
      /* Three tiles a row on a phone, so a few students fit above the sidebar. */
      --cosmo-tile-min: 104px;
      grid-template-columns: minmax(0, 1fr);
      grid-template-areas: 'header' 'main' 'side' 'controls';
      grid-template-rows: auto minmax(0, 1fr) minmax(200px, 32%) auto;
    }
    header h1 {
      font-size: 15px;
    }
    button {
      padding: 8px 10px;
    }
    footer {
      gap: 8px;
    }
    /* The teacher's class tools fold into a menu above the bar. */
    .tools-toggle {
      display: inline-block;
    }
    .group.tools {
      display: none;
      position: absolute;
      right: 0;
      bottom: calc(100% + 6px);
      flex-direction: column;
      align-items: stretch;
      padding: 8px;
      border: 1px solid #2a3442;
      border-radius: var(--cosmo-radius);
      background: var(--cosmo-surface);
      box-shadow: 0 8px 24px rgba(0, 0, 0, 0.5);
      z-index: 3;
    }
    .group.tools.open {
      display: flex;
    }
  }
`;
