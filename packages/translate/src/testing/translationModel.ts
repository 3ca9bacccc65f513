import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLOAT, INT64, onnxModel } from './onnxGraph.js';

const PAD = 0;
const EOS = 1;
const UNK = 2;
const SPECIAL = ['<pad>', '</s>', '<unk>'];

/** Characters an unknown word is spelt with, each translated as itself. */
const LETTERS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...`.,;:!?'"-()`,
];

/**
 * Writes a tiny MarianMT model in the layout `@huggingface/transformers` loads from a folder
 * (config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
 * onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx with a key-value cache), plus the
 * `cosmo-model.json` manifest naming its pair.
 *
 * It is a real seq2seq model run by onnxruntime through the library's own generation loop, with
 * weights chosen rather than trained: a SentencePiece-style unigram tokenizer, an encoder whose
 * states are one-hot tokens, and a decoder that reads the source token at its own position (the
 * length of its key cache) and emits that token's entry in `dictionary`. So it translates word by
 * word, spells unknown words letter by letter, and stops at the source's end-of-sentence token.
 * Dictionary entries for a CJK target are written without the word-boundary mark, so they join
 * without spaces as SentencePiece output does.
 */
export function writeTestTranslationModel(
  dir: string,
  options: { from: string; to: string; dictionary: Record<string, string> },
): void {
  const cjk = /^(zh|ja)/.test(options.to);
  const pieces = new Map<string, number>();
  const piece = (p: string) => {
    if (!pieces.has(p)) pieces.set(p, pieces.size);
    return pieces.get(p)!;
  };
  for (const s of SPECIAL) piece(s);
  piece('▁');
  for (const c of LETTERS) piece(c);
  const mapping = new Map<number, number>([
    [PAD, PAD],
    [EOS, EOS],
    [UNK, UNK],
  ]);
  for (const id of pieces.values()) if (!mapping.has(id)) mapping.set(id, id);
  for (const [source, target] of Object.entries(options.dictionary)) {
    const word = /^\p{P}+$/u.test(source) ? source : `▁${source}`;
    const translated = cjk || /^\p{P}+$/u.test(target) ? target : `▁${target}`;
    mapping.set(piece(word), piece(translated));
  }
  const vocab = pieces.size;

  // Encoder: one-hot embeddings, masked.
  const identity = new Float32Array(vocab * vocab);
  for (let i = 0; i < vocab; i++) identity[i * vocab + i] = 1;
  const int64 = (...values: number[]) => new BigInt64Array(values.map(BigInt));
  const encoder = onnxModel({
    name: 'encoder',
    inputs: [
      { name: 'input_ids', type: INT64, shape: ['batch_size', 'encoder_sequence_length'] },
      { name: 'attention_mask', type: INT64, shape: ['batch_size', 'encoder_sequence_length'] },
    ],
    outputs: [
      {
        name: 'last_hidden_state',
        type: FLOAT,
        shape: ['batch_size', 'encoder_sequence_length', vocab],
      },
    ],
    initializers: [
      { name: 'embed', dims: [vocab, vocab], data: identity },
      { name: 'axis2', dims: [1], data: int64(2) },
    ],
    nodes: [
      { op: 'Gather', inputs: ['embed', 'input_ids'], outputs: ['embedded'] },
      { op: 'Cast', inputs: ['attention_mask'], outputs: ['mask'], attributes: { to: FLOAT } },
      { op: 'Unsqueeze', inputs: ['mask', 'axis2'], outputs: ['mask3'] },
      { op: 'Mul', inputs: ['embedded', 'mask3'], outputs: ['last_hidden_state'] },
    ],
  });

  // Decoder: position = length of the key cache after this step; logits = source token there × M.
  const translate = new Float32Array(vocab * vocab);
  for (const [from, to] of mapping) translate[from * vocab + to] = 10;
  const decoder = onnxModel({
    name: 'decoder',
    inputs: [
      { name: 'input_ids', type: INT64, shape: ['batch_size', 'decoder_sequence_length'] },
      {
        name: 'encoder_attention_mask',
        type: INT64,
        shape: ['batch_size', 'encoder_sequence_length'],
      },
      {
        name: 'encoder_hidden_states',
        type: FLOAT,
        shape: ['batch_size', 'encoder_sequence_length', vocab],
      },
      {
        name: 'past_key_values.0.decoder.key',
        type: FLOAT,
        shape: ['batch_size', 1, 'past_decoder_sequence_length', 1],
      },
    ],
    outputs: [
      { name: 'logits', type: FLOAT, shape: ['batch_size', 'decoder_sequence_length', vocab] },
      {
        name: 'present.0.decoder.key',
        type: FLOAT,
        shape: ['batch_size', 1, 'present_decoder_sequence_length', 1],
      },
    ],
    initializers: [
      { name: 'translate', dims: [vocab, vocab], data: translate },
      { name: 'axes13', dims: [2], data: int64(1, 3) },
      { name: 'one', dims: [1], data: int64(1) },
      { name: 'two', dims: [1], data: int64(2) },
      { name: 'three', dims: [1], data: int64(3) },
    ],
    nodes: [
      { op: 'Cast', inputs: ['input_ids'], outputs: ['ids'], attributes: { to: FLOAT } },
      { op: 'Unsqueeze', inputs: ['ids', 'axes13'], outputs: ['step'] },
      {
        op: 'Concat',
        inputs: ['past_key_values.0.decoder.key', 'step'],
        outputs: ['present.0.decoder.key'],
        attributes: { axis: 2 },
      },
      { op: 'Shape', inputs: ['present.0.decoder.key'], outputs: ['cacheShape'] },
      { op: 'Slice', inputs: ['cacheShape', 'two', 'three'], outputs: ['end'] },
      { op: 'Shape', inputs: ['input_ids'], outputs: ['idsShape'] },
      { op: 'Slice', inputs: ['idsShape', 'one', 'two'], outputs: ['steps'] },
      { op: 'Sub', inputs: ['end', 'steps'], outputs: ['start'] },
      {
        op: 'Slice',
        inputs: ['encoder_hidden_states', 'start', 'end', 'one'],
        outputs: ['source'],
      },
      { op: 'MatMul', inputs: ['source', 'translate'], outputs: ['logits'] },
    ],
  });

  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'encoder_model.onnx'), encoder);
  writeFileSync(join(dir, 'onnx', 'decoder_model_merged.onnx'), decoder);
  const special = { pad_token_id: PAD, eos_token_id: EOS, decoder_start_token_id: PAD };
  const json = (name: string, value: unknown) =>
    writeFileSync(join(dir, name), `${JSON.stringify(value, null, 1)}\n`);
  json('config.json', {
    model_type: 'marian',
    architectures: ['MarianMTModel'],
    is_encoder_decoder: true,
    vocab_size: vocab,
    d_model: vocab,
    encoder_layers: 1,
    decoder_layers: 1,
    encoder_attention_heads: 1,
    decoder_attention_heads: 1,
    max_length: 128,
    num_beams: 1,
    ...special,
  });
  json('generation_config.json', { ...special, max_length: 128, num_beams: 1 });
  json('tokenizer_config.json', {
    tokenizer_class: 'MarianTokenizer',
    model_max_length: 512,
    eos_token: '</s>',
    unk_token: '<unk>',
    pad_token: '<pad>',
  });
  const metaspace = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
  json('tokenizer.json', {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [
        { Sequence: { id: 'A', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      special_tokens: { '</s>': { id: '</s>', ids: [EOS], tokens: ['</s>'] } },
    },
    decoder: metaspace,
    model: {
      type: 'Unigram',
      unk_id: UNK,
      byte_fallback: false,
      // Whole words are likelier than their letters, so a known word is one piece.
      vocab: [...pieces.keys()].map((p, id) => [
        p,
        id < SPECIAL.length ? 0 : p.length > 1 ? -1 : -8,
      ]),
    },
  });
  json('cosmo-model.json', { kind: 'marian', pairs: [`${options.from}-${options.to}`] });
}
