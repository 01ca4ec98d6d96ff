import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import { otherLang } from '../../i18n/i18n.ts'
import type { Clock } from '../../platform/clock.ts'
import { formatInZone } from '../../platform/dates.ts'
import { html } from '../../platform/html.ts'
import type { MaintenanceWindow } from './console.tables.ts'
import { closedDuringMaintenance, maintenanceState, zoneWords, type MaintenanceState } from './maintenance.service.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The maintenance windows that concern this page (loaded before it renders). */
    maintenance: MaintenanceState | null
  }
}

function windowMessage(w: MaintenanceWindow, lang: 'en' | 'fr'): string {
  return (lang === 'fr' ? w.message_fr : w.message_en).trim()
}

/**
 * App-wide: the maintenance banner on every page ahead of (and during) a window, and
 * during a window the bilingual maintenance page (503, Retry-After) instead of the
 * portal's pages, sign-in included. Register before the feature routes.
 */
export function registerMaintenance(app: FastifyInstance, deps: { db: Db; clock: Clock; timeZone: string }): void {
  app.decorateRequest('maintenance', null)
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!/^\/(en|fr)(\/|\?|$)/.test(request.url)) return
    const now = deps.clock.now()
    const state = await maintenanceState(deps.db, now)
    request.maintenance = state
    const staff = request.user && request.user.role !== 'employer'
    if (!state.active || staff || !closedDuringMaintenance(request.url)) return
    const { lang, t } = request
    const end = formatInZone(lang, state.active.ends_at, deps.timeZone, 'dateTime')
    const other = otherLang(lang)
    const endOther = formatInZone(other, state.active.ends_at, deps.timeZone, 'dateTime')
    const message = windowMessage(state.active, lang)
    const zone = zoneWords(lang, deps.timeZone, state.active.ends_at)
    const zoneOther = zoneWords(other, deps.timeZone, state.active.ends_at)
    reply.header('retry-after', String(Math.max(60, Math.ceil((state.active.ends_at.getTime() - now.getTime()) / 1000))))
    return reply.page(
      {
        title: t('consoleAdmin.maintenance.pageTitle'),
        template: 'maintenance',
        body: html`<h1>${t('consoleAdmin.maintenance.pageTitle')}</h1>
<p>${t('consoleAdmin.maintenance.pageBody', { end, zone })}</p>
${message ? html`<p>${message}</p>` : ''}
<p lang="${other}">${t('consoleAdmin.maintenance.pageOther', { end: endOther, zone: zoneOther })}</p>
<p><a href="/${lang}/help">${t('consoleAdmin.help.reportLink')}</a></p>`,
      },
      503,
    )
  })
  app.chromeContributors.push((request) => {
    const state = request.maintenance
    const w = state?.active ?? state?.announced
    if (!w) return undefined
    const { lang, t } = request
    const start = formatInZone(lang, w.starts_at, deps.timeZone, 'dateTime')
    const end = formatInZone(lang, w.ends_at, deps.timeZone, 'dateTime')
    const message = windowMessage(w, lang)
    const zone = zoneWords(lang, deps.timeZone, w.starts_at)
    // Staff keep working during a window: they are told that employers cannot.
    const staff = request.user && request.user.role !== 'employer'
    return {
      banners: [
        html`<section class="notice notice-warning maintenance-banner" aria-labelledby="maintenance-banner-title"><h2 class="notice-title" id="maintenance-banner-title">${
          state?.active ? t(staff ? 'consoleAdmin.maintenance.bannerNowStaff' : 'consoleAdmin.maintenance.bannerNow', { end, zone }) : t('consoleAdmin.maintenance.banner', { start, end, zone })
        }</h2>${message ? html`<div class="notice-body"><p>${message}</p></div>` : ''}</section>`,
      ],
    }
  })
}
