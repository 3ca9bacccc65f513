import { describe, expect, it } from 'vitest';
import { formatTranscript } from './transcript.js';

const lines = [
  {
    room: 'r',
    sequence: 1,
    speaker: 'tanaka',
    language: 'en',
    text: 'Today we study optics.',
    startMs: 1500,
    endMs: 3250,
  },
  {
    room: 'r',
    sequence: 2,
    speaker: 'tanaka',
    language: 'en',
    text: 'Light --> travels.',
    startMs: 3_723_004,
    endMs: 3_725_000,
  },
];

describe('transcript export', () => {
  it('writes WebVTT', () => {
    expect(formatTranscript(lines, 'vtt')).toBe(
      'WEBVTT\n\n1\n00:00:01.500 --> 00:00:03.250\nToday we study optics.\n\n2\n01:02:03.004 --> 01:02:05.000\nLight → travels.\n',
    );
  });

  it('writes SubRip', () => {
    expect(formatTranscript(lines, 'srt')).toBe(
      '1\n00:00:01,500 --> 00:00:03,250\nToday we study optics.\n\n2\n01:02:03,004 --> 01:02:05,000\nLight → travels.\n',
    );
  });

  it('writes plain text', () => {
    expect(formatTranscript(lines, 'txt')).toBe('Today we study optics.\nLight --> travels.\n');
    expect(formatTranscript([], 'txt')).toBe('');
  });
});
