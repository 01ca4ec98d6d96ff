import type { Db } from '../../db/connect.ts'
import { audit, type Actor } from '../../platform/audit.ts'
import { notify } from '../notifications/notify.ts'
import { findUserById, fullName } from '../auth/users.repository.ts'
import { translator } from '../../i18n/i18n.ts'
import { branchesWithoutPrimary } from '../access/access.repository.ts'


export type TransferRequestResult = { kind: 'sent' } | { kind: 'already' }

export async function requestPrimaryTransfer(db: Db, input: { businessId: string; requesterId: string; reason: string; actor: Actor; now: Date }): Promise<TransferRequestResult> {
  try {
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('primary_transfer_request')
        .values({ business_id: input.businessId, requester_user_id: input.requesterId, reason: input.reason, created_at: input.now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await audit(trx, input.actor, input.now, { action: 'transfer.requested', businessId: input.businessId, objectType: 'primary_transfer_request', objectId: row.id })
    })
    return { kind: 'sent' }
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return { kind: 'already' }
    throw err
  }
}

/** An officer takes an open request ("Assign to me"), as in the other queues. */
export async function assignPrimaryTransfer(db: Db, id: string, actor: Actor, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const taken = await trx.updateTable('primary_transfer_request').set({ assigned_to: actor.userId }).where('id', '=', id).where('status', '=', 'submitted').returning('business_id').executeTakeFirst()
    if (taken) await audit(trx, actor, now, { action: 'transfer.assigned', businessId: taken.business_id, objectType: 'primary_transfer_request', objectId: id })
  })
}

export type TransferDecision = { kind: 'done' } | { kind: 'decided' } | { kind: 'branchTaken' }

/** The branch chosen for the replaced primary user got a primary user meanwhile: nothing is kept. */
class BranchTaken extends Error {}

/**
 * Approval, in one transaction: the current primary becomes a secondary user (never
 * removed: the new primary decides) or, as on the employer side's transfer, the primary user of a
 * branch left without one (`becomesBranchId`: one of `branchesWithoutPrimary`, the requester's own
 * former branch included); the requester becomes the primary user, and both are told. The business
 * is never without exactly one primary user.
 */
export async function decidePrimaryTransfer(db: Db, input: { requestId: string; approve: boolean; note: string; actor: Actor; now: Date; becomesBranchId?: string | null }): Promise<TransferDecision> {
  return db.transaction().execute(async (trx): Promise<TransferDecision> => {
    const request = await trx
      .updateTable('primary_transfer_request')
      .set({ status: input.approve ? 'approved' : 'refused', decided_by: input.actor.userId, decided_at: input.now, decision_note: input.note || null })
      .where('id', '=', input.requestId)
      .where('status', '=', 'submitted')
      .returningAll()
      .executeTakeFirst()
    if (!request) return { kind: 'decided' as const }
    const business = await trx.selectFrom('business').selectAll().where('id', '=', request.business_id).executeTakeFirstOrThrow()
    const requester = (await findUserById(trx, request.requester_user_id))!
    if (!input.approve) {
      await notify(trx, {
        template: 'transferRefused',
        params: { name: fullName(requester), legalName: business.legal_name, note: input.note },
        lang: requester.preferred_language,
        email: requester.email ? { to: requester.email } : undefined,
        accountMessage: { userId: requester.id },
        now: input.now,
      })
      await audit(trx, input.actor, input.now, { action: 'transfer.refused', businessId: business.id, objectType: 'primary_transfer_request', objectId: request.id })
      return { kind: 'done' as const }
    }
    // The branch the replaced primary user takes must still have no primary user of its own (the requester leaves theirs).
    const becomesBranchId = input.becomesBranchId ?? null
    let becomesBranch: string | undefined
    if (becomesBranchId) {
      const own = await trx.selectFrom('business_membership').select('id').where('business_id', '=', business.id).where('user_id', '=', requester.id).where('status', '=', 'active').executeTakeFirst()
      becomesBranch = (await branchesWithoutPrimary(trx, business.id, own?.id)).find((b) => b.id === becomesBranchId)?.name
      if (becomesBranch === undefined) throw new BranchTaken()
    }
    const previous = await trx
      .updateTable('business_membership')
      .set(becomesBranchId ? { role: 'branch_primary', branch_id: becomesBranchId } : { role: 'secondary', branch_id: null })
      .where('business_id', '=', business.id)
      .where('role', '=', 'primary')
      .where('status', '=', 'active')
      .where('user_id', '!=', requester.id)
      .returning('user_id')
      .execute()
    // The record keeps who was replaced: the business's primary user is now the requester.
    if (previous[0]) await trx.updateTable('primary_transfer_request').set({ former_primary_user_id: previous[0].user_id }).where('id', '=', request.id).execute()
    const promoted = await trx
      .updateTable('business_membership')
      .set({ role: 'primary', branch_id: null })
      .where('business_id', '=', business.id)
      .where('user_id', '=', requester.id)
      .where('status', '=', 'active')
      .executeTakeFirst()
    if (Number(promoted.numUpdatedRows) === 0) {
      await trx.insertInto('business_membership').values({ business_id: business.id, user_id: requester.id, role: 'primary', created_at: input.now, created_by: input.actor.userId }).execute()
    }
    await notify(trx, {
      template: 'transferApproved',
      params: { name: fullName(requester), legalName: business.legal_name },
      lang: requester.preferred_language,
      email: requester.email ? { to: requester.email } : undefined,
      accountMessage: { userId: requester.id },
      now: input.now,
    })
    for (const { user_id } of previous) {
      const old = await findUserById(trx, user_id)
      if (!old) continue
      const t = translator(old.preferred_language)
      await notify(trx, {
        template: 'transferReplaced',
        params: { name: fullName(old), legalName: business.legal_name, newPrimary: fullName(requester), becomes: becomesBranch !== undefined ? t('enrolment.transfer.replacedBranch', { branch: becomesBranch }) : t('enrolment.transfer.replacedSecondary') },
        lang: old.preferred_language,
        email: old.email ? { to: old.email } : undefined,
        accountMessage: { userId: old.id },
        now: input.now,
      })
    }
    await audit(trx, input.actor, input.now, {
      action: 'transfer.approved',
      businessId: business.id,
      objectType: 'primary_transfer_request',
      objectId: request.id,
      details: { newPrimary: requester.id, previousPrimary: previous.map((p) => p.user_id), fromBecomesBranchId: becomesBranchId },
    })
    return { kind: 'done' as const }
  }).catch((e: unknown) => {
    if (e instanceof BranchTaken) return { kind: 'branchTaken' as const }
    throw e
  })
}
