import { defineMessages } from './define.ts'

/** Generic validation messages; forms use their own, more specific ones where they can. */
export default defineMessages({
  en: {
    required: 'Enter {field}',
    invalid: 'Check {field}: it is not in the expected form',
    tooLong: '{field} must be {max} characters or fewer',
    tooShort: '{field} must be at least {min} characters',
    chooseOne: 'Select an answer for “{field}”',
    email: 'Enter an email address in the correct format, like name@example.com',
  },
  fr: {
    required: 'Entrez {field}',
    invalid: 'Vérifiez {field}\u00a0: la valeur n’a pas la forme attendue',
    tooLong: '{field} doit compter au plus {max} caractères',
    tooShort: '{field} doit compter au moins {min} caractères',
    chooseOne: 'Sélectionnez une réponse pour «\u00a0{field}\u00a0»',
    email: 'Entrez une adresse courriel dans le bon format, par exemple nom@exemple.ca',
  },
})
