import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { DatabaseHandle } from '../../db/connect.ts'
import type { AppUser } from '../../db/database.ts'
import { SYSTEM_ACTOR } from '../../platform/audit.ts'
import { freshDatabase } from '../../../tests/helpers/database.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { pinKeys, unsealPin } from './access.pin.ts'
import { activeMembership, actingMembership, canCreateBranch, canManage, canManageTarget, type ActingMembership } from './access.policy.ts'
import { issuePin, joinWithPin, type AccessDeps } from './access.service.ts'

const m = (role: ActingMembership['role'], branchId: string | null = null, businessId = 'b1'): ActingMembership => ({ membershipId: 'm', businessId, businessName: 'B', role, branchId })

describe('access policy', () => {
  it('primary users manage the whole business; branch primary users their branch; secondary users nothing', () => {
    assert.ok(canManage(m('primary')))
    assert.ok(canManage(m('branch_primary', 'br1')))
    assert.ok(!canManage(m('branch_primary', null)), 'a branch primary without a branch manages nothing')
    assert.ok(!canManage(m('secondary')))
    assert.ok(!canManage(undefined))
    assert.ok(canCreateBranch(m('primary')))
    assert.ok(!canCreateBranch(m('branch_primary', 'br1')))
    assert.ok(canManageTarget(m('primary'), { businessId: 'b1', branchId: 'br2' }))
    assert.ok(!canManageTarget(m('primary'), { businessId: 'b2', branchId: null }), 'never another business')
    assert.ok(canManageTarget(m('branch_primary', 'br1'), { businessId: 'b1', branchId: 'br1' }))
    assert.ok(!canManageTarget(m('branch_primary', 'br1'), { businessId: 'b1', branchId: 'br2' }))
    assert.ok(!canManageTarget(m('branch_primary', 'br1'), { businessId: 'b1', branchId: null }))
    assert.ok(!canManageTarget(m('secondary'), { businessId: 'b1', branchId: null }))
  })
})

describe('PINs in the database', () => {
  let database: DatabaseHandle
  let deps: AccessDeps
  let owner: AppUser
  let acting: ActingMembership
  const now = new Date('2026-03-01T12:00:00Z')

  before(async () => {
    database = await freshDatabase()
    deps = { db: database.db, keys: pinKeys('a-test-secret-of-at-least-32-characters!!'), timeZone: 'America/Toronto' }
    owner = await createUser(database.db, { username: 'svc.owner' })
    const b = await database.db
      .insertInto('business')
      .values({ business_number: '123456782', legal_name: 'Svc Co', legal_name_key: 'svc co', operating_name: 'Svc', street: '1 St', city: 'Ottawa', province: 'ON', postal_code: 'K1A 0B1', phone: '6135550123', employer_number: 'E0000001', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    await database.db.insertInto('business_membership').values({ business_id: b.id, user_id: owner.id, role: 'primary', created_at: now, created_by: null }).execute()
    acting = (await actingMembership(database.db, owner.id))!
    assert.equal(acting.role, 'primary')
    assert.deepEqual(await activeMembership(database.db, owner.id, 'not-a-uuid'), undefined)
  })
  after(() => database.close())

  it('two people racing with one PIN: exactly one joins', async () => {
    const pin = await issuePin(deps, SYSTEM_ACTOR, owner, acting, { givenNames: 'Zoé', familyName: 'Lavoie', role: 'secondary', branchId: null }, 'en', now)
    const plain = unsealPin(deps.keys, pin.pin_sealed!)!
    const a = await createUser(database.db, { username: 'racer.a' })
    const b = await createUser(database.db, { username: 'racer.b' })
    const results = await Promise.all(
      [a, b].map((u, i) => joinWithPin(deps, { userId: u.id, label: u.username }, u, { givenNames: 'zoe', familyName: 'LAVOIE', pin: plain }, `10.0.0.${i + 1}`, now)),
    )
    assert.deepEqual(results.map((r) => r.kind).sort(), ['invalid', 'joined'])
    const members = await database.db.selectFrom('business_membership').select('user_id').where('business_id', '=', acting.businessId).where('role', '=', 'secondary').execute()
    assert.equal(members.length, 1)
  })
})
