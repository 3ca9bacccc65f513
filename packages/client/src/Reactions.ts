// Reactions: the fixed set a class may send, and the totals it receives.

/** The reactions a participant may send (the server refuses anything else). */
export const REACTIONS = ['👍', '👏', '😂', '❓', '🙋'] as const;

/** One of the fixed reactions. */
export type Reaction = (typeof REACTIONS)[number];

/** Whether `emoji` is one of the fixed reactions. */
export function isReaction(emoji: string): emoji is Reaction {
  return (REACTIONS as readonly string[]).includes(emoji);
}

/** How many of each reaction the class sent since the last such event (unknown ones dropped). */
export type ReactionCounts = Partial<Record<Reaction, number>>;

export function reactionCountsFromProto(
  counts: Record<string, number> | null | undefined,
): ReactionCounts {
  const out: ReactionCounts = {};
  for (const [emoji, n] of Object.entries(counts ?? {}))
    if (isReaction(emoji) && n > 0) out[emoji] = n;
  return out;
}
