import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A local stand-in for Moneris, following the published contract the adapter is
 * written against (tests only): the Checkout request endpoint (actions "preload" and
 * "receipt") and the Gateway API's XML "refund" transaction. The test plays the
 * cardholder with `complete()`.
 */
export interface StandInTicket {
  ticket: string
  orderNo: string
  txnTotal: string
  language: string
  status: 'open' | 'approved' | 'declined'
  transactionNo?: string
  refunded: number
}

export interface MonerisStandIn {
  url: string
  tickets: Map<string, StandInTicket>
  requests: Array<{ path: string; body: string }>
  /** 'up', or answer 503 to everything, or never answer. */
  mode: 'up' | 'down' | 'hang'
  complete(ticket: string, outcome: 'approved' | 'declined', card?: { type: string; first6last4: string }): void
  close(): Promise<void>
}

export const STAND_IN_CREDENTIALS = { storeId: 'store5', apiToken: 'yesguy', checkoutId: 'chktSTANDIN' }

export async function startMonerisStandIn(): Promise<MonerisStandIn> {
  const tickets = new Map<string, StandInTicket>()
  const requests: Array<{ path: string; body: string }> = []
  const cards = new Map<string, { type: string; first6last4: string }>()
  const hanging = new Set<http.ServerResponse>()
  const state: MonerisStandIn = {
    url: '',
    tickets,
    requests,
    mode: 'up',
    complete(ticket, outcome, card = { type: 'V', first6last4: '4242424242' }) {
      const t = tickets.get(ticket)
      if (!t || t.status !== 'open') throw new Error(`ticket ${ticket} is not open`)
      t.status = outcome
      t.transactionNo = `${crypto.randomInt(100, 999)}-0_${crypto.randomInt(10, 99)}`
      cards.set(ticket, card)
    },
    close: async () => {
      for (const res of hanging) res.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  const json = (res: http.ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const fail = (res: http.ServerResponse, field: string, message: string) => json(res, { response: { success: 'false', error: { field, message } } })

  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString('utf8')))
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!
      requests.push({ path, body })
      if (state.mode === 'hang') {
        hanging.add(res)
        return
      }
      if (state.mode === 'down') {
        res.writeHead(503).end('Service Unavailable')
        return
      }
      if (req.method === 'POST' && path === '/chktv2/request/request.php') return checkoutRequest(body, res)
      if (req.method === 'POST' && path === '/gateway2/servlet/MpgRequest') return gatewayRequest(body, res)
      if (req.method === 'GET' && path === '/chkt/js/chkt_v1.00.js') {
        // The real script draws Moneris's card form in an iframe; the stand-in only defines the object.
        res.writeHead(200, { 'content-type': 'text/javascript' }).end('window.monerisCheckout = function () {};')
        return
      }
      res.writeHead(404).end()
    })
  })

  function checkoutRequest(raw: string, res: http.ServerResponse): void {
    let r: Record<string, unknown>
    try {
      r = JSON.parse(raw) as Record<string, unknown>
    } catch {
      return fail(res, 'request', 'invalid JSON')
    }
    const c = STAND_IN_CREDENTIALS
    if (r.store_id !== c.storeId || r.api_token !== c.apiToken || r.checkout_id !== c.checkoutId) return fail(res, 'store_id', 'invalid store credentials')
    if (r.environment !== 'qa' && r.environment !== 'prod') return fail(res, 'environment', 'invalid environment')
    if (r.action === 'preload') {
      if (typeof r.txn_total !== 'string' || !/^\d+\.\d{2}$/.test(r.txn_total)) return fail(res, 'txn_total', 'invalid amount')
      const orderNo = typeof r.order_no === 'string' ? r.order_no : ''
      if (orderNo.length > 50 || /[<>$%=?^"{}[\]\\]/.test(orderNo)) return fail(res, 'order_no', 'invalid order number')
      const ticket = `${Math.floor(Date.now() / 1000)}${crypto.randomBytes(15).toString('base64url').replace(/[-_]/g, 'x')}`
      tickets.set(ticket, { ticket, orderNo, txnTotal: r.txn_total, language: String(r.language ?? 'en'), status: 'open', refunded: 0 })
      return json(res, { response: { success: 'true', ticket } })
    }
    if (r.action === 'receipt') {
      const t = typeof r.ticket === 'string' ? tickets.get(r.ticket) : undefined
      if (!t || t.status === 'open') return fail(res, 'ticket', 'invalid ticket or transaction is not complete')
      const card = cards.get(t.ticket)!
      const approved = t.status === 'approved'
      const result = approved ? 'a' : 'd'
      return json(res, {
        response: {
          success: 'true',
          request: { txn_total: t.txnTotal, cc: { first6last4: card.first6last4, expiry: '1229', cardholder: 'Test' }, ticket: t.ticket, order_no: t.orderNo },
          receipt: {
            result,
            cc: {
              result,
              order_no: t.orderNo,
              cust_id: null,
              transaction_no: t.transactionNo,
              reference_no: '660191770010020100',
              transaction_code: '00',
              transaction_type: '200',
              transaction_date_time: '2026-11-23 10:00:05',
              amount: t.txnTotal,
              response_code: approved ? '027' : '481',
              iso_response_code: approved ? '01' : '05',
              approval_code: approved ? '123456' : '000000',
              card_type: card.type,
              first6last4: card.first6last4,
              expiry_date: '1229',
              is_debit: 'false',
            },
          },
        },
      })
    }
    return fail(res, 'action', 'invalid action')
  }

  function gatewayRequest(raw: string, res: http.ServerResponse): void {
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(raw)?.[1]
    const xml = (fields: Record<string, string>) => {
      res.writeHead(200, { 'content-type': 'text/xml' })
      res.end(`<?xml version="1.0"?><response><receipt>${Object.entries(fields).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</receipt></response>`)
    }
    const refused = (message: string) =>
      xml({ ReceiptId: field('order_id') ?? 'null', ResponseCode: 'null', TransType: '04', Complete: 'false', Message: message, TransID: 'null', TimedOut: 'false' })
    if (field('store_id') !== STAND_IN_CREDENTIALS.storeId || field('api_token') !== STAND_IN_CREDENTIALS.apiToken) return refused('Invalid store credentials')
    if (!raw.includes('<refund>')) return refused('Unsupported transaction')
    const orderId = field('order_id')
    const t = [...tickets.values()].find((x) => x.orderNo === orderId && x.transactionNo === field('txn_number') && x.status === 'approved')
    if (!t) return refused('Transaction not found')
    const amount = Math.round(Number(field('amount')) * 100)
    const total = Math.round(Number(t.txnTotal) * 100)
    if (!(amount > 0) || t.refunded + amount > total) {
      return xml({ ReceiptId: orderId!, ResponseCode: '481', ISO: '05', TransType: '04', Complete: 'true', Message: 'DECLINED', TransID: 'null', TimedOut: 'false' })
    }
    t.refunded += amount
    xml({
      ReceiptId: orderId!,
      ReferenceNum: '660144080011542100',
      ResponseCode: '027',
      ISO: '01',
      AuthCode: '001994',
      TransTime: '10:05:00',
      TransDate: '2026-11-23',
      TransType: '04',
      Complete: 'true',
      Message: 'APPROVED           *                    =',
      TransAmount: field('amount')!,
      CardType: 'V',
      TransID: `${crypto.randomInt(1000, 9999)}-1_10`,
      TimedOut: 'false',
    })
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return state
}
