import fastifyMultipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'

/**
 * File uploads (multipart/form-data) for the portal's forms: supporting documents,
 * screenshots with problem reports. One file per form, at most 6 MB: the file is read
 * into memory by the parser, so the route sees an ordinary body (and the CSRF check
 * its `_csrf` field). A larger file is cut at the limit and flagged, so the form can
 * say so in the person's language rather than fail with a bare 413.
 */
export const MAX_UPLOAD_BYTES = 6 * 1024 * 1024

export interface UploadedFile {
  fileName: string
  /** What the browser claimed; never trusted (sniff the bytes). */
  claimedType: string
  content: Buffer
  /** True when the file was larger than MAX_UPLOAD_BYTES (`content` is then incomplete). */
  tooLarge: boolean
}

/** What a file's bytes say it is (a MIME type), whatever its name or the browser's word. file-type is imported at the first upload, not at start. */
export async function sniffedType(content: Buffer): Promise<string | undefined> {
  const { fileTypeFromBuffer } = await import('file-type')
  return (await fileTypeFromBuffer(content))?.mime
}

export async function registerUploads(app: FastifyInstance): Promise<void> {
  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20, fieldSize: 10_000, parts: 25, headerPairs: 100 },
    throwFileSizeLimit: false,
    async onFile(part) {
      const chunks: Buffer[] = []
      for await (const chunk of part.file) chunks.push(chunk as Buffer)
      const file: UploadedFile = { fileName: part.filename, claimedType: part.mimetype, content: Buffer.concat(chunks), tooLarge: part.file.truncated }
      ;(part as unknown as { value: UploadedFile }).value = file
    },
  })
}

/** The uploaded file of a form field, if one was chosen. */
export function uploadedFile(body: unknown, field: string): UploadedFile | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[field]
  if (!value || typeof value !== 'object' || !('content' in value)) return undefined
  const file = value as UploadedFile
  return file.content.length === 0 && !file.fileName ? undefined : file
}
