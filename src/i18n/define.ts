/**
 * Message catalogs are TypeScript objects, English and French side by side in one
 * file per namespace. `defineMessages` makes the compiler refuse a French catalog
 * whose keys differ from the English one; `catalog-parity.test.ts` checks the same
 * at run time, over every namespace, so a key in one language only fails the tests.
 */
export type Lang = 'en' | 'fr'
export const LANGS: readonly Lang[] = ['en', 'fr']

export interface MessageTree {
  readonly [key: string]: string | MessageTree
}

export type SameShape<T> = { readonly [K in keyof T]: T[K] extends string ? string : SameShape<T[K]> }

export function defineMessages<const T extends MessageTree>(messages: { en: T; fr: SameShape<T> }): {
  en: T
  fr: SameShape<T>
} {
  return messages
}

/** Every dotted path to a string leaf of a catalog. */
export type LeafPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : LeafPaths<T[K], `${Prefix}${K}.`>
}[keyof T & string]
