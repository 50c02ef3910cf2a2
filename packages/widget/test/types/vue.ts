// Type test: `<ct-protected-form>` is a known global component in Vue templates' types.
import type {} from '@ct-protected-form/widget/jsx';
import type { GlobalComponents } from 'vue';

type Props = InstanceType<GlobalComponents['ct-protected-form']>['$props'];
export const props: Props = { consent: 'granted', honeypot: true, 'detector-src': '/detector.js' };
// @ts-expect-error consent takes only "pending" or "granted"
export const wrong: Props = { consent: 'maybe' };
