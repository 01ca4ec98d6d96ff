import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { actorFrom } from '../../platform/audit.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { html } from '../../platform/html.ts'
import { formErrors, type FormErrors } from '../../ui/form-errors.ts'
import { button, csrfField, errorMessage, notice } from '../../ui/components.ts'
import { MAX_UPLOAD_BYTES, uploadedFile } from '../../platform/uploads.ts'
import { requireEmployer } from '../auth/guards.ts'
import { offerAndMembership, type OfferDeps } from './offers.routes.ts'
import { claimsFeeExemption, MAX_DOCUMENTS, sniffDocumentType } from './offers.service.ts'
import type { Offer, OfferDocument } from './offers.tables.ts'
import { documentsList } from './offers.views.ts'

/**
 * Supporting documents of an offer: PDF, JPEG or PNG up to 6 MB each, the type read
 * from the bytes; added and removed while the offer is a draft, readable for ever.
 */
export function registerOfferDocumentRoutes(scope: FastifyInstance, deps: OfferDeps): void {
  const { offers, timeZone } = deps

  const page = async (request: FastifyRequest, reply: FastifyReply, offer: Offer, errors?: FormErrors, userId?: string) => {
    const { t, lang } = request
    const csrf = csrfField(reply.csrfToken())
    const docs = await offers.documents(offer)
    const editable = offer.status === 'draft'
    // After an upload (post/redirect/get): the file just attached, by its id among this offer's documents.
    const attachedId = errors ? undefined : (request.query as Record<string, unknown>).attached
    const attached = typeof attachedId === 'string' ? docs.find((d) => d.id === attachedId) : undefined
    // After a removal: the file removed, named from the person's own audit entry (the row is gone).
    const removedId = errors ? undefined : (request.query as Record<string, unknown>).removed
    const removed = typeof removedId === 'string' && userId ? await offers.removedDocumentName(offer, userId, removedId) : undefined
    return reply.page(
      {
        title: t('offers.docsTitle'),
        errors,
        backLink: { href: `/${lang}/offers/${offer.id}${editable ? '/validate' : ''}`, text: t('offers.backToOffer') },
        body: html`<h1>${t('offers.docsTitle')}</h1>
${attached ? notice({ kind: 'success', title: t('offers.docsAttached', { name: attached.file_name }) }) : removed !== undefined ? notice({ kind: 'success', title: t('offers.docsRemoved', { name: removed }) }) : ''}
${editable && docs.length === 0 && claimsFeeExemption(offer) ? notice({ kind: 'warning', title: t('offers.feeProofTitle'), body: html`<p>${t('offers.feeProofBody')}</p>` }) : ''}
<p>${t('offers.docsLead')}</p>
${documentsList(t, lang, offer, docs, timeZone, {
  // Each button names its file (the name inside the button, for assistive technology): "Remove offer-letter.pdf".
  remove: editable
    ? (d) =>
        html` <form method="post" action="/${lang}/offers/${offer.id}/documents/${d.id}/remove" class="inline-form">${csrf}${button({ text: html`${t('offers.docsRemove')}<span class="visually-hidden"> ${d.file_name}</span>`, variant: 'link', name: 'remove', value: d.id })}</form>`
    : undefined,
})}
${
  editable && docs.length < MAX_DOCUMENTS
    ? html`<form method="post" action="/${lang}/offers/${offer.id}/documents" enctype="multipart/form-data" novalidate>
${csrf}
<div class="form-group${errors?.fields.document ? ' form-group-error' : ''}">
<label class="label" for="document">${t('offers.docsField')}</label>
<p class="hint" id="document-hint">${t('offers.docsHint')}</p>
${errors?.fields.document ? errorMessage('document', errors.fields.document, t) : ''}
<input class="file-upload" type="file" id="document" name="document" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" aria-describedby="document-hint${errors?.fields.document ? ' document-error' : ''}">
</div>
${button({ text: t('offers.docsUpload'), preventDoubleClick: true })}
</form>`
    : ''
}`,
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/offers/:id/documents', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { offer } = await offerAndMembership(deps, request, user)
    return page(request, reply, offer, undefined, user.id)
  })

  scope.post('/offers/:id/documents', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const { offer } = await offerAndMembership(deps, request, user)
    const file = uploadedFile(request.body, 'document')
    const fail = (key: Parameters<typeof t>[0]) => page(request, reply, offer, formErrors([['document', t(key, { max: MAX_UPLOAD_BYTES / (1024 * 1024) })]]))
    if (!file) return fail('offers.docsRequired')
    if (file.tooLarge) return fail('offers.docsTooLarge')
    const type = await sniffDocumentType(file.content)
    if (!type) return fail('offers.docsWrongType')
    const added = await offers.addDocument(offer, { name: file.fileName, type, content: file.content }, user.id, actorFrom(request, user))
    if (added.kind === 'tooMany') return fail('offers.docsTooMany')
    if (added.kind === 'notDraft') return reply.redirect(`/${lang}/offers/${offer.id}`, 303)
    return reply.redirect(`/${lang}/offers/${offer.id}/documents?attached=${added.documentId}`, 303)
  })

  scope.post('/offers/:id/documents/:documentId/remove', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { offer } = await offerAndMembership(deps, request, user)
    const documentId = (request.params as { documentId: string }).documentId
    const removed = await offers.removeDocument(offer, documentId, actorFrom(request, user))
    return reply.redirect(`/${request.lang}/offers/${offer.id}/documents${removed ? `?removed=${documentId}` : ''}`, 303)
  })

  scope.get('/offers/:id/documents/:documentId', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const { offer } = await offerAndMembership(deps, request, user)
    const doc = await offers.document(offer, (request.params as { documentId: string }).documentId)
    if (!doc) throw new NotFoundError()
    return sendDocument(reply, doc)
  })
}

/** Always a download, with the sniffed type: a document is never rendered as a page of the portal. */
export function sendDocument(reply: FastifyReply, doc: OfferDocument): FastifyReply {
  const ascii = doc.file_name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return reply
    .header('content-type', doc.content_type)
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(doc.file_name)}`)
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .send(doc.content)
}
