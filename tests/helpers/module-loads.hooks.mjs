// Module hooks (module-loads.register.mjs): records each module's URL as it is loaded.
import fs from 'node:fs'

let file

export function initialize(data) {
  file = data.file
}

export async function load(url, context, nextLoad) {
  fs.appendFileSync(file, `${url}\n`)
  return nextLoad(url, context)
}
