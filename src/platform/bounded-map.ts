/**
 * A Map for remembered answers that starts again, empty, when a new key would take it past
 * `max` entries: memory stays bounded with no bookkeeping per read, and an answer dropped
 * is only worked out again. (The session cookie's HMACs, formatted dates, the embedded
 * read cache, form field ids.)
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super()
  }

  override set(key: K, value: V): this {
    if (this.size >= this.max && !this.has(key)) this.clear()
    return super.set(key, value)
  }

  /** The answer for `key`: the one remembered, or `make()`'s, remembered. */
  remember(key: K, make: () => V): V {
    let value = this.get(key)
    if (value === undefined) {
      value = make()
      this.set(key, value)
    }
    return value
  }
}
