import type { Insertable, Selectable } from 'kysely'

/** NOC 2021 unit groups (Statistics Canada), loaded from the shipped CSV. */
export interface NocOccupationTable {
  /** Five digits, e.g. '21231'. */
  code: string
  title_en: string
  title_fr: string
  /** Training, Education, Experience and Responsibilities category: the code's second digit, 0 to 5. */
  teer: number
  broad_category: string
  /** The code's first two digits. */
  major_group: string
}
export type NocOccupation = Selectable<NocOccupationTable>
export type NewNocOccupation = Insertable<NocOccupationTable>

export interface ReferenceTables {
  noc_occupation: NocOccupationTable
}
