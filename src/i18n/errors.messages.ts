import { defineMessages } from './define.ts'

/** Error pages and the validation messages shared by every form. */
export default defineMessages({
  en: {
    notFoundTitle: 'We couldn’t find that page',
    notFoundBody: 'The address may be mistyped, or the page may have moved.',
    notFoundAction: 'Go to the portal’s home page',
    serverErrorTitle: 'Something went wrong on our side',
    serverErrorBody: 'Nothing you entered before this page was lost. Please try again in a few minutes.',
    serverErrorReference: 'If you contact us, quote this reference: {requestId}',
    forbiddenTitle: 'You can’t do that from this page',
    csrfBody:
      'For your security, this form could not be accepted: it may have been open for too long, or sent from another site. Go back, refresh the page and try again.',
    tooLargeTitle: 'What you sent is too large',
    tooLargeBody: 'The form or file was larger than the portal accepts. Go back and send something smaller.',
    badRequestTitle: 'We couldn’t read that request',
    badRequestBody: 'The address or form was not in a form the portal understands. Go back and try again.',
    unstorableBody: 'What you sent contains a character the portal cannot keep (a null character). Go back, remove it and try again.',
    unsupportedTitle: 'That kind of content isn’t accepted',
    unsupportedBody: 'The portal only accepts forms sent by its own pages.',
    tooManyTitle: 'Too many requests',
    tooManyBody: 'Please wait a minute before you try again.',
    goHome: 'Return to the home page',
    goConsole: 'Return to the console',
  },
  fr: {
    notFoundTitle: 'Nous ne pouvons trouver cette page',
    notFoundBody: 'L’adresse est peut-être mal saisie, ou la page a été déplacée.',
    notFoundAction: 'Aller à la page d’accueil du portail',
    serverErrorTitle: 'Un problème est survenu de notre côté',
    serverErrorBody:
      'Rien de ce que vous avez saisi avant cette page n’a été perdu. Veuillez réessayer dans quelques minutes.',
    serverErrorReference: 'Si vous communiquez avec nous, indiquez cette référence\u00a0: {requestId}',
    forbiddenTitle: 'Vous ne pouvez pas faire cela à partir de cette page',
    csrfBody:
      'Pour votre sécurité, ce formulaire n’a pas pu être accepté\u00a0: il est peut-être resté ouvert trop longtemps ou a été envoyé d’un autre site. Revenez en arrière, actualisez la page et réessayez.',
    tooLargeTitle: 'Ce que vous avez envoyé est trop volumineux',
    tooLargeBody:
      'Le formulaire ou le fichier dépassait la taille acceptée par le portail. Revenez en arrière et envoyez un contenu plus petit.',
    badRequestTitle: 'Nous n’avons pas pu lire cette demande',
    badRequestBody:
      'L’adresse ou le formulaire n’était pas dans un format que le portail comprend. Revenez en arrière et réessayez.',
    unstorableBody:
      'Ce que vous avez envoyé contient un caractère que le portail ne peut pas conserver (un caractère nul). Revenez en arrière, retirez-le et réessayez.',
    unsupportedTitle: 'Ce type de contenu n’est pas accepté',
    unsupportedBody: 'Le portail n’accepte que les formulaires envoyés par ses propres pages.',
    tooManyTitle: 'Trop de demandes',
    tooManyBody: 'Veuillez attendre une minute avant de réessayer.',
    goHome: 'Retourner à la page d’accueil',
    goConsole: 'Retourner à la console',
  },
})
