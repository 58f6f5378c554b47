/** Defines a vote: question, agenda item, options, secret or open, time, voters, quorum and pass rule. */
import { Group, MultiSelect, NumberInput, SegmentedControl, Select, Stack, Switch, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AgendaItem } from '../../../../common/api/model';
import { PASS_RULES, QUORUM_RULES, type PassRule, type QuorumRule, type VoteDefinitionInput, type VoteView } from '../../../../common/protocol';
import { FormFooter } from '../../shared/FormFooter';
import { errorMessage } from '../../shared/errors';
import { invalid, useFormSubmit } from '../../shared/use-form-submit';

export interface VoteFormProps {
  initial?: VoteView;
  agenda?: AgendaItem[];
  /** People who may be chosen as a subset of voters; without it the subset choice is not offered. */
  people?: { id: string; name: string }[];
  onSubmit: (def: VoteDefinitionInput) => Promise<void>;
  onCancel: () => void;
}

export function VoteForm({ initial, agenda = [], people, onSubmit, onCancel }: VoteFormProps) {
  const { t } = useTranslation();
  const [question, setQuestion] = useState(initial?.question ?? '');
  const [agendaItemId, setAgendaItemId] = useState<string | null>(initial?.agendaItemId ?? null);
  const [custom, setCustom] = useState(initial?.custom ?? false);
  const [optionsText, setOptionsText] = useState(initial?.custom ? initial.options.map((o) => o.label).join('\n') : '');
  const [maxChoices, setMaxChoices] = useState<number | string>(initial?.maxChoices ?? 1);
  const [secret, setSecret] = useState(initial?.secret ?? false);
  const [duration, setDuration] = useState<number | string>(initial ? (initial.durationSeconds ?? 0) : 120);
  const [subset, setSubset] = useState<string[] | null>(initial?.voterIds ?? null);
  const [quorum, setQuorum] = useState<QuorumRule>(initial?.quorum ?? 'majority');
  const [passRule, setPassRule] = useState<PassRule>(initial?.passRule ?? 'majority_eligible');

  const form = useFormSubmit(async () => {
    const options = custom ? optionsText.split('\n').map((l) => l.trim()).filter(Boolean) : null;
    if (options && (options.length < 2 || new Set(options.map((o) => o.toLocaleLowerCase('vi'))).size !== options.length)) invalid(t('voting.optionsRequired'));
    await onSubmit({
      question: question.trim(),
      agendaItemId,
      options,
      maxChoices: options ? Math.min(Number(maxChoices) || 1, options.length) : 1,
      secret,
      durationSeconds: Number(duration) > 0 ? Number(duration) : null,
      voterIds: subset && subset.length ? subset : null,
      quorum,
      passRule,
    });
  }, errorMessage);

  return (
    <form onSubmit={form.onSubmit} noValidate>
      <Stack gap="sm">
        <Textarea label={t('voting.question')} value={question} onChange={(e) => setQuestion(e.currentTarget.value)} required autosize minRows={2} maxLength={500} data-autofocus />
        {agenda.length > 0 && (
          <Select
            label={t('voting.agendaItem')}
            value={agendaItemId ?? ''}
            onChange={(v) => setAgendaItemId(v || null)}
            data={[{ value: '', label: t('voting.noAgendaItem') }, ...agenda.map((a) => ({ value: a.id, label: `${a.position}. ${a.title}` }))]}
          />
        )}
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('voting.optionsKind')}
          </Text>
          <SegmentedControl
            value={custom ? 'custom' : 'default'}
            onChange={(v) => setCustom(v === 'custom')}
            data={[
              { value: 'default', label: t('voting.defaultOptions') },
              { value: 'custom', label: t('voting.customOptions') },
            ]}
          />
        </Stack>
        {custom && (
          <Group align="flex-start" grow>
            <Textarea label={t('voting.customList')} value={optionsText} onChange={(e) => setOptionsText(e.currentTarget.value)} autosize minRows={3} />
            <NumberInput label={t('voting.maxChoices')} value={maxChoices} onChange={setMaxChoices} min={1} max={30} />
          </Group>
        )}
        <Switch label={t('voting.secret')} checked={secret} onChange={(e) => setSecret(e.currentTarget.checked)} />
        <NumberInput label={t('voting.duration')} value={duration} onChange={setDuration} min={0} max={86400} step={30} />
        {people && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('voting.voters')}
            </Text>
            <SegmentedControl
              value={subset ? 'some' : 'all'}
              onChange={(v) => setSubset(v === 'some' ? [] : null)}
              data={[
                { value: 'all', label: t('voting.allVoters') },
                { value: 'some', label: t('voting.someVoters') },
              ]}
            />
            {subset && <MultiSelect aria-label={t('voting.pickVoters')} placeholder={t('voting.pickVoters')} data={people.map((p) => ({ value: p.id, label: p.name }))} value={subset} onChange={setSubset} searchable />}
          </Stack>
        )}
        <Select label={t('voting.quorum')} value={quorum} onChange={(v) => v && setQuorum(v as QuorumRule)} data={QUORUM_RULES.map((q) => ({ value: q, label: t(`voting.quorumRule.${q}`) }))} allowDeselect={false} />
        <Select label={t('voting.passRule')} value={passRule} onChange={(v) => v && setPassRule(v as PassRule)} data={PASS_RULES.map((p) => ({ value: p, label: t(`voting.pass.${p}`) }))} allowDeselect={false} />
        <FormFooter error={form.error} busy={form.busy} onCancel={onCancel} submitLabel={t('voting.save')} />
      </Stack>
    </form>
  );
}
