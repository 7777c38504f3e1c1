/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per origin
 * (quire's own directories, each npm package, Node internals, GC), idle time left out.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  busyMs: number;
  functions: { name: string; where: string; ms: number; pct: number }[];
  origins: { origin: string; ms: number; pct: number }[];
  /** Inclusive (self + callees) time of quire's own functions: which of our code paths cost what. */
  ownInclusive: { name: string; where: string; ms: number; pct: number }[];
}

const isOwnCode = (url: string): boolean => !url.includes('node_modules') && /\/(server|client|shared)\//.test(url);

function originOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const own = /\/(server|client|shared|bench)\/([^/]+)/.exec(url);
  if (own !== null) return `quire ${own[1]}/${own[2]!.replace(/\.[jt]s$/, '')}`;
  return url;
}

function shortWhere(url: string, line: number): string {
  const trimmed = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|client|shared|bench)\//, '$1/');
  // tsx-compiled TypeScript reports no useful line (0): the file names the place well enough.
  return line > 0 ? `${trimmed}:${line + 1}` : trimmed;
}

export async function summariseProfile(path: string, top = 25): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const timeById = new Map<number, number>();
  profile.samples.forEach((id, i) => timeById.set(id, (timeById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  const byOrigin = new Map<string, number>();
  let busyUs = 0;
  for (const node of profile.nodes) {
    const us = timeById.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (us === 0 || functionName === '(idle)') continue;
    busyUs += us;
    const name = functionName || '(anonymous)';
    const where = shortWhere(url, lineNumber);
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    const origin = originOf(url, name);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + us);
  }
  const pct = (us: number): number => (100 * us) / busyUs;

  // Inclusive time: each sample counts once for every distinct own function on its stack.
  const parent = new Map<number, ProfileNode>();
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const inclusive = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of timeById) {
    const leaf = nodeById.get(id);
    if (leaf === undefined || leaf.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let node: ProfileNode | undefined = leaf; node !== undefined; node = parent.get(node.id)) {
      const { functionName, url, lineNumber } = node.callFrame;
      if (!isOwnCode(url)) continue;
      const name = functionName || '(anonymous)';
      const where = shortWhere(url, lineNumber);
      const key = `${name} ${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = inclusive.get(key) ?? { name, where, us: 0 };
      entry.us += us;
      inclusive.set(key, entry);
    }
  }
  return {
    busyMs: busyUs / 1000,
    functions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, pct: pct(f.us) })),
    origins: [...byOrigin]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([origin, us]) => ({ origin, ms: us / 1000, pct: pct(us) })),
    ownInclusive: [...inclusive.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, 15)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, pct: pct(f.us) })),
  };
}

export function renderProfile(title: string, summary: ProfileSummary): string {
  const lines = [`## ${title}: ${summary.busyMs.toFixed(0)} ms of server CPU sampled (idle excluded)`, '', 'self time by origin:'];
  for (const o of summary.origins) lines.push(`  ${o.pct.toFixed(1).padStart(5)} %  ${o.ms.toFixed(0).padStart(6)} ms  ${o.origin}`);
  lines.push('', 'self time by function:');
  for (const f of summary.functions)
    lines.push(`  ${f.pct.toFixed(1).padStart(5)} %  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}  (${f.where})`);
  if (summary.ownInclusive.length > 0) {
    lines.push('', "inclusive time of quire's own functions (self + everything they call):");
    for (const f of summary.ownInclusive)
      lines.push(`  ${f.pct.toFixed(1).padStart(5)} %  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}  (${f.where})`);
  }
  return lines.join('\n');
}
