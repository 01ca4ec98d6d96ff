import assert from 'node:assert/strict'
import type { Download, Locator, Page } from 'playwright-core'
import { SECTIONS, type FieldDef, type SectionId } from '../../../src/features/offers/offers.sections.ts'
import { formatMoney } from '../../../src/features/reference/validators.ts'
import { translate, type MessageKey, type MessageParams } from '../../../src/i18n/i18n.ts'
import type { Form } from '../../helpers/http.ts'
import { VALID_OFFER } from '../../helpers/offers.ts'
import { startingWith, type Lang } from './auth.ts'

/** The embedded test gateway's documented cards (src/features/payment/test-gateway.cards.ts), as people type them. */
export const APPROVED_CARD = '4242 4242 4242 4242'
export const DECLINED_CARD = '4000 0000 0000 0002'
export const NO_ANSWER_CARD = '4000 0000 0000 0119'
/** The portal's default fee (the journeys' portal does not set FEE_CENTS). */
export const FEE_CENTS = 23_000

/** VALID_OFFER (the HTTP tests' answers) as a person in `lang` types them: a French wage has a decimal comma. */
export function offerAnswers(lang: Lang): Record<SectionId, Form> {
  const answers = structuredClone(VALID_OFFER) as Record<SectionId, Form>
  if (lang === 'fr') answers.wage = { ...answers.wage, wage: String(answers.wage.wage).replace('.', ',') }
  return answers
}

/**
 * Page objects for an offer of employment: the section pages, Validate, documents,
 * review, the hosted card page, the offer's own page, withdrawal, deletion and the
 * queue. Everything is found by its visible words in the page's language (taken from
 * the message catalog, so a renamed button breaks here and not silently).
 */
export class OfferPages {
  constructor(
    readonly page: Page,
    readonly base: string,
    readonly lang: Lang,
  ) {}

  /** The employer compliance fee as the pages show it (the portal's default, FEE_CENTS=23000). */
  get fee(): string {
    return formatMoney(FEE_CENTS, this.lang)
  }

  t(key: MessageKey, params?: MessageParams): string {
    return translate(this.lang, key, params)
  }

  url(path: string): string {
    return `${this.base}/${this.lang}${path}`
  }

  /** The offer id in the current address (/…/offers/:id/…). */
  get offerId(): string {
    const m = /\/offers\/([0-9a-f-]{36})(?:\/|$|\?)/.exec(this.page.url())
    assert.ok(m, `no offer in ${this.page.url()}`)
    return m[1]!
  }

  async h1(): Promise<string> {
    return ((await this.page.locator('h1').textContent()) ?? '').trim()
  }

  async mainText(): Promise<string> {
    return (await this.page.locator('main').textContent()) ?? ''
  }

  button(key: MessageKey, params?: MessageParams): Locator {
    return this.page.getByRole('button', { name: this.t(key, params), exact: true })
  }

  /** A link, including a link drawn as a button (linkButton: still a link to assistive technology). */
  link(key: MessageKey, params?: MessageParams): Locator {
    return this.page.getByRole('link', { name: this.t(key, params), exact: true })
  }

  /** A form field, by its label (labels may end with "(required)" and are followed by a help control). */
  field(name: string): Locator {
    return this.page.getByLabel(startingWith(this.t(`offers.fields.${name}.label` as MessageKey))).and(this.page.locator(`[name="${name}"]`))
  }

  /** One box of a group of checkboxes, by the group's legend and the box's words. */
  choice(def: FieldDef, value: string): Locator {
    const text = def.choices?.(this.lang).find((c) => c.value === value)?.text
    assert.ok(text, `${def.name}: no choice ${value}`)
    return this.page.getByRole('group', { name: startingWith(this.t(`offers.fields.${def.name}.label` as MessageKey)) }).getByRole('checkbox', { name: text, exact: true })
  }

  /** "Start a new offer" from the offer page: returns the new draft's id (on its first section). */
  async startNew(): Promise<string> {
    await this.page.goto(this.url('/offers/new'))
    await this.button('offers.startOffer').click()
    await this.page.waitForURL(/\/exemption$/)
    return this.offerId
  }

  /** Types a section's answers (VALID_OFFER's by default) into the page. */
  async fillSection(section: SectionId, values: Form = offerAnswers(this.lang)[section]): Promise<void> {
    for (const def of SECTIONS[section]) {
      const value = values[def.name]
      if (value === undefined) continue
      if (def.kind === 'checkboxes') {
        for (const v of [value].flat()) await this.choice(def, v).check()
      } else if (def.kind === 'checkbox') {
        if (value === 'yes') await this.field(def.name).check()
        else await this.field(def.name).uncheck()
      } else if (def.kind === 'select') {
        await this.field(def.name).selectOption(String(value))
      } else {
        await this.field(def.name).fill(String(value))
      }
    }
  }

  async next(): Promise<void> {
    await this.button('offers.next').click()
  }

  /** Fills each of `sections` and presses Next on each (the page must be on the first). */
  async fillAndNext(sections: SectionId[]): Promise<void> {
    for (const s of sections) {
      await this.page.waitForURL(new RegExp(`/${s}$`))
      await this.fillSection(s)
      await this.next()
    }
  }

  /** The page's title says it shows errors ("Error: …", "Erreur : …"). */
  async expectErrorTitle(): Promise<void> {
    assert.match(await this.page.title(), this.lang === 'en' ? /^Error: / : /^Erreur\s:\s/)
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

  /** The id of the element that has focus ('' for none). */
  async focusedId(): Promise<string> {
    // A locator, not page.evaluate: it works in a page without JavaScript too.
    const focused = this.page.locator(':focus')
    return (await focused.count()) === 1 ? ((await focused.getAttribute('id')) ?? '') : ''
  }

  /** Attaches a file on the documents page and waits for the list to show it. */
  async attach(file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await this.page.getByLabel(this.t('offers.docsField')).setInputFiles(file)
    await this.button('offers.docsUpload').click()
    await this.page.locator('.document-list a', { hasText: file.name }).waitFor()
  }

  /** Fills the hosted test card page and presses Pay. */
  async payWithCard(card: string): Promise<void> {
    const gw = (key: string) => this.t(`testGateway.${key}` as MessageKey)
    await this.page.getByLabel(startingWith(gw('cardNumber'))).fill(card)
    await this.page.getByLabel(startingWith(gw('expiry'))).fill('12/29')
    await this.page.getByLabel(startingWith(gw('securityCode'))).fill('123')
    await this.page.getByLabel(startingWith(gw('cardholderName'))).fill('Alex Tremblay')
    await this.button('testGateway.pay', { amount: this.fee }).click()
  }

  /** A row of the queue (the current page of /offers) for one offer. */
  queueRow(offerId: string): Locator {
    return this.page.locator('main table tbody tr').filter({ has: this.page.locator(`a[href$="/offers/${offerId}"]`) })
  }

  /** Clicks a link or button that downloads a file and returns its bytes and suggested name. */
  async download(trigger: Locator): Promise<{ name: string; bytes: Buffer }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), trigger.click()])
    return { name: download.suggestedFilename(), bytes: await readDownload(download) }
  }
}

async function readDownload(download: Download): Promise<Buffer> {
  const stream = await download.createReadStream()
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
