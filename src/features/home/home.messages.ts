import { defineMessages } from '../../i18n/define.ts'

export default defineMessages({
  en: {
    title: 'Welcome to the Employer Portal',
    lead: 'Canadian employers who hire foreign workers without a Labour Market Impact Assessment (LMIA) use this portal to submit offers of employment and pay the employer compliance fee.',
    startTitle: 'Sign in or register',
    startBody: 'Sign in to enrol your business, join one with a PIN or work on your offers. New to the portal? Register for an account first: it takes a few minutes.',
    register: 'Register for an account',
    whatYouCanDo: 'What you can do here',
    doEnrol: 'Enrol your business, or join one with a PIN from its primary user',
    doAccess: 'Manage who may act for your business: branches, secondary users and representatives',
    doOffers: 'Submit offers of employment, pay the employer compliance fee and track your offers',
    beforeYouStart: 'Before you start',
    beforeYouStartBody: 'You need a sign-in account of your own. Representatives (immigration consultants and lawyers) use one account for every employer they act for.',
    officers: 'Department officers sign in to the officer console.',
    officerConsole: 'Officer console',
    aboutTitle: 'About this portal',
    aboutBody: 'This portal lets employers make offers of employment to foreign nationals under the International Mobility Program, as required by section 209.11 of the Immigration and Refugee Protection Regulations. It is open source.',
    helpTitle: 'Help and support',
    helpBody: 'If something in the portal does not work for you, tell us. Quote the reference shown on any error page.',
  },
  fr: {
    title: 'Bienvenue au Portail des employeurs',
    lead: 'Les employeurs canadiens qui embauchent des travailleurs étrangers sans étude d’impact sur le marché du travail (EIMT) utilisent ce portail pour soumettre des offres d’emploi et payer les frais relatifs à la conformité de l’employeur.',
    startTitle: 'Se connecter ou s’inscrire',
    startBody: 'Connectez-vous pour inscrire votre entreprise, vous joindre à une entreprise avec un NIP ou travailler à vos offres. Première visite sur le portail? Inscrivez-vous d’abord pour obtenir un compte\u00a0: cela prend quelques minutes.',
    register: 'S’inscrire pour obtenir un compte',
    whatYouCanDo: 'Ce que vous pouvez faire ici',
    doEnrol: "Inscrire votre entreprise, ou vous joindre à une entreprise avec un NIP fourni par son utilisateur principal",
    doAccess: 'Gérer qui peut agir pour votre entreprise\u00a0: succursales, utilisateurs secondaires et représentants',
    doOffers: 'Soumettre des offres d’emploi, payer les frais relatifs à la conformité de l’employeur et suivre vos offres',
    beforeYouStart: 'Avant de commencer',
    beforeYouStartBody:
      'Vous avez besoin de votre propre compte de connexion. Les représentants (consultants en immigration et avocats) utilisent un seul compte pour tous les employeurs qu’ils représentent.',
    officers: 'Les agents du ministère se connectent à la console des agents.',
    officerConsole: 'Console des agents',
    aboutTitle: 'À propos de ce portail',
    aboutBody:
      'Ce portail permet aux employeurs de soumettre des offres d’emploi à des ressortissants étrangers dans le cadre du Programme de mobilité internationale, comme l’exige l’article 209.11 du Règlement sur l’immigration et la protection des réfugiés. Son code source est ouvert.',
    helpTitle: 'Aide et soutien',
    helpBody:
      'Si quelque chose dans le portail ne fonctionne pas pour vous, dites-le-nous. Indiquez la référence affichée sur toute page d’erreur.',
  },
})
