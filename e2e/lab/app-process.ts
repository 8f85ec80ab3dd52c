// Stands in for the app in the crash test: connects through the openvpn driver, prints the
// state as one JSON line and then idles until the test kills it. The test runs it inside the
// client namespace, so openvpn needs no command prefix.
// Usage: node --import tsx e2e/lab/app-process.ts DATA_DIR PROFILE OPENVPN
import { OpenvpnDriver } from '../../main/connect/openvpn-driver.ts';

const [dataDir, profilePath, openvpnPath] = process.argv.slice(2);
if (!dataDir || !profilePath || !openvpnPath) {
  console.error('Usage: app-process.ts DATA_DIR PROFILE OPENVPN');
  process.exit(2);
}

const driver = new OpenvpnDriver({
  dataDir,
  openvpnPath,
  extraArguments: ['--disable-dco'],
  connectTimeoutMs: 20_000,
});

try {
  await driver.installProfile(profilePath);
  const state = await driver.connect();
  console.log(JSON.stringify(state));
  setInterval(() => undefined, 60_000);
} catch (error) {
  console.error(`Connect failed: ${(error as Error).message}`);
  process.exit(1);
}
