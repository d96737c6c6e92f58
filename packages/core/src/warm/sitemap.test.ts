import { describe, expect, it } from 'vitest';
import { parseSitemap } from './sitemap';

describe('parseSitemap', () => {
  it('reads the page URLs of a urlset in order, entities decoded, CDATA unwrapped', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>https://shop.example/a?x=1&amp;y=2</loc><lastmod>2026-01-01</lastmod></url>
        <url>
          <loc> <![CDATA[https://shop.example/b]]> </loc>
        </url>
        <url><changefreq>daily</changefreq></url>
      </urlset>`;
    expect(parseSitemap(xml)).toEqual({
      urls: ['https://shop.example/a?x=1&y=2', 'https://shop.example/b'],
      sitemaps: [],
    });
  });

  it('reads the nested sitemaps of a sitemap index', () => {
    const xml = `<sitemapindex><sitemap><loc>https://shop.example/s1.xml</loc></sitemap>
      <sitemap><loc>/s2.xml</loc></sitemap></sitemapindex>`;
    expect(parseSitemap(xml)).toEqual({ urls: [], sitemaps: ['https://shop.example/s1.xml', '/s2.xml'] });
  });

  it('reads the text format: one URL a line', () => {
    expect(parseSitemap('https://shop.example/a\r\n\nhttps://shop.example/b\n')).toEqual({
      urls: ['https://shop.example/a', 'https://shop.example/b'],
      sitemaps: [],
    });
  });
});
