import type { Lang } from '../../i18n/i18n.ts'

/**
 * LMIA exemption codes of the International Mobility Program, as in force since
 * December 15, 2022 (codes used before that date in `oldCodes`). "Open" codes give
 * an open work permit: the employer submits no offer and pays no fee. The others
 * are employer-specific: an offer of employment and the compliance fee are needed.
 */

export type Localized = Readonly<Record<Lang, string>>

export type ExemptionCategoryId =
  | 'A25.2'
  | 'R204a'
  | 'R204c'
  | 'R204d'
  | 'R205a-benefit'
  | 'R205a-pr'
  | 'R205b'
  | 'R205c'
  | 'R205d'
  | 'R206-R208'

export interface ExemptionCategory {
  id: ExemptionCategoryId
  name: Localized
}

export interface ExemptionCode {
  code: string
  category: ExemptionCategoryId
  name: Localized
  /** Codes used for the same situation before December 15, 2022. */
  oldCodes: readonly string[]
  /** An open work permit: no offer of employment, no fee. */
  open: boolean
  /** Entrepreneurs and the self-employed: the offer uses NOC 88888 and the job title "Entrepreneur". */
  entrepreneur: boolean
  /** When a code covers both kinds of permit, which of its situations are open. */
  openWhen?: Localized
}

export const EXEMPTION_CATEGORIES: readonly ExemptionCategory[] = [
  { id: 'A25.2', name: { en: 'A25.2 Public policies', fr: 'L25.2 Politiques d’intérêt public' } },
  { id: 'R204a', name: { en: 'R204(a) International agreements', fr: 'R204a) Accords internationaux' } },
  {
    id: 'R204c',
    name: { en: 'R204(c) Federal-provincial agreements', fr: 'R204c) Accords fédéraux-provinciaux' },
  },
  {
    id: 'R204d',
    name: { en: 'R204(d) International Experience Canada', fr: 'R204d) Expérience internationale Canada' },
  },
  { id: 'R205a-benefit', name: { en: 'R205(a) Significant benefit', fr: 'R205a) Avantage important' } },
  {
    id: 'R205a-pr',
    name: {
      en: 'R205(a) Permanent residence facilitation',
      fr: 'R205a) Facilitation de la résidence permanente',
    },
  },
  { id: 'R205b', name: { en: 'R205(b) Reciprocal employment', fr: 'R205b) Emploi réciproque' } },
  { id: 'R205c', name: { en: 'R205(c) Research and education', fr: 'R205c) Recherche et éducation' } },
  {
    id: 'R205d',
    name: { en: 'R205(d) Charitable and religious work', fr: 'R205d) Travail de bienfaisance et religieux' },
  },
  {
    id: 'R206-R208',
    name: {
      en: 'R206, R207, R207.1, R208 Self-support, permanent residence applicants, vulnerable workers, humanitarian reasons',
      fr: 'R206, R207, R207.1, R208 Autonomie, demandeurs de résidence permanente, travailleurs vulnérables, motifs humanitaires',
    },
  },
]

type Entry = [
  code: string,
  category: ExemptionCategoryId,
  en: string,
  fr: string,
  options?: { old?: string[]; open?: boolean; entrepreneur?: boolean; openWhen?: Localized },
]

const OPEN = { open: true } as const

/** Free-trade agreement codes: one row per kind of business person. */
function fta(codes: Array<[code: string, en: string, fr: string, open?: boolean]>, agreementEn: string, agreementFr: string): Entry[] {
  return codes.map(([code, en, fr, open]) => [code, 'R204a', `${en} (${agreementEn})`, `${fr} (${agreementFr})`, { open: !!open }])
}

const ENTRIES: Entry[] = [
  // A25.2 Public policies
  ['R01', 'A25.2', 'Public policies: open work permits (applications made in Canada)', 'Politiques d’intérêt public\u00a0: permis de travail ouverts (demandes présentées au Canada)', OPEN],
  ['R02', 'A25.2', 'Public policies: open work permits (applications made outside Canada)', 'Politiques d’intérêt public\u00a0: permis de travail ouverts (demandes présentées à l’extérieur du Canada)', { old: ['R01'], open: true }],

  // R204(a) International agreements
  ['T11', 'R204a', 'Non-trade agreements: airline personnel, United States government personnel', 'Accords non commerciaux\u00a0: personnel des compagnies aériennes, personnel du gouvernement des États-Unis'],
  ['T34', 'R204a', 'Traders (CUSMA)', 'Négociants (ACEUM)', { old: ['T21'] }],
  ['T35', 'R204a', 'Investors (CUSMA)', 'Investisseurs (ACEUM)', { old: ['T22'] }],
  ['T36', 'R204a', 'Professionals (CUSMA)', 'Professionnels (ACEUM)', { old: ['T23'] }],
  ['T37', 'R204a', 'Intra-company transferees: executives and managers (CUSMA)', 'Personnes mutées à l’intérieur d’une société\u00a0: cadres de direction et gestionnaires (ACEUM)', { old: ['T24'] }],
  ['T38', 'R204a', 'Intra-company transferees: specialized knowledge (CUSMA)', 'Personnes mutées à l’intérieur d’une société\u00a0: connaissances spécialisées (ACEUM)', { old: ['T24'] }],
  ['T33', 'R204a', 'Professionals (GATS)', 'Professionnels (AGCS)'],
  ...fta(
    [
      ['F10', 'Traders', 'Négociants'],
      ['F11', 'Investors', 'Investisseurs'],
      ['F12', 'Professionals', 'Professionnels'],
      ['F13', 'Technicians', 'Techniciens'],
      ['F14', 'Intra-company transferees', 'Personnes mutées à l’intérieur d’une société'],
      ['F15', 'Spouses and common-law partners', 'Époux et conjoints de fait', true],
    ],
    'Canada–Colombia FTA',
    'ALE Canada-Colombie',
  ),
  ...fta(
    [
      ['F20', 'Traders', 'Négociants'],
      ['F21', 'Investors', 'Investisseurs'],
      ['F22', 'Professionals', 'Professionnels'],
      ['F23', 'Technicians', 'Techniciens'],
      ['F24', 'Intra-company transferees', 'Personnes mutées à l’intérieur d’une société'],
    ],
    'Canada–Chile FTA',
    'ALE Canada-Chili',
  ),
  ...fta(
    [
      ['F30', 'Traders', 'Négociants'],
      ['F31', 'Investors', 'Investisseurs'],
      ['F32', 'Professionals', 'Professionnels'],
      ['F33', 'Technicians', 'Techniciens'],
      ['F34', 'Intra-company transferees', 'Personnes mutées à l’intérieur d’une société'],
      ['F35', 'Intra-company transferees: management trainees', 'Personnes mutées à l’intérieur d’une société\u00a0: stagiaires en gestion'],
      ['F36', 'Spouses and common-law partners', 'Époux et conjoints de fait', true],
    ],
    'Canada–Korea FTA',
    'ALE Canada-Corée',
  ),
  ...fta([['F42', 'Professionals and technicians', 'Professionnels et techniciens']], 'Canada–Panama FTA', 'ALE Canada-Panama'),
  ...fta(
    [
      ['F50', 'Traders', 'Négociants'],
      ['F51', 'Investors', 'Investisseurs'],
      ['F52', 'Professionals', 'Professionnels'],
      ['F53', 'Technicians', 'Techniciens'],
      ['F54', 'Intra-company transferees', 'Personnes mutées à l’intérieur d’une société'],
      ['F55', 'Intra-company transferees: management trainees', 'Personnes mutées à l’intérieur d’une société\u00a0: stagiaires en gestion'],
    ],
    'Canada–Peru FTA',
    'ALE Canada-Pérou',
  ),
  ...fta(
    [
      ['T41', 'Intra-corporate transferees: graduate trainees', 'Personnes mutées à l’intérieur d’une société\u00a0: stagiaires diplômés'],
      ['T42', 'Intra-corporate transferees: specialists', 'Personnes mutées à l’intérieur d’une société\u00a0: spécialistes'],
      ['T43', 'Independent professionals', 'Professionnels indépendants'],
      ['T44', 'Intra-corporate transferees: senior personnel', 'Personnes mutées à l’intérieur d’une société\u00a0: cadres supérieurs'],
      ['T45', 'Spouses and common-law partners', 'Époux et conjoints de fait', true],
      ['T46', 'Investors', 'Investisseurs'],
      ['T47', 'Contractual service suppliers', 'Fournisseurs de services contractuels'],
      ['T48', 'Key personnel: other', 'Personnel clé\u00a0: autres'],
    ],
    'CETA',
    'AECG',
  ),
  ...fta(
    [
      ['T50', 'Investors', 'Investisseurs'],
      ['T51', 'Intra-company transferees', 'Personnes mutées à l’intérieur d’une société'],
      ['T52', 'Professionals and technicians', 'Professionnels et techniciens'],
      ['T53', 'Spouses and common-law partners', 'Époux et conjoints de fait', true],
      ['T54', 'Independent executives', 'Cadres indépendants'],
      ['T55', 'Contractual service suppliers', 'Fournisseurs de services contractuels'],
    ],
    'CPTPP',
    'PTPGP',
  ),
  ...fta(
    [
      ['F60', 'Investors', 'Investisseurs'],
      ['F61', 'Intra-corporate transferees: graduate trainees', 'Personnes mutées à l’intérieur d’une société\u00a0: stagiaires diplômés'],
      ['F62', 'Intra-corporate transferees: specialists', 'Personnes mutées à l’intérieur d’une société\u00a0: spécialistes'],
      ['F63', 'Independent professionals', 'Professionnels indépendants'],
      ['F64', 'Spouses and common-law partners', 'Époux et conjoints de fait', true],
      ['F65', 'Intra-corporate transferees: senior personnel', 'Personnes mutées à l’intérieur d’une société\u00a0: cadres supérieurs'],
      ['F66', 'Contractual service suppliers', 'Fournisseurs de services contractuels'],
      ['F67', 'Key personnel: other', 'Personnel clé\u00a0: autres'],
    ],
    'Canada–United Kingdom Trade Continuity Agreement',
    'Accord de continuité commerciale Canada–Royaume-Uni',
  ),
  ...fta(
    [
      ['F70', 'Investors', 'Investisseurs'],
      ['F71', 'Intra-company transferees', 'Personnes mutées à l’intérieur d’une société'],
      ['F72', 'Professionals', 'Professionnels'],
      ['F73', 'Technicians', 'Techniciens'],
      ['F74', 'Contractual service suppliers', 'Fournisseurs de services contractuels'],
    ],
    'Canada–Ukraine FTA',
    'ALE Canada-Ukraine',
  ),

  // R204(c) Federal-provincial agreements
  ['T13', 'R204c', 'Canada–provincial/territorial agreements: provincial nominees, investment projects, emergencies', 'Accords Canada-provinces/territoires\u00a0: candidats des provinces, projets d’investissement, situations d’urgence'],
  ['C18', 'R204c', 'Atlantic Immigration Program', 'Programme d’immigration au Canada atlantique'],
  ['T10', 'R204c', 'Canada–Quebec Accord: investors', 'Accord Canada-Québec\u00a0: investisseurs', OPEN],

  // R204(d) International Experience Canada
  [
    'C21',
    'R204d',
    'International Experience Canada: working holiday, young professionals, international co-op internship',
    'Expérience internationale Canada\u00a0: vacances-travail, jeunes professionnels, stage coop international',
    {
      openWhen: {
        en: 'Working holiday participants get an open work permit (no offer, no fee). Young professionals and international co-op internships are employer-specific: an offer and the fee are needed.',
        fr: 'Les participants au volet Vacances-travail obtiennent un permis de travail ouvert (ni offre, ni frais). Les volets Jeunes professionnels et Stage coop international sont liés à un employeur\u00a0: une offre et les frais sont exigés.',
      },
    },
  ],

  // R205(a) Significant benefit
  ['C10', 'R205a-benefit', 'Significant benefit', 'Avantage important'],
  ['C11', 'R205a-benefit', 'Entrepreneurs and self-employed persons', 'Entrepreneurs et travailleurs autonomes', { entrepreneur: true }],
  ['C60', 'R205a-benefit', 'Provincial business programs and Quebec self-employed persons', 'Programmes provinciaux pour gens d’affaires et travailleurs autonomes du Québec', { old: ['C11'], entrepreneur: true }],
  ['C61', 'R205a-benefit', 'Intra-company transferees: start-up of a new office', 'Personnes mutées à l’intérieur d’une société\u00a0: ouverture d’un nouveau bureau', { old: ['C12'] }],
  ['C62', 'R205a-benefit', 'Intra-company transferees: executives and senior managers', 'Personnes mutées à l’intérieur d’une société\u00a0: cadres de direction et cadres supérieurs', { old: ['C12'] }],
  ['C63', 'R205a-benefit', 'Intra-company transferees: specialized knowledge', 'Personnes mutées à l’intérieur d’une société\u00a0: connaissances spécialisées', { old: ['C12'] }],
  ['C13', 'R205a-benefit', 'Emergency repairs and repair of out-of-warranty equipment', 'Réparations d’urgence et réparation d’équipement dont la garantie est échue'],
  ['C14', 'R205a-benefit', 'Television and film production workers', 'Travailleurs de la production télévisuelle et cinématographique'],
  ['C15', 'R205a-benefit', 'Rural and Northern Immigration', 'Immigration dans les communautés rurales et du Nord'],

  // R205(a) Permanent residence facilitation
  ['A71', 'R205a-pr', 'Live-in caregivers whose permanent residence application has been submitted', 'Aides familiaux résidants dont la demande de résidence permanente a été présentée', OPEN],
  ['C90', 'R205a-pr', 'Home child care provider and home support worker pilots', 'Projets pilotes des gardiens d’enfants en milieu familial et des aides familiaux à domicile', OPEN],
  ['C91', 'R205a-pr', 'Family members of caregiver pilot participants', 'Membres de la famille des participants aux projets pilotes des aides familiaux', OPEN],
  ['A74', 'R205a-pr', 'Family members of permanent residence applicants', 'Membres de la famille des demandeurs de résidence permanente', OPEN],
  ['A75', 'R205a-pr', 'Bridging open work permit', 'Permis de travail ouvert transitoire', OPEN],
  ['A76', 'R205a-pr', 'Economic pilots leading to permanent residence', 'Projets pilotes économiques menant à la résidence permanente', OPEN],
  ['A77', 'R205a-pr', 'Start-up visa (Start-up Business Class)', 'Visa pour démarrage d’entreprise (catégorie des entreprises en démarrage)', OPEN],
  ['C17', 'R205a-pr', 'Interim pathway for caregivers', 'Voie provisoire pour les aides familiaux', OPEN],
  ['A73', 'R205a-pr', 'Quebec Selection Certificate holders in Quebec', 'Titulaires d’un certificat de sélection du Québec se trouvant au Québec'],

  // R205(b) Reciprocal employment
  ['C20', 'R205b', 'Reciprocal employment', 'Emploi réciproque'],
  ['C22', 'R205b', 'Academic exchanges: exchange professors and visiting lecturers', 'Échanges universitaires\u00a0: professeurs d’échange et conférenciers invités'],
  ['C23', 'R205b', 'Performing arts', 'Arts de la scène'],
  ['C24', 'R205b', 'International camp counsellors', 'Moniteurs de camp internationaux'],
  ['C26', 'R205b', 'Professional coaches and athletes', 'Entraîneurs et athlètes professionnels'],

  // R205(c) Research and education
  ['C31', 'R205c', 'Research', 'Recherche'],
  ['C32', 'R205c', 'Co-op placements: post-secondary students', 'Stages coopératifs\u00a0: étudiants de niveau postsecondaire', OPEN],
  ['C33', 'R205c', 'Co-op placements: secondary school students', 'Stages coopératifs\u00a0: élèves du secondaire', OPEN],
  ['C16', 'R205c', 'Francophone mobility', 'Mobilité francophone'],
  ['C44', 'R205c', 'Post-doctoral fellows and research award recipients', 'Boursiers postdoctoraux et titulaires de bourses de recherche'],
  ['C45', 'R205c', 'Medical residents and fellows', 'Résidents et boursiers en médecine'],
  ['C52', 'R205c', 'Recipients of academic awards', 'Lauréats de prix universitaires'],
  ['C88', 'R205c', 'Other employer-specific work in Canada’s interest (competitiveness and public policy)', 'Autre travail lié à un employeur dans l’intérêt du Canada (compétitivité et politique d’intérêt public)'],
  ['C41', 'R205c', 'Spouses and common-law partners of skilled workers', 'Époux et conjoints de fait de travailleurs qualifiés', OPEN],
  ['C42', 'R205c', 'Spouses and common-law partners of full-time students', 'Époux et conjoints de fait d’étudiants à temps plein', OPEN],
  ['C43', 'R205c', 'Post-graduation work permit', 'Permis de travail postdiplôme', OPEN],
  ['C46', 'R205c', 'Dependent children of skilled workers', 'Enfants à charge de travailleurs qualifiés', OPEN],
  ['C47', 'R205c', 'Spouses and dependants of foreign representatives', 'Époux et personnes à charge de représentants étrangers', OPEN],
  ['C48', 'R205c', 'Spouses and common-law partners of members of foreign armed forces', 'Époux et conjoints de fait de membres de forces armées étrangères', OPEN],
  ['C49', 'R205c', 'Family members of other workers and students (competitiveness and public policy)', 'Membres de la famille d’autres travailleurs et étudiants (compétitivité et politique d’intérêt public)', OPEN],

  // R205(d) Charitable and religious work
  ['C50', 'R205d', 'Religious work', 'Travail religieux'],
  ['C51', 'R205d', 'Charitable work', 'Travail de bienfaisance'],

  // R206, R207, R207.1, R208
  ['S61', 'R206-R208', 'R206 No other means of support: refugee claimants', 'R206 Aucun autre moyen de subsistance\u00a0: demandeurs d’asile', OPEN],
  ['S62', 'R206-R208', 'R206 No other means of support: persons under an unenforceable removal order', 'R206 Aucun autre moyen de subsistance\u00a0: personnes visées par une mesure de renvoi inexécutable', OPEN],
  ['A70', 'R206-R208', 'R207 Permanent residence applicants in Canada: spouses and common-law partners', 'R207 Demandeurs de résidence permanente au Canada\u00a0: époux et conjoints de fait', OPEN],
  ['A72', 'R206-R208', 'R207 Permanent residence applicants in Canada: protected persons and other classes', 'R207 Demandeurs de résidence permanente au Canada\u00a0: personnes protégées et autres catégories', OPEN],
  ['H81', 'R206-R208', 'R207.1 Vulnerable workers', 'R207.1 Travailleurs vulnérables', OPEN],
  ['H82', 'R206-R208', 'R208 Humanitarian reasons: destitute students and temporary resident permit holders', 'R208 Motifs d’ordre humanitaire\u00a0: étudiants dans l’indigence et titulaires d’un permis de séjour temporaire', OPEN],
]

export const EXEMPTION_CODES: readonly ExemptionCode[] = ENTRIES.map(([code, category, en, fr, o = {}]) => ({
  code,
  category,
  name: { en, fr },
  oldCodes: o.old ?? [],
  open: o.open ?? false,
  entrepreneur: o.entrepreneur ?? false,
  ...(o.openWhen ? { openWhen: o.openWhen } : {}),
}))

const byCode = new Map(EXEMPTION_CODES.map((c) => [c.code, c]))

/** The exemption with this code (case and surrounding spaces ignored), or undefined. */
export function exemptionByCode(code: string | null | undefined): ExemptionCode | undefined {
  if (!code) return undefined
  return byCode.get(code.trim().toUpperCase())
}

/** True when the code gives an open work permit: no offer and no fee. Unknown codes are not open. */
export function isOpenExemption(code: string | null | undefined): boolean {
  return exemptionByCode(code)?.open ?? false
}

export function categoryName(id: ExemptionCategoryId, lang: Lang): string {
  return EXEMPTION_CATEGORIES.find((c) => c.id === id)!.name[lang]
}

/** "T36 Professionals (CUSMA) [T23]": how a code reads in a list. */
export function exemptionLabel(c: ExemptionCode, lang: Lang): string {
  return `${c.code} ${c.name[lang]}${c.oldCodes.length ? ` [${c.oldCodes.join(', ')}]` : ''}`
}

export interface OptionGroup {
  label: string
  options: Array<{ value: string; text: string }>
}

/** Options for a <select>, one <optgroup> per category, in the category order above. */
export function exemptionOptionGroups(lang: Lang, filter: (c: ExemptionCode) => boolean = () => true): OptionGroup[] {
  return EXEMPTION_CATEGORIES.map((cat) => ({
    label: cat.name[lang],
    options: EXEMPTION_CODES.filter((c) => c.category === cat.id && filter(c)).map((c) => ({ value: c.code, text: exemptionLabel(c, lang) })),
  })).filter((g) => g.options.length > 0)
}

/** NOC code and job title an entrepreneur's offer must use (C11, C60). */
export const ENTREPRENEUR_NOC = '88888'
export const ENTREPRENEUR_TITLE: Localized = { en: 'Entrepreneur', fr: 'Entrepreneur' }
