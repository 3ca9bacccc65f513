import { html, nothing, svg, type TemplateResult } from 'lit';
import type { ParticipantSummary } from '@cosmo/core';
import type { ClassroomController } from './classroom.controller.js';
import type { MessageKey } from './i18n.js';
import type { BoardTool } from './board-api.js';
import { BOARD_COLORS, type BoardController } from './board.controller.js';
import './board-surface.js';

type T = (key: MessageKey) => string;

// Icons are inline SVG (stroked in the button's colour): emoji fonts are missing on many machines.
const icon = (body: ReturnType<typeof svg>) =>
  html`<svg
    viewBox="0 0 24 24"
    width="18"
    height="18"
    aria-hidden="true"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
  >
    ${body}
  </svg>`;

const TOOLS: [BoardTool, MessageKey, TemplateResult][] = [
  ['pen', 'toolPen', icon(svg`<path d="M4 20c3-1 4-3 6-6l8-8a2 2 0 0 0-3-3l-8 8c-3 2-5 3-6 6z"/>`)],
  ['line', 'toolLine', icon(svg`<path d="M5 19 19 5"/>`)],
  ['arrow', 'toolArrow', icon(svg`<path d="M5 19 19 5M10 5h9v9"/>`)],
  ['rect', 'toolRect', icon(svg`<rect x="4" y="6" width="16" height="12" rx="1"/>`)],
  ['ellipse', 'toolEllipse', icon(svg`<ellipse cx="12" cy="12" rx="8" ry="6"/>`)],
  ['text', 'toolText', icon(svg`<path d="M5 6V4h14v2M12 4v16M9 20h6"/>`)],
  ['eraser', 'toolEraser', icon(svg`<path d="m7 20-4-4 10-10 7 7-7 7zM9 20h11M8 11l6 6"/>`)],
];
const COLOR_NAMES: MessageKey[] = [
  'colorBlack',
  'colorRed',
  'colorBlue',
  'colorGreen',
  'colorOrange',
  'colorPurple',
];
const undoIcon = icon(svg`<path d="M9 14 4 9l5-5"/><path d="M4 9h10a6 6 0 0 1 0 12h-3"/>`);
const redoIcon = icon(svg`<path d="m15 14 5-5-5-5"/><path d="M20 9H10a6 6 0 0 0 0 12h3"/>`);
const prevIcon = icon(svg`<path d="m15 18-6-6 6-6"/>`);
const nextIcon = icon(svg`<path d="m9 18 6-6-6-6"/>`);
const addIcon = icon(
  svg`<rect x="5" y="3" width="14" height="18" rx="1"/><path d="M12 9v6M9 12h6"/>`,
);
const clearIcon = icon(svg`<path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3"/>`);
const lockIcon = icon(
  svg`<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>`,
);
const pngIcon = icon(
  svg`<rect x="3" y="4" width="18" height="16" rx="2"/><path d="m3 16 5-5 5 5 3-3 5 5"/><circle cx="16" cy="9" r="1.5"/>`,
);
const pdfIcon = icon(svg`<path d="M14 3H6v18h12V7z"/><path d="M14 3v4h4M12 11v6M9 14l3 3 3-3"/>`);

/**
 * The board on stage: its toolbar (tools, colour, size, a handout picture, undo and redo for those
 * who may draw; page turning and the page's actions for moderators; exports for everyone) and the
 * drawing surface.
 */
export function renderBoardStage(
  room: ClassroomController,
  board: BoardController,
  t: T,
): TemplateResult {
  const api = board.board;
  const pages = api?.pages() ?? [];
  const page = board.page;
  const at = pages.indexOf(page);
  const moderator = room.moderator;
  const editable = board.editable;
  const locked = !!page && !!api?.isLocked(page);
  const label = t('boardPageOf')
    .replace('{n}', String(at + 1))
    .replace('{total}', String(pages.length));
  return html`<div part="board" class="board" data-page=${page} ?data-locked=${locked}>
    <div part="board-toolbar" class="board-toolbar" role="toolbar" aria-label=${t('board')}>
      ${editable ? renderDrawingTools(board, t) : nothing}
      <div class="board-group" role="group" aria-label=${t('boardPages')}>
        ${
          moderator
            ? html`<button
                class="icon"
                aria-label=${t('boardPrevPage')}
                title=${t('boardPrevPage')}
                ?disabled=${at <= 0}
                @click=${() => board.turn(-1)}
                data-action="board-prev"
              >
                ${prevIcon}
              </button>`
            : nothing
        }
        <span class="board-page" data-board-page=${at + 1}>${at + 1} / ${pages.length}</span>
        ${
          moderator
            ? html`<button
                  class="icon"
                  aria-label=${t('boardNextPage')}
                  title=${t('boardNextPage')}
                  ?disabled=${at < 0 || at >= pages.length - 1}
                  @click=${() => board.turn(1)}
                  data-action="board-next"
                >
                  ${nextIcon}
                </button>
                <button
                  class="icon"
                  aria-label=${t('boardAddPage')}
                  title=${t('boardAddPage')}
                  @click=${() => board.addPage()}
                  data-action="board-add-page"
                >
                  ${addIcon}
                </button>
                <button
                  class="icon"
                  aria-label=${t('boardClearPage')}
                  title=${t('boardClearPage')}
                  @click=${() => board.clearPage()}
                  data-action="board-clear"
                >
                  ${clearIcon}
                </button>
                <button
                  class="icon"
                  aria-pressed=${locked}
                  aria-label=${t('boardLockPage')}
                  title=${t('boardLockPage')}
                  @click=${() => board.toggleLock()}
                  data-action="board-lock"
                >
                  ${lockIcon}
                </button>`
            : locked
              ? html`<span
                  class="board-locked"
                  role="img"
                  aria-label=${t('boardLocked')}
                  title=${t('boardLocked')}
                  >${lockIcon}</span
                >`
              : nothing
        }
      </div>
      <div class="board-group" role="group" aria-label=${t('boardExport')}>
        <button
          class="icon"
          aria-label=${t('exportPng')}
          title=${t('exportPng')}
          ?disabled=${!page}
          @click=${() => void board.exportPng()}
          data-action="board-png"
        >
          ${pngIcon}
        </button>
        <button
          class="icon"
          aria-label=${t('exportPdf')}
          title=${t('exportPdf')}
          ?disabled=${!page || !!board.exporting}
          @click=${() => void board.exportPdf()}
          data-action="board-pdf"
        >
          ${pdfIcon}
        </button>
        ${
          board.exporting
            ? html`<span class="board-progress" role="status" data-export-progress
                ><progress
                  max=${board.exporting.total}
                  value=${board.exporting.done}
                  aria-label=${t('exportPdf')}
                ></progress>
                ${t('exportProgress')
                  .replace('{done}', String(board.exporting.done))
                  .replace('{total}', String(board.exporting.total))}</span
              >`
            : nothing
        }
      </div>
    </div>
    <cosmo-board-surface
      exportparts="board-canvas, board-text, board-cursor"
      .board=${api}
      .page=${page}
      .tool=${board.tool}
      .color=${board.color}
      .size=${board.size}
      ?editable=${editable}
      .self=${room.self?.identity ?? ''}
      .moderator=${moderator}
      .revision=${board.revision}
      .images=${board.images}
      .run=${board.run}
      .label=${label}
      text-label=${t('boardText')}
    ></cosmo-board-surface>
  </div>`;
}

function renderDrawingTools(board: BoardController, t: T): TemplateResult {
  const api = board.board;
  const pictures = board.imageHandouts;
  const pick = (e: Event) => {
    const select = e.target as HTMLSelectElement;
    const id = select.value;
    select.value = '';
    void board.placeImage(id);
  };
  return html`<div class="board-group" role="group" aria-label=${t('boardTools')}>
      ${TOOLS.map(
        ([tool, key, glyph]) =>
          html`<button
            class="icon"
            aria-pressed=${board.tool === tool}
            aria-label=${t(key)}
            title=${t(key)}
            @click=${() => board.choose({ tool })}
            data-tool=${tool}
          >
            ${glyph}
          </button>`,
      )}
    </div>
    <div class="board-group swatches" role="group" aria-label=${t('boardColor')}>
      ${BOARD_COLORS.map(
        (color, i) =>
          html`<button
            class="swatch"
            style="--swatch:${color}"
            aria-pressed=${board.color === color}
            aria-label=${t(COLOR_NAMES[i]!)}
            title=${t(COLOR_NAMES[i]!)}
            @click=${() => board.choose({ color })}
            data-color=${color}
          ></button>`,
      )}
    </div>
    <div class="board-group" role="group" aria-label=${t('boardSize')}>
      <select
        aria-label=${t('boardSize')}
        .value=${String(board.sizeIndex)}
        @change=${(e: Event) =>
          board.choose({ sizeIndex: Number((e.target as HTMLSelectElement).value) })}
        data-action="board-size"
      >
        ${(['sizeSmall', 'sizeMedium', 'sizeLarge'] as const).map(
          (key, i) =>
            html`<option value=${i} ?selected=${board.sizeIndex === i}>${t(key)}</option>`,
        )}
      </select>
      ${
        pictures.length
          ? html`<select aria-label=${t('boardImage')} @change=${pick} data-action="board-image">
              <option value="">${t('boardImage')}</option>
              ${pictures.map((h) => html`<option value=${h.id}>${h.filename}</option>`)}
            </select>`
          : nothing
      }
      <button
        class="icon"
        aria-label=${t('undo')}
        title="${t('undo')} (Ctrl+Z)"
        ?disabled=${!api?.canUndo}
        @click=${() => board.undo()}
        data-action="board-undo"
      >
        ${undoIcon}
      </button>
      <button
        class="icon"
        aria-label=${t('redo')}
        title="${t('redo')} (Ctrl+Shift+Z)"
        ?disabled=${!api?.canRedo}
        @click=${() => board.redo()}
        data-action="board-redo"
      >
        ${redoIcon}
      </button>
    </div>`;
}

/** Moderators' Board toggle among the class tools: the board on stage for everyone, or not. */
export function renderBoardButton(
  room: ClassroomController,
  board: BoardController,
  t: T,
): TemplateResult {
  return html`<button
    aria-pressed=${board.onStage}
    ?disabled=${room.state !== 'connected' || !board.board}
    @click=${() => board.toggleStage()}
    data-action="board"
  >
    ${t('board')}
  </button>`;
}

/** Moderators: a student's Draw toggle in the people list. */
export function renderDrawToggle(
  room: ClassroomController,
  p: ParticipantSummary,
  t: T,
): TemplateResult {
  const draw = !!p.permissions.draw;
  return html`<button
    class="small"
    aria-pressed=${draw}
    aria-label="${t('drawPermission')} ${p.name}"
    @click=${() => room.run((c) => c.setPermissions(p.id, { ...p.permissions, draw: !draw }))}
    data-action="draw"
  >
    ${t('drawPermission')}
  </button>`;
}
