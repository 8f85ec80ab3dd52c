import { basename } from 'node:path';

import { DISCONNECTED } from '../connect/connection-state.ts';
import type {
  ProgressItem,
  WizardError,
  WizardSnapshot,
  WizardStep,
} from '../contract/wizard-state.ts';
import {
  enroll,
  importCertificate,
  type EnrollmentEvent,
  type EnrollmentResult,
} from '../enroll/enrollment.ts';
import { EnrollmentStore } from '../enroll/enrollment-store.ts';
import { validateIdentity, type Identity } from '../enroll/identity.ts';
import type { Logger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { describeFailure } from './failure-messages.ts';
import { organisationView } from './organisation-view.ts';
import {
  createConnectionControl,
  type ConnectionControl,
  type WizardConnectionDriver,
} from './wizard-connection.ts';
import { isAfter, writeWizardRecord } from './wizard-record.ts';
import { readResumePoint } from './wizard-resume.ts';

/**
 * The wizard's means of connecting: a factory for the connection driver, or the reason this host
 * cannot connect, which the connect step shows instead of a Connect button.
 */
export type WizardConnectionOptions =
  | { createConnectionDriver: () => WizardConnectionDriver; connectionUnavailableReason?: never }
  | { createConnectionDriver?: never; connectionUnavailableReason: string };

export type WizardServiceOptions = WizardConnectionOptions & {
  organisation: OrganisationFile;
  dataDir: string;
  host: WizardSnapshot['host'];
  /** Prefill for the identity step, from the OS account. */
  suggestedIdentity?: Partial<Identity>;
  log: Logger;
};

/** The setup wizard's state and actions, shared by the Electron and browser hosts. */
export interface WizardService {
  snapshot(): WizardSnapshot;
  /** Subscribes to every state change; returns the unsubscribe function. */
  subscribe(listener: (snapshot: WizardSnapshot) => void): () => void;
  goTo(step: WizardStep): Promise<void>;
  saveIdentity(identity: Identity): Promise<void>;
  createRequest(): Promise<void>;
  submitEst(credentials: { username: string; password: string }): Promise<void>;
  retryNow(): Promise<void>;
  importCertificate(text: string): Promise<void>;
  restart(): Promise<void>;
  /** Starts the tunnel with the installed profile; failures show on the connect step. */
  connect(): Promise<void>;
  reconnect(): Promise<void>;
  disconnect(): Promise<void>;
  /**
   * Stops the pending-retry timer and any running request, and stops following the tunnel,
   * which stays up.
   */
  close(): void;
}

type Installed = Extract<EnrollmentResult, { status: 'installed' | 'already-installed' }>;

/**
 * Creates the wizard service, resuming from what is on disk: the enrollment state decides the
 * step once a key exists, and the wizard record restores the earlier and later steps.
 */
export async function createWizardService(options: WizardServiceOptions): Promise<WizardService> {
  const { organisation, dataDir } = options;
  const organisationId = organisation.organisation.id;
  const log = options.log.child('wizard');
  const store = new EnrollmentStore(dataDir, organisationId);
  const listeners = new Set<(snapshot: WizardSnapshot) => void>();
  const abort = new AbortController();

  let credentials: { username: string; password: string } | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let state: WizardSnapshot = {
    revision: 0,
    host: options.host,
    step: 'welcome',
    organisation: organisationView(organisation),
    identity: {
      name: options.suggestedIdentity?.name ?? '',
      email: options.suggestedIdentity?.email ?? '',
    },
    identityLocked: false,
    activity: 'idle',
    progress: [],
    connection:
      options.createConnectionDriver === undefined
        ? { available: false, reason: options.connectionUnavailableReason }
        : { available: true },
    connectionState: DISCONNECTED,
  };

  const update = (patch: Partial<WizardSnapshot>) => {
    state = { ...state, ...patch, revision: state.revision + 1 };
    for (const listener of listeners) listener(state);
  };

  const remember = async () => {
    await writeWizardRecord(dataDir, organisationId, {
      step: state.step,
      identity: state.identity,
    });
  };

  const showError = (step: WizardStep, error: unknown) => {
    const failure: WizardError = { step, ...describeFailure(error) };
    log.warn('Step failed', { org: organisationId, step, error: failure.message });
    update({ activity: 'idle', error: failure });
  };

  const onProgress = (event: EnrollmentEvent) => {
    if (event.type === 'pending') return;

    const others = state.progress.filter((item) => item.step !== event.step);
    const status = event.type === 'step-started' ? 'running' : 'done';
    const item: ProgressItem = { step: event.step, status, detail: event.detail };
    update({ progress: [...others, item] });
  };

  const showInstalled = async (result: Installed) => {
    clearTimeout(retryTimer);
    update({
      step: 'certificate',
      activity: 'idle',
      pending: undefined,
      error: undefined,
      certificate: result.certificate,
      profilePath: result.profilePath,
      identityLocked: true,
    });
    await remember();
  };

  const schedulePoll = (retryAt: Date) => {
    clearTimeout(retryTimer);
    if (credentials === undefined) return;

    const delay = Math.max(0, retryAt.getTime() - Date.now());
    retryTimer = setTimeout(() => void submit(), delay);
  };

  // A request is in flight while the activity is "submitting"; "waiting" is the pause between
  // polls, during which the user may check again at once.
  const submit = async () => {
    if (credentials === undefined || state.activity === 'submitting') return;

    update({ activity: 'submitting', error: undefined });
    try {
      const result = await enroll({
        organisation,
        dataDir,
        credentials,
        wait: false,
        signal: abort.signal,
        onEvent: onProgress,
        log: options.log,
      });
      if (result.status === 'installed' || result.status === 'already-installed') {
        await showInstalled(result);
        return;
      }
      if (result.status === 'pending') {
        update({
          activity: 'waiting',
          pending: { retryAt: result.retryAt.toISOString(), canPoll: true },
        });
        schedulePoll(result.retryAt);
        return;
      }
      showError('signing', new Error(`Unexpected enrollment result "${result.status}".`));
    } catch (error) {
      if (abort.signal.aborted) return;
      showError('signing', error);
    }
  };

  const requireIdle = () => {
    if (state.activity !== 'idle' && state.activity !== 'waiting') {
      throw new Error(`Busy (${state.activity}); wait for the current step to finish.`);
    }
  };

  update(await readResumePoint(store, organisation));

  const connection: ConnectionControl | undefined =
    options.createConnectionDriver === undefined
      ? undefined
      : createConnectionControl({
          driver: options.createConnectionDriver(),
          organisation,
          log: options.log,
          snapshot: () => state,
          update,
          showError: (error) => showError('connect', error),
        });

  const requireConnection = (): ConnectionControl | undefined => {
    if (connection !== undefined) return connection;

    const reason = state.connection.available ? '' : ` ${state.connection.reason}`;
    showError('connect', new Error(`This host cannot connect.${reason}`));
    return undefined;
  };

  /** Returns the furthest step the user may open, given what is done so far. */
  function furthestStep(): WizardStep {
    if (state.profilePath !== undefined) return 'done';
    if (state.request !== undefined) return 'signing';
    if (state.identity.name !== '' && state.identity.email !== '') return 'request';
    return 'identity';
  }

  return {
    snapshot: () => state,

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async goTo(step) {
      if (isAfter(step, furthestStep())) {
        throw new Error(`The "${step}" step is not available yet; finish the current step first.`);
      }
      update({ step, error: undefined });
      await remember();
      log.info('Opened a step', { org: organisationId, step });
    },

    async saveIdentity(identity) {
      // A request with the CA fixes the identity, so a change is refused without touching it.
      if (state.identityLocked) {
        showError(
          'identity',
          new Error(
            'Your request is already with the CA, so the name and email address cannot change; start over to use different ones.',
          ),
        );
        return;
      }

      update({ identity });
      try {
        const checked = validateIdentity(identity);
        update({ identity: checked, step: 'request', error: undefined });
        await remember();
      } catch (error) {
        showError('identity', error);
      }
    },

    async createRequest() {
      requireIdle();
      update({ activity: 'generating', progress: [], error: undefined });
      try {
        const result = await enroll({
          organisation,
          dataDir,
          identity: state.identity,
          requestOnly: true,
          signal: abort.signal,
          onEvent: onProgress,
          log: options.log,
        });
        if (result.status === 'already-installed') {
          await showInstalled(result);
          return;
        }
        if (result.status !== 'awaiting-certificate') {
          throw new Error(`Unexpected enrollment result "${result.status}".`);
        }
        update({
          activity: 'idle',
          identityLocked: true,
          request: {
            csrPem: result.csrPem,
            csrFingerprint: result.csrFingerprint,
            csrFileName: `${organisationId}-${basename(result.csrPath)}`,
          },
        });
        await remember();
      } catch (error) {
        showError('request', error);
      }
    },

    async submitEst(entered) {
      requireIdle();
      if (organisation.enrollment.method !== 'est') {
        throw new Error(
          'This organisation signs requests by hand; import the certificate instead.',
        );
      }
      credentials = entered;
      clearTimeout(retryTimer);
      update({ identityLocked: true });
      await submit();
    },

    async retryNow() {
      requireIdle();
      clearTimeout(retryTimer);
      if (credentials === undefined) {
        showError(
          'signing',
          new Error(
            'Enter your EST password again to check whether the CA has signed your request.',
          ),
        );
        return;
      }
      await submit();
    },

    async importCertificate(text) {
      requireIdle();
      update({ activity: 'importing', error: undefined, identityLocked: true });
      try {
        const result = await importCertificate({
          organisation,
          dataDir,
          certificate: text,
          onEvent: onProgress,
          log: options.log,
        });
        if (result.status !== 'installed' && result.status !== 'already-installed') {
          throw new Error(`Unexpected import result "${result.status}".`);
        }
        await showInstalled(result);
      } catch (error) {
        showError('signing', error);
      }
    },

    async restart() {
      requireIdle();
      clearTimeout(retryTimer);
      credentials = undefined;
      await store.archive();
      log.info('Set the request aside to start over', { org: organisationId });
      update({
        step: 'identity',
        identityLocked: false,
        activity: 'idle',
        progress: [],
        request: undefined,
        pending: undefined,
        certificate: undefined,
        profilePath: undefined,
        error: undefined,
      });
      await remember();
    },

    async connect() {
      await requireConnection()?.connect();
    },

    async reconnect() {
      await requireConnection()?.reconnect();
    },

    async disconnect() {
      await requireConnection()?.disconnect();
    },

    close() {
      clearTimeout(retryTimer);
      abort.abort();
      connection?.close();
      listeners.clear();
    },
  };
}
