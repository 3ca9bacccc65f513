import { describe, expect, it } from 'vitest';
import { chaptersMetadata, composeArgs } from './composeArgs.js';
import { Timeline, stretchesOf } from './timeline.js';

describe('a recording’s timeline', () => {
  it('joins the stretches recording was on, leaving out the time it was off', () => {
    const stretches = stretchesOf(
      [
        { type: 'on', at: 1000 },
        { type: 'off', at: 4000 },
        { type: 'chapter', at: 5000, title: 'ignored here' },
        { type: 'on', at: 10_000 },
        { type: 'off', at: 12_000 },
      ],
      99_999,
    );
    expect(stretches).toEqual([
      { from: 1000, to: 4000 },
      { from: 10_000, to: 12_000 },
    ]);
    const t = new Timeline(stretches);
    expect(t.durationMs).toBe(5000);
    expect(t.toMedia(1000)).toBe(0);
    expect(t.toMedia(2500)).toBe(1500);
    // While off: where the next stretch begins.
    expect(t.toMedia(7000)).toBe(3000);
    expect(t.toMedia(11_000)).toBe(4000);
    expect(t.toMedia(50_000)).toBe(5000);
    expect(t.covers(7000)).toBe(false);
    expect(t.covers(11_000)).toBe(true);
  });

  it('closes a stretch left open (the server died) at the last recorded moment', () => {
    expect(stretchesOf([{ type: 'on', at: 1000 }], 8000)).toEqual([{ from: 1000, to: 8000 }]);
    // Nothing recorded after it opened: no stretch.
    expect(stretchesOf([{ type: 'on', at: 1000 }], 500)).toEqual([]);
    // A second `on` without an `off` between is the same stretch.
    expect(
      stretchesOf(
        [
          { type: 'on', at: 1000 },
          { type: 'on', at: 2000 },
          { type: 'off', at: 3000 },
        ],
        0,
      ),
    ).toEqual([{ from: 1000, to: 3000 }]);
  });
});

describe('the publisher’s ffmpeg arguments', () => {
  const options = { width: 1280, height: 720, fps: 15, videoKbps: 1200, audioKbps: 64, threads: 2 };

  it('lays video segments on a black canvas by layer, delays and mixes the sound, carries captions and chapters', () => {
    const args = composeArgs({
      segments: [
        {
          file: 'screen.webm',
          kind: 'video',
          source: 'screen',
          offsetMs: 5000,
          durationMs: 1000,
          layer: 2,
        },
        {
          file: 'cam.webm',
          kind: 'video',
          source: 'camera',
          offsetMs: 0,
          durationMs: 9000,
          layer: 1,
        },
        {
          file: 'mic.webm',
          kind: 'audio',
          source: 'microphone',
          offsetMs: 250,
          durationMs: 9000,
          layer: 0,
        },
        {
          file: 'student.webm',
          kind: 'audio',
          source: 'microphone',
          offsetMs: 4000,
          durationMs: 2000,
          layer: 0,
        },
      ],
      durationMs: 9500,
      captions: [
        { language: 'ja', file: 'captions.ja.vtt' },
        { language: 'zh', file: 'captions.zh.vtt' },
      ],
      chaptersFile: 'chapters.ffmeta',
      title: 'Lesson 3',
      output: 'out.webm',
      options,
    });
    const inputs = args.flatMap((a, i) => (a === '-i' ? [args[i + 1]] : []));
    // The camera (lower layer) is drawn first, the screen above it.
    expect(inputs).toEqual([
      'cam.webm',
      'screen.webm',
      'mic.webm',
      'student.webm',
      'captions.ja.vtt',
      'captions.zh.vtt',
      'chapters.ffmeta',
    ]);
    const graph = args[args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('color=c=black:s=1280x720:r=15:d=9.500');
    expect(graph).toContain('[1:v:0]setpts=PTS-STARTPTS+5.000/TB');
    expect(graph).toContain('[base1][v1]overlay');
    expect(graph).toContain('adelay=4000:all=1[a1]');
    expect(graph).toContain('amix=inputs=2');
    expect(args.join(' ')).toContain('-map 4:s:0 -map 5:s:0 -map_chapters 6');
    expect(args.join(' ')).toContain('-metadata:s:s:0 language=jpn -metadata:s:s:1 language=zho');
    expect(args.slice(-8)).toEqual([
      '-t',
      '9.500',
      '-progress',
      'pipe:1',
      '-nostats',
      '-f',
      'webm',
      'out.webm',
    ]);
  });

  it('makes silence when nothing was heard', () => {
    const args = composeArgs({
      segments: [
        {
          file: 'cam.webm',
          kind: 'video',
          source: 'camera',
          offsetMs: 0,
          durationMs: 1000,
          layer: 1,
        },
      ],
      durationMs: 1000,
      captions: [],
      title: 't',
      output: 'o.webm',
      options,
    });
    expect(args[args.indexOf('-filter_complex') + 1]).toContain('anullsrc');
    expect(args).not.toContain('-c:s');
  });

  it('writes chapters each up to the next, escaping what ffmetadata reads as syntax', () => {
    expect(
      chaptersMetadata(
        [
          { atMs: 0, title: 'Poll: a=b; c#' },
          { atMs: 4000, title: 'Screen' },
        ],
        9000,
      ),
    ).toBe(
      ';FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=4000\ntitle=Poll: a\\=b\\; c\\#\n' +
        '[CHAPTER]\nTIMEBASE=1/1000\nSTART=4000\nEND=9000\ntitle=Screen\n',
    );
  });
});
