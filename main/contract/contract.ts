import { z } from 'zod';

import { statusSnapshotSchema } from './status-state.ts';
import { identitySchema, wizardSnapshotSchema, wizardStepSchema } from './wizard-state.ts';

const none = z.object({}).strict();
const MAX_CERTIFICATE_CHARACTERS = 64 * 1024;

/**
 * The one declaration of what the renderer may ask main to do (`calls`) and what main pushes to
 * the renderer (`events`). The main-side registry, the renderer client and the test helpers are
 * all typed and validated from these schemas, so a channel cannot exist on one side only.
 */
export const contract = {
  calls: {
    /** The renderer is ready for events; returns the snapshot it starts from. */
    'wizard.ready': { payload: none, result: wizardSnapshotSchema },
    'wizard.goTo': { payload: z.object({ step: wizardStepSchema }).strict(), result: none },
    'wizard.saveIdentity': { payload: identitySchema.strict(), result: none },
    'wizard.createRequest': { payload: none, result: none },
    'wizard.submitEst': {
      payload: z
        .object({ username: z.string().min(1).max(256), password: z.string().min(1).max(1024) })
        .strict(),
      result: none,
    },
    'wizard.retryNow': { payload: none, result: none },
    'wizard.importCertificate': {
      payload: z
        .object({ certificate: z.string().min(1).max(MAX_CERTIFICATE_CHARACTERS) })
        .strict(),
      result: none,
    },
    'wizard.restart': { payload: none, result: none },
    /** Starts the tunnel with the installed profile; the state follows in `wizard.state` events. */
    'connection.connect': { payload: none, result: none },
    'connection.reconnect': { payload: none, result: none },
    'connection.disconnect': { payload: none, result: none },
    /** The status window opened; returns the snapshot it starts from. */
    'status.ready': { payload: none, result: statusSnapshotSchema },
    /** Runs a round of probes now; the result follows in a `status.state` event. */
    'status.probeNow': { payload: none, result: none },
    /** Forwards a renderer error to main's log, because the renderer has no file access. */
    'log.rendererError': {
      payload: z.object({ message: z.string().max(2000), stack: z.string().max(8000).optional() }),
      result: none,
    },
  },
  events: {
    'wizard.state': wizardSnapshotSchema,
    'status.state': statusSnapshotSchema,
  },
} as const;

export type Contract = typeof contract;
export type CallName = keyof Contract['calls'];
export type EventName = keyof Contract['events'];

/** The payload a caller sends for `name`, before validation. */
export type CallPayload<Name extends CallName> = z.input<Contract['calls'][Name]['payload']>;
/** The payload a handler receives for `name`, after validation. */
export type ValidPayload<Name extends CallName> = z.output<Contract['calls'][Name]['payload']>;
export type CallResult<Name extends CallName> = z.output<Contract['calls'][Name]['result']>;
export type EventPayload<Name extends EventName> = z.output<Contract['events'][Name]>;

export type ContractErrorCode = 'invalid-message' | 'unknown-call' | 'invalid-payload' | 'failed';

/** The end of every call. Errors cross as values, never as thrown exceptions. */
export type CallOutcome<Value> =
  { ok: true; value: Value } | { ok: false; error: { code: ContractErrorCode; message: string } };

/** A call on the wire: `id` pairs the reply with the request over transports without one. */
export const callMessageSchema = z.object({
  id: z.number().int().nonnegative(),
  call: z.string().max(100),
  payload: z.unknown(),
});

export type CallMessage = z.infer<typeof callMessageSchema>;

export interface ReplyMessage {
  kind: 'reply';
  id: number;
  outcome: CallOutcome<unknown>;
}

export interface EventMessage {
  kind: 'event';
  event: EventName;
  payload: unknown;
}

export function isCallName(name: string): name is CallName {
  return Object.hasOwn(contract.calls, name);
}

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(contract.events, name);
}
