import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { ByteCount } from '../driver.ts';

export const SYS_CLASS_NET = '/sys/class/net';

/**
 * Reads a network device's byte counters from the kernel: `rx_bytes` in and `tx_bytes` out,
 * counted since the device was created. Returns undefined when the device is gone.
 */
export async function readByteCount(
  device: string,
  sysClassNet: string = SYS_CLASS_NET,
): Promise<ByteCount | undefined> {
  // A device name never contains "/", but a name from nmcli's output is checked anyway.
  if (device === '' || device.includes('/') || device === '.' || device === '..') return undefined;

  const statistics = join(sysClassNet, device, 'statistics');
  try {
    const [received, sent] = await Promise.all([
      readFile(join(statistics, 'rx_bytes'), 'utf8'),
      readFile(join(statistics, 'tx_bytes'), 'utf8'),
    ]);
    return { bytesIn: Number(received.trim()), bytesOut: Number(sent.trim()) };
  } catch {
    return undefined;
  }
}
