/**
 * A language's name in its own script ("日本語", "中文", "English", "Español"), as a reader
 * looking for her language recognises it; the tag itself when the browser has no name for it.
 */
export function nativeLanguageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames([tag], { type: 'language' }).of(tag);
    if (!name || name === tag) return tag;
    return name.charAt(0).toLocaleUpperCase(tag) + name.slice(1);
  } catch {
    return tag;
  }
}
