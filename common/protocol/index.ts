/**
 * The one protocol between renderer and server. `requests` maps each method to the schema of its
 * data and of its response; `Notifications` types what the server pushes.
 */
import type { z } from 'zod';
import { conferenceRequests, type ConferenceNotifications } from './conference';
import { documentsRequests, type DocumentsNotifications } from './documents';

export * from './envelope';
export * from './media-types';
export * from './conference';

export const requests = {
  ...conferenceRequests,
  ...documentsRequests,
} as const;

export type Requests = typeof requests;
export type Method = keyof Requests;
export type RequestData<M extends Method> = z.input<Requests[M]['request']>;
export type ParsedRequest<M extends Method> = z.output<Requests[M]['request']>;
export type ResponseData<M extends Method> = z.output<Requests[M]['response']>;

export type Notifications = ConferenceNotifications & DocumentsNotifications;
export type NotificationName = keyof Notifications;

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(requests, name);
}
