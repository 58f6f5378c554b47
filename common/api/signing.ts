/** Digital signatures over HTTP: verification reports, trusted authorities, meeting documents to sign. */
import { z } from 'zod';
import { Id, Text } from './model';

export const SIGNATURE_PROBLEMS = ['bad_byte_range', 'malformed', 'no_certificate', 'unsupported', 'digest_mismatch', 'bad_signature'] as const;
export const SignatureProblem = z.enum(SIGNATURE_PROBLEMS);
export type SignatureProblem = z.infer<typeof SignatureProblem>;

export const TrustProblem = z.enum(['untrusted', 'expired']);
export type TrustProblem = z.infer<typeof TrustProblem>;

export const ChainCertificate = z.object({ subject: z.string(), issuer: z.string(), notBefore: z.string(), notAfter: z.string(), fingerprint: z.string() });

export const SignatureCheck = z.object({
  fieldName: z.string().nullable(),
  pageNumber: z.number().int().nullable(),
  subFilter: z.string(),
  /** Common name of the signer's certificate. */
  signerName: z.string(),
  organization: z.string(),
  certificateTitle: z.string(),
  issuerName: z.string(),
  serialNumber: z.string(),
  /** ISO instant claimed by the signer (CMS signing-time, else the /M entry). */
  signingTime: z.string().nullable(),
  reason: z.string(),
  location: z.string(),
  byteRange: z.array(z.number()),
  /** The bytes the signature covers are unchanged and the signature value matches the certificate. */
  intact: z.boolean(),
  problem: SignatureProblem.nullable(),
  /** The signature covers the whole file (nothing was appended after it). */
  coversWholeDocument: z.boolean(),
  /** After this signature: nothing, only revisions that were themselves signed, or other changes. */
  modifiedAfter: z.enum(['none', 'signed_revisions', 'other']),
  /** The certificate chains to a trusted authority and was valid at the signing time. */
  trusted: z.boolean(),
  trustProblem: TrustProblem.nullable(),
  chain: z.array(ChainCertificate),
});
export type SignatureCheck = z.infer<typeof SignatureCheck>;

export const VerificationReport = z.object({
  signatures: z.array(SignatureCheck),
  /** Number of revisions (original + incremental updates). */
  revisions: z.number().int(),
  size: z.number().int(),
});
export type VerificationReport = z.infer<typeof VerificationReport>;

export const TrustAnchor = z.object({
  id: Id,
  subject: z.string(),
  organization: z.string(),
  issuer: z.string(),
  fingerprint: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  createdAt: z.string(),
});
export type TrustAnchor = z.infer<typeof TrustAnchor>;

/** A CA certificate: PEM text, or DER as base64. */
export const TrustAnchorBody = z.strictObject({ certificate: z.string().min(100).max(64 * 1024) });

export const SIGNED_DOCUMENT_STATUSES = ['unsigned', 'partially_signed', 'signed', 'superseded'] as const;
export const SignedDocumentStatus = z.enum(SIGNED_DOCUMENT_STATUSES);
export type SignedDocumentStatus = z.infer<typeof SignedDocumentStatus>;

export const SignerRole = z.enum(['chair', 'secretary']);
export type SignerRole = z.infer<typeof SignerRole>;

export const DocumentSignature = z.object({
  accountId: Id,
  displayName: z.string(),
  signerRole: SignerRole,
  certificateSubject: z.string(),
  signedAt: z.string(),
});

export const SignedDocument = z.object({
  id: Id,
  meetingId: Id,
  /** Groups the versions of one document (e.g. the minutes of a meeting). */
  documentKey: Id,
  version: z.number().int(),
  title: z.string(),
  fileName: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  status: SignedDocumentStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  signatures: z.array(DocumentSignature),
  can: z.object({ sign: z.boolean(), newVersion: z.boolean() }),
});
export type SignedDocument = z.infer<typeof SignedDocument>;

export const NewSignedDocumentQuery = z.strictObject({
  title: Text(300).pipe(z.string().min(1)),
  fileName: Text(200).default('document.pdf'),
  /** Makes a new version of this document; the earlier versions are superseded. */
  documentKey: Id.optional(),
});

export const Base64 = z.string().regex(/^[A-Za-z0-9+/=\s]+$/, 'base64');

export const PrepareBody = z.strictObject({
  /** DER certificates as base64: the signer's first, then its issuers. */
  certificates: z.array(Base64.max(64 * 1024)).min(1).max(10),
  title: Text(120).default(''),
  reason: Text(200).default(''),
  location: Text(200).default(''),
});

/**
 * A prepared signature: the PDF with an empty signature (GET …/preparations/:pid/file) and what the
 * signing device needs to build the CMS signed attributes itself (common/signing/device-signing.ts).
 */
export const PreparedSigning = z.object({
  preparationId: Id,
  documentId: Id,
  /** SHA-256 (hex) of the version being signed: the prepared PDF begins with exactly its bytes. */
  documentSha256: z.string(),
  /** [0, a, b, c]: the bytes signed are [0, a) and [b, b + c) of the prepared PDF. */
  byteRange: z.array(z.number().int().nonnegative()).length(4),
  /** SHA-256 (hex) of those bytes as the server computed it; the device computes its own. */
  digest: z.string(),
  /** The signing time on the stamp: the signed attributes must carry the same. */
  signingTime: z.string(),
  /** DER certificates, base64: the signer's first. */
  certificates: z.array(z.string()),
  hashAlgorithm: z.literal('SHA-256'),
  expiresAt: z.string(),
});
export type PreparedSigning = z.infer<typeof PreparedSigning>;

export const PreparationParams = z.strictObject({ id: Id, preparationId: Id });

/** The CMS signed attributes built on the device (DER, base64) and its signature over them (SHA-256). */
export const FinishBody = z.strictObject({ preparationId: Id, signedAttributes: Base64.max(8 * 1024), signature: Base64.max(8 * 1024) });
