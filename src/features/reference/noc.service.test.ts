import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { DatabaseHandle } from '../../db/connect.ts'
import { freshDatabase } from '../../../tests/helpers/database.ts'
import { referenceFold } from './reference.repository.ts'
import {
  describeImport,
  findOccupation,
  importNocCsv,
  loadNocIfEmpty,
  NocImportError,
  searchOccupations,
  SHIPPED_NOC_CSV,
} from './noc.service.ts'
import { knownOccupation } from './noc-list.ts'

// The list as Statistics Canada's compilation publishes it (the project's shared copy);
// the portal ships its own byte-identical copy, which the app uses at run time.
const SHARED_NOC_CSV = path.resolve('..', 'shared', 'data', 'noc_2021.csv')
const SOURCE = fs.existsSync(SHARED_NOC_CSV) ? SHARED_NOC_CSV : SHIPPED_NOC_CSV
const fullCsv = fs.readFileSync(SOURCE, 'utf8')

const HEADER = 'code,title_en,title_fr,teer,broad_category,major_group'

describe('NOC 2021 import', () => {
  let database: DatabaseHandle
  before(async () => {
    database = await freshDatabase()
  })
  after(() => database.close())

  it('ships an unchanged copy of the source file', () => {
    assert.ok(fs.readFileSync(SHIPPED_NOC_CSV).equals(fs.readFileSync(SOURCE)))
    assert.ok(fs.existsSync(path.join(path.dirname(SHIPPED_NOC_CSV), 'README.md')))
  })

  it('loads all 516 unit groups on an empty table, then changes nothing on a second import', async () => {
    const first = await loadNocIfEmpty(database.db, SOURCE)
    assert.deepEqual(first, { read: 516, added: 516, updated: 0, unchanged: 0, rejected: [] })
    assert.equal(await loadNocIfEmpty(database.db, SOURCE), undefined, 'a loaded table is left alone at start')
    const again = await importNocCsv(database.db, fullCsv)
    assert.deepEqual(again, { read: 516, added: 0, updated: 0, unchanged: 516, rejected: [] })
    const { n } = await database.db.selectFrom('noc_occupation').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    assert.equal(Number(n), 516)
  })

  it('keeps quoted fields with commas and accents intact', async () => {
    const row = await findOccupation(database.db, '00012')
    assert.ok(row?.known)
    assert.equal(row.title_en, 'Senior managers - financial, communications and other business services')
    assert.equal(row.title_fr, 'Cadres supérieurs/cadres supérieures - services financiers, communications et autres services aux entreprises')
    assert.equal(row.teer, 0)
    assert.equal(row.major_group, '00')
    assert.equal(row.broad_category, 'Legislative and senior management occupations')
  })

  it('every TEER in the list is the code’s second digit', async () => {
    const rows = await database.db.selectFrom('noc_occupation').select(['code', 'teer']).execute()
    for (const r of rows) assert.equal(r.teer, Number(r.code[1]), r.code)
    assert.deepEqual([...new Set(rows.map((r) => r.teer))].sort(), [0, 1, 2, 3, 4, 5])
  })

  it('updates changed rows and reports malformed ones with their line numbers', async () => {
    const csv = [
      HEADER,
      '21231,Software engineers and designers (renamed),Ingénieurs/ingénieures et concepteurs/conceptrices en logiciel,1,"Natural and applied sciences and related occupations",21',
      '99999,New occupation,Nouvelle profession,9,Somewhere,99',
      '1234,Short code,Code court,2,Category,12',
      '31102,"General practitioners and family physicians","Omnipraticiens/omnipraticiennes et médecins en médecine familiale",1,Health occupations,31',
      '42100,Police officers,,2,Category,42',
      '42100,Police officers,Policiers,2,Category,42',
      '64409,Too,few,fields',
      '64410,Butchers,Bouchers,4,"Sales and service occupations",65',
      '',
    ].join('\r\n')
    const report = await importNocCsv(database.db, csv)
    assert.equal(report.read, 8)
    assert.equal(report.added, 0)
    assert.equal(report.updated, 2, 'the renamed 21231 and the changed 42100 (its category)')
    assert.equal(report.unchanged, 1)
    assert.deepEqual(
      report.rejected.map((r) => r.line),
      [3, 4, 6, 8, 9],
    )
    assert.match(report.rejected[0]!.reasons.join(), /teer "9" is not 0 to 5/)
    assert.match(report.rejected[1]!.reasons.join(), /code "1234" is not five digits/)
    assert.match(report.rejected[2]!.reasons.join(), /title_fr is empty/)
    assert.match(report.rejected[3]!.reasons.join(), /expected 6 fields, found 4/)
    assert.match(report.rejected[4]!.reasons.join(), /major_group 65 does not match/)
    assert.match(describeImport(report), /^8 rows read: 0 added, 2 updated, 1 unchanged, 5 rejected\.\n {2}line 3: /)
    const renamed = await findOccupation(database.db, '21231')
    assert.equal(renamed?.known && renamed.title_en, 'Software engineers and designers (renamed)')
    // Restore the real list; rows missing from a file are never deleted.
    const restore = await importNocCsv(database.db, fullCsv)
    assert.equal(restore.updated, 2)
    assert.equal(await findOccupation(database.db, '99999').then((r) => r?.known), false)
  })

  it('reports a duplicate code with the line of its first appearance', async () => {
    const report = await importNocCsv(database.db, `${HEADER}\n00010,A,B,0,C,00\n00010,A,B,0,C,00\n`)
    assert.deepEqual(report.rejected, [{ line: 3, reasons: ['code 00010 already appears on line 2'] }])
    await importNocCsv(database.db, fullCsv)
  })

  it('refuses a file without the expected header, or with a broken quote, naming the line', async () => {
    await assert.rejects(importNocCsv(database.db, 'a,b,c\n1,2,3\n'), (e: unknown) => e instanceof NocImportError && /missing: code, title_en/.test(e.message))
    await assert.rejects(importNocCsv(database.db, `${HEADER}\n00010,"Legislators,x,0,y,00\n`), (e: unknown) => e instanceof NocImportError && /not valid CSV/.test(e.message))
    await assert.rejects(importNocCsv(database.db, ''), NocImportError)
  })

  it('makes the offer form know what the table holds: imported now, or there at start', async () => {
    // The shipped list is known without the database (the form's checks are synchronous).
    assert.equal(knownOccupation('21231')?.title_en, 'Software engineers and designers')
    assert.equal(knownOccupation('12349'), undefined)
    await importNocCsv(database.db, `${HEADER}\n12349,Imported occupation,Profession importée,2,Business,12\n`)
    assert.deepEqual(knownOccupation('12349'), { code: '12349', title_en: 'Imported occupation', title_fr: 'Profession importée', teer: 2 })
    // Imported by another process (the CLI): known to a portal from its start.
    await database.db.insertInto('noc_occupation').values({ code: '12348', title_en: 'Other', title_fr: 'Autre', teer: 2, broad_category: 'Business', major_group: '12' }).execute()
    assert.equal(knownOccupation('12348'), undefined)
    assert.equal(await loadNocIfEmpty(database.db, SOURCE), undefined)
    assert.equal(knownOccupation('12348')?.title_fr, 'Autre')
    await database.db.deleteFrom('noc_occupation').where('code', 'in', ['12348', '12349']).execute()
  })

  it('finds an occupation by code, and reads the TEER of a well-formed code not in the list', async () => {
    const welder = await findOccupation(database.db, ' 72106 ')
    assert.equal(welder?.known, true)
    assert.equal(welder?.teer, 2)
    assert.deepEqual(await findOccupation(database.db, '88888'), { code: '88888', teer: 8, known: false })
    assert.equal(await findOccupation(database.db, '7210'), undefined)
    assert.equal(await findOccupation(database.db, 'abcde'), undefined)
  })

  it('searches by code prefix', async () => {
    const rows = await searchOccupations(database.db, '2123', 'en', 10)
    assert.ok(rows.length >= 2)
    assert.ok(rows.every((r) => r.code.startsWith('2123')))
    assert.deepEqual(rows.map((r) => r.code), [...rows.map((r) => r.code)].sort())
  })

  it('searches by title words in each language, ignoring accents and case', async () => {
    const en = await searchOccupations(database.db, 'software ENGIN', 'en', 10)
    assert.ok(en.some((r) => r.code === '21231'), JSON.stringify(en))
    const fr = await searchOccupations(database.db, 'ingenieurs logiciel', 'fr', 10)
    assert.ok(fr.some((r) => r.code === '21231'), JSON.stringify(fr))
    const accents = await searchOccupations(database.db, 'électriciens', 'fr', 50)
    const plain = await searchOccupations(database.db, 'electriciens', 'fr', 50)
    assert.ok(accents.length > 0)
    assert.deepEqual(accents.map((r) => r.code), plain.map((r) => r.code))
    assert.deepEqual(await searchOccupations(database.db, 'zzzqqq', 'en'), [])
    assert.deepEqual(await searchOccupations(database.db, '  !!  ', 'en'), [])
    assert.equal((await searchOccupations(database.db, 'managers', 'en', 3)).length, 3)
  })

  it('treats search input as words, never as query syntax', async () => {
    for (const q of ["'; drop table noc_occupation; --", 'a & | ! :* ()', 'cook\\', '<script>']) {
      await searchOccupations(database.db, q, 'en')
    }
    assert.ok((await findOccupation(database.db, '63200'))?.known)
  })

  it('folds titles in JavaScript exactly as the indexed SQL function does', async () => {
    const rows = await database.db
      .selectFrom('noc_occupation')
      .select(['title_en', 'title_fr', sql<string>`reference_fold(title_en)`.as('en'), sql<string>`reference_fold(title_fr)`.as('fr')])
      .execute()
    for (const r of rows) {
      assert.equal(referenceFold(r.title_en), r.en)
      assert.equal(referenceFold(r.title_fr), r.fr)
    }
    assert.equal(referenceFold('Électricien/ÉLECTRICIENNE'), 'electricien electricienne')
  })
})
