/** The documents capability's entries in the conference screen and the meeting page. */
import { IconFiles } from '@tabler/icons-react';
import type { RoomPanel } from '../conference/room-panels';
import type { MeetingSection } from '../meetings/meeting-sections';
import { PackSection } from './PackSection';
import { RoomDocumentsPanel, RoomDocumentViewer } from './RoomDocuments';

export const documentsPanel: RoomPanel = { id: 'documents', labelKey: 'documents.panel', icon: IconFiles, Component: RoomDocumentsPanel };
export const documentsViewerOverlay = RoomDocumentViewer;
export const documentsSection: MeetingSection = { id: 'documents', column: 'main', Component: PackSection };
