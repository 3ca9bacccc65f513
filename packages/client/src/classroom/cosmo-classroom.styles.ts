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
  }
  * {
    box-sizing: border-box;
  }
  .room {
    display: grid;
    overflow: hidden;
    grid-template-columns: minmax(0, 1fr) 320px;
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
    gap: 12px;
  }
  header h1 {
    font-size: 16px;
    margin: 0;
    font-weight: 600;
  }
  .badge {
    padding: 2px 8px;
    border-radius: 999px;
    background: var(--cosmo-surface);
    color: var(--cosmo-muted);
    font-size: 12px;
  }
  .badge.live {
    background: var(--cosmo-danger);
    color: white;
  }
  .badge.warn {
    background: var(--cosmo-warning);
    color: black;
  }
  .spacer {
    flex: 1;
  }
  main {
    grid-area: main;
    display: grid;
    grid-template-rows: minmax(0, 3fr) minmax(0, 2fr);
    gap: var(--cosmo-gap);
    min-height: 0;
  }
  .stage {
    position: relative;
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
    place-items: center;
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
    font-size: 20px;
    line-height: 1.4;
    padding: 6px 12px;
    border-radius: 8px;
    background: rgba(0, 0, 0, 0.72);
  }
  .captions.interim {
    color: #c8d0da;
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
    grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
    grid-auto-rows: minmax(90px, 1fr);
    gap: var(--cosmo-gap);
    overflow: auto;
    min-height: 0;
  }
  .tile {
    position: relative;
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
    inset: 0;
    display: grid;
    place-items: center;
    font-size: 28px;
    color: var(--cosmo-muted);
  }
  .name {
    position: absolute;
    left: 6px;
    bottom: 6px;
    padding: 1px 6px;
    border-radius: 6px;
    background: rgba(0, 0, 0, 0.6);
    font-size: 12px;
  }
  .hand {
    position: absolute;
    right: 6px;
    top: 6px;
  }
  .hand-inline svg {
    vertical-align: -3px;
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
  }
  [role='tablist'] {
    display: flex;
    flex-wrap: wrap;
    overflow: hidden;
    border-bottom: 1px solid #2a3442;
  }
  [role='tab'] {
    /* Six tabs do not fit a narrow sidebar on one row: they wrap rather than truncate. */
    flex: 1 1 auto;
    min-width: 0;
    padding: 10px 6px;
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
  [role='tab'][aria-selected='true'] {
    color: var(--cosmo-fg);
    box-shadow: inset 0 -2px 0 var(--cosmo-accent);
  }
  [role='tabpanel'] {
    flex: 1;
    overflow: auto;
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
    overflow: auto;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .message b {
    color: var(--cosmo-accent);
    font-weight: 600;
  }
  form {
    display: flex;
    gap: 6px;
    padding-top: 8px;
  }
  input,
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
    align-items: center;
    gap: 6px;
    padding: 6px 0;
    border-bottom: 1px solid #222b37;
  }
  li.person .who {
    flex: 1;
  }
  .role {
    color: var(--cosmo-muted);
    font-size: 12px;
  }
  .notice {
    padding: 8px;
    border-radius: 8px;
    background: var(--cosmo-bg);
    margin-bottom: 6px;
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
    display: flex;
    gap: 8px;
    justify-content: center;
    flex-wrap: wrap;
  }
  button {
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
    background: var(--cosmo-accent);
    border-color: var(--cosmo-accent);
    color: white;
  }
  button.danger {
    background: var(--cosmo-danger);
    border-color: var(--cosmo-danger);
    color: white;
  }
  button.small {
    padding: 3px 8px;
    font-size: 12px;
  }
  button:disabled {
    opacity: 0.45;
    cursor: not-allowed;
  }
  .toast {
    position: absolute;
    top: 56px;
    left: 50%;
    transform: translateX(-50%);
    padding: 8px 14px;
    border-radius: 8px;
    background: var(--cosmo-danger);
    color: white;
    z-index: 2;
  }
  .toast.info {
    background: var(--cosmo-warning);
    color: black;
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
  @media (max-width: 760px) {
    .room {
      grid-template-columns: 1fr;
      grid-template-areas: 'header' 'main' 'side' 'controls';
      grid-template-rows: auto 1fr 240px auto;
    }
  }
`;
