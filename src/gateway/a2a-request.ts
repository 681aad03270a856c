import {
  Role,
  type Part,
  type SendMessageRequest,
  type TaskPushNotificationConfig,
} from '@a2a-js/sdk';
import { randomUUID } from 'node:crypto';
import type { Ve } from '../ves/ves.types';
import type { InvokeRequest } from './gateway.types';

export function textPart(value: string): Part {
  return {
    content: { $case: 'text', value },
    metadata: undefined,
    filename: '',
    mediaType: 'text/plain',
  };
}

export function dataPart(value: unknown): Part {
  return {
    content: { $case: 'data', value },
    metadata: undefined,
    filename: '',
    mediaType: 'application/json',
  };
}

export interface MessageContext {
  customerId: string;
  ve: Pick<Ve, 'id' | 'agentName' | 'model'>;
  request: InvokeRequest;
  callbackUrl: string;
  /** Set when the agent supports push notifications and the caller gave a push token. */
  push?: { url: string; token: string };
}

/**
 * The A2A message of the agent contract: contextId = the platform task id, metadata
 * {taskId, customerId, veId, callbackUrl} (+ the VE's model and agent name, informational),
 * the text in a text part and structured input in a data part.
 */
export function buildSendMessage(ctx: MessageContext): SendMessageRequest {
  const { request } = ctx;
  const parts = [textPart(request.text)];
  if (request.input && Object.keys(request.input).length) parts.push(dataPart(request.input));
  const push: TaskPushNotificationConfig | undefined = ctx.push && {
    tenant: '',
    id: '',
    taskId: '',
    url: ctx.push.url,
    token: ctx.push.token,
    authentication: { scheme: 'Bearer', credentials: ctx.push.token },
  };
  return {
    tenant: '',
    message: {
      messageId: randomUUID(),
      contextId: request.taskId,
      taskId: '',
      role: Role.ROLE_USER,
      parts,
      metadata: {
        ...(request.taskless ? {} : { taskId: request.taskId }),
        customerId: ctx.customerId,
        veId: ctx.ve.id,
        callbackUrl: ctx.callbackUrl,
        agentName: ctx.ve.agentName,
        model: ctx.ve.model,
      },
      extensions: [],
      referenceTaskIds: [],
    },
    configuration: {
      acceptedOutputModes: [],
      taskPushNotificationConfig: push,
      returnImmediately: false,
    },
    metadata: undefined,
  };
}
