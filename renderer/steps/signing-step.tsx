import { useSnapshot } from '../wizard-store.ts';
import { EstSigning } from './est-signing.tsx';
import { ManualSigning } from './manual-signing.tsx';

export function SigningStep() {
  const { organisation } = useSnapshot();
  return organisation.method === 'est' ? <EstSigning /> : <ManualSigning />;
}
