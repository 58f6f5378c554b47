/**
 * The document reader, loaded when a document is first opened: pdf.js (and the annotation and
 * signature tools drawn over pages) stay out of the first download, which matters on a commune's
 * slow link. Same props as DocumentReader.
 */
import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import type { DocumentReaderProps } from './DocumentReader';

/** Loads the reader's code (also ahead of use: the offline pack download fetches it so that the service worker keeps it). */
export const loadReader = () => import('./DocumentReader');

const Reader = lazy(() => loadReader().then((m) => ({ default: m.DocumentReader })));

export function DocumentReader(props: DocumentReaderProps) {
  return (
    <Suspense
      fallback={
        <Center p="xl">
          <Loader size="sm" />
        </Center>
      }
    >
      <Reader {...props} />
    </Suspense>
  );
}
