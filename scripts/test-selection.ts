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
  const importsOf = new Map<string, string[]>()
  const imports = (file: string): string[] => {
    let found = importsOf.get(file)
    if (!found) {
      const text = fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8') : ''
      found = [...text.matchAll(RELATIVE_IMPORT)].map((m) => path.normalize(path.join(path.dirname(file), m[1]!)))
      importsOf.set(file, found)
    }
    return found
  }
  const reaches = (file: string, seen: Set<string>): boolean => {
    if (file === TEST_DATABASE_MODULE) return true
    if (seen.has(file)) return false
    seen.add(file)
    return imports(file).some((next) => reaches(next, seen))
  }
  return (testFile) => fs.readFileSync(path.join(root, testFile), 'utf8').includes('TEST_DATABASE_URL') || reaches(path.normalize(testFile), new Set())
}
