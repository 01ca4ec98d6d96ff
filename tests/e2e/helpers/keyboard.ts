import assert from 'node:assert/strict'
import type { Locator, Page } from 'playwright-core'

/**
 * Moving through a page as a keyboard user does: Tab and Shift+Tab to reach a control,
 * Enter and Space to press it, the arrow keys to choose in a list. Nothing here clicks;
 * the helpers count the keys so a journey can show it used each of them.
 */
export interface KeyCount {
  Tab: number
  'Shift+Tab': number
  Enter: number
  Space: number
  ArrowDown: number
  ArrowUp: number
  typed: number
}

/** The few DOM members the in-page functions use (the tests are compiled without the DOM library). */
interface DomNode {
  ownerDocument: { activeElement: DomNode | null; body: DomNode }
  compareDocumentPosition(other: DomNode): number
}
interface DomSelect {
  selectedIndex: number
  options: ArrayLike<{ value: string }>
}
/** Node.DOCUMENT_POSITION_PRECEDING */
const PRECEDING = 2

export class Keyboard {
  readonly count: KeyCount = { Tab: 0, 'Shift+Tab': 0, Enter: 0, Space: 0, ArrowDown: 0, ArrowUp: 0, typed: 0 }

  constructor(readonly page: Page) {}

  async press(key: 'Tab' | 'Shift+Tab' | 'Enter' | 'Space' | 'ArrowDown' | 'ArrowUp'): Promise<void> {
    await this.page.keyboard.press(key)
    this.count[key]++
  }

  async isFocused(target: Locator): Promise<boolean> {
    return target.evaluate((el) => {
      const node = el as unknown as DomNode
      return node.ownerDocument.activeElement === node
    })
  }

  /**
   * Tabs to `target`: forward with Tab, or back with Shift+Tab when it comes before the
   * focused element. Fails if it is not reached in `max` presses (not in the tab order).
   */
  async tabTo(target: Locator, max = 120): Promise<void> {
    await target.waitFor()
    const back = await target.evaluate((el, preceding) => {
      const node = el as unknown as DomNode
      const active = node.ownerDocument.activeElement
      if (!active || active === node.ownerDocument.body) return false
      return (active.compareDocumentPosition(node) & preceding) !== 0
    }, PRECEDING)
    for (let i = 0; i < max; i++) {
      if (await this.isFocused(target)) return
      await this.press(back ? 'Shift+Tab' : 'Tab')
    }
    assert.fail(`${target} was not reached with ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses`)
  }

  /** Replaces a text field's content by typing (Control+A selects what was there). */
  async typeInto(target: Locator, text: string): Promise<void> {
    await this.tabTo(target)
    await this.page.keyboard.press('Control+A')
    await this.page.keyboard.press('Delete')
    await this.page.keyboard.type(text)
    this.count.typed += text.length
  }

  /**
   * A date field, typed segment by segment. Chromium orders the segments by the browser's
   * own locale (en-US here: month, day, year), whatever the page's language.
   */
  async typeDate(target: Locator, iso: string): Promise<void> {
    await this.tabTo(target)
    const [y, m, d] = iso.split('-')
    await this.page.keyboard.type(`${m}${d}${y}`)
    this.count.typed += 8
    assert.equal(await target.inputValue(), iso, 'date typed as month, day, year')
  }

  /** Chooses an option of a focused-by-Tab select with the arrow keys (no list is opened). */
  async choose(target: Locator, value: string): Promise<void> {
    await this.tabTo(target)
    const { current, wanted } = await target.evaluate((el, v) => {
      const s = el as unknown as DomSelect
      return { current: s.selectedIndex, wanted: Array.from(s.options).findIndex((o) => o.value === v) }
    }, value)
    assert.ok(wanted >= 0, `no option ${value}`)
    const key = wanted > current ? 'ArrowDown' : 'ArrowUp'
    for (let i = 0; i < Math.abs(wanted - current); i++) await this.press(key)
    assert.equal(await target.inputValue(), value)
  }

  /** Ticks (or unticks) a checkbox with Space. */
  async tick(target: Locator, checked = true): Promise<void> {
    await this.tabTo(target)
    await this.expectVisibleFocus(target)
    if ((await target.isChecked()) !== checked) await this.press('Space')
    assert.equal(await target.isChecked(), checked)
  }

  /** The focused control shows it: a ring at least 3 px wide (WCAG 2.4.7; the GC Design System's is 4 px). */
  async expectVisibleFocus(target: Locator): Promise<void> {
    const ring = await target.evaluate((el) => {
      const view = globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string } }
      const style = view.getComputedStyle(el)
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) }
    })
    assert.ok(ring.style !== 'none' && ring.width >= 3, `a visible focus ring (${JSON.stringify(ring)})`)
  }

  /** Tabs to a link or button and presses Enter (or Space, for a button). */
  async activate(target: Locator, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
    await this.tabTo(target)
    await this.press(key)
  }

  /** Waits (a few seconds at most: autofocus applies after load) for focus on the element with this id. */
  async expectFocusOn(id: string): Promise<void> {
    const ok = await this.page
      .locator(`[id="${id}"]:focus`)
      .waitFor({ timeout: 5000 })
      .then(() => true)
      .catch(() => false)
    if (!ok) assert.equal(await this.focusedId(), id, 'focus')
  }

  /** The id of the focused element ('' for none); works without JavaScript in the page. */
  async focusedId(): Promise<string> {
    const focused = this.page.locator(':focus')
    return (await focused.count()) === 1 ? ((await focused.getAttribute('id')) ?? '') : ''
  }
}
