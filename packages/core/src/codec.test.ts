import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clientFrameHead,
  requestField,
  decodeClientFrame,
  decodeClientFrameJson,
  decodeServerFrame,
  decodeServerFrameJson,
  encodeClientFrame,
  encodeClientFrameJson,
  encodeServerFrame,
  encodeServerFrameJson,
  SharedServerEvent,
} from './codec.js';
import { ProtocolError } from './errors.js';
import { cosmo } from './gen/proto.js';
import { loadProtocolRoot, messageArbitrary } from './testing/protoArbitrary.js';

const root = loadProtocolRoot();
const clientType = root.lookupType('cosmo.v1.ClientFrame');
const serverType = root.lookupType('cosmo.v1.ServerFrame');
const clientKinds = clientType.oneofs['request']!.fieldsArray.map((f) => f.name);
const serverKinds = serverType.oneofs['body']!.fieldsArray.map((f) => f.name);

// Compare through the canonical object form, which fills defaults on both sides.
const canonical = {
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
  bytes: String,
} as const;
const clientCanonical = (v: object) =>
  cosmo.v1.ClientFrame.toObject(cosmo.v1.ClientFrame.fromObject(v), canonical);
const serverCanonical = (v: object) =>
  cosmo.v1.ServerFrame.toObject(cosmo.v1.ServerFrame.fromObject(v), canonical);
// JSON has no negative zero; everything else must survive.
const withoutNegativeZero = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v, (_k, x: unknown) => (Object.is(x, -0) ? 0 : x)));

// A valid client frame always has a non-zero id.
const clientFrames = (kind?: string) =>
  messageArbitrary(clientType, kind).map((f) => ({
    ...f,
    id: ((f['id'] as number) % 0xfffffffe) + 1,
  }));
const serverFrames = (kind?: string) => messageArbitrary(serverType, kind);

/** Runs `decode` and reports whether it returned a frame or threw a ProtocolError. */
function outcome(decode: () => unknown): 'value' | 'protocol-error' {
  try {
    decode();
    return 'value';
  } catch (err) {
    if (err instanceof ProtocolError && err.code === 'BAD_FRAME') return 'protocol-error';
    throw err;
  }
}

describe('the protocol', () => {
  it('has request and event kinds for everything the product needs', () => {
    expect(clientKinds).toEqual(
      expect.arrayContaining(['join', 'leave', 'resume', 'createTransport', 'connectTransport']),
    );
    expect(clientKinds).toEqual(
      expect.arrayContaining(['produce', 'consume', 'setPreferredLayers', 'sendChat', 'mute']),
    );
    expect(serverKinds).toEqual(
      expect.arrayContaining(['error', 'join', 'participantJoined', 'activeSpeaker', 'caption']),
    );
    expect(serverKinds).toEqual(expect.arrayContaining(['notification', 'receiptSummary']));
  });
});

describe('binary codec round trip', () => {
  it.each(clientKinds)('every %s request survives encode and decode', (kind) => {
    fc.assert(
      fc.property(clientFrames(kind), (frame) => {
        const decoded = decodeClientFrame(encodeClientFrame(frame));
        expect(decoded.request).toBe(kind);
        expect(cosmo.v1.ClientFrame.toObject(decoded as cosmo.v1.ClientFrame, canonical)).toEqual(
          clientCanonical(frame),
        );
      }),
      { numRuns: 60 },
    );
  });

  it.each(serverKinds)('every %s response or event survives encode and decode', (kind) => {
    fc.assert(
      fc.property(serverFrames(kind), (frame) => {
        const decoded = decodeServerFrame(encodeServerFrame(frame));
        expect(decoded.body).toBe(kind);
        expect(cosmo.v1.ServerFrame.toObject(decoded as cosmo.v1.ServerFrame, canonical)).toEqual(
          serverCanonical(frame),
        );
      }),
      { numRuns: 60 },
    );
  });
});

describe('an event encoded once for many recipients', () => {
  it("decodes, with each recipient's seq, exactly as the frame encoded alone", () => {
    fc.assert(
      fc.property(serverFrames(), fc.nat({ max: 0xffffffff }), (frame, seq) => {
        const body = { ...frame };
        delete body['seq'];
        delete body['requestId'];
        const shared = new SharedServerEvent(body);
        const alone = serverCanonical({ ...body, seq });
        const asShared = (f: object) =>
          cosmo.v1.ServerFrame.toObject(f as cosmo.v1.ServerFrame, canonical);
        expect(asShared(decodeServerFrame(shared.binary(seq)))).toEqual(alone);
        expect(withoutNegativeZero(asShared(decodeServerFrameJson(shared.json(seq))))).toEqual(
          withoutNegativeZero(alone),
        );
      }),
      { numRuns: 1000 },
    );
  });
});

describe('JSON codec round trip', () => {
  it('client frames survive the JSON form', () => {
    fc.assert(
      fc.property(clientFrames(), (frame) => {
        const decoded = decodeClientFrameJson(encodeClientFrameJson(frame));
        expect(
          withoutNegativeZero(
            cosmo.v1.ClientFrame.toObject(decoded as cosmo.v1.ClientFrame, canonical),
          ),
        ).toEqual(withoutNegativeZero(clientCanonical(frame)));
      }),
      { numRuns: 1000 },
    );
  });

  it('server frames survive the JSON form', () => {
    fc.assert(
      fc.property(serverFrames(), (frame) => {
        const decoded = decodeServerFrameJson(encodeServerFrameJson(frame));
        expect(
          withoutNegativeZero(
            cosmo.v1.ServerFrame.toObject(decoded as cosmo.v1.ServerFrame, canonical),
          ),
        ).toEqual(withoutNegativeZero(serverCanonical(frame)));
      }),
      { numRuns: 1000 },
    );
  });

  it('the JSON form names enums, so a log is readable', () => {
    const text = encodeClientFrameJson({
      id: 7,
      createTransport: { direction: cosmo.v1.TransportDirection.TRANSPORT_DIRECTION_SEND },
    });
    expect(JSON.parse(text)).toEqual({
      id: 7,
      createTransport: { direction: 'TRANSPORT_DIRECTION_SEND' },
    });
  });
});

describe('decoding untrusted bytes', () => {
  it('10,000 random byte strings decode to a frame or a BAD_FRAME ProtocolError, nothing else', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        seen.add(outcome(() => decodeClientFrame(bytes)));
        seen.add(outcome(() => decodeServerFrame(bytes)));
      }),
      { numRuns: 10_000 },
    );
    expect(seen).toContain('protocol-error');
  });

  it('10,000 mutated valid frames decode to a frame or a BAD_FRAME ProtocolError', () => {
    const mutation = fc.oneof(
      fc.record({
        op: fc.constant('flip' as const),
        at: fc.nat(),
        xor: fc.integer({ min: 1, max: 255 }),
      }),
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: fc.nat({ max: 255 }) }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
    );
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        clientFrames(),
        serverFrames(),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (c, s, ms) => {
          for (const valid of [encodeClientFrame(c), encodeServerFrame(s)]) {
            let bytes = Array.from(valid);
            for (const m of ms) {
              const at = bytes.length === 0 ? 0 : m.at % bytes.length;
              if (m.op === 'flip' && bytes.length > 0) bytes[at] = bytes[at]! ^ m.xor;
              else if (m.op === 'truncate') bytes = bytes.slice(0, at);
              else if (m.op === 'insert') bytes.splice(at, 0, m.byte);
              else if (m.op === 'delete') bytes.splice(at, 1);
            }
            const mutated = Uint8Array.from(bytes);
            seen.add(outcome(() => decodeClientFrame(mutated)));
            seen.add(outcome(() => decodeServerFrame(mutated)));
          }
        },
      ),
      { numRuns: 10_000 },
    );
    expect(seen).toEqual(new Set(['value', 'protocol-error']));
  });

  it('random JSON values decode to a frame or a BAD_FRAME ProtocolError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        outcome(() => decodeClientFrameJson(text));
        outcome(() => decodeServerFrameJson(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('a frame over the size limit is refused before parsing', () => {
    const big = encodeClientFrame({ id: 1, sendChat: { text: 'x'.repeat(100) } });
    expect(() => decodeClientFrame(big, { maxBytes: 50 })).toThrow(/exceeds the limit of 50 bytes/);
    expect(() =>
      decodeClientFrameJson(JSON.stringify({ id: 1, sendChat: { text: 'x'.repeat(100) } }), {
        maxBytes: 50,
      }),
    ).toThrow(ProtocolError);
    expect(decodeClientFrame(big, { maxBytes: big.byteLength }).sendChat?.text).toHaveLength(100);
  });

  it("a frame's id and request are read from its head, to answer one too large to decode", () => {
    const lesson = encodeClientFrame({ id: 300_000, setLesson: { text: 'x'.repeat(70_000) } });
    expect(clientFrameHead(lesson)).toEqual({ id: 300_000, field: requestField('setLesson') });
    expect(requestField('setLesson')).toBe(61);
    expect(requestField('join')).toBe(10);
    expect(clientFrameHead(lesson.subarray(0, 1))).toBeUndefined();
    expect(clientFrameHead(new Uint8Array([0x10, 0x01]))).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const head = clientFrameHead(bytes);
        if (head) expect(head.id).toBeGreaterThan(0);
      }),
    );
  });

  it('a truncated frame is a BAD_FRAME', () => {
    const bytes = encodeClientFrame({ id: 9, sendChat: { text: 'hello class' } });
    expect(() => decodeClientFrame(bytes.subarray(0, bytes.length - 3))).toThrow(ProtocolError);
  });

  it('a frame whose oneof member is unknown to this version is a BAD_FRAME', () => {
    // Field 999 with a length-delimited empty payload: a request kind from the future.
    const bytes = Uint8Array.from([0x08, 0x01, 0xba, 0x3e, 0x00]);
    expect(() => decodeClientFrame(bytes)).toThrow(/no known request/);
  });

  it('a request without an id is a BAD_FRAME', () => {
    const bytes = encodeClientFrame({ leave: {} });
    expect(() => decodeClientFrame(bytes)).toThrow(/non-zero/);
  });

  it('an empty frame and non-object JSON are BAD_FRAMEs', () => {
    expect(() => decodeClientFrame(new Uint8Array())).toThrow(ProtocolError);
    expect(() => decodeClientFrameJson('[1,2]')).toThrow(/must be an object/);
    expect(() => decodeClientFrameJson('{"id":1,"ping":5}')).toThrow(ProtocolError);
    expect(() => decodeServerFrameJson('not json')).toThrow(ProtocolError);
  });
});
