import fs from 'node:fs'
import type { CliCommand } from '../../cli.ts'
import { describeImport, importNocFile, NocImportError } from './noc.service.ts'

/** `npm run portal -- noc import <file.csv>`: loads a NOC 2021 list (upsert by code). */
export const nocImportCommand: CliCommand = {
  name: ['noc', 'import'],
  usage: 'noc import <file.csv>',
  description: 'Import Statistics Canada’s NOC 2021 list (code,title_en,title_fr,teer,broad_category,major_group); re-running it is safe.',
  async run(args, { db, out, err }) {
    const [file] = args
    if (!file || args.length !== 1) {
      err('Usage: npm run portal -- noc import <file.csv>')
      return 2
    }
    if (!fs.existsSync(file)) {
      err(`No such file: ${file}`)
      return 2
    }
    try {
      const report = await importNocFile(db, file)
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
