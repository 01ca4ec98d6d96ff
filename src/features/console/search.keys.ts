import countries from 'i18n-iso-countries/index.js'
import { COUNTRIES, isCountryCode } from '../reference/lists.ts'

/**
 * Search and matching keys. `foldKey` is exactly the database's `console_fold()` (its newest
 * definition: migration 2026-11-29T1500_complete_fold.sql, written from the tables below by
 * `consoleFoldSql`), so a key computed here finds the rows the stored keys and their indexes
 * hold. No locale and no Unicode normalization in either: fixed tables, the same on every
 * engine and version (search.keys.test.ts compares both on every character of the Basic
 * Multilingual Plane).
 *
 * A Latin letter with diacritics (any: Vietnamese ễ ị, Polish ł ż, Turkish ı İ ş, Icelandic
 * ð þ, ø, the hooked letters of West African names) is its plain lower-case letter: what
 * NFKD with its marks removed, then lower case, gives (ǅ → dz, ﬁ → fi), and for letters that
 * do not decompose (a stroke, a hook, a ligature) their usual plain spelling: ß ss, æ ae,
 * œ oe, þ th, ð d, ø o, ł l, ı i. `FOLD_FROM`/`FOLD_TO` are the letters folded to one
 * character, `FOLD_SPELLED` those folded to more (generated once from that rule: the test
 * checks every entry against it). Combining marks (text typed decomposed) are removed.
 * Letters of other scripts are kept as they are; every other run of characters (spaces,
 * punctuation, symbols) is one space, and none at either end.
 */
const FOLD_FROM =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZªµºÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïðñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľĿŀŁłŃńŅņŇňŉŊŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƀƁƂƃƄƆƇƈƉƊƋƌƎƏƐƑƒƓƔƖƗƘƙƚƜƝƞƟƠơƢƤƥƦƧƩƫƬƭƮƯưƱƲƳƴƵƶƷƸƼǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǤǥǦǧǨǩǪǫǬǭǮǯǰǴǵǶǷǸǹǺǻǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȜȞȟȠȡȢȤȥȦȧȨȩȪȫȬȭȮȯȰȱȲȳȴȵȶȷȺȻȼȽȾȿɀɁɃɄɅɆɇɈɉɊɋɌɍɎɏɓɕɖɗɠɦɨɫɬɭɱɲɳɵɼɽɾʂʈʉʋʐʑʝʠᴬᴮᴰᴱᴲᴳᴴᴵᴶᴷᴸᴹᴺᴼᴽᴾᴿᵀᵁᵂᵃᵄᵅᵆᵇᵈᵉᵊᵋᵌᵍᵏᵐᵑᵒᵓᵔᵕᵖᵗᵘᵙᵚᵛᵜᵝᵞᵟᵠᵡᵢᵣᵤᵥᵦᵧᵨᵩᵪᵬᵭᵮᵯᵰᵱᵲᵳᵴᵵᵶᵸᵽᶀᶁᶂᶃᶄᶅᶆᶇᶈᶉᶊᶌᶍᶎᶏᶑᶒᶖᶙᶛᶜᶝᶞᶟᶠᶡᶢᶣᶤᶥᶦᶧᶨᶩᶪᶫᶬᶭᶮᶯᶰᶱᶲᶳᶴᶵᶶᶷᶸᶹᶺᶻᶼᶽᶾᶿḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẚẛẜẝẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹỺỼỾỿⱠⱡⱢⱣⱤⱥⱦⱧⱨⱩⱪⱫⱬⱭⱮⱯⱰⱱⱲⱳⱴⱵⱸⱺⱼⱽⱾⱿꜢꜤꜦꜨꜪꜬꜮꜲꜴꜶꜸꜺꜼꜾꝀꝁꝂꝃꝄꝅꝆꝈꝉꝊꝋꝌꝍꝎꝐꝑꝒꝓꝔꝕꝖꝗꝘꝙꝚꝜꝞꝟꝠꝢꝤꝦꝨꝪꝬꝮꝰꝹꝻꝽꝾꞀꞂꞄꞆꞋꞍꞎꞐꞑꞒꞓꞔꞕꞖꞗꞘꞙꞚꞜꞞꞠꞡꞢꞣꞤꞥꞦꞧꞨꞩꞪꞫꞬꞭꞮꞰꞱꞲꞳꞴꞶꞸꞹꞺꞼꞾꟀꟂꟄꟅꟆꟇꟈꟉꟊꟋꟌ꟎Ꟑ꟒꟔ꟖꟘꟚꟜ꟱ꟲꟳꟴꟵꟸꬴꬷꬸꬹꬺꬻꭉꭎꭒꭖꭗꭘꭙꭚꭜꭝꭞꭟꭩ０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ'
const FOLD_TO =
  'abcdefghijklmnopqrstuvwxyzaμoaaaaaaceeeeiiiidnoooooouuuuyaaaaaaceeeeiiiidnoooooouuuuyyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjkkllllllllllnnnnnnnŋoooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzsbbbbƅɔccddddǝəɛffgɣɩikklɯnnoooƣppʀƨʃttttuuʊvyyzzʒƹƽaaiioouuuuuuuuuuaaaaggggkkooooʒʒjggƕƿnnaaooaaaaeeeeiiiioooorrrruuuussttȝhhndȣzzaaeeooooooooyylntjaccltszɂbuʌeejjqqrryybcddghilllmnnorrrstuvzzjqabdeǝghijklmnoȣprtuwaɐɑᴂbdeəɛɜgkmŋoɔᴖᴗptuᴝɯvᴥβγδφχiruvβγρφχbdfmnprrstzнpbdfgklmnprsvxzadeiuɒccdɜfɟɡɥiɩɪᵻjllʟmɰnnɴoɸsʃtuʊᴜvʌzzzʒθaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwyasssaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyyỻỽyylllprathhkkzzɑmɐɒvwwvⱶeojvszꜣꜥꜧꜩꜫꜭꜯꜳꜵꜷꜹꜻꜽꜿkkkkkkꝇllooooꝏppppppqqqqꝛꝝvvꝡꝣꝥꝧꝩꝫꝭꝯꝯꝺꝼᵹꝿꞁꞃꞅꞇꞌɥlnnccchbbffꞛꞝꞟggkknnrrsshɜɡlɪʞʇjꭓꞵꞷuuꞻꞽꞿꟁꟃcszddssɤꟍ꟏ꟑꟓꟕꟗꟙꟛƛscfqꟶhelllmnruuxxxxyꜧlluʍ0123456789abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz'
const FOLD_SPELLED: Readonly<Record<string, string>> = {
  Æ: 'ae',
  Þ: 'th',
  ß: 'ss',
  æ: 'ae',
  þ: 'th',
  Ĳ: 'ij',
  ĳ: 'ij',
  Œ: 'oe',
  œ: 'oe',
  Ǆ: 'dz',
  ǅ: 'dz',
  ǆ: 'dz',
  Ǉ: 'lj',
  ǈ: 'lj',
  ǉ: 'lj',
  Ǌ: 'nj',
  ǋ: 'nj',
  ǌ: 'nj',
  Ǣ: 'ae',
  ǣ: 'ae',
  Ǳ: 'dz',
  ǲ: 'dz',
  ǳ: 'dz',
  Ǽ: 'ae',
  ǽ: 'ae',
  ᴭ: 'ae',
  ẞ: 'ss',
  ꟹ: 'oe',
  ﬀ: 'ff',
  ﬁ: 'fi',
  ﬂ: 'fl',
  ﬃ: 'ffi',
  ﬄ: 'ffl',
  ﬅ: 'st',
  ﬆ: 'st',
}
/** Combining marks, removed: `e` + U+0301 is `e`. */
const MARK_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x300, 0x36f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x20d0, 0x20ff],
  [0xfe20, 0xfe2f],
]
/**
 * What a key keeps besides a–z and 0–9: letters of other scripts (and what is left of
 * Latin letters without a plain spelling, such as ə or ŋ). Everything else (ASCII
 * punctuation, Latin-1 symbols, × ÷, modifier letters such as ʼ, general punctuation,
 * CJK punctuation, private use) separates words.
 */
const KEPT_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x61, 0x7a],
  [0x30, 0x39],
  [0xc0, 0xd6],
  [0xd8, 0xf6],
  [0xf8, 0x2af],
  [0x370, 0x1fff],
  [0x2c00, 0x2dff],
  [0x2e80, 0x2fff],
  [0x3040, 0xd7ff],
  [0xf900, 0xfe0f],
  [0xfe70, 0xfefe],
  [0xff66, 0xffdc],
  [0x10000, 0x10ffff],
]

const FOLD = new Map<string, string>([...[...FOLD_FROM].map((c, i) => [c, [...FOLD_TO][i]!] as const), ...Object.entries(FOLD_SPELLED)])
const hex = (cp: number) => (cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`)
/** A bracket expression's ranges, written the same for JavaScript (`u` flag) and PostgreSQL's regular expressions. */
const rangesClass = (ranges: ReadonlyArray<readonly [number, number]>, js: boolean) =>
  ranges.map(([a, b]) => (js ? `\\u{${a.toString(16)}}-\\u{${b.toString(16)}}` : `${hex(a)}-${hex(b)}`)).join('')
const MARKS = new RegExp(`[${rangesClass(MARK_RANGES, true)}]+`, 'gu')
const SEPARATORS = new RegExp(`[^${rangesClass(KEPT_RANGES, true)}]+`, 'gu')

export function foldKey(value: string): string {
  let folded = ''
  for (const c of value) folded += FOLD.get(c) ?? c
  return folded.replace(MARKS, '').replace(SEPARATORS, ' ').replace(/^ | $/g, '')
}

/**
 * The body of the SQL function `console_fold(value text)`, from the same tables: the letters
 * spelled with several characters replaced first (into plain a–z, which the rest leaves
 * alone), then `translate` (which tries its letters in order, so plain lower case, spaces and
 * punctuation come first: a name's usual characters are found at once, not after the ~1,000
 * letters), marks removed, separators. search.keys.test.ts checks that the newest migration
 * defining the function has exactly this.
 */
export function consoleFoldSql(): string {
  const literal = (s: string) => `'${s.replace(/'/g, "''")}'`
  let value = `coalesce(value, '')`
  for (const [from, to] of Object.entries(FOLD_SPELLED)) value = `replace(${value}, ${literal(from)}, ${literal(to)})`
  const common = "abcdefghijklmnopqrstuvwxyz ,-'.0123456789"
  value = `translate(${value},\n    ${literal(common + FOLD_FROM)},\n    ${literal(common + FOLD_TO)})`
  return `select btrim(regexp_replace(regexp_replace(${value},\n    '[${rangesClass(MARK_RANGES, false)}]+', '', 'g'),\n    '[^${rangesClass(KEPT_RANGES, false)}]+', ' ', 'g'), ' ')`
}

/**
 * The first key after every key that starts with `prefix`, in C collation (code-point
 * order): keys starting with `prefix` are exactly those in [prefix, prefixEnd(prefix)).
 * A range the index answers on its own, where a LIKE is checked again on every row it
 * finds, and one a prepared statement's generic plan can use.
 */
export function prefixEnd(prefix: string): string {
  if (prefix === '') throw new RangeError('an empty prefix has no end')
  // By code point, not UTF-16 unit (a key may end with a letter outside the BMP), never a surrogate.
  const chars = [...prefix]
  const last = chars.pop()!.codePointAt(0)!
  if (last === 0x10ffff) return prefixEnd(chars.join(''))
  return chars.join('') + String.fromCodePoint(last + 1 === 0xd800 ? 0xe000 : last + 1)
}

/** Letters and digits only, upper case: how passport numbers and offer numbers are compared. */
export function compactKey(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '')
}

/** The same as the database's `console_passport_key(answers)` for a passport number. */
export function passportKey(value: string): string {
  return value.replace(/[^A-Za-z0-9]+/g, '').toUpperCase()
}

export const OFFER_NUMBER = /^A\d{7}$/

/**
 * What an officer typed as a country of citizenship, as an ISO 3166-1 alpha-2 code:
 * the two- or three-letter code, or the country's name in English or French (case,
 * accents, spaces and punctuation ignored). Undefined when it names no country.
 */
export function citizenshipCode(value: string): string | undefined {
  const key = compactKey(value)
  if (key.length === 2 && isCountryCode(key)) return key
  if (key.length === 3) {
    const alpha2 = countries.alpha3ToAlpha2(key)
    if (alpha2 && isCountryCode(alpha2)) return alpha2
  }
  return countryByName.get(key)
}

const countryByName = new Map<string, string>()
for (const c of COUNTRIES) {
  for (const lang of ['en', 'fr'] as const) {
    for (const name of [c.name[lang], ...((countries.getName(c.code, lang, { select: 'all' }) as string[] | undefined) ?? [])]) {
      if (name) countryByName.set(compactKey(name), c.code)
    }
  }
}
