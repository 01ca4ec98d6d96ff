import { pathToFileURL } from 'node:url'
import { loadConfig, ConfigError, type Config } from './config.ts'
import { DataDirInUseError, openDatabase, type Db } from './db/connect.ts'
import { migrateToLatest } from './db/migrate.ts'
import { officerCreateCommand, totpCodeCommand } from './features/auth/auth.cli.ts'
import { nocImportCommand } from './features/reference/noc.cli.ts'
import { paymentsReconcileCommand } from './features/payment/payment.cli.ts'
import { dormancyRunCommand } from './features/access/dormancy.cli.ts'

/**
 * `npm run portal -- <group> <action> [args]`: operator commands.
 * To add one, write a `CliCommand` in the feature (see features/reference/noc.cli.ts)
 * and add it to COMMANDS below.
 */

export interface CliContext {
  config: Config
  /** The configured database, migrated to the latest schema. */
  db: Db
  out: (line: string) => void
  err: (line: string) => void
}

export interface CliCommand {
  /** The words that select it, e.g. ['noc', 'import']. */
  name: readonly string[]
  usage: string
  description: string
  /** Checks the arguments before the database is opened: a message for a usage error, or undefined. */
  checkArgs?(args: string[]): string | undefined
  /** Returns the process exit code. */
  run(args: string[], ctx: CliContext): Promise<number>
}

const COMMANDS: readonly CliCommand[] = [nocImportCommand, officerCreateCommand, totpCodeCommand, paymentsReconcileCommand, dormancyRunCommand]

const out = (line: string) => process.stdout.write(`${line}\n`)
const err = (line: string) => process.stderr.write(`${line}\n`)

function help(): string {
  return ['Usage: npm run portal -- <command>', '', 'Commands:', ...COMMANDS.map((c) => `  ${c.usage}\n      ${c.description}`)].join('\n')
}

/** The command named by the first words of argv, and the rest of argv. */
export function findCommand(argv: readonly string[], commands: readonly CliCommand[] = COMMANDS): { command: CliCommand; args: string[] } | undefined {
  const command = commands.find((c) => c.name.every((word, i) => argv[i] === word))
  return command ? { command, args: argv.slice(command.name.length) } : undefined
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    out(help())
    return argv.length === 0 ? 2 : 0
  }
  const found = findCommand(argv)
  if (!found) {
    err(`Unknown command: ${argv.join(' ')}\n\n${help()}`)
    return 2
  }
  const problem = found.command.checkArgs?.(found.args)
  if (problem) {
    err(problem)
    return 2
  }
  const config = loadConfig()
  const database = await openDatabase(config)
  try {
    if (config.runMigrations) await migrateToLatest(database.db)
    return await found.command.run(found.args, { config, db: database.db, out, err })
  } finally {
    await database.close()
  }
}

// Run only when executed (`tsx src/cli.ts`), not when a test imports the commands.
const executed = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (executed) main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    err(e instanceof ConfigError || e instanceof DataDirInUseError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e))
    process.exitCode = 1
  },
)
