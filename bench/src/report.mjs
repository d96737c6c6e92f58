/**
 * Presents a summary: aligned text tables for the terminal, Markdown tables and one SVG bar
 * chart per framework for `docs/benchmarks.md` (the SVG is written by hand, no library).
 */

const ROLE_COLOURS = {
  ours: '#2563eb',
  peer: '#d97706',
  ceiling: '#6b7280',
  origin: '#a3a3a3',
  platform: '#111827',
  floor: '#059669',
  other: '#a3a3a3',
};

const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const ratio = (n) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const ms = (n) => (Number.isFinite(n) ? n.toFixed(2) : '–');

/**
 * How a target was judged, after its value: `paired, 6 pairs 0.95–0.99; rounds 0.92` when on the
 * paired measurement, `''` when on the rounds' median.
 */
export function judgedHow(t, field = 'value') {
  if (!t.judgedOnPairs) return '';
  const p = t.paired;
  const spread = field === 'value' ? ` ${ratio(p.range.min)}–${ratio(p.range.max)}` : '';
  return `paired, ${p.count} pairs${spread}; rounds ${ratio(t.value)}`;
}

function judgedText(t, field) {
  const how = judgedHow(t, field);
  return how ? `${ratio(t.judged)} ${how}` : ratio(t.judged);
}

function verdict(row) {
  const parts = [];
  if (row.target) {
    const t = row.target;
    if (t.met === undefined)
      parts.push(`target ≥ ${t.ratio}× ${t.of ?? 'baseline'}: no figure${t.reason ? ` (${t.reason})` : ''}`);
    else {
      const miss = t.met ? '' : `, missed by ${((t.ratio - t.judged) * 100).toFixed(1)} points`;
      parts.push(
        `${t.met ? 'MET' : 'MISSED'} ≥ ${t.ratio}× ${t.of === row.baselineId ? 'baseline' : t.of} (${judgedText(t)}${miss})`,
      );
    }
  }
  if (row.p99Target) {
    const t = row.p99Target;
    parts.push(
      t.met === undefined
        ? `p99 ≤ ${t.ratio}× ${t.of}'s: no figure`
        : `p99 ${t.met ? 'MET' : 'MISSED'} ≤ ${t.ratio}× ${t.of}'s (${judgedText(t, 'p99Value')})`,
    );
  }
  for (const p of row.peers ?? []) {
    if (p.ahead === undefined) parts.push(`vs ${p.id}: no figure`);
    else
      parts.push(`${ratio(p.value)}× ${p.id} (${p.ahead ? 'ahead' : 'BEHIND'}; by CPU ${ratio(p.cpuValue)})`);
  }
  for (const c of row.compare ?? []) {
    parts.push(
      Number.isFinite(c.value)
        ? `${ratio(c.value)}× ${c.id} (by CPU ${ratio(c.cpuValue)})`
        : `vs ${c.id}: no figure`,
    );
  }
  return parts.join('; ');
}

function rowCells(row) {
  if (row.unavailable)
    return [row.id, row.title, 'not available', '', '', '', '', '', '', '', '', '', row.unavailable];
  const label = `${row.id}${row.baseline ? ' (baseline)' : ''}${row.reference ? ' (reference)' : ''}`;
  if (!Number.isFinite(row.rps))
    return [label, row.title, 'invalid', '', '', '', '', '', '', '', '', '', row.invalid.join(' / ')];
  return [
    label,
    row.title,
    int(row.rps),
    `${int(row.rpsRange.min)}–${int(row.rpsRange.max)}`,
    ratio(row.ratio),
    row.ratios.length ? `${ratio(row.ratioRange.min)}–${ratio(row.ratioRange.max)}` : '–',
    row.ratios.map(ratio).join(' ') || '–',
    ms(row.p99),
    Number.isFinite(row.serverCpu) ? `${Math.round(row.serverCpu * 100)}%` : '–',
    Number.isFinite(row.cpuUsPerRequest) ? row.cpuUsPerRequest.toFixed(1) : '–',
    ratio(row.cpuRatio),
    row.prebuilt ? `${ratio(row.prebuilt.value)} (CPU ${ratio(row.prebuilt.cpuValue)})` : '',
    [
      verdict(row),
      row.invalid.length ? `${row.invalid.length} invalid round(s) left out: ${row.invalid.join(' / ')}` : '',
    ]
      .filter(Boolean)
      .join('; '),
  ];
}

const HEADERS = [
  'subject',
  'what',
  'req/s (median)',
  'min–max',
  '× baseline',
  'min–max',
  'per round',
  'p99 ms',
  'server core busy',
  'CPU µs/req',
  '× baseline by CPU',
  '× prebuilt ceiling',
  'target / peers',
];
/** Columns right-aligned (the figures). */
const NUMERIC = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
const LAST = HEADERS.length - 1;

/** Plain-text tables, one per framework. */
export function formatText(groups) {
  const out = [];
  for (const g of groups) {
    out.push('', `${g.framework}  (ratios to ${g.baseline ?? 'no baseline'}, round by round)`);
    const rows = [HEADERS, ...g.rows.map((r) => rowCells({ ...r, baselineId: g.baseline }))];
    const widths = HEADERS.map((_, i) =>
      Math.min(i === LAST ? 400 : 40, Math.max(...rows.map((r) => String(r[i]).length))),
    );
    for (const r of rows) {
      out.push(
        r
          .map((cell, i) => {
            const text = String(cell);
            return NUMERIC.has(i) ? text.padStart(widths[i]) : text.padEnd(widths[i]);
          })
          .join('  ')
          .trimEnd(),
      );
    }
  }
  return out.join('\n');
}

function escapeCell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * One line per prebuilt-answer ceiling of a framework, beside its constant route: what any
 * middleware/interceptor cache costs there (the ceiling's ratio), and the CPU per request of both.
 */
function ceilingLines(group) {
  const base = group.rows.find((r) => r.baseline);
  const ids = [...new Set(group.rows.map((r) => r.prebuilt?.id).filter(Boolean))];
  return ids.map((id) => {
    const c = group.rows.find((r) => r.id === id);
    if (!c || !Number.isFinite(c.ratio)) return `Prebuilt ceiling \`${id}\`: not measured in this run.`;
    const cpu = (r) =>
      Number.isFinite(r?.cpuUsPerRequest) ? `${r.cpuUsPerRequest.toFixed(1)} CPU µs/req` : '– CPU µs/req';
    return (
      `Prebuilt ceiling \`${id}\` (${c.title}): ${ratio(c.ratio)}× the constant route (by CPU ${ratio(c.cpuRatio)}); ` +
      `${cpu(c)} against ${cpu(base)} for \`${base?.id ?? '–'}\`. Column "× prebuilt ceiling": our subject against it, round by round.`
    );
  });
}

/** Markdown tables, one per framework, each followed by its chart. */
export function formatMarkdown(groups, chartPath) {
  const out = [];
  for (const g of groups) {
    out.push(
      `### ${g.framework}`,
      '',
      `Ratios are to \`${g.baseline ?? '–'}\`, computed round by round.`,
      ...(ceilingLines(g).length ? ['', ...ceilingLines(g).map((line) => `- ${line}`)] : []),
      '',
    );
    out.push(
      `| ${HEADERS.join(' | ')} |`,
      `|${HEADERS.map((_, i) => (NUMERIC.has(i) ? '---:' : '---')).join('|')}|`,
    );
    for (const r of g.rows)
      out.push(
        `| ${rowCells({ ...r, baselineId: g.baseline })
          .map(escapeCell)
          .join(' | ')} |`,
      );
    if (chartPath)
      out.push('', `![${g.framework}: throughput as a ratio of ${g.baseline}](${chartPath(g.framework)})`);
    out.push('');
  }
  return out.join('\n');
}

function xml(text) {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** One horizontal bar chart: median ratio to the baseline per subject, with min–max whiskers. */
export function renderChart(group, subtitle) {
  const rows = group.rows.filter((r) => !r.unavailable && Number.isFinite(r.ratio));
  const left = 250;
  const plot = 460;
  const rowHeight = 26;
  const top = 54;
  const bottom = top + rows.length * rowHeight;
  const height = bottom + 48;
  const width = left + plot + 70;
  const max = Math.max(
    1.1,
    ...rows.map((r) => Math.max(r.ratioRange.max, Number.isFinite(r.cpuRatio) ? r.cpuRatio : 0) * 1.05),
  );
  const x = (v) => left + (v / max) * plot;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="20" font-size="15" font-weight="600">${xml(group.framework)}: throughput as a ratio of ${xml(group.baseline ?? '–')}</text>`,
    `<text x="12" y="38" fill="#555">${xml(subtitle)}</text>`,
  ];
  for (let t = 0; t <= max + 1e-9; t += max > 2.5 ? 0.5 : 0.25) {
    parts.push(
      `<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${bottom}" stroke="#e5e7eb"/>`,
      `<text x="${x(t)}" y="${bottom + 16}" text-anchor="middle" fill="#555">${t.toFixed(2)}×</text>`,
    );
  }
  rows.forEach((r, i) => {
    const y = top + i * rowHeight;
    const colour = ROLE_COLOURS[r.role] ?? ROLE_COLOURS.other;
    parts.push(
      `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${xml(r.id)}</text>`,
      `<rect x="${left}" y="${y + 4}" width="${Math.max(1, x(r.ratio) - left)}" height="${rowHeight - 10}" fill="${colour}" opacity="0.85"><title>${xml(`${r.title}: ${r.ratio.toFixed(3)}× (${r.ratioRange.min.toFixed(3)}–${r.ratioRange.max.toFixed(3)})`)}</title></rect>`,
      `<line x1="${x(r.ratioRange.min)}" y1="${y + rowHeight / 2}" x2="${x(r.ratioRange.max)}" y2="${y + rowHeight / 2}" stroke="#111" stroke-width="1.5"/>`,
      `<line x1="${x(r.ratioRange.min)}" y1="${y + 7}" x2="${x(r.ratioRange.min)}" y2="${y + rowHeight - 7}" stroke="#111"/>`,
      `<line x1="${x(r.ratioRange.max)}" y1="${y + 7}" x2="${x(r.ratioRange.max)}" y2="${y + rowHeight - 7}" stroke="#111"/>`,
      `<text x="${x(Math.max(r.ratio, r.ratioRange.max, Number.isFinite(r.cpuRatio) ? r.cpuRatio : 0)) + 8}" y="${y + 15}">${r.ratio.toFixed(2)}×</text>`,
    );
    if (Number.isFinite(r.cpuRatio)) {
      const cx = x(r.cpuRatio);
      const cy = y + rowHeight / 2;
      parts.push(
        `<path d="M${cx} ${cy - 5} L${cx + 5} ${cy} L${cx} ${cy + 5} L${cx - 5} ${cy} Z" fill="#fff" stroke="#111"><title>by server CPU per request: ${r.cpuRatio.toFixed(3)}×</title></path>`,
      );
    }
    if (r.target && (r.target.of === group.baseline || !r.target.of)) {
      parts.push(
        `<line x1="${x(r.target.ratio)}" y1="${y + 1}" x2="${x(r.target.ratio)}" y2="${y + rowHeight - 1}" stroke="#dc2626" stroke-width="2"><title>target ${r.target.ratio}×</title></line>`,
      );
    }
  });
  parts.push(
    `<line x1="${x(1)}" y1="${top - 6}" x2="${x(1)}" y2="${bottom}" stroke="#111" stroke-dasharray="4 3"/>`,
  );
  const legend = ['ours', 'peer', 'ceiling', 'origin', 'floor', 'platform'];
  legend.forEach((role, i) => {
    const lx = 12 + i * 70;
    parts.push(
      `<rect x="${lx}" y="${height - 10}" width="10" height="8" fill="${ROLE_COLOURS[role]}"/>`,
      `<text x="${lx + 14}" y="${height - 2}" font-size="10" fill="#555">${role}</text>`,
    );
  });
  parts.push(
    `<text x="${width - 12}" y="${height - 2}" font-size="10" fill="#555" text-anchor="end">◇ by server CPU per request · red tick: target</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
