import fs from 'node:fs'
import path from 'node:path'

/** Every *.test.ts under `dir` (node_modules left out), as paths relative to `root`. */
export function findTests(root: string, dir: string, out: string[] = []): string[] {
  const full = path.join(root, dir)
  if (!fs.existsSync(full)) return out
  for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
    const child = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') findTests(root, child, out)
    } else if (entry.name.endsWith('.test.ts')) out.push(child)
  }
  return out
}

/** The module that reads TEST_DATABASE_URL and hands tests a PostgreSQL database when it is set. */
export const TEST_DATABASE_MODULE = path.join('tests', 'helpers', 'database.ts')

// Static and dynamic imports and re-exports of a relative module: `from './x.ts'`, `import('./x.ts')`, `import './x.ts'`.
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g

/**
 * Whether a test file can run against PostgreSQL: it names TEST_DATABASE_URL itself or reaches
 * the test database module through its relative imports. The PostgreSQL tier runs only those;
 * the others (HTML, dates, PDFs, passwords…) would run a second time for nothing.
 */
export function makeUsesTestDatabase(root: string): (testFile: string) => boolean {
  // Each file read once: its text for a test file's own mention, its imports for the walk.
  const textOf = new Map<string, string>()
  const text = (file: string): string => {
    let found = textOf.get(file)
    if (found === undefined) {
      found = fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8') : ''
      textOf.set(file, found)
    }
    return found
  }
  const reaches = (file: string, seen: Set<string>): boolean => {
    if (file === TEST_DATABASE_MODULE) return true
    if (seen.has(file)) return false
    seen.add(file)
    return [...text(file).matchAll(RELATIVE_IMPORT)].some((m) => reaches(path.normalize(path.join(path.dirname(file), m[1]!)), seen))
  }
  return (testFile) => text(path.normalize(testFile)).includes('TEST_DATABASE_URL') || reaches(path.normalize(testFile), new Set())
}

/**
 * The files that take longest, started first (measured on a slow 2-core machine, session 30):
 * two files run at a time, and a long one started near the end of the alphabetical order ran
 * alone for most of its time (the authorization matrix, in tests/security: 69 s; the offer
 * journeys in a browser: 142 and 162 s). A file missing here only starts in its usual place.
 */
export const LONGEST_FIRST = [
  // The unit and PostgreSQL tiers: 70, 69, 31, 30, 30, 30, 29, 24, 22 and 17 s.
  'src/db/backup.test.ts',
  'tests/security/route-matrix.test.ts',
  'tests/integration/bench-smoke.test.ts',
  'src/features/reference/noc.cli.test.ts',
  'tests/integration/crash-submission.test.ts',
  'src/db/migrate.test.ts',
  'tests/integration/crash-safety.test.ts',
  'tests/integration/generic-plans.test.ts',
  'tests/integration/build.test.ts',
  'tests/integration/seed-scale.test.ts',
  // The browser tier: 162, 146, 142, 124, 111, 104, 100 and 88 s.
  'tests/e2e/offer-submission-no-script.test.ts',
  'tests/e2e/access-requests.test.ts',
  'tests/e2e/offer-submission-script.test.ts',
  'tests/e2e/access.test.ts',
  'tests/e2e/console-work.test.ts',
  'tests/e2e/enrolment.test.ts',
  'tests/e2e/offer-keyboard.test.ts',
  'tests/e2e/tour.test.ts',
] as const

/** `files` with those of LONGEST_FIRST first, in its order; the rest after them, sorted. */
export function longestFirst(files: readonly string[]): string[] {
  const rank = (f: string) => {
    const i = (LONGEST_FIRST as readonly string[]).indexOf(f.split(path.sep).join('/'))
    return i < 0 ? LONGEST_FIRST.length : i
  }
  return [...files].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
}
