// captions: from the end of a spoken sentence to its final caption at a student (English), and
// the time translation adds (Spanish), through the real path: a Node teacher publishes espeak-ng
// speech over WebRTC, the SFU taps it, recognises it, translates it. Baselines measured in the
// same run: the recogniser alone on the same sentence (decode time, no network), and apertium
// alone on the same text. Then the captions evaluation (accuracy and confidence, against the stock
// recogniser on the same audio), unless `evaluation: false`.
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { CosmoClient } from '@cosmo/client';
import { pcmTrack, useNodeWebRtc } from '@cosmo/client/node';
import { startEphemeralServer } from '@cosmo/sfu';
import {
  ApertiumTranslator,
  PocketsphinxSpeechToText,
  evaluateCaptions,
  formatEvaluation,
  synthesizeSpeech,
} from '@cosmo/translate';
import { percentile } from '../server.mjs';

useNodeWebRtc(wrtc);

const SENTENCES = [
  'Today we study optics.',
  'Light travels in straight lines.',
  'A mirror reflects the light.',
  'The angle of incidence equals the angle of reflection.',
  'When light enters water it bends.',
  'A lens can focus the light.',
];

async function client(server, identity, role) {
  const c = new CosmoClient({
    url: server.url,
    token: await server.token('bench-captions', identity, role),
    WebSocket,
    handlerName: 'Chrome111',
    autoSubscribe: 'none',
  });
  await c.connect();
  return c;
}

/**
 * @param {{ sentences?: number, gapMs?: number, evaluation?: boolean, log?: (line: string) => void }} [options]
 */
export async function run(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const sentences = SENTENCES.slice(0, options.sentences ?? SENTENCES.length);
  const gapMs = options.gapMs ?? 1200;
  const lesson = sentences.join(' ');
  log(`captions: ${sentences.length} sentences`);
  const server = await startEphemeralServer();
  const clients = [];
  try {
    // Baselines: each sentence decoded offline, and translated directly.
    const recogniser = new PocketsphinxSpeechToText({ lessonText: lesson });
    const decoder = recogniser.utterances();
    const decodeMs = [];
    for (const s of sentences) {
      const pcm = synthesizeSpeech(s);
      const decoding = decoder.begin();
      decoding.write(pcm);
      const t0 = performance.now();
      await decoding.finish();
      decodeMs.push(performance.now() - t0);
    }
    decoder.close();
    await recogniser.close();
    const translator = new ApertiumTranslator();
    await translator.translate('warm up', 'en', 'es');
    const translateMs = [];
    for (const s of sentences) {
      const t0 = performance.now();
      await translator.translate(s, 'en', 'es');
      translateMs.push(performance.now() - t0);
    }
    await translator.close();

    // The lecture: a teacher, a student reading English, one reading Spanish.
    const teacher = await client(server, 'teacher', 'teacher');
    const en = await client(server, 'reader-en', 'student');
    const es = await client(server, 'reader-es', 'student');
    clients.push(teacher, en, es);
    const arrivals = { en: new Map(), es: new Map() };
    for (const [c, lang] of [
      [en, 'en'],
      [es, 'es'],
    ]) {
      c.on('caption', (e) => {
        const cap = e?.caption;
        if (cap?.final && cap.language === lang && !arrivals[lang].has(cap.sequence))
          arrivals[lang].set(cap.sequence, Date.now());
      });
      await c.subscribeCaptions(lang);
    }
    await teacher.request('setLesson', { text: lesson, language: 'en' });

    // The audio: 1.5 s of quiet, then each sentence followed by `gapMs` of silence.
    const rate = 48000;
    const parts = [new Int16Array(rate * 1.5)];
    const ends = [];
    let at = parts[0].length;
    for (const s of sentences) {
      const speech = synthesizeSpeech(s, rate);
      parts.push(speech, new Int16Array(Math.round((rate * gapMs) / 1000)));
      // The voice ends before the clip does: espeak-ng pads it with quiet.
      let voiced = speech.length - 1;
      while (voiced > 0 && Math.abs(speech[voiced]) < 300) voiced--;
      ends.push(at + voiced);
      at += speech.length;
      at += Math.round((rate * gapMs) / 1000);
    }
    const audio = new Int16Array(at);
    let offset = 0;
    for (const p of parts) {
      audio.set(p, offset);
      offset += p.length;
    }
    const startedAt = Date.now();
    const track = pcmTrack(wrtc, audio, rate);
    await teacher.publish(track.track, 'microphone');
    log(`captions: speaking for ${(audio.length / rate).toFixed(1)} s`);
    await track.done;
    await new Promise((r) => setTimeout(r, 4000));
    track.stop();

    // Caption n belongs to sentence n (one utterance each, in order).
    const spokenEnd = ends.map((e) => startedAt + (e / rate) * 1000);
    const sequences = [...arrivals.en.keys()].sort((a, b) => a - b);
    const latency = [];
    const added = [];
    sequences.forEach((seq, i) => {
      if (i >= spokenEnd.length) return;
      latency.push(arrivals.en.get(seq) - spokenEnd[i]);
      if (arrivals.es.has(seq)) added.push(arrivals.es.get(seq) - arrivals.en.get(seq));
    });
    const p50 = percentile(latency, 50);
    const decode50 = percentile(decodeMs, 50);
    const rows = [
      { label: 'speech end → final caption, p50', value: p50 },
      { label: 'speech end → final caption, max', value: Math.max(...latency) },
      { label: 'baseline: decode alone, p50', value: decode50 },
      { label: 'translation added at the student, p50', value: percentile(added, 50) },
      { label: 'baseline: apertium alone, p50', value: percentile(translateMs, 50) },
    ];
    const table = {
      sentences: sentences.length,
      captions: sequences.length,
      latencyMs: latency,
      translationAddedMs: added,
      decodeBaselineMs: decodeMs,
      translateBaselineMs: translateMs,
      latencyOverDecode: p50 / decode50,
    };
    for (const c of clients) await c.close().catch(() => undefined);
    clients.length = 0;
    if (options.evaluation !== false) {
      const evaluation = await evaluateCaptions({
        lessonBiased: (lessonText) => new PocketsphinxSpeechToText({ lessonText }),
        stock: () => new PocketsphinxSpeechToText(),
        log,
      });
      table.evaluation = { rows: evaluation.rows, readWerByVoice: evaluation.readWerByVoice };
      table.evaluationMarkdown = formatEvaluation(evaluation);
      for (const r of evaluation.rows) {
        rows.push({ label: `WER, ${r.kind} (lesson-biased, %)`, value: r.wer * 100 });
        rows.push({ label: `WER, ${r.kind} (stock model, %)`, value: r.stockWer * 100 });
        rows.push({ label: `shown uncertain, ${r.kind} (%)`, value: r.uncertainShare * 100 });
      }
    }
    return {
      title: 'Captions: speech end to caption (ms), and accuracy (%)',
      unit: '',
      rows,
      table,
    };
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    await server.close();
  }
}

export function print(result) {
  console.log('| measure | ms |');
  console.log('| --- | ---: |');
  for (const r of result.rows.filter((r) => !r.label.includes('%')))
    console.log(`| ${r.label} | ${r.value.toFixed(0)} |`);
  console.log(
    `\n${result.table.captions}/${result.table.sentences} sentences captioned; ` +
      `caption latency = ${result.table.latencyOverDecode.toFixed(1)}× the decode alone`,
  );
  if (result.table.evaluationMarkdown) console.log(`\n${result.table.evaluationMarkdown}`);
}
