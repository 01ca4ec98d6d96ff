import countries from 'i18n-iso-countries/index.js'
import { COUNTRIES, isCountryCode } from '../reference/lists.ts'

/**
 * Search and matching keys. `foldKey` is exactly the database's `console_fold()`
 * (migration 2026-11-23T0820_console.sql): the same table of letters, no locale, so a
 * key computed here finds the rows the expression indexes hold (tested against both).
 */
const FOLD_FROM =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZàÀáÁâÂãÃäÄåÅāĀăĂąĄçÇćĆĉĈċĊčČďĎđĐèÈéÉêÊëËēĒĕĔėĖęĘěĚĝĜğĞġĠģĢĥĤħĦìÌíÍîÎïÏĩĨīĪĭĬįĮıĵĴķĶĺĹļĻľĽŀĿłŁñÑńŃņŅňŇŉòÒóÓôÔõÕöÖøØōŌŏŎőŐœŒŕŔŗŖřŘśŚŝŜşŞšŠßţŢťŤŧŦùÙúÚûÛüÜũŨūŪŭŬůŮűŰųŲŵŴýÝÿŸŷŶźŹżŻžŽæÆ'
const FOLD_TO =
  'abcdefghijklmnopqrstuvwxyzaaaaaaaaaaaaaaaaaaccccccccccddddeeeeeeeeeeeeeeeeeegggggggghhhhiiiiiiiiiiiiiiiiijjkkllllllllllnnnnnnnnnoooooooooooooooooooorrrrrrsssssssssttttttuuuuuuuuuuuuuuuuuuuuwwyyyyyyzzzzzzaa'
const FOLD = new Map([...FOLD_FROM].map((c, i) => [c, [...FOLD_TO][i]!]))

export function foldKey(value: string): string {
  return [...value]
    .map((c) => FOLD.get(c) ?? c)
    .join('')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

/**
 * The first key after every key that starts with `prefix`, in C collation (code-point
 * order): keys starting with `prefix` are exactly those in [prefix, prefixEnd(prefix)).
 * A range the index answers on its own, where a LIKE is checked again on every row it
 * finds, and one a prepared statement's generic plan can use.
 */
export function prefixEnd(prefix: string): string {
  if (prefix === '') throw new RangeError('an empty prefix has no end')
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)
}

/** Letters and digits only, upper case: how passport numbers and offer numbers are compared. */
export function compactKey(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '')
}

/** The same as the database's `console_passport_key(answers)` for a passport number. */
export function passportKey(value: string): string {
  return value.replace(/[^A-Za-z0-9]+/g, '').toUpperCase()
}

export const OFFER_NUMBER = /^A\d{7}$/

/**
 * What an officer typed as a country of citizenship, as an ISO 3166-1 alpha-2 code:
 * the two- or three-letter code, or the country's name in English or French (case,
 * accents, spaces and punctuation ignored). Undefined when it names no country.
 */
export function citizenshipCode(value: string): string | undefined {
  const key = compactKey(value)
  if (key.length === 2 && isCountryCode(key)) return key
  if (key.length === 3) {
    const alpha2 = countries.alpha3ToAlpha2(key)
    if (alpha2 && isCountryCode(alpha2)) return alpha2
  }
  return countryByName.get(key)
}

const countryByName = new Map<string, string>()
for (const c of COUNTRIES) {
  for (const lang of ['en', 'fr'] as const) {
    for (const name of [c.name[lang], ...((countries.getName(c.code, lang, { select: 'all' }) as string[] | undefined) ?? [])]) {
      if (name) countryByName.set(compactKey(name), c.code)
    }
  }
}
