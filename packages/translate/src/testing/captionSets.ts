import type { Voice } from '../speech.js';

/**
 * The captions evaluation's material, written apart from the recogniser's code and tuning: a
 * lesson, and four kinds of things a teacher says during it.
 */
export const EVALUATION_LESSON = [
  'Good morning everyone, today we learn about the water cycle.',
  'The sun warms the water in the sea.',
  'Warm water turns into vapor and rises into the air.',
  'High in the sky the vapor cools and forms clouds.',
  'When the clouds grow heavy, the water falls as rain or snow.',
  'Rain runs into rivers and the rivers carry it back to the sea.',
  'Some water sinks into the ground and plants drink it.',
  'Plants give water back to the air through their leaves.',
  'This journey repeats again and again, and we call it the water cycle.',
  'Please open your notebooks and draw the cycle with four arrows.',
].join(' ');

/** Sentences of the lesson, read as written. */
export const READ_SENTENCES = [
  'The sun warms the water in the sea.',
  'Warm water turns into vapor and rises into the air.',
  'High in the sky the vapor cools and forms clouds.',
  'When the clouds grow heavy, the water falls as rain or snow.',
  'Rain runs into rivers and the rivers carry it back to the sea.',
  'Some water sinks into the ground and plants drink it.',
  'Please open your notebooks and draw the cycle with four arrows.',
];

/** New sentences made only of the lesson's words. */
export const LESSON_WORD_SENTENCES = [
  'The clouds carry the water back to the ground.',
  'Plants in the sea grow heavy with rain.',
  'Draw the sun and the clouds in your notebooks.',
  'The rivers cool the air in the morning.',
];

/** Everyday speech that has nothing to do with the lesson. */
export const EVERYDAY_SENTENCES = [
  'Could somebody close the door behind you?',
  'I think my phone is ringing in my bag.',
  'We will have lunch a little later today.',
  'Did anyone see where I put my glasses?',
  'The bus was late so I had to walk.',
  'My brother bought a new car last week.',
  'Can you hear me at the back of the room?',
  'Let us take a short break for ten minutes.',
];

/** Lesson words and everyday words in one sentence. */
export const MIXED_SENTENCES = [
  'My little brother loves to watch the rain from his window.',
  'I forgot my umbrella so the rain made my shoes wet.',
  'The weather report says the clouds will stay all weekend.',
  'Yesterday the river near my house was very loud.',
];

/** Two espeak-ng voices at two speeds, under quiet pink noise. */
export const EVALUATION_VOICES: (Voice & { label: string })[] = [
  { label: 'en-us, 140 wpm', voice: 'en-us', wordsPerMinute: 140, noiseDb: -45 },
  { label: 'en-us, 175 wpm', voice: 'en-us', wordsPerMinute: 175, noiseDb: -45 },
  { label: 'en-us+f3, 140 wpm', voice: 'en-us+f3', wordsPerMinute: 140, noiseDb: -45 },
  { label: 'en-us+f3, 175 wpm', voice: 'en-us+f3', wordsPerMinute: 175, noiseDb: -45 },
];

/**
 * The test command's share of them: each voice once, each speed once (the bench runs all four).
 */
export const TEST_EVALUATION_VOICES = [EVALUATION_VOICES[0]!, EVALUATION_VOICES[3]!];
