import { isClusterPrimary, runPrimary } from './cluster.ts'
import { ConfigError, loadConfig } from './config.ts'
import { TotpSecrets } from './features/auth/totp-secrets.ts'
import { applyServerV8Flags } from './platform/v8-flags.ts'

/** `npm start`: configuration first; then either a cluster's primary, or one serving process. */
async function main(): Promise<void> {
  // Before the application allocates anything (src/platform/v8-flags.ts).
  applyServerV8Flags()
  const config = loadConfig()
  // Production refuses to start without DATA_ENCRYPTION_KEY (ConfigError), before anything else happens.
  const totpSecrets = TotpSecrets.fromConfig(config)
  // A primary only forks and watches its workers: importing the application here would keep
  // ~150 MB resident in a process that serves nothing (docs/performance.md, "Memory").
  if (isClusterPrimary(config.webConcurrency)) return runPrimary(config.webConcurrency)
  const { serve } = await import('./serve.ts')
  await serve(config, totpSecrets)
}

main().catch((err: unknown) => {
  // Mistakes in the setup get their message alone; anything else its stack.
  if (err instanceof ConfigError || (err instanceof Error && err.name === 'DataDirInUseError')) {
    console.error(err.message)
  } else {
    console.error(err)
  }
  process.exit(1)
})
