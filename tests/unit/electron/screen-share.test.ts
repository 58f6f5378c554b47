import { describe, expect, it } from 'vitest';
import {
  type CapturerSourceLike,
  createScreenShareController,
  type DisplayMediaRequestLike,
  type GetSourcesOptions,
  SELECTION_TTL_MS,
} from '../../../electron/main/screen-share.js';

const SERVER = 'https://a.vn';
const sources: CapturerSourceLike[] = [
  { id: 'screen:0:0', name: 'Màn hình 1', thumbnail: { toDataURL: () => 'data:image/png;base64,S0' } },
  { id: 'window:4242:0', name: 'Báo cáo.docx', thumbnail: { toDataURL: () => 'data:image/png;base64,W1' } },
  { id: 'weird', name: 'ignored', thumbnail: { toDataURL: () => 'data:,' } },
];

function setup(platform: NodeJS.Platform = 'linux') {
  let clock = 1_000;
  const requests: GetSourcesOptions[] = [];
  const controller = createScreenShareController({
    getSources: async (options) => {
      requests.push(options);
      return sources;
    },
    platform,
    now: () => clock,
  });
  return { controller, requests, advance: (ms: number) => (clock += ms) };
}

const request = (extra: Partial<DisplayMediaRequestLike> = {}): DisplayMediaRequestLike => ({
  frame: { url: `${SERVER}/room/1`, parent: null },
  securityOrigin: `${SERVER}/`,
  videoRequested: true,
  audioRequested: false,
  ...extra,
});

describe('screen share', () => {
  it('lists screens and windows with 320x180 thumbnails', async () => {
    const { controller, requests } = setup();
    expect(await controller.listSources()).toEqual([
      { id: 'screen:0:0', name: 'Màn hình 1', thumbnail: 'data:image/png;base64,S0', kind: 'screen' },
      { id: 'window:4242:0', name: 'Báo cáo.docx', thumbnail: 'data:image/png;base64,W1', kind: 'window' },
    ]);
    expect(requests).toEqual([{ types: ['screen', 'window'], thumbnailSize: { width: 320, height: 180 }, fetchWindowIcons: false }]);
  });

  it('grants the selected source once to the server page', async () => {
    const { controller } = setup();
    await controller.listSources();
    controller.selectSource('window:4242:0');
    expect(controller.handleDisplayMediaRequest(request(), SERVER)).toEqual({ video: { id: 'window:4242:0', name: 'Báo cáo.docx' } });
    expect(controller.handleDisplayMediaRequest(request(), SERVER)).toBeNull();
  });

  it('refuses ids that were not listed', async () => {
    const { controller } = setup();
    expect(() => controller.selectSource('screen:0:0')).toThrow();
    await controller.listSources();
    expect(() => controller.selectSource('screen:9:0')).toThrow();
    expect(() => controller.selectSource('weird')).toThrow();
  });

  it('denies without a selection, after the selection expired, or for other pages', async () => {
    const { controller, advance } = setup();
    await controller.listSources();
    expect(controller.handleDisplayMediaRequest(request(), SERVER)).toBeNull();

    controller.selectSource('screen:0:0');
    advance(SELECTION_TTL_MS + 1);
    expect(controller.handleDisplayMediaRequest(request(), SERVER)).toBeNull();

    const denied: Array<[Partial<DisplayMediaRequestLike>, string | null]> = [
      [{ frame: { url: 'https://evil.vn/', parent: null } }, SERVER],
      [{ securityOrigin: 'https://evil.vn' }, SERVER],
      [{ frame: { url: `${SERVER}/embed`, parent: { url: `${SERVER}/`, parent: null } } }, SERVER],
      [{ frame: null }, SERVER],
      [{ videoRequested: false }, SERVER],
      [{}, null],
    ];
    for (const [extra, origin] of denied) {
      controller.selectSource('screen:0:0');
      expect(controller.handleDisplayMediaRequest(request(extra), origin), JSON.stringify(extra)).toBeNull();
    }
  });

  it('adds system audio on Windows only', async () => {
    for (const [platform, audio] of [['win32', 'loopback'], ['linux', undefined], ['darwin', undefined]] as const) {
      const { controller } = setup(platform);
      await controller.listSources();
      controller.selectSource('screen:0:0');
      expect(controller.handleDisplayMediaRequest(request({ audioRequested: true }), SERVER)?.audio, platform).toBe(audio);
    }
  });
});
