// Whitespace in the element's Lit templates (html``, svg``, css``) is indentation for people to
// read; a browser collapses it anyway. The bundle collapses each run to one space and drops CSS
// comments, so the file a page downloads does not carry them. Used through bundleStubs(), so
// `pnpm bench weight` measures the file we ship.

const TAGGED = /\b(html|svg|css)$/;

/** Collapses the static text of `html`/`svg`/`css` templates in `code` (TypeScript or JS). */
export function collapseTemplates(code) {
  let i = 0;
  const squeeze = (text, tag) =>
    tag === 'css'
      ? text
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          // No space is needed around braces and semicolons, or after a colon or a comma (a space
          // before a colon is kept: in a selector it means a descendant).
          .replace(/ ?([{};]) ?/g, '$1')
          .replace(/([:,]) /g, '$1')
      : text.replace(/\s+/g, ' ');
  const skipString = (j) => {
    const quote = code[j];
    for (j++; j < code.length && code[j] !== quote; j++) if (code[j] === '\\') j++;
    return j + 1;
  };
  // The rest of a template literal from `j` (after its backtick); `tag` says whether to squeeze.
  const template = (j, tag) => {
    let out = '';
    let text = '';
    const flush = () => {
      out += tag ? squeeze(text, tag) : text;
      text = '';
    };
    while (j < code.length) {
      const c = code[j];
      if (c === '\\') {
        text += c + code[j + 1];
        j += 2;
      } else if (c === '`') {
        flush();
        return [out + '`', j + 1];
      } else if (c === '$' && code[j + 1] === '{') {
        flush();
        const [inner, k] = expression(j + 2);
        out += '${' + inner + '}';
        j = k;
      } else {
        text += c;
        j++;
      }
    }
    throw new Error('unterminated template');
  };
  // The rest of a `${…}` expression from `j`, templates inside it handled in turn.
  const expression = (j) => {
    let out = '';
    let depth = 0;
    while (j < code.length) {
      const c = code[j];
      if (c === '}' && depth === 0) return [out, j + 1];
      if (c === '{') depth++;
      if (c === '}') depth--;
      if (c === '"' || c === "'") {
        const k = skipString(j);
        out += code.slice(j, k);
        j = k;
      } else if (c === '`') {
        const [t, k] = template(j + 1, TAGGED.exec(out)?.[1]);
        out += '`' + t;
        j = k;
      } else {
        out += c;
        j++;
      }
    }
    throw new Error('unterminated expression');
  };
  let out = '';
  const start = /\b(html|svg|css)`/g;
  for (let m; (m = start.exec(code));) {
    if (m.index < i) continue;
    const [t, k] = template(m.index + m[0].length, m[1]);
    out += code.slice(i, m.index + m[0].length) + t;
    i = k;
    start.lastIndex = k;
  }
  return out + code.slice(i);
}

/** A Rolldown/Vite plugin applying collapseTemplates to the element's own sources. */
export function collapseTemplatesPlugin() {
  return {
    name: 'cosmo-collapse-templates',
    enforce: 'pre',
    transform(code, id) {
      if (!/packages\/client\/src\/classroom\/[^/]+\.ts$/.test(id) || id.endsWith('.test.ts'))
        return null;
      return { code: collapseTemplates(code), map: null };
    },
  };
}
