/** Time comes from a clock the composition root hands out, so tests can move it. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that stands still until told to move. */
export class TestClock implements Clock {
  #ms: number
  constructor(start: Date | string = '2026-01-15T15:00:00Z') {
    this.#ms = new Date(start).getTime()
  }
  now(): Date {
    return new Date(this.#ms)
  }
  set(to: Date | string): void {
    this.#ms = new Date(to).getTime()
  }
  advance(ms: number): void {
    this.#ms += ms
  }
  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000)
  }
}
