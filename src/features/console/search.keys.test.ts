import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { sql } from 'kysely'
import { emptyPostgresDatabase, freshDatabase, usingPostgres } from '../../../tests/helpers/database.ts'
import { makeBusiness, makeOffer, offerAnswers } from '../../../tests/helpers/console-fixtures.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { openMemory } from '../../db/connect.ts'
import { openPostgres } from '../../db/postgres.ts'
import { MIGRATIONS_DIR, migrateToLatest } from '../../db/migrate.ts'
import { compareWithOffer, inspectionUntil } from './matching.service.ts'
import { citizenshipCode, consoleFoldSql, foldKey, passportKey, prefixEnd } from './search.keys.ts'
import { employerQuery, offerQuery } from './search.repository.ts'

const offer = { status: 'pending' as const, answers: { worker: { passportNumber: 'G12345678', citizenship: 'MX' } } }

describe('matching compares after normalizing', () => {
  it('agrees despite case, spaces, hyphens, dots and a name for the country', () => {
    for (const [passportNumber, citizenship] of [
      ['g12345678', 'MX'],
      [' G 1234-5678 ', 'mex'],
      ['G.123.456.78', 'Mexico'],
      ['g-12 34 56 78', 'Mexique'],
      ['G12345678', 'méxique'],
    ]) {
      assert.deepEqual(compareWithOffer(offer, { offerNumber: 'A1234567', passportNumber: passportNumber!, citizenship: citizenship! }), [], `${passportNumber} / ${citizenship}`)
    }
  })

  it('says exactly which element does not agree', () => {
    assert.deepEqual(compareWithOffer(offer, { offerNumber: 'A1234567', passportNumber: 'G12345679', citizenship: 'MX' }), [{ field: 'passportNumber', kind: 'differs' }])
    assert.deepEqual(compareWithOffer(offer, { offerNumber: 'A1234567', passportNumber: 'G12345678', citizenship: 'Guatemala' }), [{ field: 'citizenship', kind: 'differs' }])
    assert.deepEqual(compareWithOffer(offer, { offerNumber: 'A1234567', passportNumber: 'G12345678', citizenship: 'Atlantis' }), [{ field: 'citizenship', kind: 'unknownCountry' }])
    assert.deepEqual(compareWithOffer(offer, { offerNumber: 'A1234567', passportNumber: '', citizenship: '' }), [
      { field: 'passportNumber', kind: 'required' },
      { field: 'citizenship', kind: 'required' },
    ])
    assert.deepEqual(compareWithOffer({ ...offer, status: 'matched' }, { offerNumber: 'A1234567', passportNumber: 'X', citizenship: 'CA' }), [
      { field: 'offerNumber', kind: 'status', status: 'matched' },
      { field: 'passportNumber', kind: 'differs' },
      { field: 'citizenship', kind: 'differs' },
    ])
  })

  it('reads countries by code (2 or 3 letters) and by English or French name', () => {
    assert.equal(citizenshipCode('ph'), 'PH')
    assert.equal(citizenshipCode('PHL'), 'PH')
    assert.equal(citizenshipCode('Côte d’Ivoire'), 'CI')
    assert.equal(citizenshipCode('cote divoire'), 'CI')
    assert.equal(citizenshipCode('Corée du Sud'), 'KR')
    assert.equal(citizenshipCode('Narnia'), undefined)
  })

  it('ends the inspection window the day before the sixth anniversary', () => {
    assert.equal(inspectionUntil('2026-03-02'), '2032-03-01')
    assert.equal(inspectionUntil('2024-02-29'), '2030-02-28')
    assert.equal(inspectionUntil('2026-01-01'), '2031-12-31')
  })
})

describe('search keys', () => {
  it('reads what an officer typed', () => {
    assert.deepEqual(employerQuery('123 456 782'), { kind: 'businessNumber', value: '123456782' })
    assert.deepEqual(employerQuery('e1234567'), { kind: 'employerNumber', value: 'E1234567' })
    assert.deepEqual(employerQuery('Érablière  du Nord'), { kind: 'name', prefix: 'erabliere du nord' })
    assert.equal(employerQuery('é'), undefined)
    assert.deepEqual(offerQuery('a 123-4567'), { kind: 'offerNumber', value: 'A1234567' })
    assert.deepEqual(offerQuery('g-1234 5678'), { kind: 'passport', value: 'G12345678' })
    assert.deepEqual(offerQuery('García, José'), { kind: 'name', prefix: 'garcia jose' })
    assert.equal(passportKey('ab-12 34c'), 'AB1234C')
  })

  it('folds every Latin letter with diacritics to its plain letter; other scripts are kept, punctuation separates', () => {
    for (const [name, key] of [
      ['Nguyễn Thị Ánh, Đặng Vũ Ịnh', 'nguyen thi anh dang vu inh'],
      ['LEFÈVRE, Élodie', 'lefevre elodie'],
      ['Łukasz Żółć-Wałęsa, Źdźbło', 'lukasz zolc walesa zdzblo'],
      ['Şükrü Çağrı Işık İnce', 'sukru cagri isik ince'],
      ['Þórður Ðór Ægisson', 'thordur dor aegisson'],
      ['Søren Straße, Œuvre', 'soren strasse oeuvre'],
      ['Ɗanjuma Ƙwari Ɓello Ƴusuf', 'danjuma kwari bello yusuf'],
      ['ǅemal ﬁnn Ĳsbrand', 'dzemal finn ijsbrand'],
      ['Le\u0301a Mu\u0308ller', 'lea muller'],
      ['Ｆｕｌｌ　ｗｉｄｔｈ', 'full width'],
      ["O'Brien-Smith « Jr. » ʼ", 'o brien smith jr'],
      ['李 小龍', '李 小龍'],
      ['Иванов—Пётр', 'Иванов Пётр'],
      ['  ', ''],
    ]) {
      assert.equal(foldKey(name!), key, name)
    }
  })

  it('leaves no Latin letter with diacritics unfolded, and folding a key again changes nothing', () => {
    // Latin-1 to Latin Extended-B and Latin Extended Additional (Vietnamese): every letter that
    // decomposes folds as its letters without their marks do, to plain a–z.
    for (const [from, to] of [[0xc0, 0x24f], [0x1e00, 0x1eff]] as const) {
      for (let cp = from; cp <= to; cp++) {
        const c = String.fromCodePoint(cp)
        if (!/\p{L}/u.test(c)) continue
        const folded = foldKey(c)
        assert.equal(foldKey(folded), folded, c)
        const base = c.normalize('NFD').replace(/\p{M}/gu, '')
        if (base !== c) assert.equal(folded, foldKey(base), `${c} (U+${cp.toString(16)})`)
        // Those left are letters with no plain spelling (schwa, eng, ezh, open o…), not letters with diacritics.
        if (!/^[a-z]+$/.test(folded)) assert.match(c, /^[ĸŊŋƄƅƆƍƎƏƐƔƕƖƛƜƢƣƦƧƨƩƪƱƷƸƹƺƻƼƽƾƿǀǁǂǃǝǮǯǶǷȜȝȢȣȸȹɁɂɅẟỺỻỼỽ]$/u, `${c} (U+${cp.toString(16)}) folds to ${folded}`)
      }
    }
  })

  it('is the database’s console_fold() exactly: the newest migration defining it is written from the same tables', () => {
    const defining = fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .filter((f) => /function console_fold\(/.test(fs.readFileSync(path.join(MIGRATIONS_DIR, f), 'utf8')))
    assert.ok(fs.readFileSync(path.join(MIGRATIONS_DIR, defining.at(-1)!), 'utf8').includes(`as $$\n  ${consoleFoldSql()}\n$$;`), `${defining.at(-1)} defines console_fold() as consoleFoldSql() writes it`)
  })

  it('folds exactly as the database does, names and every character of the Basic Multilingual Plane', async () => {
    const names = [
      '  Ébène-Côté, JOSÉ  Ñandú ', 'ØSTERGÅRD Ærø', 'Łukasz Żółć', "O'Brien-Smith", 'Straße 12', 'İstanbul Ünal', '李 小龍', 'Nguyễn Văn A', '',
      'Trần Thị Ngọc Hưởng', 'Phạm Đức Lộc', 'Huỳnh Bửu Sơn', 'Dương Quỳnh', 'Wojciechowska-Łęcka', 'Grzegorz Brzęczyszczykiewicz', 'Çelik Öztürk Ağaoğlu',
      'Eyjafjallajökull Þorláksdóttir', 'Guðrún Ósk Sæmundsdóttir', 'Ørsted Bjørn', 'Weißmüller', 'Kirkeby-Hærø', 'Dvořák Šťastný', 'Ţuţea Ştefan', 'Mäkelä Åström',
      'Ɗanjuma Ɓello', 'ǅemal', 'ﬁnn', 'e\u0301cole', 'a\u0308\u0301b', 'Ｆｕｌｌ', '𠀋 𝒜 x', '  « Jr. » ', 'Иванов Пётр', 'Αλέξης Παπαδόπουλος', 'محمد', '김민준',
    ]
    // Every BMP character except NUL (PostgreSQL cannot store it) and the surrogates, between letters.
    const samples = [...names]
    for (let cp = 1; cp <= 0xffff; cp++) if (cp < 0xd800 || cp > 0xdfff) samples.push(`a${String.fromCodePoint(cp)}b`)
    const database = await freshDatabase()
    try {
      const r = await sql<{ f: string }>`select console_fold(s) as f from unnest(${samples}::text[]) with ordinality as x(s, n) order by n`.execute(database.db)
      const differ = samples.filter((s, i) => foldKey(s) !== r.rows[i]!.f)
      assert.deepEqual(differ.slice(0, 20).map((s) => [s, [...s].map((c) => c.codePointAt(0)!.toString(16)), foldKey(s), r.rows[samples.indexOf(s)]!.f]), [])
    } finally {
      await database.close()
    }
  })

  it('bounds the keys that start with a prefix: [prefix, prefixEnd(prefix)) in code-point order', () => {
    assert.equal(prefixEnd('garcia'), 'garcib')
    assert.equal(prefixEnd('garcia '), 'garcia!')
    assert.equal(prefixEnd('z9'), 'z:')
    const prefix = 'garcia'
    const keys = ['garci', 'garcia', 'garcia jose', 'garciaz', 'garcib', 'garcia\u{10ffff}', 'garciaa', 'garcha', 'gb']
    for (const key of keys) assert.equal(key >= prefix && key < prefixEnd(prefix), key.startsWith(prefix), key)
    assert.throws(() => prefixEnd(''), RangeError)
    // By code point: a key may end with a letter outside the BMP, or just below the surrogates.
    assert.equal(prefixEnd('li 𠀋'), 'li 𠀌')
    assert.equal(prefixEnd('x\ud7ff'), 'x\ue000')
    assert.equal(prefixEnd('x\u{10ffff}'), 'y')
  })
})

describe('the migration that completed the fold', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-fold-migration-'))
  after(() => fs.rmSync(tmp, { recursive: true, force: true }))

  it('computes the stored keys of rows written before it again', async () => {
    // The migrations before it, rows as the portal wrote them then, then the rest.
    const before = path.join(tmp, 'before')
    fs.mkdirSync(before)
    for (const f of fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && f < '2026-11-29T1500')) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(before, f))
    const empty = usingPostgres() ? await emptyPostgresDatabase(process.env.TEST_DATABASE_URL!) : undefined
    const database = empty ? openPostgres(empty.url, 2) : await openMemory()
    try {
      await migrateToLatest(database.db, before)
      const boss = await createUser(database.db, { username: 'fold.boss' })
      const business = await makeBusiness(database.db, { eight: '42345678', legalName: 'Phở Việt Đặc Biệt Ltée' })
      await makeOffer(database.db, { businessId: business, userId: boss.id, offerNumber: 'A3000001', answers: offerAnswers({ familyName: 'Nguyễn', givenNames: 'Thị Ánh' }) })
      await makeOffer(database.db, { businessId: business, userId: boss.id, offerNumber: 'x', status: 'draft', answers: offerAnswers({ familyName: 'Þórðarson', givenNames: 'Ægir' }) })
      const keys = () => database.db.selectFrom('offer').select('worker_key').orderBy('worker_key').execute()
      assert.deepEqual(await keys(), [{ worker_key: 'nguy n th anh' }, { worker_key: 'or arson agir' }], 'the old fold')

      await migrateToLatest(database.db)
      assert.deepEqual(await keys(), [{ worker_key: 'nguyen thi anh' }, { worker_key: 'thordarson aegir' }])
      assert.deepEqual(await database.db.selectFrom('business').select('legal_name_fold').execute(), [{ legal_name_fold: foldKey('Phở Việt Đặc Biệt Ltée') }])
      assert.equal(foldKey('Phở Việt Đặc Biệt Ltée'), 'pho viet dac biet ltee')
      // Written after it: the same function.
      await makeOffer(database.db, { businessId: business, userId: boss.id, offerNumber: 'A3000002', answers: offerAnswers({ familyName: 'Lefèvre', givenNames: 'Zoë' }) })
      assert.ok((await keys()).some((k) => k.worker_key === 'lefevre zoe'))
    } finally {
      await database.close()
      await empty?.drop()
    }
  })
})
