import { html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import { REACTIONS, type Reaction, type ReactionCounts } from '../Reactions.js';
import type { MessageKey } from './i18n.js';

type T = (key: MessageKey) => string;

/** One reaction floating over the stage: one per emoji per update, sized by how many sent it. */
export interface Bubble {
  id: number;
  emoji: Reaction;
  count: number;
  /** Size in px. */
  size: number;
  /** Where it rises, in % of the stage's width from its right edge. */
  right: number;
  /** Until when (ms) it is shown. */
  until: number;
}

/** How long a bubble floats. */
export const BUBBLE_MS = 2600;
/** The most bubbles over the stage at once (the oldest go first). */
export const MAX_BUBBLES = 12;

let nextBubble = 1;

/** The size of a bubble for `count` reactions: 28 px for one, growing slowly, at most 64 px. */
export function bubbleSize(count: number): number {
  return Math.min(64, Math.round(28 + 9 * Math.log2(Math.max(1, count))));
}

/**
 * Adds the bubbles of one reactions update: one per emoji (however many sent it), in a lane
 * of its own so that a class reacting together does not pile up.
 */
export function addBubbles(
  bubbles: readonly Bubble[],
  counts: ReactionCounts,
  now: number,
): Bubble[] {
  const added = REACTIONS.filter((e) => (counts[e] ?? 0) > 0).map((emoji) => {
    const count = counts[emoji]!;
    return {
      id: nextBubble++,
      emoji,
      count,
      size: bubbleSize(count),
      right: 4 + REACTIONS.indexOf(emoji) * 7 + (nextBubble % 3) * 2,
      until: now + BUBBLE_MS,
    };
  });
  return [...bubbles, ...added].slice(-MAX_BUBBLES);
}

/** The bubbles still floating at `now`. */
export function pruneBubbles(bubbles: readonly Bubble[], now: number): Bubble[] {
  return bubbles.filter((b) => b.until > now);
}

/** What the bubbles on screen add up to, per emoji, in the fixed order (the teacher's counts). */
export function bubbleTotals(bubbles: readonly Bubble[]): [Reaction, number][] {
  const totals = new Map<Reaction, number>();
  for (const b of bubbles) totals.set(b.emoji, (totals.get(b.emoji) ?? 0) + b.count);
  return REACTIONS.filter((e) => totals.has(e)).map((e) => [e, totals.get(e)!]);
}

const NAMES: Record<Reaction, MessageKey> = {
  '👍': 'reactThumbsUp',
  '👏': 'reactClap',
  '😂': 'reactLaugh',
  '❓': 'reactQuestion',
  '🙋': 'reactHand',
};

/** The reaction's name in the UI language ("Thumbs up"). */
export function reactionName(t: T, emoji: Reaction): string {
  return t(NAMES[emoji]);
}

/** The five reaction buttons; they rest for a moment after the server said "too many". */
export function renderReactionsBar(
  t: T,
  options: { enabled: boolean; resting: boolean; react: (emoji: Reaction) => void },
): TemplateResult {
  return html`<div
    part="reactions"
    class="group reactions"
    role="group"
    aria-label=${t('reactions')}
  >
    ${REACTIONS.map(
      (emoji) =>
        html`<button
          class="reaction"
          data-reaction=${emoji}
          aria-label=${reactionName(t, emoji)}
          title=${reactionName(t, emoji)}
          ?disabled=${!options.enabled || options.resting}
          @click=${() => options.react(emoji)}
        >
          ${reactionIcon(emoji)}
        </button>`,
    )}
    ${options.resting ? html`<span class="hint reactions-rest" role="status">${t('reactionsResting')}</span>` : nothing}
  </div>`;
}

/**
 * The reactions over the stage. Everyone sees them float up (still, and fading, with reduced
 * motion); moderators also read the counts of what is on screen, so a class of forty reads as
 * "👍 31", not as forty thumbs.
 */
export function renderFloatingReactions(
  t: T,
  bubbles: readonly Bubble[],
  moderator: boolean,
): TemplateResult | typeof nothing {
  if (bubbles.length === 0) return nothing;
  const totals = bubbleTotals(bubbles);
  return html`<div part="reactions-layer" class="reactions-layer" aria-hidden="true">
      ${bubbles.map(
        (b) =>
          html`<span
            class="bubble"
            data-reaction=${b.emoji}
            data-count=${b.count}
            style="right:${b.right}%;--size:${b.size}px"
            >${reactionIcon(b.emoji)}${b.count > 1 ? html`<b>${b.count}</b>` : nothing}</span
          >`,
      )}
    </div>
    ${
      moderator
        ? html`<div
            part="reaction-counts"
            class="reaction-counts"
            role="group"
            aria-label=${t('reactions')}
          >
            ${totals.map(
              ([emoji, n]) =>
                html`<span
                  class="count"
                  data-reaction=${emoji}
                  aria-label="${reactionName(t, emoji)}: ${n}"
                  >${reactionIcon(emoji)} ${n}</span
                >`,
            )}
          </div>`
        : nothing
    }`;
}

// Drawn, not typed: emoji fonts are missing on many school machines (the wire still says "👍").
const yellow = '#f5c542';
const hand =
  'M12 2a1.5 1.5 0 0 1 1.5 1.5V11h1V4.5a1.5 1.5 0 0 1 3 0V12h1V7.5a1.5 1.5 0 0 1 3 0V15a7 7 0 0 1-7 7h-1a7 7 0 0 1-6.06-3.5L3.2 14.1a1.5 1.5 0 0 1 2.6-1.5L8 15.5V5.5a1.5 1.5 0 0 1 3 0V11h-.5V3.5A1.5 1.5 0 0 1 12 2z';
const icons: Record<Reaction, SVGTemplateResult> = {
  '👍': svg`<path fill=${yellow} d="M2 21h4V10H2v11zm20-10c0-1.1-.9-2-2-2h-6.3l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L13.17 2 7.6 7.6C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h8c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-1z"/>`,
  '👏': svg`<g fill=${yellow} stroke="#b8860b" stroke-width=".6"><path transform="rotate(-18 12 14) translate(-2.5 1) scale(.85)" d=${hand}/><path transform="rotate(16 12 14) translate(4 1.5) scale(.85)" d=${hand}/></g><path d="M3 4l2 2M2 8h2.5M6 2l.8 2.3" stroke=${yellow} stroke-width="1.4" stroke-linecap="round"/>`,
  '😂': svg`<circle cx="12" cy="12" r="10" fill=${yellow}/><path d="M6.5 9.5q1.5-2 3 0M14.5 9.5q1.5-2 3 0" stroke="#5a3a00" stroke-width="1.4" fill="none" stroke-linecap="round"/><path d="M6.5 13h11a5.5 5.5 0 0 1-11 0z" fill="#5a3a00"/><path d="M3 10.5q-1.8 2.6 0 3.8q1.8-1.2 0-3.8zM21 10.5q-1.8 2.6 0 3.8q1.8-1.2 0-3.8z" fill="#4aa3ff"/>`,
  '❓': svg`<path fill="#e5484d" d="M12 2.5c-3.6 0-6.2 2.3-6.4 5.7h3.6c.15-1.5 1.2-2.5 2.8-2.5 1.5 0 2.6.9 2.6 2.2 0 1.1-.5 1.7-2 2.7-1.8 1.1-2.6 2.3-2.5 4.3v.8h3.5v-.6c0-1.2.4-1.8 2-2.8 1.8-1.1 2.9-2.5 2.9-4.7 0-3-2.7-5.1-6.5-5.1zM10.1 18.2h3.8v3.5h-3.8z"/>`,
  '🙋': svg`<path fill=${yellow} d=${hand}/>`,
};

/** A reaction drawn as an icon (hidden from screen readers: its button or label names it). */
export function reactionIcon(emoji: Reaction): TemplateResult {
  return html`<svg class="reaction-icon" viewBox="0 0 24 24" aria-hidden="true">
    ${icons[emoji]}
  </svg>`;
}
