/**
 * Votes (biểu quyết): what organisers define, what every client sees, and the signaling methods of
 * a vote in a live meeting. The same definition schema is used by the HTTP API that prepares votes
 * before the meeting (common/api/voting.ts).
 */
import { z } from 'zod';

const Uuid = z.string().uuid();
/** Text typed by a person: trimmed, bounded, no control characters. */
const Line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/u, 'contains control characters');

/** The options of the usual council vote, in this order: for, against, abstain. */
export const DEFAULT_OPTIONS = [
  { id: 'tan-thanh', label: 'Tán thành' },
  { id: 'khong-tan-thanh', label: 'Không tán thành' },
  { id: 'khong-bieu-quyet', label: 'Không biểu quyết' },
] as const;
/** The option whose count decides whether a default (for/against/abstain) vote passes. */
export const FOR_OPTION_ID = 'tan-thanh';

export const MAX_OPTIONS = 30;

/**
 * Pass rules. "_eligible" counts against every eligible voter (absent ones count as not for),
 * "_cast" against the ballots actually cast.
 */
export const PASS_RULES = ['majority_eligible', 'majority_cast', 'two_thirds_eligible', 'two_thirds_cast'] as const;
export const PassRule = z.enum(PASS_RULES);
export type PassRule = z.infer<typeof PassRule>;

/** Quorum: how many of the eligible must cast a ballot for the vote to be valid. */
export const QUORUM_RULES = ['none', 'majority', 'two_thirds'] as const;
export const QuorumRule = z.enum(QUORUM_RULES);
export type QuorumRule = z.infer<typeof QuorumRule>;

export const VoteOption = z.object({ id: z.string().min(1).max(40), label: z.string() });
export type VoteOption = z.infer<typeof VoteOption>;

export const VOTE_STATUSES = ['draft', 'open', 'closed', 'cancelled'] as const;
export const VoteStatus = z.enum(VOTE_STATUSES);
export type VoteStatus = z.infer<typeof VoteStatus>;

/** What an organiser fills in. Omitted options mean the default three; `voterIds` null means everyone eligible. */
export const VoteDefinition = z
  .strictObject({
    question: Line(500),
    agendaItemId: Uuid.nullable().default(null),
    /** Labels of a custom list; omitted or null → Tán thành / Không tán thành / Không biểu quyết. */
    options: z.array(Line(200)).min(2).max(MAX_OPTIONS).nullable().default(null),
    /** How many options one ballot may choose (custom lists only; 1 for the default options). */
    maxChoices: z.number().int().min(1).max(MAX_OPTIONS).default(1),
    secret: z.boolean().default(false),
    /** Closes by itself this many seconds after opening; null: only when the chair closes it. */
    durationSeconds: z.number().int().min(10).max(24 * 3600).nullable().default(120),
    /** A chosen subset of the people eligible by default; null: all of them. */
    voterIds: z.array(Uuid).min(1).max(5000).nullable().default(null),
    quorum: QuorumRule.default('majority'),
    passRule: PassRule.default('majority_eligible'),
  })
  .refine((d) => d.options !== null || d.maxChoices === 1, { message: 'the default options allow one choice', path: ['maxChoices'] })
  .refine((d) => d.options === null || d.maxChoices <= d.options.length, { message: 'more choices than options', path: ['maxChoices'] })
  .refine((d) => d.options === null || new Set(d.options.map((o) => o.toLocaleLowerCase('vi'))).size === d.options.length, { message: 'options repeat', path: ['options'] });
export type VoteDefinitionInput = z.input<typeof VoteDefinition>;
export type VoteDefinitionData = z.output<typeof VoteDefinition>;

export const OptionResult = z.object({
  id: z.string(),
  label: z.string(),
  count: z.number().int(),
  /** Share of the ballots cast, 0–100 with one decimal. */
  percentOfCast: z.number(),
  percentOfEligible: z.number(),
  /** The option reached the pass rule's threshold. */
  reached: z.boolean(),
});
export type OptionResult = z.infer<typeof OptionResult>;

export const VoteResult = z.object({
  eligible: z.number().int(),
  cast: z.number().int(),
  options: z.array(OptionResult),
  quorumMet: z.boolean(),
  /** Default options: "Tán thành" reached the threshold and the quorum was met. Custom lists: some option reached it. */
  passed: z.boolean(),
  /** The meeting's vote chain head (SHA-256 hex) right after the result was appended. */
  chainHead: z.string(),
  closedAt: z.string(),
});
export type VoteResult = z.infer<typeof VoteResult>;

/** One named ballot of an open vote (never sent for secret ones). */
export const NamedBallot = z.object({ accountId: z.string(), displayName: z.string(), choices: z.array(z.string()), recordedBy: z.string().nullable() });
export type NamedBallot = z.infer<typeof NamedBallot>;

/** A vote as every client sees it (the same for all; `me` is per recipient). */
export const VoteView = z.object({
  id: z.string(),
  meetingId: z.string(),
  agendaItemId: z.string().nullable(),
  question: z.string(),
  options: z.array(VoteOption),
  custom: z.boolean(),
  maxChoices: z.number().int(),
  secret: z.boolean(),
  durationSeconds: z.number().int().nullable(),
  voterIds: z.array(z.string()).nullable(),
  quorum: QuorumRule,
  passRule: PassRule,
  status: VoteStatus,
  /** Frozen when the vote opens (before: how many would be eligible now). */
  eligibleCount: z.number().int(),
  castCount: z.number().int(),
  /** Live counts per option id: open ballots only, and for secret ones only once closed. */
  tally: z.record(z.string(), z.number().int()).nullable(),
  openedAt: z.string().nullable(),
  closesAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  result: VoteResult.nullable(),
  createdAt: z.string(),
});
export type VoteView = z.infer<typeof VoteView>;

/** The recipient's own position on a vote. */
export const VoteMe = z.object({ eligible: z.boolean(), voted: z.boolean(), canManage: z.boolean() });
export type VoteMe = z.infer<typeof VoteMe>;

export const VoteEntry = z.object({ vote: VoteView, me: VoteMe, ballots: z.array(NamedBallot).nullable() });
export type VoteEntry = z.infer<typeof VoteEntry>;

/** A delegate a bridge-point operator may vote for (same unit as the point, not connected themselves). */
export const ProxyCandidate = z.object({ accountId: z.string(), displayName: z.string(), voted: z.boolean() });
export type ProxyCandidate = z.infer<typeof ProxyCandidate>;

const VoteRef = z.strictObject({ voteId: Uuid });

export const votingRequests = {
  /** Every vote of the joined meeting the caller may see (drafts: organisers only), with their own status. */
  'vote.state': { request: z.strictObject({}), response: z.object({ votes: z.array(VoteEntry), present: z.number().int() }) },
  'vote.create': { request: VoteDefinition, response: VoteEntry },
  'vote.open': { request: VoteRef, response: VoteEntry },
  'vote.close': { request: VoteRef, response: VoteEntry },
  'vote.cancel': { request: VoteRef, response: VoteEntry },
  /** One ballot; `onBehalfOf` only for a bridge-point operator recording a delegate without a device. */
  'vote.cast': {
    request: z.strictObject({ voteId: Uuid, choices: z.array(z.string().min(1).max(40)).min(1).max(MAX_OPTIONS), onBehalfOf: Uuid.optional() }),
    response: z.object({ voteId: z.string(), castCount: z.number().int(), chainHead: z.string() }),
  },
  'vote.proxyCandidates': { request: VoteRef, response: z.object({ candidates: z.array(ProxyCandidate) }) },
} as const;

export interface VotingNotifications {
  /** A vote was created, changed, opened, closed (with its result) or cancelled. */
  voteUpdated: VoteEntry;
  /**
   * Ballots were cast (announced at most every 100 ms per vote): how many so far; for open ballots
   * also the counts and the named ballots cast since the last announcement (always [] for secret ones).
   */
  voteProgress: { voteId: string; castCount: number; tally: Record<string, number> | null; ballots: NamedBallot[] };
}
