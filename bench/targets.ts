import type { ScenarioKind } from './scenarios.ts'

/** The targets ("Performance and scale"), printed beside each figure. */
export const TARGETS = {
  /** Pages on the embedded database: requests/s at least this share of the baseline's. */
  embeddedPageRatio: 0.25,
  /** Pages on PostgreSQL: this share of the baseline, with p99 at most `postgresPageP99Ms`. */
  postgresPageRatio: 0.5,
  postgresPageP99Ms: 25,
  /** Resident memory of each server process under load. */
  rssLimitMb: 250,
} as const

export interface TargetVerdict {
  text: string
  pass: boolean
}

export function pageTarget(
  kind: ScenarioKind,
  database: 'embedded' | 'postgres',
  ratio: number,
  p99Ms: number,
): TargetVerdict | null {
  // The issue lists the API's offer list among the pages its targets are for.
  if (kind !== 'page' && kind !== 'api') return null
  if (database === 'embedded') {
    return { text: `≥ ${TARGETS.embeddedPageRatio * 100} % of baseline`, pass: ratio >= TARGETS.embeddedPageRatio }
  }
  return {
    text: `≥ ${TARGETS.postgresPageRatio * 100} % of baseline, p99 ≤ ${TARGETS.postgresPageP99Ms} ms`,
    pass: ratio >= TARGETS.postgresPageRatio && p99Ms <= TARGETS.postgresPageP99Ms,
  }
}

export function rssTarget(peakProcessMb: number): TargetVerdict {
  return { text: `≤ ${TARGETS.rssLimitMb} MB per process`, pass: peakProcessMb <= TARGETS.rssLimitMb }
}
