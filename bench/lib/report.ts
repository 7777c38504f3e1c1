/** The stdout table: one block per workload, a column per server, then quire/peer ratios. */
import type { Figure, PeerResult } from '../workloads/types.js';
import type { PeerName } from './peers.js';

export type PeerOutcome = PeerResult | { error: string };

export interface WorkloadReport {
  name: string;
  title: string;
  figures: Figure[];
  results: Partial<Record<PeerName, PeerOutcome>>;
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function valueOf(outcome: PeerOutcome | undefined, key: string): number | null {
  if (outcome === undefined || 'error' in outcome) return null;
  const value = outcome.values[key];
  return value === undefined || value === null || !Number.isFinite(value) ? null : value;
}

/** quire ÷ peer for one figure; null when either side is missing or the peer is 0. */
export function ratio(report: WorkloadReport, key: string, peer: PeerName): number | null {
  const ours = valueOf(report.results.quire, key);
  const theirs = valueOf(report.results[peer], key);
  if (ours === null || theirs === null || theirs === 0) return null;
  return ours / theirs;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
}

export function renderTable(report: WorkloadReport, peers: readonly PeerName[]): string {
  const others = peers.filter((p) => p !== 'quire');
  const showRatios = peers.includes('quire');
  const header = ['figure', 'unit', ...peers, ...(showRatios ? others.map((p) => `q/${p}`) : [])];
  const rows = report.figures.map((figure) => [
    `${figure.label}${figure.runs !== undefined && figure.runs > 1 ? ` (median of ${figure.runs})` : ''} [${figure.better === 'lower' ? '↓' : '↑'}]`,
    figure.unit,
    ...peers.map((peer) => formatNumber(valueOf(report.results[peer], figure.key))),
    ...(showRatios
      ? others.map((peer) => {
          const r = ratio(report, figure.key, peer);
          return r === null ? '—' : `${r.toFixed(2)}×`;
        })
      : []),
  ]);
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...rows.map((row) => row[i]!.length)));
  const lines = [`## ${report.title}`, pad(header, widths), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of rows) lines.push(pad(row, widths));
  for (const peer of peers) {
    const outcome = report.results[peer];
    if (outcome === undefined) continue;
    if ('error' in outcome) lines.push(`  ${peer}: FAILED — ${outcome.error.split('\n')[0]}`);
    else for (const note of outcome.notes) lines.push(`  ${peer}: ${note}`);
  }
  return lines.join('\n');
}
