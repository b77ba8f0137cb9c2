import nock from 'nock';

/**
 * Lark's Open API as nock interceptors, for the real SDK client to talk to: tenant token, send,
 * reply, patch, urgent and the delayed card update. It keeps what it received, applies Lark's
 * uuid dedupe (the same uuid within an hour returns the first message), and can be told to fail.
 */

export interface FakeMessage {
  messageId: string;
  receiveIdType?: string;
  receiveId?: string;
  replyTo?: string;
  msgType: string;
  content: unknown;
  uuid?: string;
}

export interface PlannedFailure {
  status: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Lark did the work but the answer was lost (connection reset after processing). */
  afterProcessing?: boolean;
  /** Drop the connection before doing anything. */
  networkError?: boolean;
}

export interface FakeLark {
  domain: string;
  messages: FakeMessage[];
  patches: { messageId: string; content: unknown }[];
  urgents: { messageId: string; userIds: string[] }[];
  cardUpdates: { token: string; card: unknown }[];
  chats: { chatId: string; name: string; userIds: string[]; uuid?: string }[];
  memberAdds: { chatId: string; ids: string[] }[];
  files: { fileKey: string; fileName: string; content: string }[];
  /** Every API request in arrival order (token requests excluded). */
  requests: { method: string; path: string; body: unknown }[];
  /** The next N API calls (any endpoint but the token) fail like this. */
  failNext(count: number, failure: PlannedFailure): void;
  /** Calls whose body matches the predicate fail like this; returns a function that lifts the rule. */
  failWhen(predicate: (path: string, body: Record<string, unknown>) => boolean, failure: PlannedFailure): () => void;
  done(): void;
}

let domainCounter = 0;

export function fakeLark(): FakeLark {
  domainCounter += 1;
  const domain = `http://lark-${domainCounter}.test`;
  const messages: FakeMessage[] = [];
  const byUuid = new Map<string, FakeMessage>();
  const patches: FakeLark['patches'] = [];
  const urgents: FakeLark['urgents'] = [];
  const cardUpdates: FakeLark['cardUpdates'] = [];
  const chats: FakeLark['chats'] = [];
  const memberAdds: FakeLark['memberAdds'] = [];
  const files: FakeLark['files'] = [];
  const requests: FakeLark['requests'] = [];
  const planned: PlannedFailure[] = [];
  const rules: { predicate: (path: string, body: Record<string, unknown>) => boolean; failure: PlannedFailure }[] = [];
  let counter = 0;

  const scope = nock(domain).persist();
  scope.post('/open-apis/auth/v3/tenant_access_token/internal').reply(200, { code: 0, msg: 'ok', tenant_access_token: 't-fake', expire: 7200 });

  function handle(method: string, path: string, body: Record<string, unknown>, work: () => unknown): nock.ReplyFnResult | Promise<nock.ReplyFnResult> {
    requests.push({ method, path, body });
    const failure = planned.shift() ?? rules.find((rule) => rule.predicate(path, body))?.failure;
    if (failure?.networkError) return Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    if (failure && !failure.afterProcessing) return [failure.status, failure.body ?? { code: failure.status, msg: 'failure' }, failure.headers ?? {}];
    const data = work();
    if (failure?.afterProcessing) return Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    return [200, { code: 0, msg: 'success', data }];
  }

  function createMessage(fields: Omit<FakeMessage, 'messageId'>): { message_id: string } {
    if (fields.uuid && byUuid.has(fields.uuid)) return { message_id: byUuid.get(fields.uuid)!.messageId };
    counter += 1;
    const message = { messageId: `om_fake_${counter}`, ...fields };
    messages.push(message);
    if (fields.uuid) byUuid.set(fields.uuid, message);
    return { message_id: message.messageId };
  }

  const parse = (content: unknown) => (typeof content === 'string' ? JSON.parse(content) : content);

  scope
    .post('/open-apis/im/v1/messages')
    .query(true)
    .reply((uri, body) => {
      const b = body as Record<string, unknown>;
      const query = new URL(uri, domain).searchParams;
      return handle('POST', '/open-apis/im/v1/messages', b, () =>
        createMessage({ receiveIdType: query.get('receive_id_type') ?? undefined, receiveId: String(b.receive_id), msgType: String(b.msg_type), content: parse(b.content), uuid: b.uuid as string | undefined }),
      );
    });
  scope.post(/\/open-apis\/im\/v1\/messages\/[^/]+\/reply$/).reply((uri, body) => {
    const b = body as Record<string, unknown>;
    const replyTo = decodeURIComponent(uri.split('/')[5]!);
    return handle('POST', uri, b, () => createMessage({ replyTo, msgType: String(b.msg_type), content: parse(b.content), uuid: b.uuid as string | undefined }));
  });
  scope
    .patch(/\/open-apis\/im\/v1\/messages\/[^/]+\/urgent_app/)
    .query(true)
    .reply((uri, body) => {
      const b = body as Record<string, unknown>;
      return handle('PATCH', uri, b, () => {
        urgents.push({ messageId: decodeURIComponent(uri.split('/')[5]!), userIds: b.user_id_list as string[] });
        return { invalid_user_id_list: [] };
      });
    });
  scope.patch(/\/open-apis\/im\/v1\/messages\/[^/?]+$/).reply((uri, body) => {
    const b = body as Record<string, unknown>;
    return handle('PATCH', uri, b, () => {
      patches.push({ messageId: decodeURIComponent(uri.split('/')[5]!), content: parse(b.content) });
      return {};
    });
  });
  scope.post('/open-apis/interactive/v1/card/update').reply((uri, body) => {
    const b = body as Record<string, unknown>;
    return handle('POST', uri, b, () => {
      cardUpdates.push({ token: String(b.token), card: b.card });
      return undefined;
    });
  });

  scope
    .post('/open-apis/im/v1/chats')
    .query(true)
    .reply((uri, body) => {
      const b = body as Record<string, unknown>;
      const uuid = new URL(uri, domain).searchParams.get('uuid') ?? undefined;
      return handle('POST', '/open-apis/im/v1/chats', b, () => {
        const existing = uuid ? chats.find((chat) => chat.uuid === uuid) : undefined;
        if (existing) return { chat_id: existing.chatId };
        const chat = { chatId: `oc_created_${chats.length + 1}`, name: String(b.name), userIds: b.user_id_list as string[], uuid };
        chats.push(chat);
        return { chat_id: chat.chatId };
      });
    });
  scope
    .post(/\/open-apis\/im\/v1\/chats\/[^/]+\/members/)
    .query(true)
    .reply((uri, body) => {
      const b = body as Record<string, unknown>;
      return handle('POST', uri, b, () => {
        memberAdds.push({ chatId: decodeURIComponent(uri.split('/')[5]!), ids: b.id_list as string[] });
        return { invalid_id_list: [], not_existed_id_list: [] };
      });
    });
  scope.post('/open-apis/im/v1/files').reply((uri, body) => {
    // Multipart: keep the raw text; the test looks for the file name and content in it.
    const text = typeof body === 'string' ? body : Buffer.from(body as never).toString('utf8');
    return handle('POST', uri, { multipart: true }, () => {
      const fileKey = `file_v2_fake_${files.length + 1}`;
      const name = /name="file_name"\r\n\r\n([^\r]*)/.exec(text)?.[1] ?? '';
      files.push({ fileKey, fileName: name, content: text });
      return { file_key: fileKey };
    });
  });

  return {
    domain,
    chats,
    memberAdds,
    files,
    messages,
    patches,
    urgents,
    cardUpdates,
    requests,
    failNext(count, failure) {
      for (let i = 0; i < count; i += 1) planned.push(failure);
    },
    failWhen(predicate, failure) {
      const rule = { predicate, failure };
      rules.push(rule);
      return () => rules.splice(rules.indexOf(rule), 1);
    },
    done() {
      scope.persist(false);
      nock.removeInterceptor({ hostname: new URL(domain).hostname } as never);
    },
  };
}
