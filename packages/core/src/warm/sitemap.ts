/**
 * The page URLs of a sitemap (sitemaps.org protocol): every `<url><loc>` in document order, and
 * separately every `<sitemap><loc>` of a sitemap index. `&amp;`-style entities are decoded.
 * A plain-text list (one URL a line, the protocol's text format) is read too.
 */
export function parseSitemap(text: string): { urls: string[]; sitemaps: string[] } {
  const urls: string[] = [];
  const sitemaps: string[] = [];
  if (!text.includes('<')) {
    for (const line of text.split(/\r?\n/)) if (line.trim() !== '') urls.push(line.trim());
    return { urls, sitemaps };
  }
  const block = /<(url|sitemap)\b[^>]*>([\s\S]*?)<\/\1\s*>/gi;
  for (const match of text.matchAll(block)) {
    const loc = /<loc\b[^>]*>([\s\S]*?)<\/loc\s*>/i.exec(match[2] ?? '');
    if (!loc?.[1]) continue;
    const value = decodeEntities(loc[1].replace(/^\s*<!\[CDATA\[|\]\]>\s*$/g, '').trim());
    if (value === '') continue;
    if (match[1]!.toLowerCase() === 'url') urls.push(value);
    else sitemaps.push(value);
  }
  return { urls, sitemaps };
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (entity, name: string) => {
    const lower = name.toLowerCase();
    if (lower === 'amp') return '&';
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    if (lower === 'quot') return '"';
    if (lower === 'apos') return "'";
    const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number(lower.slice(1));
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}
