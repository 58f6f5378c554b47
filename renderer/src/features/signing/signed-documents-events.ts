/**
 * "A meeting's documents to sign changed" inside this window: another feature that makes a version
 * (the minutes) tells the signed-documents section to load its list again.
 */
import { useEffect } from 'react';

const EVENT = 'phonghop:signed-documents-changed';

export function signedDocumentsChanged(meetingId: string): void {
  window.dispatchEvent(new CustomEvent<string>(EVENT, { detail: meetingId }));
}

export function useSignedDocumentsChanged(meetingId: string, onChange: () => void): void {
  useEffect(() => {
    const listener = (e: Event) => {
      if ((e as CustomEvent<string>).detail === meetingId) onChange();
    };
    window.addEventListener(EVENT, listener);
    return () => window.removeEventListener(EVENT, listener);
  }, [meetingId, onChange]);
}
