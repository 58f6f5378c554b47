/** Device errors are told in the app's language, by what happened (the DOMException's name), not the browser's English text. */
import { afterAll, describe, expect, it } from 'vitest';
import { deviceErrorMessage } from '../../../renderer/src/shared/device-errors';
import i18next from '../../../renderer/src/app/i18n';

afterAll(() => i18next.changeLanguage('vi'));

describe('deviceErrorMessage', () => {
  it('names the cause in Vietnamese and in English', async () => {
    await i18next.changeLanguage('vi');
    expect(deviceErrorMessage(new DOMException('Permission denied', 'NotAllowedError'))).toMatch(/^Chưa được phép dùng camera hoặc micrô/);
    expect(deviceErrorMessage(new DOMException('Could not start video source', 'NotReadableError'))).toMatch(/đang được ứng dụng khác dùng/);
    expect(deviceErrorMessage(new DOMException('Requested device not found', 'NotFoundError'))).not.toContain('Requested device not found');
    await i18next.changeLanguage('en');
    expect(deviceErrorMessage(new DOMException('Permission denied', 'NotAllowedError'))).toMatch(/^Camera or microphone access is not allowed/);
    // Anything else keeps the browser's detail inside a sentence of ours.
    expect(deviceErrorMessage(new Error('odd failure'))).toBe('The device could not be opened: odd failure');
  });
});
