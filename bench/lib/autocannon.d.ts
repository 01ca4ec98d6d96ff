// The part of autocannon 9's programmatic API the benchmark uses (it ships no types).
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string
      path?: string
      headers?: Record<string, string>
      body?: string
      /** Called before each request with this connection's context (fresh each time round the list); returns the request to send. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request
      /** Called with each answer (its body too) and the same context. */
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers?: Record<string, string | string[]>) => void
    }
    interface Options {
      url: string
      connections?: number
      duration?: number
      pipelining?: number
      timeout?: number
      requests?: Request[]
    }
    interface Histogram {
      average: number
      mean: number
      max: number
      min: number
      total: number
      p50: number
      p99: number
    }
    interface Result {
      requests: Histogram
      latency: Histogram
      throughput: Histogram
      errors: number
      timeouts: number
      non2xx: number
      duration: number
      '1xx': number
      '2xx': number
      '3xx': number
      '4xx': number
      '5xx': number
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>
  export default autocannon
}
