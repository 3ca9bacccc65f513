/**
 * @cosmo/translate/testing: models that tests build, for engines whose real models the
 * operator supplies (none ships offline).
 */
export { writeTestTranslationModel } from './translationModel.js';
export { writeTestWhisperModel } from './whisperModel.js';
export type { TestWhisperModel } from './whisperModel.js';
