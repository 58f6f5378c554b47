/**
 * Whether the room's keyboard-shortcut sheet is open: `?` toggles it (MicDiscipline), and so does the
 * toolbar's "Phím tắt" button (or its entry in the compact toolbar's "Thêm" menu), which the room
 * gets as a RoomAction from the composition root.
 */
import { useSyncExternalStore } from 'react';

let open = false;
const listeners = new Set<() => void>();

function set(value: boolean): void {
  if (open === value) return;
  open = value;
  for (const listener of [...listeners]) listener();
}

export const shortcutSheet = {
  isOpen: (): boolean => open,
  open: (): void => set(true),
  close: (): void => set(false),
  toggle: (): void => set(!open),
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useShortcutSheetOpen(): boolean {
  return useSyncExternalStore(shortcutSheet.subscribe, shortcutSheet.isOpen);
}
