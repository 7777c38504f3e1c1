import { afterEach, describe, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { converged } from '../helpers/convergence.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('long-polling clients', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('a polling-only client converges with a WebSocket client', async () => {
    running = await startServer();
    const polling = await connectSynced(running.url, 'mixed', { transports: ['polling'] });
    const websocket = await connectSynced(running.url, 'mixed', { transports: ['websocket'] });
    clients.push(polling, websocket);
    for (let i = 0; i < 50; i++) {
      polling.doc.getText('text').insert(0, 'p');
      websocket.doc.getArray('array').push([i]);
    }
    polling.doc.getMap('map').set('from', 'polling');
    await waitFor(() => converged([polling.doc, websocket.doc]), 'convergence');
    await waitFor(() => polling.provider.pendingCount === 0 && websocket.provider.pendingCount === 0, 'saved');
  });
});
