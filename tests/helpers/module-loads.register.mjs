// `node --import ./tests/helpers/module-loads.register.mjs`: every module the process loads is
// appended, one URL a line, to the file named by MODULE_LOADS_FILE (startup-modules.test.ts).
import { register } from 'node:module'
import process from 'node:process'

register('./module-loads.hooks.mjs', import.meta.url, { data: { file: process.env.MODULE_LOADS_FILE } })
