// docs/bench-chart.svg: grouped bars of matching throughput (MB/s, log
// scale) per engine, grouped by dictionary, one panel per text. Hand-written
// SVG: an opaque card whose colours follow prefers-color-scheme (GitHub's
// light and dark themes), bar colours from the Okabe–Ito palette, which
// read on both backgrounds.

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const SERIES = [
  { key: 'ours-wasm', label: 'ours, WASM in Chromium', color: '#0072B2' },
  { key: 'ours-native', label: 'ours, native (same engine)', color: '#56B4E9' },
  { key: 'crate', label: 'aho-corasick crate, native (raw)', color: '#009E73' },
  { key: 'modern-ahocorasick', label: 'modern-ahocorasick', color: '#E69F00' },
  { key: '@monyone/aho-corasick', label: '@monyone/aho-corasick', color: '#D55E00' },
  { key: '@monyone/aho-corasick/fast', label: '@monyone/aho-corasick/fast', color: '#CC79A7' },
  { key: 'RegExp', label: 'one RegExp', color: '#8C8C8C' },
  { key: 'mark.js', label: 'mark.js (on the HTML page, DOM included)', color: '#B59F00' },
];

function fmt(v) {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/**
 * subtitle: a line or an array of lines.
 * panels: [{ title, groups: [{ label, values: { [seriesKey]: number | null | 'DNF' } }] }]
 */
export function renderChart({ title, subtitle, panels }) {
  const width = 960;
  const left = 64;
  const right = 16;
  const panelHeight = 290;
  const legendRows = Math.ceil(SERIES.length / 3);
  const top = 66 + ([].concat(subtitle).length - 1) * 15 + legendRows * 20;
  const gap = 20;
  const height = top + panels.length * (panelHeight + gap) + 4;
  const values = panels.flatMap((p) => p.groups.flatMap((g) => Object.values(g.values))).filter((v) => typeof v === 'number' && v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...values, 1))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 10) * 1.4)));
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="t d" font-family="-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif">`);
  out.push(`<title id="t">${esc(title)}</title><desc id="d">${esc([].concat(subtitle).join(' '))}</desc>`);
  out.push(`<style>
  .card { fill: #ffffff; stroke: #d0d7de; }
  .text { fill: #1f2328; }
  .muted { fill: #59636e; }
  .grid { stroke: #d8dee4; stroke-width: 1; }
  .axis { stroke: #59636e; stroke-width: 1; }
  @media (prefers-color-scheme: dark) {
    .card { fill: #0d1117; stroke: #3d444d; }
    .text { fill: #e6edf3; }
    .muted { fill: #9198a1; }
    .grid { stroke: #2a313c; }
    .axis { stroke: #9198a1; }
  }
</style>`);
  out.push(`<rect class="card" x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="8"/>`);
  out.push(`<text class="text" x="${left}" y="26" font-size="17" font-weight="600">${esc(title)}</text>`);
  [].concat(subtitle).forEach((line, i) => out.push(`<text class="muted" x="${left}" y="${46 + i * 15}" font-size="12">${esc(line)}</text>`));
  SERIES.forEach((s, i) => {
    const x = left + (i % 3) * 290;
    const y = 62 + ([].concat(subtitle).length - 1) * 15 + Math.floor(i / 3) * 20;
    out.push(`<rect x="${x}" y="${y}" width="12" height="12" rx="2" fill="${s.color}"/><text class="text" x="${x + 18}" y="${y + 10.5}" font-size="12">${esc(s.label)}</text>`);
  });
  const logScale = (v) => (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
  panels.forEach((panel, pi) => {
    const y0 = top + pi * (panelHeight + gap) + 22;
    const plotHeight = panelHeight - 50;
    const yOf = (v) => y0 + plotHeight - logScale(v) * plotHeight;
    out.push(`<text class="text" x="${left}" y="${y0 - 8}" font-size="13" font-weight="600">${esc(panel.title)}</text>`);
    for (let v = lo; v <= hi * 1.0001; v *= 10) {
      const y = yOf(v);
      out.push(`<line class="grid" x1="${left}" x2="${width - right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/>`);
      out.push(`<text class="muted" x="${left - 6}" y="${(y + 4).toFixed(1)}" font-size="11" text-anchor="end">${fmt(v)}</text>`);
    }
    out.push(`<text class="muted" transform="translate(16 ${y0 + plotHeight / 2}) rotate(-90)" font-size="11" text-anchor="middle">MB/s (log scale)</text>`);
    out.push(`<line class="axis" x1="${left}" x2="${width - right}" y1="${y0 + plotHeight}" y2="${y0 + plotHeight}"/>`);
    const groupWidth = (width - left - right) / panel.groups.length;
    panel.groups.forEach((group, gi) => {
      const present = SERIES.filter((s) => group.values[s.key] !== undefined);
      const barWidth = Math.min(34, (groupWidth - 24) / Math.max(present.length, 1));
      const start = left + gi * groupWidth + (groupWidth - barWidth * present.length) / 2;
      present.forEach((s, si) => {
        const v = group.values[s.key];
        const x = start + si * barWidth;
        if (typeof v === 'number' && v > 0) {
          const y = yOf(Math.max(v, lo));
          out.push(`<rect x="${(x + 2).toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 4).toFixed(1)}" height="${(y0 + plotHeight - y).toFixed(1)}" fill="${s.color}"><title>${esc(`${s.label}, ${group.label}: ${fmt(v)} MB/s`)}</title></rect>`);
          out.push(`<text class="text" x="${(x + barWidth / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" font-size="10" text-anchor="middle">${fmt(v)}</text>`);
        } else {
          const label = typeof v === 'string' ? v : 'n/a';
          out.push(`<text class="muted" transform="translate(${(x + barWidth / 2 + 3).toFixed(1)} ${y0 + plotHeight - 6}) rotate(-90)" font-size="10">${esc(label)}<title>${esc(`${s.label}, ${group.label}: ${label}`)}</title></text>`);
        }
      });
      out.push(`<text class="text" x="${(left + gi * groupWidth + groupWidth / 2).toFixed(1)}" y="${y0 + plotHeight + 18}" font-size="12" text-anchor="middle">${esc(group.label)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
