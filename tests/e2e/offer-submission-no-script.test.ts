import { offerSubmissionJourneys } from './journeys/offer-submission.ts'

// An offer from the first section to its withdrawal, and a declined card, with JavaScript off.
offerSubmissionJourneys(false)
