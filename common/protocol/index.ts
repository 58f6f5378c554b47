/**
 * The one protocol between renderer and server. `requests` maps each method to the schema of its
 * data and of its response; `Notifications` types what the server pushes.
 */
import type { z } from 'zod';
import type { AccessNotifications } from './access';
import { attendanceRequests, type AttendanceNotifications } from './attendance';
import { chatRequests, type ChatNotifications } from './chat';
import { conferenceRequests, type ConferenceNotifications } from './conference';
import { documentsRequests, type DocumentsNotifications } from './documents';
import { floorRequests, type FloorNotifications } from './floor';
import { votingRequests, type VotingNotifications } from './voting';
import { mediaControlRequests, type MediaControlNotifications } from './media-control';
import { pointsRequests, type PointsNotifications } from './points';
import { meetingWatchRequests, type MeetingWatchNotifications } from './meeting-watch';
import { linkRequests, type LinkNotifications } from './link';
import { recordingRequests, type RecordingNotifications } from './recording';
import type { BroadcastNotifications } from './broadcast';

export * from './envelope';
export * from './access';
export * from './media-types';
export * from './conference';
export * from './voting';
export * from './chat';
export * from './floor';
export * from './attendance';
export * from './media-control';
export * from './points';
export * from './meeting-watch';
export * from './link';
export * from './recording';
export * from './broadcast';

export const requests = {
  ...conferenceRequests,
  ...documentsRequests,
  ...votingRequests,
  ...chatRequests,
  ...floorRequests,
  ...attendanceRequests,
  ...mediaControlRequests,
  ...pointsRequests,
  ...meetingWatchRequests,
  ...linkRequests,
  ...recordingRequests,
} as const;

export type Requests = typeof requests;
export type Method = keyof Requests;
export type RequestData<M extends Method> = z.input<Requests[M]['request']>;
export type ParsedRequest<M extends Method> = z.output<Requests[M]['request']>;
export type ResponseData<M extends Method> = z.output<Requests[M]['response']>;

export type Notifications = AccessNotifications &
  ConferenceNotifications &
  DocumentsNotifications &
  VotingNotifications &
  ChatNotifications &
  FloorNotifications &
  AttendanceNotifications &
  MediaControlNotifications &
  MeetingWatchNotifications &
  LinkNotifications &
  PointsNotifications &
  BroadcastNotifications &
  RecordingNotifications;
export type NotificationName = keyof Notifications;

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(requests, name);
}
