import { sql } from 'kysely'
import type { Db } from '../../src/db/connect.ts'

/**
 * `count` employers, each the primary user of a business of their own, in three
 * statements (for tests that need volume for PostgreSQL's planner): users `<name>-<n>`
 * (lower case), businesses `<Name> <n> Inc.`. Returns the first employer and business.
 */
export async function employersWithBusinesses(db: Db, o: { name: string; count: number; now: Date }): Promise<{ userId: string; businessId: string }> {
  const user = o.name.toLowerCase()
  await sql`
    insert into app_user (role, username, username_key, email, email_key, password_hash, given_name, family_name, created_at, updated_at)
    select 'employer', ${user} || '-' || g, ${user} || '-' || g, ${user} || '-' || g || '@example.ca', ${user} || '-' || g || '@example.ca', 'x', ${o.name}, 'User ' || g, ${o.now}, ${o.now}
    from generate_series(1, ${o.count}::int) g`.execute(db)
  await sql`
    insert into business (business_number, legal_name, legal_name_key, operating_name, street, city, province, postal_code, phone, employer_number, created_at, updated_at)
    select lpad(g::text, 9, '0'), ${o.name} || ' ' || g || ' Inc.', ${user} || ' ' || g || ' inc.', ${o.name} || ' ' || g, '1 Main St', 'Ottawa', 'ON', 'K1A 0B1', '+16135550100', 'E' || lpad(g::text, 7, '0'), ${o.now}, ${o.now}
    from generate_series(1, ${o.count}::int) g`.execute(db)
  await sql`
    insert into business_membership (business_id, user_id, role, created_at)
    select b.id, u.id, 'primary', ${o.now} from app_user u join business b on b.legal_name = ${o.name} || ' ' || substr(u.username, ${user.length + 2}::int) || ' Inc.'
    where u.username like ${`${user}-%`}`.execute(db)
  const first = await db
    .selectFrom('business_membership as m')
    .innerJoin('business as b', 'b.id', 'm.business_id')
    .select(['m.user_id', 'm.business_id'])
    .where('b.legal_name', '=', `${o.name} 1 Inc.`)
    .executeTakeFirstOrThrow()
  return { userId: first.user_id, businessId: first.business_id }
}
