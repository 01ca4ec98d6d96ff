import { html, type Html } from '../platform/html.ts'
import type { Lang, Translate } from '../i18n/i18n.ts'
import { errorSummary } from './components.ts'
import type { FormErrors } from './form-errors.ts'

/** What every page's frame needs to know about the request. */
export interface Chrome {
  lang: Lang
  t: Translate
  /** Which page template this is (its route, language-neutral): browser tests count the ones axe checked. */
  template: string
  /** The same page in the other language. */
  otherLangHref: string
  homeHref: string
  /** A signed-out visitor's way to sign in, in the header (none on the sign-in pages). */
  signInHref?: string
  stylesheet: string
  script: string
  /** The page icon (the maple leaf). */
  icon: string
  nonce: string
  dateModified: string
  /** The signed-in person's header area; features fill it. */
  account?: Html
  /** Notices for the whole page (maintenance, session warnings), just before the main content, where "Skip to main content" lands. */
  banners?: Html[]
}

export interface Breadcrumb {
  text: string
  href: string
}

export interface Page {
  title: string
  body: Html
  errors?: FormErrors
  breadcrumbs?: Breadcrumb[]
  /** Shown above the h1 and below the breadcrumbs, e.g. a back link. */
  backLink?: { href: string; text?: string }
  /** Overrides the template name (pages shared by many routes, such as error pages). */
  template?: string
  /**
   * Drawn in place of the link to the other language: a page whose form must be saved first
   * (an offer's section) makes the switch a submit button of that form, so nothing typed is lost.
   */
  languageToggle?: Html
}

export function layout(c: Chrome, page: Page): Html {
  const { t } = c
  const failed = !!page.errors && page.errors.summary.length > 0
  const title = `${failed ? t('common.errorTitlePrefix') : ''}${page.title} - ${t('common.portalName')}`
  const other = c.lang === 'en' ? 'fr' : 'en'
  return html`<!DOCTYPE html>
<html lang="${c.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="portal-template" content="${page.template ?? c.template}">
<title>${title}</title>
<link rel="icon" href="${c.icon}" type="image/svg+xml">
<link rel="icon" href="/favicon.ico" sizes="32x32">
<link rel="stylesheet" href="${c.stylesheet}">
<script src="${c.script}" defer nonce="${c.nonce}"></script>
</head>
<body>
<a class="skip-link" href="${c.banners?.length ? '#page-notices' : '#main-content'}">${t('common.skipToContent')}</a>
<header class="site-header">
<div class="container header-top">
<p class="signature"><span class="signature-flag" aria-hidden="true"></span><span>${t('common.governmentOfCanada')}</span></p>
<nav class="lang-toggle" aria-label="${t('common.languageToggleLabel')}">${page.languageToggle ?? html`<a href="${c.otherLangHref}" lang="${other}" hreflang="${other}">${t('common.languageToggle')}</a>`}</nav>
</div>
<div class="header-band">
<div class="container header-band-inner">
<p class="portal-name"><a href="${c.homeHref}">${t('common.portalName')}</a></p>
${c.account ?? (c.signInHref ? html`<ul class="account-nav"><li><a href="${c.signInHref}">${t('common.signIn')}</a></li></ul>` : '')}
</div>
</div>
</header>
${
  page.breadcrumbs?.length
    ? html`<nav class="container breadcrumbs" aria-label="${t('common.breadcrumbLabel')}"><ol>${page.breadcrumbs.map(
        (b) => html`<li><a href="${b.href}">${b.text}</a></li>`,
      )}</ol></nav>`
    : ''
}
${
  // Just before <main>, after the breadcrumbs: "Skip to main content" lands on them first (the idle warning, a recovery
  // code used), never past them. (Not inside <main>: a page's own notices are the ones in <main>.)
  c.banners?.length ? html`<div class="container banners" id="page-notices" tabindex="-1">${c.banners}</div>` : ''
}
<main id="main-content" class="container main" tabindex="-1">
${page.backLink ? html`<p class="back-link-wrap"><a class="back-link" href="${page.backLink.href}">${page.backLink.text ?? t('common.back')}</a></p>` : ''}
${errorSummary(t, page.errors)}
${page.body}
<dl class="date-modified"><dt>${t('common.dateModified')}</dt><dd><time>${c.dateModified}</time></dd></dl>
</main>
<footer class="site-footer">
<div class="container">
<h2 class="visually-hidden">${t('common.footerLabel')}</h2>
<ul class="footer-links">
<li><a href="/${c.lang}/help">${t('common.footerHelp')}</a></li>
<li><a href="/${c.lang}/about">${t('common.footerAbout')}</a></li>
</ul>
<p class="wordmark">${t('common.department')}</p>
</div>
</footer>
</body>
</html>`
}
