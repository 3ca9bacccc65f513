import { describe, expect, it } from 'vitest';
import { recordingFromJson } from '../RecordingsApi.js';
import { clock, defaultCaptionLanguage, publishing } from './recordings.controller.js';

describe('the recordings tab', () => {
  it('shows times in a recording as a clock', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(7_400)).toBe('0:07');
    expect(clock(754_000)).toBe('12:34');
    expect(clock(3_723_000)).toBe('1:02:03');
  });

  it("starts with the viewer's caption language when the recording has it, else the spoken one", () => {
    expect(defaultCaptionLanguage(['ja', 'es', 'zh-Hans'], 'es')).toBe('es');
    expect(defaultCaptionLanguage(['ja', 'es', 'zh-Hans'], 'zh')).toBe('zh-Hans');
    expect(defaultCaptionLanguage(['ja', 'es'], 'ES')).toBe('es');
    expect(defaultCaptionLanguage(['ja', 'es'], 'fr')).toBe('ja');
    expect(defaultCaptionLanguage(['ja', 'es'], '')).toBe('ja');
    expect(defaultCaptionLanguage([], 'es')).toBeUndefined();
  });

  it('asks the server again only while something is being published', () => {
    const r = (status: string) => recordingFromJson({ id: status, status });
    expect(publishing([r('ready'), r('publishing')])).toBe(true);
    expect(publishing([r('ready'), r('failed'), r('recording'), r('stopped')])).toBe(false);
  });
});
