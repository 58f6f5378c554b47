import { describe, expect, it } from 'vitest';
import { isTypingTarget, roomShortcut } from '../../../renderer/src/features/microphone/room-keys';

const body = { tagName: 'BODY' };

describe('room shortcuts', () => {
  it('Space talks, M and V toggle, ? opens the sheet', () => {
    expect(roomShortcut({ key: ' ', code: 'Space' }, body)).toBe('talk');
    expect(roomShortcut({ key: 'm' }, body)).toBe('mic');
    expect(roomShortcut({ key: 'M' }, body)).toBe('mic');
    expect(roomShortcut({ key: 'v' }, body)).toBe('camera');
    expect(roomShortcut({ key: '?' }, body)).toBe('help');
    expect(roomShortcut({ key: 'x' }, body)).toBeNull();
    expect(roomShortcut({ key: ' ' }, null)).toBe('talk');
  });

  it('does nothing while typing in an input, a text area, a select or editable content', () => {
    for (const target of [{ tagName: 'INPUT', type: 'text' }, { tagName: 'TEXTAREA' }, { tagName: 'SELECT' }, { tagName: 'DIV', isContentEditable: true }, { tagName: 'DIV', role: 'textbox' }, { tagName: 'INPUT', type: 'radio' }]) {
      expect(isTypingTarget(target)).toBe(true);
      expect(roomShortcut({ key: ' ', code: 'Space' }, target)).toBeNull();
      expect(roomShortcut({ key: 'm' }, target)).toBeNull();
      expect(roomShortcut({ key: '?' }, target)).toBeNull();
    }
  });

  it('leaves key combinations to the browser and the system', () => {
    expect(roomShortcut({ key: 'm', ctrlKey: true }, body)).toBeNull();
    expect(roomShortcut({ key: 'v', metaKey: true }, body)).toBeNull();
    expect(roomShortcut({ key: ' ', code: 'Space', altKey: true }, body)).toBeNull();
  });

  it('Space presses a button inside a dialog, but talks with a toolbar button focused', () => {
    expect(roomShortcut({ key: ' ', code: 'Space' }, { tagName: 'BUTTON', inDialog: true })).toBeNull();
    expect(roomShortcut({ key: ' ', code: 'Space' }, { tagName: 'DIV', role: 'button', inDialog: true })).toBeNull();
    expect(roomShortcut({ key: ' ', code: 'Space' }, { tagName: 'BUTTON', inDialog: false })).toBe('talk');
    // M still works in a dialog's button (it types nothing there).
    expect(roomShortcut({ key: 'm' }, { tagName: 'BUTTON', inDialog: true })).toBe('mic');
  });
});
