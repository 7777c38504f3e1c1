/**
 * Fan-out latency against client count as a hand-written SVG line chart: one colour per server,
 * p50 solid, p99 dashed; client count linear, latency on a log scale (p50 and p99 differ by orders of magnitude).
 */
import type { PeerName } from './peers.js';

export interface Series {
  peer: PeerName;
  /** [client count, p50 ms, p99 ms] */
  points: [number, number, number][];
}

const COLORS: Record<PeerName, string> = {
  quire: '#d62728',
  'y-websocket': '#1f77b4',
  hocuspocus: '#2ca02c',
  'y-socket.io': '#9467bd',
};

const W = 720;
const H = 440;
const M = { left: 70, right: 170, top: 40, bottom: 55 };

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= value) return m * step;
  return 10 * step;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function fanoutLatencySvg(series: Series[], title: string): string {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const xMin = 0;
  const xMax = niceMax(Math.max(...xs, 1));
  const ys = series.flatMap((s) => s.points.flatMap((p) => [p[1], p[2]])).filter((v) => Number.isFinite(v) && v > 0);
  const decadeMin = Math.floor(Math.log10(Math.min(...ys, 1)));
  const decadeMax = Math.max(decadeMin + 1, Math.ceil(Math.log10(Math.max(...ys, 1))));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (v: number): number => M.left + ((v - xMin) / (xMax - xMin)) * plotW;
  const y = (v: number): number => M.top + plotH - ((Math.log10(v) - decadeMin) / (decadeMax - decadeMin)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  for (let decade = decadeMin; decade <= decadeMax; decade++) {
    for (const m of decade < decadeMax ? [1, 2, 5] : [1]) {
      const v = m * 10 ** decade;
      out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="${m === 1 ? '#d0d0d0' : '#eeeeee'}"/>`);
      out.push(`<text x="${M.left - 8}" y="${y(v) + 4}" text-anchor="end">${+v.toPrecision(3)}</text>`);
    }
  }
  for (const v of xs) {
    out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${M.top + plotH}" y2="${M.top + plotH + 5}" stroke="#333"/>`);
    out.push(`<text x="${x(v)}" y="${M.top + plotH + 19}" text-anchor="middle">${v}</text>`);
  }
  out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + plotH}" stroke="#333"/>`);
  out.push(`<text x="${M.left + plotW / 2}" y="${H - 12}" text-anchor="middle">clients on the document</text>`);
  out.push(`<text transform="translate(18 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">delivery latency (ms, log scale)</text>`);
  series.forEach((s, i) => {
    const color = COLORS[s.peer];
    for (const [index, dash] of [
      [1, ''],
      [2, ' stroke-dasharray="6 4"'],
    ] as const) {
      const pts = s.points
        .filter((p) => Number.isFinite(p[index]) && p[index] > 0)
        .map((p) => `${x(p[0]).toFixed(1)},${y(p[index]).toFixed(1)}`);
      if (pts.length > 0) out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
      for (const pt of pts) {
        const [cx, cy] = pt.split(',');
        out.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`);
      }
    }
    const ly = M.top + 10 + i * 22;
    const lx = M.left + plotW + 20;
    out.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 30}" y="${ly + 4}">${esc(s.peer)}</text>`);
  });
  const ly = M.top + 10 + series.length * 22 + 10;
  const lx = M.left + plotW + 20;
  out.push(
    `<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="#555" stroke-width="2"/><text x="${lx + 30}" y="${ly + 4}">p50</text>`,
  );
  out.push(
    `<line x1="${lx}" x2="${lx + 24}" y1="${ly + 20}" y2="${ly + 20}" stroke="#555" stroke-width="2" stroke-dasharray="6 4"/><text x="${lx + 30}" y="${ly + 24}">p99</text>`,
  );
  out.push('</svg>');
  return out.join('\n') + '\n';
}
