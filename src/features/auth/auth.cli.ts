import type { CliCommand } from '../../cli.ts'
import { audit, SYSTEM_ACTOR } from '../../platform/audit.ts'
import { systemClock } from '../../platform/clock.ts'
import { USERNAME_PATTERN } from './auth.schema.ts'
import { hashSecret, passwordProblem } from './passwords.ts'
import { totpCode } from './totp.ts'
import { TotpSecrets } from './totp-secrets.ts'
import { findUserByUsername, insertUser } from './users.repository.ts'

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}

/** `officer create`: staff accounts are made here or by an administrator, never by self-registration. */
export const officerCreateCommand: CliCommand = {
  name: ['officer', 'create'],
  usage: 'officer create --username U --password P --role officer|administrator [--email E] [--given-name G --family-name F]',
  description: 'Creates an officer or administrator account; they set up their authenticator at first sign-in.',
  async run(args, ctx) {
    const username = option(args, 'username')
    const password = option(args, 'password')
    const role = option(args, 'role') ?? 'officer'
    if (!username || !USERNAME_PATTERN.test(username)) return fail(ctx.err, 'Give --username: 3 to 64 letters, digits, dots, hyphens or underscores.')
    if (role !== 'officer' && role !== 'administrator') return fail(ctx.err, 'Give --role officer or --role administrator.')
    const problem = password === undefined ? 'missing' : passwordProblem(password, username)
    if (problem) return fail(ctx.err, `The password is not acceptable (${problem}): at least 12 characters, not common, not containing the username.`)
    if (await findUserByUsername(ctx.db, username)) return fail(ctx.err, `A user named ${username} already exists.`)
    const now = systemClock.now()
    const passwordHash = await hashSecret(password!)
    await ctx.db.transaction().execute(async (trx) => {
      const user = await insertUser(
        trx,
        { role, username, email: option(args, 'email') ?? null, passwordHash, givenName: option(args, 'given-name'), familyName: option(args, 'family-name'), emailVerified: !!option(args, 'email') },
        now,
      )
      await audit(trx, SYSTEM_ACTOR, now, { action: 'staff.created', objectType: 'user', objectId: user.id, details: { role, by: 'command line' } })
    })
    ctx.out(`Created ${role} ${username}. They sign in at /en/console/sign-in and set up their authenticator app.`)
    return 0
  },
}

/** `totp code`: the current code of an account's authenticator (development only: for the demo accounts). */
export const totpCodeCommand: CliCommand = {
  name: ['totp', 'code'],
  usage: 'totp code --username U',
  description: 'Development only: prints the current two-step verification code of an account.',
  async run(args, ctx) {
    if (ctx.config.isProduction) return fail(ctx.err, 'Not available in production.')
    const user = await findUserByUsername(ctx.db, option(args, 'username') ?? '')
    if (!user?.totp_secret) return fail(ctx.err, 'No such account with two-step verification.')
    const secret = TotpSecrets.fromConfig(ctx.config).open(user.id, user.totp_secret)
    ctx.out(totpCode(secret, systemClock.now()))
    return 0
  },
}

function fail(err: (line: string) => void, message: string): number {
  err(message)
  return 1
}
