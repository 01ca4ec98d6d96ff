import type { FastifyInstance, FastifyRequest } from 'fastify'
import { html, type Html } from '../../platform/html.ts'
import { homePathOf } from '../../platform/views.ts'
import { linkButton } from '../../ui/components.ts'

/** The public landing page and the static information pages. */
export function registerHomeRoutes(scope: FastifyInstance, options: { helpSection?: (request: FastifyRequest) => Promise<Html> } = {}): void {
  scope.get('/', (request, reply) => {
    const { t, lang } = request
    // A signed-in person's home is their account page (or the console): every "Home" link to /<lang> leads there.
    if (request.user) return reply.redirect(homePathOf(request), 303)
    return reply.page({
      title: t('home.title'),
      body: html`<h1>${t('home.title')}</h1>
<p class="lead">${t('home.lead')}</p>
<h2>${t('home.startTitle')}</h2>
<p>${t('home.startBody')}</p>
<div class="button-group">
${linkButton({ text: t('common.signIn'), href: `/${lang}/sign-in`, variant: 'primary' })}
${linkButton({ text: t('home.register'), href: `/${lang}/register` })}
</div>
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
    const { t } = request
    return reply.page({
      title: t('home.aboutTitle'),
      breadcrumbs: [{ text: t('common.home'), href: homePathOf(request) }],
      body: html`<h1>${t('home.aboutTitle')}</h1><p>${t('home.aboutBody')}</p>`,
    })
  })

  scope.get('/help', async (request, reply) => {
    const { t } = request
    // The console's administrators edit the rest of the page (and it links to the problem report form).
    const section = options.helpSection ? await options.helpSection(request) : ''
    return reply.page({
      title: t('home.helpTitle'),
      breadcrumbs: [{ text: t('common.home'), href: homePathOf(request) }],
      body: html`<h1>${t('home.helpTitle')}</h1><p>${t('home.helpBody')}</p>${section}`,
    })
  })
}
