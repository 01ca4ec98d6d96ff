import { defineMessages } from '../i18n/define.ts'

export default defineMessages({
  en: { help: 'Help with this field' },
  fr: { help: 'Aide pour ce champ' },
})
