import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

/**
 * `npm run build [-- --out-dir dist]`: the portal as plain JavaScript, for production.
 * tsx compiles TypeScript in the serving process and keeps it: a worker started from the
 * build holds ~45 MB less (docs/performance.md, "Memory"). Types are checked by
 * `npm run typecheck` (and `npm test`), so this only emits (`--noCheck`, a few seconds).
 * Files beside the sources that are not TypeScript (migrations, data, stylesheets,
 * scripts) are copied, so paths found from `import.meta.url` work the same in the build.
 */
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } })
const root = path.resolve(import.meta.dirname, '..')
const outDir = path.resolve(root, values['out-dir']!)
const src = path.join(root, 'src')

fs.rmSync(outDir, { recursive: true, force: true })
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--noCheck', '--outDir', outDir], { stdio: 'inherit' })
if (tsc.status !== 0) process.exit(tsc.status ?? 1)

let copied = 0
for (const entry of fs.readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith('.ts')) continue
  const from = path.join(entry.parentPath, entry.name)
  const to = path.join(outDir, path.relative(src, from))
  fs.mkdirSync(path.dirname(to), { recursive: true })
  fs.copyFileSync(from, to)
  copied++
}
console.log(`Built ${path.relative(root, outDir) || '.'}/ (${copied} files copied beside the JavaScript). Start it with: node ${path.relative(root, path.join(outDir, 'server.js'))}`)
