/**
 * Profiles a server through the fan-out workload (largest client count): the server's V8 profiler
 * runs from the moment every client is synced until the last burst is delivered, and the profile
 * (kept as bench/results/profiles/*.cpuprofile for DevTools) is summarised by origin and by function. Profiling slows the server, so these runs contribute no figures to the table.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderProfile, summariseProfile } from '../lib/cpu-profile.js';
import { withServer } from '../lib/lifecycle.js';
import { peerFileStem } from '../lib/peers.js';
import { measureAt } from './fanout.js';
import { measureTrace } from './trace.js';
import { measureConnections } from './connections.js';
import { measurePresence } from './presence.js';
import type { WorkloadContext } from './types.js';

export async function profileFanout(context: WorkloadContext): Promise<string> {
  const { options, peer } = context;
  const clients = Math.max(...options.fanoutClients);
  const dir = join(options.resultsDir, 'profiles');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${peerFileStem(peer)}-fanout-${clients}.cpuprofile`);
  await withServer(peer, {}, (server) =>
    measureAt(context, server, clients, {
      beforeTraffic: () => server.startProfile(),
      afterTraffic: () => server.stopProfile(path),
    }),
  );
  const summary = await summariseProfile(path);
  const text = renderProfile(`${peer} fan-out server, ${clients} clients (${options.runs} latency runs + ${options.runs} bursts)`, summary);
  await writeFile(join(options.resultsDir, `profile-${peerFileStem(peer)}-fanout.txt`), `${text}\n`);
  return text;
}

/** The same for the trace workload: the server from the first edit until the observer converged. */
export async function profileTrace(context: WorkloadContext): Promise<string> {
  const { options, peer } = context;
  const dir = join(options.resultsDir, 'profiles');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${peerFileStem(peer)}-trace.cpuprofile`);
  await measureTrace(context, {
    beforeTraffic: (server) => server.startProfile(),
    afterTraffic: (server) => server.stopProfile(path),
  });
  const summary = await summariseProfile(path);
  const text = renderProfile(`${peer} trace server, ${options.edits ?? 'all'} edits, persistence on`, summary);
  await writeFile(join(options.resultsDir, `profile-${peerFileStem(peer)}-trace.txt`), `${text}\n`);
  return text;
}

/** And for the connections workload: the server while the measured clients connect and sync. */
export async function profileConnections(context: WorkloadContext): Promise<string> {
  const { options, peer } = context;
  const dir = join(options.resultsDir, 'profiles');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${peerFileStem(peer)}-connections.cpuprofile`);
  await measureConnections(context, {
    beforeTraffic: (server) => server.startProfile(),
    afterTraffic: (server) => server.stopProfile(path),
  });
  const summary = await summariseProfile(path);
  const text = renderProfile(`${peer} server while ${options.connections} idle clients connect`, summary);
  await writeFile(join(options.resultsDir, `profile-${peerFileStem(peer)}-connections.txt`), `${text}\n`);
  return text;
}

/** And for presence at the heaviest load: the server while every client moves its cursor. */
export async function profilePresence(context: WorkloadContext): Promise<string> {
  const { options, peer } = context;
  const load = options.presenceLoads.reduce((a, b) => (b.clients * b.hz > a.clients * a.hz ? b : a));
  const dir = join(options.resultsDir, 'profiles');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${peerFileStem(peer)}-presence.cpuprofile`);
  await withServer(peer, {}, (server) =>
    measurePresence(context, server, load, {
      beforeTraffic: () => server.startProfile(),
      afterTraffic: () => server.stopProfile(path),
    }),
  );
  const summary = await summariseProfile(path);
  const text = renderProfile(`${peer} presence server, ${load.clients} clients × ${load.hz} Hz`, summary);
  await writeFile(join(options.resultsDir, `profile-${peerFileStem(peer)}-presence.txt`), `${text}\n`);
  return text;
}
