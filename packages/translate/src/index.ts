/**
 * @cosmo/translate: live captions and translation: speech-to-text engines, translators, the
 * lesson vocabulary, and a doctor that says what this machine can do.
 */
export {
  SpeechToText,
  EventQueue,
  borrowEngine,
  elideUnsureWords,
  UNSURE_WORD_BELOW,
} from './SpeechToText.js';
export type {
  SpeechEvent,
  SpeechStream,
  SpeechToTextCapabilities,
  StreamOptions,
  VoiceCalibration,
  WordConfidence,
} from './SpeechToText.js';
export { VoiceActivityDetector, VAD_DEFAULTS } from './vad/VoiceActivityDetector.js';
export type { VadOptions, VadEvent } from './vad/VoiceActivityDetector.js';
export { segmentedStream, SEGMENTED_STREAM_DEFAULTS } from './SegmentedSpeechStream.js';
export type {
  Hypothesis,
  UtteranceDecoder,
  UtteranceDecoding,
  SegmentedStreamOptions,
} from './SegmentedSpeechStream.js';
export { Translator, Glossary } from './Translator.js';
export { CombinedTranslator } from './CombinedTranslator.js';
export type { TranslatorCapabilities } from './Translator.js';
export {
  TranslationMemory,
  TRANSLATION_MEMORY_DEFAULTS,
  MAX_MEMORY_LANGUAGES,
  MAX_MEMORY_CHARS,
} from './TranslationMemory.js';
export type { MemoryMatch, TranslationMemoryOptions } from './TranslationMemory.js';
export {
  PocketsphinxSpeechToText,
  POCKETSPHINX_DEFAULTS,
} from './providers/pocketsphinx/PocketsphinxSpeechToText.js';
export type { PocketsphinxOptions } from './providers/pocketsphinx/PocketsphinxSpeechToText.js';
export {
  lessonSentences,
  lessonDictionary,
  lessonLanguageModel,
} from './providers/pocketsphinx/LessonVocabulary.js';
export { ApertiumTranslator, APERTIUM_DEFAULTS } from './providers/apertium/ApertiumTranslator.js';
export type { ApertiumOptions } from './providers/apertium/ApertiumTranslator.js';
export {
  WhisperSpeechToText,
  WHISPER_DEFAULTS,
  WHISPER_LANGUAGES,
} from './providers/whisper/WhisperSpeechToText.js';
export type { WhisperOptions } from './providers/whisper/WhisperSpeechToText.js';
export {
  readWhisperHeader,
  pullWhisperModel,
  WHISPER_MODELS,
} from './providers/whisper/modelFile.js';
export type { WhisperModelHeader, WhisperCatalogEntry } from './providers/whisper/modelFile.js';
export type { PullProgress } from './models/download.js';
export {
  TransformersTranslator,
  TRANSFORMERS_DEFAULTS,
} from './providers/transformers/TransformersTranslator.js';
export type { TransformersTranslatorOptions } from './providers/transformers/TransformersTranslator.js';
export {
  scanTranslationModels,
  readTranslationModel,
} from './providers/transformers/TranslationModelFolder.js';
export type {
  TranslationModelFolder,
  TranslationModelManifest,
  TranslationModelScan,
} from './providers/transformers/TranslationModelFolder.js';
export {
  pullTranslationModel,
  TRANSLATION_MODELS,
} from './providers/transformers/pullTranslationModel.js';
export type { TranslationCatalogEntry } from './providers/transformers/pullTranslationModel.js';
export { calibrateCmn } from './providers/pocketsphinx/calibrate.js';
export { wordErrorRate } from './wer.js';
export { synthesizeSpeech, writeSpeechWav } from './speech.js';
export type { Voice } from './speech.js';
export { scoreUtterance } from './providers/pocketsphinx/confidence.js';
export type { UtteranceConfidence } from './providers/pocketsphinx/confidence.js';
export { decoderBinary } from './providers/pocketsphinx/decoderBinary.js';
export {
  evaluateCaptions,
  formatEvaluation,
  SENTENCE_KINDS,
} from './testing/captionsEvaluation.js';
export type {
  Evaluation,
  EvaluationRow,
  SentenceKind,
  SentenceResult,
} from './testing/captionsEvaluation.js';
export { doctor } from './doctor.js';
export { spawnTied } from './process/spawnTied.js';
export type { DoctorCheck } from './doctor.js';
export { bcp47, iso3 } from './languages.js';
