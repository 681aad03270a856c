import { Injectable } from '@nestjs/common';
import type { Db } from '../common/db-types';
import { notImplemented } from '../common/not-implemented';

export interface Message {
  id: string;
  customerId: string;
  veId: string;
  taskId: string | null;
  direction: 'to_ve' | 'from_ve';
  content: string;
  readAt: string | null;
  createdAt: string;
}

/** Contract used by webhooks and tasks. Owned by the messages issue (#9). */
@Injectable()
export class MessagesService {
  /** Stores a message from a VE once per sourceEventId; emits message.created after commit. */
  async recordFromVe(
    _customerId: string,
    _msg: { veId: string; taskId?: string | null; content: string; sourceEventId?: string },
    _db?: Db,
  ): Promise<{ message: Message; created: boolean }> {
    return notImplemented('MessagesService.recordFromVe');
  }
}
