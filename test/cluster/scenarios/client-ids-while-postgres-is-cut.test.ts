import { expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../../helpers/clients.js';
import type { RawSocket } from '../../helpers/raw-socket.js';
import { waitFor } from '../../helpers/wait-for.js';
import { writeUnderClientId } from '../../helpers/cluster/write-under-client-id.js';
import { describeCluster } from './cluster-scenario.js';
import { runShort } from './scenario-config.js';

describeCluster('client-id ownership while a node is cut from PostgreSQL', runShort, {}, (cluster) => {
  it('a node that cannot ask PostgreSQL who owns an id refuses the write instead of granting it', async () => {
    const harness = cluster();
    const raw: RawSocket[] = [];
    const clients: TestClient[] = [];
    try {
      // Node 2 holds the document before the victim claims its id through node 1.
      clients.push(await connectSynced(harness.node(1).url, 'contract'));
      const victim = await connectSynced(harness.node(0).url, 'contract');
      clients.push(victim);
      victim.doc.getText('text').insert(0, 'Signed by Ada.');
      await waitFor(() => victim.provider.pendingCount === 0, 'the victim saved');

      harness.postgresLinks[1]!.set('reset');
      const forged = await writeUnderClientId(
        harness.node(1).url,
        'contract',
        { session: 'forger-session-0123456789', clientId: victim.doc.clientID, text: ' Void.' },
        raw,
      );
      expect(forged).toMatchObject({ ok: false, code: 'STORE_FAILED' });

      harness.postgresLinks[1]!.set('pass');
      await waitFor(async () => (await harness.readyz(1)).status === 200, 'node 2 ready again', 30_000, 200);
      const again = await writeUnderClientId(
        harness.node(1).url,
        'contract',
        { session: 'forger-session-0123456789', clientId: victim.doc.clientID, text: ' Void.' },
        raw,
      );
      expect(again).toMatchObject({ ok: false, code: 'CLIENT_ID_TAKEN' });
      const reader = await connectSynced(harness.node(2).url, 'contract');
      clients.push(reader);
      expect(reader.doc.getText('text').toString()).toBe('Signed by Ada.');
    } finally {
      for (const socket of raw) socket.close();
      destroyClients(clients);
    }
  }, 90_000);
});
