import http from 'node:http';

/**
 * A local Lark Open API over real HTTP on 127.0.0.1, for fault tests: the bot's real SDK client
 * (in this process or in a spawned bot) talks to it. Unlike the nock fake it records every raw
 * request as it arrived, before any dedupe, with its uuid and what it was answered, so a message
 * sent twice is visible even when Lark's uuid dedupe would have hidden it from the user.
 *
 * Faults can be injected per request: 500, 429 with `x-ogw-ratelimit-reset`, a hang (the client
 * times out), a dropped connection before any work, or a dropped connection after the work was
 * done (the answer is lost: the case the uuid exists for).
 */

export type FaultKind = 'http500' | 'http429' | 'hang' | 'drop' | 'dropAfterWork';

export interface RawRequest {
  seq: number;
  /** performance.now() when it arrived. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  uuid?: string;
  /** The tenant token it carried: each token request gets a new one, so it tells bot processes apart. */
  token?: string;
  /** What the client got: 'ok' (a 200 was written), or the fault injected. */
  outcome: 'ok' | FaultKind;
  /** For sends and replies: the message id it created or (uuid dedupe) returned. */
  messageId?: string;
}

export interface RecordedMessage {
  messageId: string;
  /** `chat_id:oc_…`, `open_id:ou_…`, or `reply:<parent message id>`. */
  to: string;
  msgType: string;
  content: unknown;
  uuid?: string;
  /** performance.now() when Lark made it (first request with its uuid). */
  at: number;
  seq: number;
}

export interface LarkRecorder {
  url: string;
  /** Every API request (the token endpoint excluded), in arrival order. */
  requests: RawRequest[];
  /** Messages Lark made (after uuid dedupe), in creation order. */
  messages: RecordedMessage[];
  patches: { messageId: string; content: unknown; seq: number }[];
  /** Decides a fault for each API request (never for the token endpoint). */
  setFault(decide: ((request: RawRequest) => FaultKind | undefined) | undefined): void;
  /** Requests that got a 200, by uuid. */
  okByUuid(): Map<string, RawRequest[]>;
  close(): Promise<void>;
}

export async function startLarkRecorder(options: { rateLimitResetSeconds?: number } = {}): Promise<LarkRecorder> {
  const requests: RawRequest[] = [];
  const messages: RecordedMessage[] = [];
  const patches: LarkRecorder['patches'] = [];
  const byUuid = new Map<string, RecordedMessage>();
  const hanging = new Set<http.ServerResponse>();
  let decide: ((request: RawRequest) => FaultKind | undefined) | undefined;
  let counter = 0;
  let seq = 0;
  let tokens = 0;

  const makeMessage = (request: RawRequest, to: string): string => {
    const earlier = request.uuid ? byUuid.get(request.uuid) : undefined;
    if (earlier) return earlier.messageId;
    counter += 1;
    const body = request.body;
    let content: unknown = body.content;
    try {
      content = typeof body.content === 'string' ? JSON.parse(body.content) : body.content;
    } catch {
      // keep the raw string
    }
    const message: RecordedMessage = { messageId: `om_rec_${counter}`, to, msgType: String(body.msg_type), content, uuid: request.uuid, at: request.at, seq: request.seq };
    messages.push(message);
    if (request.uuid) byUuid.set(request.uuid, message);
    return message.messageId;
  };

  /** The work of an API call; returns the `data` of Lark's answer. */
  const work = (request: RawRequest): unknown => {
    const { method, path } = request;
    if (method === 'POST' && path === '/open-apis/im/v1/messages') {
      request.messageId = makeMessage(request, `${request.query.receive_id_type}:${String(request.body.receive_id)}`);
      return { message_id: request.messageId };
    }
    const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(path);
    if (method === 'POST' && reply) {
      request.messageId = makeMessage(request, `reply:${decodeURIComponent(reply[1]!)}`);
      return { message_id: request.messageId };
    }
    if (method === 'PATCH' && /\/urgent_app$/.test(path)) return { invalid_user_id_list: [] };
    const patch = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(path);
    if (method === 'PATCH' && patch) {
      let content: unknown = request.body.content;
      try {
        content = JSON.parse(String(request.body.content));
      } catch {
        // keep it raw
      }
      patches.push({ messageId: decodeURIComponent(patch[1]!), content, seq: request.seq });
      return {};
    }
    if (path === '/open-apis/im/v1/chats') return { chat_id: `oc_rec_${(counter += 1)}` };
    if (/^\/open-apis\/im\/v1\/chats\/[^/]+\/members$/.test(path)) return { invalid_id_list: [], not_existed_id_list: [] };
    if (path === '/open-apis/contact/v3/users/batch_get_id') return { user_list: [] };
    return {};
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      if (url.pathname === '/open-apis/auth/v3/tenant_access_token/internal') {
        tokens += 1;
        json(200, { code: 0, msg: 'ok', tenant_access_token: `t-recorder-${tokens}`, expire: 7200 });
        return;
      }
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        body = { unparsed: true };
      }
      seq += 1;
      const request: RawRequest = {
        seq,
        at: performance.now(),
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body,
        uuid: typeof body.uuid === 'string' ? body.uuid : undefined,
        token: /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1],
        outcome: 'ok',
      };
      requests.push(request);
      const fault = decide?.(request);
      if (fault) request.outcome = fault;
      switch (fault) {
        case 'http500':
          return json(500, { code: 500, msg: 'internal error (injected)' });
        case 'http429':
          return json(429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-reset': String(options.rateLimitResetSeconds ?? 1) });
        case 'hang':
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        case 'drop':
          req.socket.destroy();
          return;
        case 'dropAfterWork':
          work(request);
          req.socket.destroy();
          return;
        default:
          return json(200, { code: 0, msg: 'success', data: work(request) });
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messages,
    patches,
    setFault(next) {
      decide = next;
    },
    okByUuid() {
      const map = new Map<string, RawRequest[]>();
      for (const request of requests) {
        if (!request.uuid || request.outcome !== 'ok') continue;
        map.set(request.uuid, [...(map.get(request.uuid) ?? []), request]);
      }
      return map;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
