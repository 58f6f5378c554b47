import { describe, expect, it } from 'vitest';
import { ErrorCode, isMethod, RequestEnvelope, requests } from '../../../common/protocol';

describe('request envelope', () => {
  it('accepts id, method and optional data', () => {
    expect(RequestEnvelope.safeParse({ id: 1, method: 'join', data: {} }).success).toBe(true);
    expect(RequestEnvelope.safeParse({ id: 0, method: 'leave' }).success).toBe(true);
  });
  it('rejects missing or wrong ids, empty methods and extra keys', () => {
    for (const bad of [{ method: 'join' }, { id: -1, method: 'join' }, { id: 1.5, method: 'join' }, { id: '1', method: 'join' }, { id: 1, method: '' }, { id: 1, method: 'x'.repeat(65) }, { id: 1, method: 'join', extra: 1 }, null, [], 'join']) {
      expect(RequestEnvelope.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('method names', () => {
  it('knows the protocol methods and nothing inherited', () => {
    expect(isMethod('join')).toBe(true);
    expect(isMethod('produce')).toBe(true);
    expect(isMethod('toString')).toBe(false);
    expect(isMethod('__proto__')).toBe(false);
    expect(isMethod('constructor')).toBe(false);
  });
  it('has an error code for every failure the renderer translates', () => {
    expect(ErrorCode.options).toContain('bad_request');
    expect(ErrorCode.options).toContain('forbidden');
  });
});

describe('join', () => {
  const join = requests.join.request;
  it('takes only a meeting id: name and bridge point come from the account', () => {
    expect(join.safeParse({ meetingId: '3f2b8c1e-4a5d-4e6f-8a9b-0c1d2e3f4a5b' }).success).toBe(true);
    for (const bad of [{}, { meetingId: 'phong-1' }, { meetingId: 7 }, { meetingId: '3f2b8c1e-4a5d-4e6f-8a9b-0c1d2e3f4a5b', displayName: 'Giả danh' }]) {
      expect(join.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('media requests', () => {
  it('produce requires a known source and kind', () => {
    const produce = requests.produce.request;
    const rtpParameters = { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000 }] };
    expect(produce.safeParse({ transportId: 't', kind: 'audio', source: 'mic', rtpParameters }).success).toBe(true);
    expect(produce.safeParse({ transportId: 't', kind: 'audio', source: 'speaker', rtpParameters }).success).toBe(false);
    expect(produce.safeParse({ transportId: 't', kind: 'data', source: 'mic', rtpParameters }).success).toBe(false);
    expect(produce.safeParse({ transportId: 't', kind: 'audio', source: 'mic', rtpParameters: { codecs: [] } }).success).toBe(false);
  });
  it('connect requires DTLS fingerprints', () => {
    const connect = requests.connectWebRtcTransport.request;
    expect(connect.safeParse({ transportId: 't', dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB' }] } }).success).toBe(true);
    expect(connect.safeParse({ transportId: 't', dtlsParameters: { role: 'client', fingerprints: [] } }).success).toBe(false);
    expect(connect.safeParse({ transportId: 't', dtlsParameters: { role: 'boss', fingerprints: [{ algorithm: 'a', value: 'b' }] } }).success).toBe(false);
  });
  it('bounds array sizes so a client cannot send huge structures', () => {
    const codecs = Array.from({ length: 200 }, () => ({ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000 }));
    expect(requests.ready.request.safeParse({ rtpCapabilities: { codecs } }).success).toBe(false);
  });
});
