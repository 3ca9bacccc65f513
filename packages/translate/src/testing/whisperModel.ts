import { writeFileSync } from 'node:fs';

/** Shape of a test model: tiny, so it loads in milliseconds; its words are meaningless. */
export interface TestWhisperModel {
  state: number;
  heads: number;
  layers: number;
  /** 51864: English-only; 51865: multilingual. */
  vocab: number;
}

/** Id of the blank token " " in the real models' (GPT-2's) vocabulary. */
const BLANK = 220;

/** IEEE half precision of a small float (no NaN or infinity needed here). */
function half(x: number): number {
  const u = new Uint32Array(new Float32Array([x]).buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exponent = ((u >>> 23) & 0xff) - 127 + 15;
  if (exponent <= 0) return sign;
  if (exponent >= 31) return sign | 0x7c00;
  return sign | (exponent << 10) | ((u & 0x7fffff) >>> 13);
}

/**
 * Writes a structurally valid whisper.cpp ggml model with small random weights, laid out as
 * whisper.cpp's loader reads it (hparams, mel filters, vocabulary, named tensors; 2-D weights in
 * f16). No real model ships offline, so tests load this one to exercise loading and inference for
 * real; it recognises nothing (its words are `w<id>`).
 */
export function writeTestWhisperModel(path: string, shape: Partial<TestWhisperModel> = {}): void {
  const {
    state: n,
    heads,
    layers,
    vocab,
  } = { state: 64, heads: 2, layers: 1, vocab: 51864, ...shape };
  const audioCtx = 1500;
  const textCtx = 448;
  const mels = 80;
  const parts: Buffer[] = [];
  const i32 = (...v: number[]) => parts.push(Buffer.from(new Int32Array(v).buffer));
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5) * 0.1;
  const f32 = (count: number, fill?: number) =>
    parts.push(Buffer.from(Float32Array.from({ length: count }, () => fill ?? random()).buffer));
  const f16 = (count: number) =>
    parts.push(Buffer.from(Uint16Array.from({ length: count }, () => half(random())).buffer));
  i32(0x67676d6c);
  i32(vocab, audioCtx, n, heads, layers, textCtx, n, heads, layers, mels, 1);
  i32(mels, 201);
  f32(mels * 201, 0.01);
  const words = 50257;
  i32(words);
  for (let i = 0; i < words; i++) {
    // whisper.cpp looks the blank up by text (`token_to_id.at(" ")`, suppress_blank) on the first
    // token of every decode: without it inference throws out_of_range, which the binding never
    // reports. 220 is the blank in GPT-2's vocabulary, as in the real models.
    const word = Buffer.from(i === BLANK ? ' ' : `w${i}`);
    i32(word.length);
    parts.push(word);
  }
  const tensor = (name: string, ne: number[], fill?: number) => {
    const bytes = Buffer.from(name);
    const wide = ne.length >= 2 && !name.includes('positional') && !name.endsWith('bias');
    i32(ne.length, bytes.length, wide ? 1 : 0);
    i32(...ne);
    parts.push(bytes);
    const count = ne.reduce((a, b) => a * b, 1);
    if (wide) f16(count);
    else f32(count, fill);
  };
  const block = (prefix: string, cross: boolean) => {
    tensor(`${prefix}.mlp_ln.weight`, [n], 1);
    tensor(`${prefix}.mlp_ln.bias`, [n], 0);
    tensor(`${prefix}.mlp.0.weight`, [n, 4 * n]);
    tensor(`${prefix}.mlp.0.bias`, [4 * n]);
    tensor(`${prefix}.mlp.2.weight`, [4 * n, n]);
    tensor(`${prefix}.mlp.2.bias`, [n]);
    for (const attn of cross ? ['attn', 'cross_attn'] : ['attn']) {
      tensor(`${prefix}.${attn}_ln.weight`, [n], 1);
      tensor(`${prefix}.${attn}_ln.bias`, [n], 0);
      tensor(`${prefix}.${attn}.query.weight`, [n, n]);
      tensor(`${prefix}.${attn}.query.bias`, [n]);
      tensor(`${prefix}.${attn}.key.weight`, [n, n]);
      tensor(`${prefix}.${attn}.value.weight`, [n, n]);
      tensor(`${prefix}.${attn}.value.bias`, [n]);
      tensor(`${prefix}.${attn}.out.weight`, [n, n]);
      tensor(`${prefix}.${attn}.out.bias`, [n]);
    }
  };
  tensor('encoder.positional_embedding', [n, audioCtx]);
  tensor('encoder.conv1.weight', [3, mels, n]);
  tensor('encoder.conv1.bias', [1, n]);
  tensor('encoder.conv2.weight', [3, n, n]);
  tensor('encoder.conv2.bias', [1, n]);
  tensor('encoder.ln_post.weight', [n], 1);
  tensor('encoder.ln_post.bias', [n], 0);
  for (let i = 0; i < layers; i++) block(`encoder.blocks.${i}`, false);
  tensor('decoder.positional_embedding', [n, textCtx]);
  tensor('decoder.token_embedding.weight', [n, vocab]);
  tensor('decoder.ln.weight', [n], 1);
  tensor('decoder.ln.bias', [n], 0);
  for (let i = 0; i < layers; i++) block(`decoder.blocks.${i}`, true);
  writeFileSync(path, Buffer.concat(parts));
}
