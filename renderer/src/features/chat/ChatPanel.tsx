/**
 * The "Trò chuyện" side panel: the public line to everyone, and a private line to the secretary.
 * The secretary sees each participant's private thread apart and answers in it.
 */
import { ActionIcon, Box, Group, ScrollArea, SegmentedControl, Select, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSend } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CHAT_MAX_LENGTH, type ChatMessage } from '../../../../common/protocol';
import { errorMessage } from '../../shared/errors';
import type { RoomFeatureProps } from '../conference/room-panels';
import { useConference } from '../conference/use-conference';
import { chatStoreOf, useChat } from './chat-store';

export function useChatBadge({ engine }: RoomFeatureProps): number {
  return useChat(engine)[0].unread;
}

export function ChatPanel({ engine }: RoomFeatureProps) {
  const { t } = useTranslation();
  const [state, store] = useChat(engine);
  const self = useConference(engine, (s) => s.self);
  const isSecretary = Boolean(self && self.accountId === state.secretaryId);
  const [thread, setThread] = useState<string>('all');
  useEffect(() => chatStoreOf(engine).view(), [engine]);

  // The secretary's private threads, by participant (named after their first message's sender).
  const threads = useMemo(() => {
    const names = new Map<string, string>();
    for (const m of state.messages) if (m.thread !== 'all' && m.senderId === m.thread && !names.has(m.thread)) names.set(m.thread, m.pointName || m.senderName);
    return [...names].map(([value, label]) => ({ value, label }));
  }, [state.messages]);

  const privateThread = isSecretary ? (thread === 'all' ? null : thread) : self?.accountId;
  const shown = state.messages.filter((m) => (thread === 'all' ? m.thread === 'all' : m.thread === privateThread));
  const to = thread === 'all' ? 'all' : isSecretary ? thread : 'secretary';

  return (
    <Stack gap="xs" h="100%" data-testid="chat-panel">
      {isSecretary ? (
        <Group gap="xs" grow>
          <SegmentedControl value={thread === 'all' ? 'all' : 'private'} onChange={(v) => setThread(v === 'all' ? 'all' : (threads[0]?.value ?? 'all'))} data={[{ value: 'all', label: t('chat.everyone') }, { value: 'private', label: t('chat.privateThreads'), disabled: threads.length === 0 }]} />
          {thread !== 'all' && <Select aria-label={t('chat.thread')} value={thread} onChange={(v) => v && setThread(v)} data={threads} allowDeselect={false} />}
        </Group>
      ) : (
        state.canPost && (
          <SegmentedControl
            value={thread === 'all' ? 'all' : 'secretary'}
            onChange={(v) => setThread(v)}
            data={[
              { value: 'all', label: t('chat.everyone') },
              { value: 'secretary', label: t('chat.toSecretary', { name: state.secretaryName }) },
            ]}
          />
        )
      )}
      <Messages messages={shown} selfId={self?.accountId ?? ''} empty={thread === 'all' ? t('chat.emptyAll') : t('chat.emptyPrivate')} />
      {state.canPost ? <Composer key={to} onSend={(body) => store.send(to, body)} label={thread === 'all' ? t('chat.messageAll') : t('chat.messagePrivate')} /> : state.loaded && <Text size="sm" c="dimmed">{t('chat.readOnly')}</Text>}
    </Stack>
  );
}

function Messages({ messages, selfId, empty }: { messages: ChatMessage[]; selfId: string; empty: string }) {
  const viewport = useRef<HTMLDivElement>(null);
  useEffect(() => {
    viewport.current?.scrollTo({ top: viewport.current.scrollHeight });
  }, [messages.length]);
  return (
    <ScrollArea flex={1} viewportRef={viewport} type="auto" style={{ minHeight: 120 }}>
      <Stack gap="xs" role="log" aria-live="polite" data-testid="chat-messages">
        {messages.length === 0 && (
          <Text size="sm" c="dimmed">
            {empty}
          </Text>
        )}
        {messages.map((m) => (
          <Box key={m.id} data-testid="chat-message" style={{ alignSelf: m.senderId === selfId ? 'flex-end' : 'flex-start', maxWidth: '90%' }}>
            <Text size="xs" c="dimmed">
              {m.senderName}
              {m.pointName ? ` · ${m.pointName}` : ''} · {new Date(m.at).toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit' })}
            </Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} bg={m.senderId === selfId ? 'blue.0' : 'gray.0'} px="xs" py={4} bdrs="md">
              {m.body}
            </Text>
          </Box>
        ))}
      </Stack>
    </ScrollArea>
  );
}

function Composer({ onSend, label }: { onSend: (body: string) => Promise<void>; label: string }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    try {
      await onSend(body);
      setText('');
    } catch (err) {
      notifications.show({ color: 'red', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <Textarea flex={1} aria-label={label} placeholder={label} value={text} onChange={(e) => setText(e.currentTarget.value)} onKeyDown={onKey} autosize minRows={1} maxRows={4} maxLength={CHAT_MAX_LENGTH} />
        <ActionIcon type="submit" size="lg" aria-label={t('chat.send')} loading={busy} disabled={!text.trim()}>
          <IconSend size={18} />
        </ActionIcon>
      </Group>
    </form>
  );
}
