import { z } from 'zod'

/** `?page=N` on the message list; anything else reads as the first page. */
export const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(1_000_000).catch(1) }).catch({ page: 1 })

/** A message id in the address: only a uuid reaches the database. */
export const messageIdParam = z.object({ id: z.uuid() })

/** A development mailbox entry id. */
export const mailIdParam = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })
