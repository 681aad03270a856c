import type { QueueBase } from 'bullmq';
import type Redis from 'ioredis';

/**
 * The ioredis clients behind a BullMQ queue or worker. Read from the connection itself rather
 * than its `client` promise, which never settles when Redis has been down since boot.
 */
export function rawRedisClients(owner: QueueBase): Redis[] {
  const backend = owner.backend as unknown as Record<'connection' | 'blockingConnection', unknown>;
  return [backend.connection, backend.blockingConnection]
    .map((c) => (c as { _client?: Redis } | undefined)?._client)
    .filter((c): c is Redis => !!c);
}

/**
 * Stops a client that a close left reconnecting. BullMQ closes a connection with QUIT, which
 * fails at once while Redis is down (no offline queue), and then removes its 'error' listener:
 * the client kept retrying for ever, holding the event loop open and printing
 * "[ioredis] Unhandled error event" at each failed attempt. disconnect() cancels the pending
 * attempt and marks the client manually closed, which silences the errors of one in flight.
 */
export function stopReconnecting(client: Redis): void {
  if (client.status !== 'end') client.disconnect();
}
