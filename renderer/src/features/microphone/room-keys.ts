/**
 * The room's keyboard shortcuts, as a pure decision on one key event (unit-tested):
 * - Space held: push to talk (the microphone is on while the key is down, if it was off);
 * - M: microphone on/off; V: camera on/off; ?: the shortcut sheet.
 * Nothing fires while typing (inputs, text areas, selects, editable content, text-like roles), nor
 * with Ctrl/Alt/Meta held. Space is also left alone on controls inside a dialog (a keyboard user
 * presses a button or ticks a ballot's option with it); elsewhere it talks, even with a toolbar
 * button focused (the button is then not pressed: the caller prevents the default).
 */

export type RoomShortcut = 'talk' | 'mic' | 'camera' | 'help';

export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

/** What we know of the focused element. */
export interface TargetLike {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
  role?: string | null;
  /** The element is inside an open dialog (role="dialog"). */
  inDialog?: boolean;
}

const TEXT_ROLES = new Set(['textbox', 'searchbox', 'combobox', 'spinbutton', 'slider', 'listbox', 'option', 'menuitem', 'menuitemradio', 'menuitemcheckbox', 'radio', 'checkbox', 'switch', 'tab']);
const CONTROL_TAGS = new Set(['BUTTON', 'A', 'SUMMARY']);

/** The user is typing or working a form control: shortcuts keep out of the way. */
export function isTypingTarget(target: TargetLike | null | undefined): boolean {
  if (!target) return false;
  const tag = (target.tagName ?? '').toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT' || tag === 'INPUT') return true;
  if (target.isContentEditable) return true;
  return target.role ? TEXT_ROLES.has(target.role) : false;
}

export function roomShortcut(e: KeyLike, target: TargetLike | null | undefined): RoomShortcut | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  if (isTypingTarget(target)) return null;
  if (e.code === 'Space' || e.key === ' ') {
    const tag = (target?.tagName ?? '').toUpperCase();
    if (target?.inDialog && (CONTROL_TAGS.has(tag) || target.role === 'button')) return null;
    return 'talk';
  }
  if (e.key === '?') return 'help';
  const k = e.key.toLowerCase();
  if (k === 'm') return 'mic';
  if (k === 'v') return 'camera';
  return null;
}

/** Reads what `roomShortcut` needs from a DOM element. */
export function describeTarget(el: EventTarget | null): TargetLike | null {
  if (!el || typeof (el as Element).tagName !== 'string') return null;
  const e = el as HTMLElement;
  return { tagName: e.tagName, type: (e as HTMLInputElement).type, isContentEditable: e.isContentEditable, role: e.getAttribute('role'), inDialog: e.closest('[role="dialog"]') !== null };
}
