import * as Y from 'yjs';

/** Something an update adds: to which root, under which key (maps), by which Yjs client. */
export interface Insertion {
  root: string;
  key: string | null;
  client: number;
  /** The JSON values it adds, or null when it adds another kind of content (text, types…). */
  values: unknown[] | null;
}

/** Something an update deletes that the document holds. */
export interface Deletion {
  root: string;
  key: string | null;
  /** The JSON values deleted (null: another kind of content). */
  values: unknown[] | null;
}

/** Why an update cannot be read against the document. */
export class UnreadableUpdate extends Error {
  constructor(
    message: string,
    readonly outOfSync = false,
  ) {
    super(message);
  }
}

interface Span {
  clock: number;
  length: number;
  at: Place;
}

/** Where an item lands: its root type, and its key when the root is a map. */
interface Place {
  root: string;
  key: string | null;
}

/**
 * What a Yjs update would do to `doc`, read before applying it: each insertion with the root type
 * it lands in (found from its parent, or from the item it was inserted next to, in the document
 * or earlier in the update), and each deletion of content the document holds. Throws
 * UnreadableUpdate when the bytes are not an update, when it adds inside nested types (the board
 * has none), or when it builds on items neither holds (`outOfSync`: the sender should sync again).
 */
export function inspectUpdate(
  doc: Y.Doc,
  update: Uint8Array,
): { insertions: Insertion[]; deletions: Deletion[] } {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    throw new UnreadableUpdate('not a Yjs update');
  }
  const spans = new Map<number, Span[]>();
  const placeInUpdate = (id: Y.ID): Place | undefined =>
    spans.get(id.client)?.find((s) => id.clock >= s.clock && id.clock < s.clock + s.length)?.at;

  const insertions: Insertion[] = [];
  let pending = decoded.structs.filter((s): s is Y.Item => {
    // What the document already holds (a replayed or re-sent change) adds nothing.
    if (s instanceof Y.Item) return !holds(doc, s);
    if (s instanceof Y.GC) return false; // Content already gone: nothing to add.
    throw new UnreadableUpdate(
      'the update has gaps (it builds on changes it does not carry)',
      true,
    );
  });
  // An item names its parent only when it has no neighbours; the others are found through the
  // neighbour they were inserted next to, which may come later in the update: resolve in passes.
  while (pending.length) {
    const left: Y.Item[] = [];
    for (const item of pending) {
      const at = placeOf(doc, item, placeInUpdate);
      if (at === undefined) {
        left.push(item);
        continue;
      }
      const list = spans.get(item.id.client) ?? [];
      list.push({ clock: item.id.clock, length: item.length, at });
      spans.set(item.id.client, list);
      insertions.push({
        root: at.root,
        key: at.key,
        client: item.id.client,
        values:
          item.content instanceof Y.ContentAny
            ? item.content.arr
            : item.content instanceof Y.ContentDeleted
              ? []
              : null,
      });
    }
    if (left.length === pending.length)
      throw new UnreadableUpdate('the update builds on changes the board does not have', true);
    pending = left;
  }

  const deletions: Deletion[] = [];
  for (const [client, ranges] of decoded.ds.clients) {
    for (const { clock, len } of ranges) {
      for (const part of itemsIn(doc, client, clock, len)) deletions.push(part);
    }
  }
  return { insertions, deletions };
}

/**
 * Where an item lands, or undefined while its neighbour is not known yet. An item names its
 * parent (and map key) only when it has no neighbour; otherwise it lands where its neighbour is
 * (a map value replacing another has the old one as its neighbour).
 */
function placeOf(
  doc: Y.Doc,
  item: Y.Item,
  placeInUpdate: (id: Y.ID) => Place | undefined,
): Place | undefined {
  const parent = item.parent as unknown;
  if (typeof parent === 'string') return { root: parent, key: item.parentSub };
  if (parent instanceof Y.ID) throw new UnreadableUpdate('the board holds no nested types');
  for (const near of [item.origin, item.rightOrigin]) {
    if (!near) continue;
    const found = itemAt(doc, near);
    if (found) return { root: rootKey(found), key: found.parentSub };
    const inUpdate = placeInUpdate(near);
    if (inUpdate !== undefined) return inUpdate;
  }
  return undefined;
}

/** Whether the document already holds all of an item (its last clock is within its state). */
function holds(doc: Y.Doc, item: Y.Item): boolean {
  const structs = doc.store.clients.get(item.id.client);
  const last = structs?.at(-1);
  return last !== undefined && item.id.clock + item.length <= last.id.clock + last.length;
}

/** The document's item holding `id`, if the document has it. */
function itemAt(doc: Y.Doc, id: Y.ID): Y.Item | undefined {
  const structs = doc.store.clients.get(id.client);
  const last = structs?.at(-1);
  if (!last || id.clock >= last.id.clock + last.length) return undefined;
  const struct = Y.getItem(doc.store, id) as Y.AbstractStruct;
  return struct instanceof Y.Item ? struct : undefined;
}

/** The root type's name of an item of the document (nested types are refused). */
function rootKey(item: Y.Item): string {
  const parent = item.parent as Y.AbstractType<unknown>;
  if (parent._item !== null) throw new UnreadableUpdate('the board holds no nested types');
  return Y.findRootTypeKey(parent);
}

/** What the document holds in a deleted range: per item, its root and the values cut out. */
function itemsIn(doc: Y.Doc, client: number, clock: number, len: number): Deletion[] {
  const structs = doc.store.clients.get(client);
  if (!structs) return [];
  const out: Deletion[] = [];
  const end = clock + len;
  let at = clock;
  while (at < end) {
    const last = structs.at(-1)!;
    if (at >= last.id.clock + last.length) break; // Deletes what the document never had: no-op.
    const struct = Y.getItem(doc.store, Y.createID(client, at)) as Y.AbstractStruct;
    const from = at - struct.id.clock;
    const to = Math.min(struct.length, end - struct.id.clock);
    if (struct instanceof Y.Item && !struct.deleted) {
      out.push({
        root: rootKey(struct),
        key: struct.parentSub,
        values: struct.content instanceof Y.ContentAny ? struct.content.arr.slice(from, to) : null,
      });
    }
    at = struct.id.clock + to;
  }
  return out;
}
