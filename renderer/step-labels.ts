import type { WizardStep } from '../main/contract/wizard-state.ts';

/**
 * The name of each step in the step indicator and the announcements. The last step is the
 * status window, whose own heading is "VPN status".
 */
export const STEP_LABELS: Record<WizardStep, string> = {
  welcome: 'Welcome',
  identity: 'Your details',
  request: 'Key and request',
  signing: 'Signing',
  certificate: 'Certificate',
  install: 'Install',
  connect: 'Connect',
  done: 'Status',
};
