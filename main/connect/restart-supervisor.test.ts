import { describe, expect, it } from 'vitest';

import { silentLogger } from '../log/logger.ts';
import { RestartSupervisor, type RestartTarget } from './restart-supervisor.ts';

const POLICY = { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 5 };

interface Recorder extends RestartTarget {
  scheduled: string[];
  exhausted: string[];
  relaunches: number;
  stopping: boolean;
}

/** Creates a restart target whose relaunch fails `failures` times before it succeeds. */
function recorder(failures: number): Recorder {
  const target: Recorder = {
    scheduled: [],
    exhausted: [],
    relaunches: 0,
    stopping: false,
    relaunch: () => {
      target.relaunches += 1;
      if (target.relaunches <= failures) {
        return Promise.reject(new Error(`relaunch ${target.relaunches} failed`));
      }
      return Promise.resolve(4242);
    },
    isStopping: () => target.stopping,
    restartScheduled: (reason) => target.scheduled.push(reason),
    restartsExhausted: (message) => target.exhausted.push(message),
  };
  return target;
}

function supervisorFor(target: RestartTarget): RestartSupervisor {
  return new RestartSupervisor(POLICY, target, silentLogger, () => 'test');
}

function settle(ms = 100): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('restart supervisor', () => {
  it('names the attempt and the delay in the reason', () => {
    const target = recorder(0);
    const supervisor = supervisorFor(target);

    expect(supervisor.schedule('openvpn exited unexpectedly (SIGKILL)')).toBe(true);

    expect(target.scheduled).toEqual([
      expect.stringMatching(/^openvpn exited unexpectedly \(SIGKILL\); restart 1 of 2 in \d+ ms$/),
    ]);
  });

  it('relaunches once the delay passed', async () => {
    const target = recorder(0);
    supervisorFor(target).schedule('openvpn exited unexpectedly');

    await settle();

    expect(target.relaunches).toBe(1);
    expect(target.exhausted).toEqual([]);
  });

  it('tries again after a failed relaunch', async () => {
    const target = recorder(1);
    supervisorFor(target).schedule('openvpn exited unexpectedly');

    await settle();

    expect(target.relaunches).toBe(2);
    expect(target.scheduled).toHaveLength(2);
    expect(target.exhausted).toEqual([]);
  });

  it('reports the error once the attempts are used up', async () => {
    const target = recorder(5);
    supervisorFor(target).schedule('openvpn exited unexpectedly');

    await settle();

    expect(target.relaunches).toBe(2);
    expect(target.exhausted).toEqual([
      'openvpn could not be restarted after 2 attempts: relaunch 2 failed',
    ]);
  });

  it('refuses a restart beyond the policy', () => {
    const supervisor = supervisorFor(recorder(0));
    supervisor.schedule('first');
    supervisor.schedule('second');

    expect(supervisor.schedule('third')).toBe(false);
    void supervisor.cancel();
  });

  it('counts afresh after a reset', () => {
    const supervisor = supervisorFor(recorder(0));
    supervisor.schedule('first');
    supervisor.schedule('second');

    supervisor.reset();

    expect(supervisor.attempts).toBe(0);
    expect(supervisor.schedule('third')).toBe(true);
    void supervisor.cancel();
  });

  it('does not relaunch after cancel', async () => {
    const target = recorder(0);
    const supervisor = supervisorFor(target);
    supervisor.schedule('openvpn exited unexpectedly');

    await supervisor.cancel();
    await settle();

    expect(target.relaunches).toBe(0);
  });

  it('does not relaunch while stopping', async () => {
    const target = recorder(0);
    supervisorFor(target).schedule('openvpn exited unexpectedly');

    target.stopping = true;
    await settle();

    expect(target.relaunches).toBe(0);
  });
});
