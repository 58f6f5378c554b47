/** Preferences remembered on the device: whatever is stored, the room gets valid values. */
import { describe, expect, it } from 'vitest';
import { parsePreferences } from '../../../renderer/src/features/conference/room-preferences';

describe('parsePreferences', () => {
  it('defaults to the grid with automatic page size and default devices', () => {
    expect(parsePreferences(null)).toEqual({ layout: 'grid', tilesPerPage: null, cameraId: null, microphoneId: null, speakerId: null });
  });
  it('keeps valid stored choices', () => {
    const stored = JSON.stringify({ layout: 'chair', tilesPerPage: 9, cameraId: 'cam-1', microphoneId: 'mic-2', speakerId: 'spk-3' });
    expect(parsePreferences(stored)).toEqual({ layout: 'chair', tilesPerPage: 9, cameraId: 'cam-1', microphoneId: 'mic-2', speakerId: 'spk-3' });
  });
  it('drops invalid values one by one', () => {
    const stored = JSON.stringify({ layout: 'mosaic', tilesPerPage: 400, cameraId: 42, microphoneId: '', speakerId: 'x'.repeat(300) });
    expect(parsePreferences(stored)).toEqual({ layout: 'grid', tilesPerPage: null, cameraId: null, microphoneId: null, speakerId: null });
    expect(parsePreferences(JSON.stringify({ tilesPerPage: 2.5 })).tilesPerPage).toBeNull();
  });
  it('survives broken JSON and non-objects', () => {
    for (const raw of ['{', '[]', '"grid"', 'null', '42']) expect(parsePreferences(raw).layout).toBe('grid');
  });
});
