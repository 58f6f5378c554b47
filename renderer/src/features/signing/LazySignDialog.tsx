/**
 * The signing dialog, loaded when someone first signs: the PKCS#12 and CMS code (node-forge,
 * pkijs, asn1js) stays out of the first download. Nothing is loaded while no document is chosen.
 */
import { lazy, Suspense, type ComponentProps } from 'react';

const Dialog = lazy(() => import('./SignDialog').then((m) => ({ default: m.SignDialog })));

export function SignDialog(props: ComponentProps<typeof Dialog>) {
  if (!props.document) return null;
  return (
    <Suspense fallback={null}>
      <Dialog {...props} />
    </Suspense>
  );
}
