import fs from 'node:fs'
import type { CliCommand } from '../../cli.ts'
import { describeImport, importNocFile, NocImportError } from './noc.service.ts'

/** `npm run portal -- noc import <file.csv>`: loads a NOC 2021 list (upsert by code). */
export const nocImportCommand: CliCommand = {
  name: ['noc', 'import'],
  usage: 'noc import <file.csv>',
  description: 'Import Statistics Canada’s NOC 2021 list (code,title_en,title_fr,teer,broad_category,major_group); re-running it is safe.',
  checkArgs(args) {
    if (args.length !== 1) return 'Usage: npm run portal -- noc import <file.csv>'
    if (!fs.existsSync(args[0]!)) return `No such file: ${args[0]}`
    return undefined
  },
  async run(args, { db, out, err }) {
    try {
      const report = await importNocFile(db, args[0]!)
      out(describeImport(report))
      return report.rejected.length ? 1 : 0
    } catch (e) {
      if (e instanceof NocImportError) {
        err(e.message)
        return 1
      }
      throw e
    }
  },
}
