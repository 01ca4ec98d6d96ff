import type { CliCommand } from '../../cli.ts'
import { systemClock } from '../../platform/clock.ts'
import { runDormancy } from './dormancy.service.ts'

/** `npm run portal -- dormancy run`: one pass of the dormancy job now (the worker runs it hourly). */
export const dormancyRunCommand: CliCommand = {
  name: ['dormancy', 'run'],
  usage: 'dormancy run',
  description: 'Sends the 18- and 23-month warnings, makes users dormant after 2 years without signing in, and businesses follow their primary user.',
  checkArgs: (args) => (args.length > 0 ? 'dormancy run takes no arguments' : undefined),
  async run(_args, ctx) {
    const r = await runDormancy({ db: ctx.db, clock: systemClock, timeZone: ctx.config.timeZone })
    ctx.out(`Warned ${r.warned18} user(s) at 18 months and ${r.warned23} at 23 months; ${r.madeDormant} user(s) became dormant; ${r.businessesDormant} business(es) became dormant and ${r.businessesReactivated} active again.`)
    return 0
  },
}
