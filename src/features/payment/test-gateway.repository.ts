import type { Kysely } from 'kysely'
import type { Database } from '../../db/database.ts'
import type { TestGatewayCheckout } from './payment.tables.ts'

type Db = Kysely<Database>

/** The embedded test gateway's store: its own tables, never joined with `payment`. */

export async function insertCheckoutOnce(
  db: Db,
  row: Omit<TestGatewayCheckout, 'status' | 'card_brand' | 'card_last4' | 'transaction_id' | 'completed_at'>,
): Promise<TestGatewayCheckout> {
  await db
    .insertInto('test_gateway_checkout')
    .values({ ...row, status: 'open' })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute()
  return db.selectFrom('test_gateway_checkout').selectAll().where('idempotency_key', '=', row.idempotency_key).executeTakeFirstOrThrow()
}

export function findCheckout(db: Db, id: string): Promise<TestGatewayCheckout | undefined> {
  return db.selectFrom('test_gateway_checkout').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Completes an open checkout once; a second completion changes nothing and returns undefined. */
export function completeCheckout(
  db: Db,
  id: string,
  result: Pick<TestGatewayCheckout, 'status' | 'card_brand' | 'card_last4' | 'transaction_id' | 'completed_at'>,
): Promise<TestGatewayCheckout | undefined> {
  return db
    .updateTable('test_gateway_checkout')
    .set(result)
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst()
}

export async function insertRefundOnce(
  db: Db,
  row: { id: string; idempotency_key: string; checkout_id: string; amount_cents: number; refund_id: string; created_at: Date },
): Promise<{ refund_id: string; checkout_id: string }> {
  await db
    .insertInto('test_gateway_refund')
    .values(row)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute()
  return db
    .selectFrom('test_gateway_refund')
    .select(['refund_id', 'checkout_id'])
    .where('idempotency_key', '=', row.idempotency_key)
    .executeTakeFirstOrThrow()
}

export async function refundedCents(db: Db, checkoutId: string): Promise<number> {
  const r = await db
    .selectFrom('test_gateway_refund')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_cents'), eb.lit(0)).as('total'))
    .where('checkout_id', '=', checkoutId)
    .executeTakeFirstOrThrow()
  return Number(r.total)
}
