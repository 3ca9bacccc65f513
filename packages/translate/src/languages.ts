/** ISO 639-3 codes (as apertium names its pairs) to the BCP 47 tags Cosmo uses. */
const ISO3_TO_BCP47: Record<string, string> = {
  eng: 'en',
  spa: 'es',
  cat: 'ca',
  epo: 'eo',
  fra: 'fr',
  por: 'pt',
  ita: 'it',
  deu: 'de',
  nld: 'nl',
  glg: 'gl',
  oci: 'oc',
  arg: 'an',
  ast: 'ast',
  eus: 'eu',
  ron: 'ro',
  ukr: 'uk',
  rus: 'ru',
  jpn: 'ja',
  zho: 'zh',
  kor: 'ko',
  vie: 'vi',
  tgl: 'tl',
  nep: 'ne',
};

/** The BCP 47 tag for an ISO 639-3 code (the code itself when unknown). */
export function bcp47(iso3: string): string {
  return ISO3_TO_BCP47[iso3] ?? iso3;
}

/** The ISO 639-3 code for a BCP 47 tag's language, or undefined. */
export function iso3(tag: string): string | undefined {
  const base = tag.toLowerCase().split('-')[0];
  return Object.keys(ISO3_TO_BCP47).find((k) => ISO3_TO_BCP47[k] === base);
}
