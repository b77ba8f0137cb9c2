import http from 'node:http';

/**
 * A tiny Lark Open API on 127.0.0.1 for the app's real SDK client: token, send, reply, patch,
 * urgent, delayed card update, chats, contact lookup. It answers at once, never throttles (the
 * outbound measurement uses the sandbox stand-in for that), keeps Lark's uuid dedupe, and notes
 * when each reply arrived so the bench can time "command in → answer out".
 */
export interface FakeLark {
  url: string;
  /** API calls by kind (send, reply, patch, urgent, other). */
  counts: Record<string, number>;
  /** performance.now() when the first reply to a message id arrived. */
  replies: Map<string, number>;
  /** Message ids handed out, by receive id (chat or person) for sends. */
  sentTo: Map<string, string[]>;
  close(): Promise<void>;
}

export async function startFakeLark(): Promise<FakeLark> {
  const counts: Record<string, number> = {};
  const replies = new Map<string, number>();
  const sentTo = new Map<string, string[]>();
  const byUuid = new Map<string, string>();
  let counter = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // multipart uploads and the like: not needed here
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const answer = (data: unknown, extra: Record<string, unknown> = {}) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ code: 0, msg: 'success', data, ...extra }));
      };
      const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);
      const newMessage = () => {
        const uuid = typeof body.uuid === 'string' ? body.uuid : undefined;
        const earlier = uuid ? byUuid.get(uuid) : undefined;
        if (earlier) return earlier;
        counter += 1;
        const id = `om_fake_${counter}`;
        if (uuid) byUuid.set(uuid, id);
        return id;
      };
      const path = url.pathname;
      if (path === '/open-apis/auth/v3/tenant_access_token/internal') {
        count('token');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ code: 0, msg: 'ok', tenant_access_token: 't-bench', expire: 7200 }));
        return;
      }
      if (req.method === 'POST' && path === '/open-apis/im/v1/messages') {
        count('send');
        const id = newMessage();
        const to = String(body.receive_id);
        sentTo.set(to, [...(sentTo.get(to) ?? []), id]);
        return answer({ message_id: id });
      }
      const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(path);
      if (req.method === 'POST' && reply) {
        count('reply');
        const parent = decodeURIComponent(reply[1]!);
        if (!replies.has(parent)) replies.set(parent, performance.now());
        return answer({ message_id: newMessage() });
      }
      if (req.method === 'PATCH' && /\/urgent_app$/.test(path)) {
        count('urgent');
        return answer({ invalid_user_id_list: [] });
      }
      if (req.method === 'PATCH' && /^\/open-apis\/im\/v1\/messages\/[^/]+$/.test(path)) {
        count('patch');
        return answer({});
      }
      if (path === '/open-apis/im/v1/chats') {
        count('create_chat');
        return answer({ chat_id: `oc_fake_${(counter += 1)}` });
      }
      if (path === '/open-apis/contact/v3/users/batch_get_id') {
        count('contact');
        return answer({ user_list: [] });
      }
      count('other');
      return answer({});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    replies,
    sentTo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
