import { describe, expect, it } from 'vitest';
import { decidePermission } from '../../../electron/main/permissions.js';

const SERVER = 'https://phonghop.example.gov.vn';

describe('decidePermission', () => {
  it('grants camera/microphone and screen capture to the server origin', () => {
    expect(decidePermission({ permission: 'media', requestingOrigin: SERVER }, SERVER)).toBe(true);
    expect(decidePermission({ permission: 'media', requestingOrigin: `${SERVER}/room/7` }, SERVER)).toBe(true);
    expect(decidePermission({ permission: 'display-capture', requestingOrigin: `${SERVER}/` }, SERVER)).toBe(true);
    expect(
      decidePermission(
        { permission: 'media', requestingOrigin: `${SERVER}/`, securityOrigin: `${SERVER}/`, topLevelOrigin: `${SERVER}/room` },
        SERVER,
      ),
    ).toBe(true);
  });

  it('denies media to every other origin', () => {
    for (const origin of [
      'https://evil.vn',
      'http://phonghop.example.gov.vn',
      'https://phonghop.example.gov.vn:8443',
      'https://phonghop.example.gov.vn.evil.vn',
      'file:///opt/app/renderer/dist/index.html',
      'null',
      '',
      undefined,
      null,
    ]) {
      expect(decidePermission({ permission: 'media', requestingOrigin: origin }, SERVER), String(origin)).toBe(false);
      expect(decidePermission({ permission: 'display-capture', requestingOrigin: origin }, SERVER), String(origin)).toBe(false);
    }
  });

  it('denies when an embedding or security origin disagrees', () => {
    expect(decidePermission({ permission: 'media', requestingOrigin: SERVER, topLevelOrigin: 'https://evil.vn' }, SERVER)).toBe(false);
    expect(decidePermission({ permission: 'media', requestingOrigin: SERVER, securityOrigin: 'https://evil.vn' }, SERVER)).toBe(false);
  });

  it('denies everything else, even to the server', () => {
    for (const permission of [
      'notifications',
      'geolocation',
      'clipboard-read',
      'midi',
      'midiSysex',
      'openExternal',
      'pointerLock',
      'fullscreen',
      'hid',
      'serial',
      'usb',
      'fileSystem',
      'unknown',
      'MEDIA',
    ]) {
      expect(decidePermission({ permission, requestingOrigin: SERVER }, SERVER), permission).toBe(false);
    }
  });

  it('denies everything before a server is configured', () => {
    expect(decidePermission({ permission: 'media', requestingOrigin: SERVER }, null)).toBe(false);
  });
});
