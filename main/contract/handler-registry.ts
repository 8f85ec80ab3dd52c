import type { Logger } from '../log/logger.ts';
import {
  callMessageSchema,
  contract,
  isCallName,
  type CallName,
  type CallOutcome,
  type CallResult,
  type ValidPayload,
} from './contract.ts';

/** One handler per call, receiving the validated payload. */
export type Handlers = {
  [Name in CallName]: (payload: ValidPayload<Name>) => Promise<CallResult<Name>>;
};

export interface HandlerRegistryOptions<Sender> {
  handlers: Handlers;
  /** Whether a message comes from the app's own window; anything else is dropped unanswered. */
  isTrustedSender: (sender: Sender) => boolean;
  log: Logger;
}

/** Dispatches raw messages to handlers; `undefined` means the message was ignored. */
export interface HandlerRegistry<Sender> {
  handle(sender: Sender, message: unknown): Promise<CallOutcome<unknown> | undefined>;
}

/**
 * Builds the main-side end of the contract. Every payload is validated against the contract's
 * schema before a handler receives it, and every handler error becomes a `failed` outcome, so a
 * renderer can never make main throw across the boundary.
 */
export function createHandlerRegistry<Sender>(
  options: HandlerRegistryOptions<Sender>,
): HandlerRegistry<Sender> {
  const log = options.log.child('contract');

  return {
    async handle(sender, message) {
      if (!options.isTrustedSender(sender)) {
        log.warn('Ignored a message from a sender that is not the app window');
        return undefined;
      }

      const envelope = callMessageSchema.safeParse(message);
      if (!envelope.success) {
        log.warn('Rejected a malformed message', { issue: envelope.error.issues[0]?.message });
        return failure('invalid-message', 'Invalid message: expected { id, call, payload }.');
      }

      const { call, payload } = envelope.data;
      if (!isCallName(call)) {
        log.warn('Rejected an unknown call', { call: call.slice(0, 100) });
        return failure('unknown-call', `Unknown call "${call.slice(0, 100)}".`);
      }

      const parsed = contract.calls[call].payload.safeParse(payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? issue.path.join('.') : 'payload';
        log.warn('Rejected a malformed payload', { call, field: where, issue: issue?.message });
        return failure(
          'invalid-payload',
          `Invalid payload for ${call}: ${where}: ${issue?.message}.`,
        );
      }

      try {
        const handler = options.handlers[call] as (payload: unknown) => Promise<unknown>;
        const value = await handler(parsed.data);
        return { ok: true, value };
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        log.error('Call failed', { call, error: text });
        return failure('failed', text);
      }
    },
  };
}

function failure(
  code: 'invalid-message' | 'unknown-call' | 'invalid-payload' | 'failed',
  message: string,
) {
  return { ok: false as const, error: { code, message } };
}
