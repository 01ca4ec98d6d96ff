import { z } from 'zod'
import { isUuid } from '../../platform/ids.ts'
import { QUEUE_SORTS } from '../offers/offers.repository.ts'
import { SECTION_IDS } from '../offers/offers.sections.ts'

/**
 * The API's JSON shapes (zod 4). Responses are checked against the OpenAPI document
 * made from these same schemas (tests/…/api.contract); requests are parsed with them.
 * Messages are catalog keys, turned into the caller's language in problem details.
 */

const dateTime = z.iso.datetime({ offset: true })
const localized = z.object({ en: z.string(), fr: z.string() })
export const OFFER_STATUSES = ['draft', 'awaiting_payment', 'pending', 'matched', 'withdrawn'] as const

export const FieldErrorSchema = z
  .object({
    section: z.enum(SECTION_IDS).optional(),
    field: z.string(),
    code: z.string().meta({ description: 'A language-independent code for the problem (the key of its message).' }),
    message: z.string().meta({ description: 'The problem in the caller’s language (Accept-Language: en or fr).' }),
  })
  .meta({ id: 'FieldError' })

export const ProblemSchema = z
  .object({
    type: z.url(),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string(),
    instance: z.string(),
    errors: z.array(FieldErrorSchema).optional(),
    currentVersion: z.int().optional().meta({ description: 'On 412: the offer’s version now.' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' })

export const OfferSummarySchema = z
  .object({
    id: z.uuid(),
    offerNumber: z.string().nullable(),
    status: z.enum(OFFER_STATUSES),
    workerName: z.string(),
    jobTitle: z.string(),
    branchName: z.string().nullable(),
    createdBy: z.string().meta({ description: 'The username of the person who started it.' }),
    updatedAt: dateTime,
  })
  .meta({ id: 'OfferSummary' })

export const OfferListSchema = z
  .object({
    items: z.array(OfferSummarySchema),
    next: z.string().nullable().meta({ description: 'Pass as `after` for the next page; null on the last page.' }),
  })
  .meta({ id: 'OfferList' })

const answerValue = z.union([z.string(), z.array(z.string())])

export const OfferSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(OFFER_STATUSES),
    offerNumber: z.string().nullable().meta({ description: 'A letter and seven digits, given at submission.' }),
    version: z.int().meta({ description: 'Changes with every save; the ETag and the If-Match value.' }),
    businessId: z.uuid(),
    branchId: z.uuid().nullable(),
    workerName: z.string(),
    jobTitle: z.string(),
    feeExemption: z.enum(['employer', 'worker']).nullable(),
    needsReview: z.boolean(),
    copiedFrom: z.uuid().nullable(),
    createdAt: dateTime,
    updatedAt: dateTime,
    submittedAt: dateTime.nullable(),
    withdrawnAt: dateTime.nullable(),
    withdrawalReason: z.string().nullable(),
    answers: z.record(z.string(), z.record(z.string(), answerValue)).meta({ description: 'What was saved, by section then field.' }),
    pageUrl: z.url().meta({ description: 'The offer in the portal’s pages (English).' }),
  })
  .meta({ id: 'Offer' })

export const SectionResultSchema = z
  .object({
    version: z.int(),
    complete: z.boolean().meta({ description: 'True when the section has no problem left.' }),
    errors: z.array(FieldErrorSchema),
  })
  .meta({ id: 'SectionResult', description: 'The section was saved as sent; what still needs correcting is listed.' })

export const ValidationResultSchema = z
  .object({
    version: z.int(),
    valid: z.boolean(),
    errors: z.array(FieldErrorSchema),
  })
  .meta({ id: 'ValidationResult' })

export const SubmitResultSchema = z
  .object({
    offer: OfferSchema,
    paymentUrl: z.url().nullable().meta({ description: 'Where a person pays the fee (the offer’s page); null when fee-exempt (submitted at once).' }),
  })
  .meta({ id: 'SubmitResult' })

export const DocumentListSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.uuid(),
        fileName: z.string(),
        contentType: z.enum(['application/pdf', 'image/jpeg', 'image/png']),
        sizeBytes: z.int(),
        sha256: z.string(),
        createdAt: dateTime,
      }),
    ),
  })
  .meta({ id: 'DocumentList' })

export const DocumentQuerySchema = z.object({
  name: z.string({ error: 'api.p.badFileName' }).trim().min(1, 'api.p.badFileName').max(200, 'api.p.badFileName').optional().meta({ description: 'The file’s name as it will be listed (default: "document").' }),
})

export const WithdrawBodySchema = z
  .strictObject({
    reason: z.string({ error: 'offers.withdrawReasonRequired' }).trim().min(1, 'offers.withdrawReasonRequired').max(2000, 'offers.withdrawReasonTooLong'),
  }, { error: 'api.p.unknownField' })
  .meta({ id: 'WithdrawRequest' })

export const BusinessSchema = z
  .object({
    id: z.uuid(),
    legalName: z.string(),
    operatingName: z.string(),
    businessNumber: z.string(),
    employerNumber: z.string(),
    role: z.enum(['primary', 'branch_primary', 'secondary']).meta({ description: 'The token’s user’s role, read now.' }),
    branch: z.object({ id: z.uuid(), name: z.string() }).nullable().meta({ description: 'The branch the user belongs to, if any: they see its offers only.' }),
  })
  .meta({ id: 'Business' })

export const UserListSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.uuid(),
        givenNames: z.string(),
        familyName: z.string(),
        role: z.enum(['primary', 'branch_primary', 'secondary']),
        branch: z.object({ id: z.uuid(), name: z.string() }).nullable(),
        memberSince: dateTime,
      }),
    ),
  })
  .meta({ id: 'UserList' })

export const MessageListSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.uuid(),
        audience: z.enum(['personal', 'business']),
        lang: z.enum(['en', 'fr']),
        subject: z.string(),
        body: z.string(),
        read: z.boolean(),
        createdAt: dateTime,
      }),
    ),
    total: z.int(),
  })
  .meta({ id: 'MessageList' })

export const ExemptionCodeListSchema = z
  .object({
    items: z.array(
      z.object({
        code: z.string(),
        category: z.string(),
        categoryName: localized,
        name: localized,
        oldCodes: z.array(z.string()),
        open: z.boolean().meta({ description: 'An open work permit: no offer and no fee.' }),
        entrepreneur: z.boolean(),
        openWhen: localized.optional(),
      }),
    ),
  })
  .meta({ id: 'ExemptionCodeList' })

export const OccupationListSchema = z
  .object({ items: z.array(z.object({ code: z.string(), title: localized, teer: z.int() })) })
  .meta({ id: 'OccupationList' })

export const CountryListSchema = z.object({ items: z.array(z.object({ code: z.string(), name: localized })) }).meta({ id: 'CountryList' })

/** Query strings: parsed with these, refused with a 400 problem naming the parameter. */
export const OfferQuerySchema = z.object({
  status: z.enum(OFFER_STATUSES, { error: 'api.p.badStatus' }).optional().meta({ description: 'Only offers in this status.' }),
  q: z.string({ error: 'api.p.badQuery' }).trim().max(100, 'api.p.badQuery').optional().meta({ description: 'An offer number (A1234567) or the start of the foreign national’s family name.' }),
  branch: z
    .string({ error: 'api.p.badBranch' })
    .refine((v) => v === 'none' || isUuid(v), 'api.p.badBranch')
    .optional()
    .meta({ description: 'A branch id, or "none" for offers of no branch (whole-business users only).' }),
  sort: z.enum(QUEUE_SORTS, { error: 'api.p.badSort' }).default('changed').meta({ description: 'changed (newest change first), oldest, worker (by name).' }),
  after: z.string({ error: 'api.p.badCursor' }).max(400, 'api.p.badCursor').optional().meta({ description: 'The `next` value of the previous page.' }),
  limit: z.coerce.number({ error: 'api.p.badLimit' }).int('api.p.badLimit').min(1, 'api.p.badLimit').max(100, 'api.p.badLimit').default(50),
})

export const MessageQuerySchema = z.object({
  limit: z.coerce.number({ error: 'api.p.badLimit' }).int('api.p.badLimit').min(1, 'api.p.badLimit').max(100, 'api.p.badLimit').default(50),
  offset: z.coerce.number({ error: 'api.p.badOffset' }).int('api.p.badOffset').min(0, 'api.p.badOffset').max(100_000, 'api.p.badOffset').default(0),
})

export const OccupationQuerySchema = z.object({
  q: z.string({ error: 'api.p.badQuery' }).trim().min(1, 'api.p.badQuery').max(100, 'api.p.badQuery').optional().meta({ description: 'Code digits (a prefix) or words of the title; without it, every occupation (by code).' }),
  lang: z.enum(['en', 'fr'], { error: 'api.p.badChoice' }).optional().meta({ description: 'The language of the words; default: Accept-Language.' }),
  limit: z.coerce.number({ error: 'api.p.badLimit' }).int('api.p.badLimit').min(1, 'api.p.badLimit').max(100, 'api.p.badLimit').default(20).meta({ description: 'At most this many matches of q (ignored without q).' }),
})
