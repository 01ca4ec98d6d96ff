import type { FastifyInstance, FastifyRequest } from 'fastify'
import { html, type Html } from '../../platform/html.ts'

/** The public landing page and the static information pages. */
export function registerHomeRoutes(scope: FastifyInstance, options: { helpSection?: (request: FastifyRequest) => Promise<Html> } = {}): void {
  scope.get('/', (request, reply) => {
    const { t, lang } = request
    return reply.page({
      title: t('home.title'),
      body: html`<h1>${t('home.title')}</h1>
<p class="lead">${t('home.lead')}</p>
<h2>${t('home.whatYouCanDo')}</h2>
<ul>
<li>${t('home.doEnrol')}</li>
<li>${t('home.doAccess')}</li>
<li>${t('home.doOffers')}</li>
</ul>
<h2>${t('home.beforeYouStart')}</h2>
<p>${t('home.beforeYouStartBody')}</p>
<p>${t('home.officers')} <a href="/${lang}/console">${t('home.officerConsole')}</a></p>`,
    })
  })

  scope.get('/about', (request, reply) => {
    const { t, lang } = request
    return reply.page({
      title: t('home.aboutTitle'),
      breadcrumbs: [{ text: t('common.home'), href: `/${lang}` }],
      body: html`<h1>${t('home.aboutTitle')}</h1><p>${t('home.aboutBody')}</p>`,
    })
  })

  scope.get('/help', async (request, reply) => {
    const { t, lang } = request
    // The console's administrators edit the rest of the page (and it links to the problem report form).
    const section = options.helpSection ? await options.helpSection(request) : ''
    return reply.page({
      title: t('home.helpTitle'),
      breadcrumbs: [{ text: t('common.home'), href: `/${lang}` }],
      body: html`<h1>${t('home.helpTitle')}</h1><p>${t('home.helpBody')}</p>${section}`,
    })
  })
}
