/**
 * The sandbox page: plays Feishu for the bot. Pick who you are, open a chat, type commands, click
 * cards. Talks only to /sandbox/api on the same origin and polls /version for changes.
 */
import { parseTextMessage, renderCard, renderInline } from './cards.js';

const API = '/sandbox/api';
const POLL_MS = 700;
const CLOCK_RESYNC_MS = 30_000;
const TOAST_MS = 3000;
const BOT_NAME = '舆情助手';
const HELP_COMMAND = '/舆情 帮助';
const STORE_AS = 'yq-sandbox-as';
const storeChatKey = (as) => `yq-sandbox-chat:${as}`;

const state = {
  people: [],
  peopleById: new Map(),
  as: undefined,
  chats: [],
  chatId: undefined,
  messages: [],
  /** The chat `messages` belong to. */
  messagesChat: undefined,
  version: undefined,
  clock: { nowMs: undefined, at: 0, offsetMs: 0, zone: 'Asia/Shanghai' },
  /** messageId → { key, el }: unchanged messages keep their DOM (and whatever is typed in their forms). */
  rendered: new Map(),
  separators: new Map(),
  forceBottom: false,
  online: true,
};

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, val] of Object.entries(attrs ?? {})) {
    if (val === undefined || val === null || val === false) continue;
    if (key === 'class') el.className = val;
    else el.setAttribute(key, val === true ? '' : String(val));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

class ApiError extends Error {}

async function api(method, path, body) {
  const init = { method, headers: { accept: 'application/json' }, cache: 'no-store' };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${API}${path}`, init);
  let data;
  try {
    data = await res.json();
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const message = data && typeof data.error === 'string' ? data.error : `请求失败（HTTP ${res.status}）`;
    throw new ApiError(message);
  }
  return data;
}

const q = (params) => `?${new URLSearchParams(params).toString()}`;

function toast(type, content) {
  const kind = ['info', 'success', 'error', 'warning'].includes(type) ? type : 'info';
  const el = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, String(content ?? ''));
  $('toasts').appendChild(el);
  setTimeout(() => el.remove(), TOAST_MS);
}

function errorToast(error) {
  toast('error', error instanceof Error ? error.message : String(error));
}

// ---------------------------------------------------------------------------------------------
// Time in the sandbox zone
// ---------------------------------------------------------------------------------------------

const formatters = new Map();
function zoneParts(ms) {
  const zone = state.clock.zone;
  let f = formatters.get(zone);
  if (!f) {
    f = {
      parts: new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }),
      weekday: new Intl.DateTimeFormat('zh-CN', { timeZone: zone, weekday: 'short' }),
    };
    formatters.set(zone, f);
  }
  const p = {};
  for (const part of f.parts.formatToParts(new Date(ms))) p[part.type] = part.value;
  return { y: p.year, mo: p.month, d: p.day, hh: p.hour, mm: p.minute, ss: p.second, wd: f.weekday.format(new Date(ms)) };
}

function sandboxNowMs() {
  if (state.clock.nowMs === undefined) return undefined;
  return state.clock.nowMs + (performance.now() - state.clock.at);
}

function dayKey(ms) {
  const p = zoneParts(ms);
  return `${p.y}-${p.mo}-${p.d}`;
}

/** HH:mm today, M月D日 HH:mm this year, else YYYY年M月D日 HH:mm (sandbox zone, sandbox today). */
function messageTime(iso) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const p = zoneParts(ms);
  const now = sandboxNowMs();
  const time = `${p.hh}:${p.mm}`;
  if (now !== undefined && dayKey(now) === dayKey(ms)) return time;
  const md = `${Number(p.mo)}月${Number(p.d)}日`;
  if (now !== undefined && zoneParts(now).y === p.y) return `${md} ${time}`;
  return `${p.y}年${md} ${time}`;
}

function listTime(iso) {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const p = zoneParts(ms);
  const now = sandboxNowMs();
  if (now !== undefined && dayKey(now) === dayKey(ms)) return `${p.hh}:${p.mm}`;
  return `${Number(p.mo)}/${Number(p.d)}`;
}

function dayLabel(ms) {
  const p = zoneParts(ms);
  return `${p.y}年${Number(p.mo)}月${Number(p.d)}日 ${p.wd}`;
}

function renderClock() {
  const now = sandboxNowMs();
  if (now === undefined) return;
  const p = zoneParts(now);
  $('clock-now').textContent = `${p.y}-${p.mo}-${p.d} ${p.hh}:${p.mm}:${p.ss}`;
  const ahead = state.clock.offsetMs;
  let shift = '';
  if (ahead > 0) {
    const hours = Math.floor(ahead / 3_600_000);
    const days = Math.floor(hours / 24);
    const minutes = Math.floor((ahead % 3_600_000) / 60_000);
    shift = ` · 已快进 ${days > 0 ? `${days} 天 ` : ''}${hours % 24} 小时${minutes > 0 ? ` ${minutes} 分` : ''}`;
  }
  $('clock-zone').textContent = `${p.wd} · ${state.clock.zone}${shift}`;
}

function setClock(nowIso, extra = {}) {
  const ms = Date.parse(nowIso);
  if (Number.isNaN(ms)) return;
  state.clock = { ...state.clock, ...extra, nowMs: ms, at: performance.now() };
  renderClock();
}

async function loadClock() {
  const c = await api('GET', '/clock');
  setClock(c.now, { offsetMs: Number(c.offsetMs) || 0, zone: typeof c.zone === 'string' && c.zone ? c.zone : state.clock.zone });
}

/** Jump to the next due time or report: the server knows what is next. */
async function advanceTo(to) {
  try {
    const res = await api('POST', '/clock', { to });
    if (res && res.nothing) {
      toast('info', to === 'next_due' ? '没有待到期的时限或提醒' : '没有待发送的报告');
      return;
    }
    await loadClock().catch(() => undefined);
    const p = zoneParts(sandboxNowMs());
    toast('info', `沙盒时间已快进到 ${Number(p.mo)}月${Number(p.d)}日 ${p.hh}:${p.mm}`);
    await refresh();
  } catch (error) {
    errorToast(error);
  }
}

async function advance(ms) {
  if (!(ms > 0)) {
    toast('warning', '请输入大于 0 的小时数');
    return;
  }
  try {
    const res = await api('POST', '/clock', { advanceMs: Math.round(ms) });
    if (res && typeof res.now === 'string') setClock(res.now, { offsetMs: state.clock.offsetMs + Math.round(ms) });
    await loadClock().catch(() => undefined);
    const p = zoneParts(sandboxNowMs());
    toast('info', `沙盒时间已快进到 ${Number(p.mo)}月${Number(p.d)}日 ${p.hh}:${p.mm}`);
    await refresh();
  } catch (error) {
    errorToast(error);
  }
}

// ---------------------------------------------------------------------------------------------
// 模拟监测推送: a sample alert from the demo monitoring system, through POST /api/intake
// ---------------------------------------------------------------------------------------------

/** What the bot answered to the push, in words (202 new lead, 202 merged, or a refusal). */
function monitorPushMessage(res) {
  const body = res && typeof res.body === 'object' && res.body !== null ? res.body : {};
  const system = `监测系统 ${res?.source ?? ''}`.trim();
  if (res?.status === 202 && body.merged !== true) {
    return ['success', `${system} 已推送“${res.title}”：成为线索 #${body.lead}，线索卡片已发给县新闻办`];
  }
  if (res?.status === 202) {
    const into = body.item ? `舆情 ${body.item}` : `线索 #${body.lead}`;
    return ['info', `${system} 已推送“${res.title}”：同一文章已有记录，已并入${into}`];
  }
  const reason = typeof body.error === 'string' ? body.error : '未知原因';
  return ['error', `监测推送被拒绝（HTTP ${res?.status ?? '?'}：${reason}）`];
}

async function monitorPush() {
  const button = $('monitor-push');
  button.disabled = true;
  try {
    const res = await api('POST', '/monitor-push');
    const [kind, text] = monitorPushMessage(res);
    toast(kind, text);
    await refresh();
  } catch (error) {
    errorToast(error);
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

function personLabel(p) {
  return p.title ? `${p.name}（${p.title}）` : p.name;
}

function renderPeople() {
  const select = $('as-select');
  const groups = new Map();
  for (const p of state.people) {
    const g = p.group || '其他';
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(p);
  }
  select.replaceChildren(
    ...[...groups].map(([g, list]) => h('optgroup', { label: g }, list.map((p) => h('option', { value: p.openId }, personLabel(p))))),
  );
  if (state.as) select.value = state.as;
  const me = state.peopleById.get(state.as);
  $('who-title').textContent = me ? [me.group, me.title].filter(Boolean).join(' · ') : '';
}

function updateUrl() {
  const url = new URL(window.location.href);
  if (state.as) url.searchParams.set('as', state.as);
  else url.searchParams.delete('as');
  if (state.chatId) url.searchParams.set('chat', state.chatId);
  else url.searchParams.delete('chat');
  window.history.replaceState(null, '', url);
}

function storage(fn) {
  try {
    return fn();
  } catch {
    return undefined; // private mode or blocked storage: just do not remember
  }
}

function setPerson(openId) {
  if (!state.peopleById.has(openId)) return;
  state.as = openId;
  storage(() => localStorage.setItem(STORE_AS, openId));
  state.chatId = storage(() => localStorage.getItem(storeChatKey(openId))) ?? undefined;
  state.chats = [];
  state.messages = [];
  state.messagesChat = undefined;
  state.rendered.clear();
  state.forceBottom = true;
  renderPeople();
  updateUrl();
  renderAll();
  void refresh();
}

// ---------------------------------------------------------------------------------------------
// Chats
// ---------------------------------------------------------------------------------------------

const isWide = () => window.matchMedia('(min-width: 721px)').matches;
const currentChat = () => state.chats.find((c) => c.chatId === state.chatId);

function selectChat(chatId) {
  state.chatId = chatId;
  if (chatId && state.as) storage(() => localStorage.setItem(storeChatKey(state.as), chatId));
  state.messages = [];
  state.messagesChat = undefined;
  state.forceBottom = true;
  updateUrl();
  renderAll();
  if (chatId) {
    void refresh();
    if (isWide()) $('input').focus();
  }
}

function sortedChats() {
  return [...state.chats].sort((a, b) => {
    const ta = a.lastAt ? Date.parse(a.lastAt) : -Infinity;
    const tb = b.lastAt ? Date.parse(b.lastAt) : -Infinity;
    if (ta !== tb) return tb - ta;
    return String(a.name).localeCompare(String(b.name), 'zh-CN');
  });
}

function renderChats() {
  const list = $('chat-list');
  if (state.chats.length === 0) {
    list.replaceChildren(h('div', { class: 'list-empty' }, state.as ? '暂无会话' : '请先选择“我是”'));
    return;
  }
  list.replaceChildren(
    ...sortedChats().map((c) => {
      const active = c.chatId === state.chatId;
      const unread = Number(c.unread) || 0;
      const urgent = c.urgent === true || Number(c.urgent) > 0;
      const p2p = c.kind === 'p2p';
      const item = h(
        'button',
        { type: 'button', class: `chat-item${active ? ' active' : ''}${unread > 0 && !active ? ' has-unread' : ''}`, 'aria-current': active ? 'true' : undefined },
        h('span', { class: `avatar ${p2p ? 'avatar-bot' : 'avatar-group'}` }, p2p ? '助' : '群'),
        h(
          'span',
          { class: 'chat-item-main' },
          h('span', { class: 'chat-item-top' }, h('span', { class: 'chat-name' }, c.name || (p2p ? BOT_NAME : '群聊')), h('span', { class: 'chat-time' }, listTime(c.lastAt))),
          h(
            'span',
            { class: 'chat-item-bottom' },
            h('span', { class: 'chat-kind' }, p2p ? '私聊' : '群聊'),
            urgent ? h('span', { class: 'badge-urgent' }, '加急') : undefined,
            unread > 0 && !active ? h('span', { class: 'badge-unread' }, unread > 99 ? '99+' : String(unread)) : undefined,
          ),
        ),
      );
      item.addEventListener('click', () => selectChat(c.chatId));
      return item;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

function colourOf(id) {
  let n = 0;
  for (const ch of String(id)) n = (n * 31 + ch.codePointAt(0)) % 360;
  return `hsl(${n} 55% 48%)`;
}

function avatar(sender) {
  if (sender.kind === 'bot') return h('div', { class: 'avatar avatar-bot', title: BOT_NAME }, '助');
  const name = sender.name || state.peopleById.get(sender.openId)?.name || '?';
  const el = h('div', { class: 'avatar', title: name }, [...name].slice(-2).join(''));
  el.style.background = colourOf(sender.openId ?? name);
  return el;
}

function inlineCtx() {
  return { peopleById: state.peopleById, viewerOpenId: state.as };
}

function scrollToMessage(id) {
  const target = $(`msg-${id}`);
  if (!target) {
    toast('info', '原消息不在当前列表中');
    return;
  }
  target.scrollIntoView({ behavior: 'smooth', block: 'center' });
  target.classList.add('flash');
  setTimeout(() => target.classList.remove('flash'), 1500);
}

async function clickCard(message, chatId, action) {
  const body = { as: state.as, chatId, messageId: message.messageId, value: action.value ?? {} };
  if (action.formValue !== undefined) body.formValue = action.formValue;
  if (action.name !== undefined) body.name = action.name;
  try {
    const res = await api('POST', '/click', body);
    if (res && res.toast && res.toast.content) toast(res.toast.type, res.toast.content);
  } catch (error) {
    errorToast(error);
  }
  await refresh();
}

/** The sandbox zone's UTC offset (minutes) at a local date-time like 2026-11-28T06:46. */
function zoneOffsetMinutes(localIso) {
  const [date, time = '00:00'] = localIso.split('T');
  const [y, mo, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const guess = Date.UTC(y, mo - 1, d, hh, mm);
  const p = zoneParts(guess);
  const asUtc = Date.UTC(Number(p.y), Number(p.mo) - 1, Number(p.d), Number(p.hh), Number(p.mm));
  return Math.round((asUtc - guess) / 60_000);
}

function messageContent(m, chatId) {
  if (m.msgType === 'interactive') {
    return renderCard(m.card, {
      onAction: (action) => clickCard(m, chatId, action),
      peopleById: state.peopleById,
      people: state.people,
      viewerOpenId: state.as,
      onError: errorToast,
      // Pickers mean wall-clock time in the county's zone, as the rest of the page shows it.
      offsetMinutes: zoneOffsetMinutes,
    });
  }
  if (m.msgType === 'file') {
    const name = m.file && typeof m.file.name === 'string' ? m.file.name : '文件';
    return h('div', { class: 'bubble bubble-file', title: '沙盒中不提供下载' }, h('span', { class: 'file-icon' }, '文件'), h('span', null, name));
  }
  if (m.msgType === 'text') return h('div', { class: 'bubble' }, renderInline(parseTextMessage(m.text ?? ''), inlineCtx()));
  return h('div', { class: 'bubble bubble-unknown' }, `[不支持的消息类型：${String(m.msgType)}]`);
}

function renderMessage(m, chatId) {
  const sender = m.sender ?? { kind: 'bot' };
  const mine = sender.kind === 'user' && sender.openId === state.as;
  const bot = sender.kind === 'bot';
  const person = sender.openId ? state.peopleById.get(sender.openId) : undefined;
  const name = bot ? BOT_NAME : sender.name || person?.name || '未知';
  const edited = m.msgType === 'interactive' && m.updatedAt && m.createdAt && Date.parse(m.updatedAt) > Date.parse(m.createdAt) + 1000;
  const meta = h(
    'div',
    { class: 'msg-meta' },
    mine ? undefined : h('span', { class: 'msg-name' }, name),
    !mine && !bot && person?.title ? h('span', { class: 'msg-title' }, person.title) : undefined,
    bot ? h('span', { class: 'bot-tag' }, '机器人') : undefined,
    h('span', { class: 'msg-time', title: m.createdAt }, messageTime(m.createdAt)),
    edited ? h('span', { class: 'msg-edited', title: `更新于 ${messageTime(m.updatedAt)}` }, '已更新') : undefined,
    m.urgent ? h('span', { class: 'badge-urgent' }, '加急') : undefined,
  );
  const main = h('div', { class: `msg-main${m.msgType === 'interactive' ? ' msg-card' : ''}` }, meta);
  if (m.replyTo) {
    const quote = h('button', { type: 'button', class: 'quote', title: '查看原消息' }, h('span', { class: 'quote-label' }, '回复：'), m.replyToPreview || '一条消息');
    quote.addEventListener('click', () => scrollToMessage(m.replyTo));
    main.appendChild(quote);
  }
  main.appendChild(messageContent(m, chatId));
  return h('div', { class: `msg ${mine ? 'mine' : 'theirs'}${bot ? ' from-bot' : ''}${m.urgent ? ' urgent' : ''}`, id: `msg-${m.messageId}` }, mine ? undefined : avatar(sender), main, mine ? avatar(sender) : undefined);
}

/** Puts `nodes` into `container` in order, touching only what changed (focus and typing survive). */
function reconcile(container, nodes) {
  let cur = container.firstChild;
  for (const node of nodes) {
    if (cur === node) {
      cur = cur.nextSibling;
      continue;
    }
    container.insertBefore(node, cur);
  }
  while (cur) {
    const next = cur.nextSibling;
    container.removeChild(cur);
    cur = next;
  }
}

function renderMessages() {
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const chatId = state.chatId;
  if (!chatId || state.messagesChat !== chatId) {
    reconcile(box, chatId ? [h('div', { class: 'list-empty' }, '加载中…')] : []);
    return;
  }
  if (state.messages.length === 0) {
    reconcile(box, [h('div', { class: 'list-empty' }, currentChat()?.kind === 'p2p' ? '还没有消息。试试发送“/舆情 帮助”。' : '还没有消息。')]);
    return;
  }
  const nodes = [];
  const seen = new Set();
  const days = new Set();
  let prevDay;
  for (const m of state.messages) {
    const ms = Date.parse(m.createdAt);
    const day = Number.isNaN(ms) ? '' : dayKey(ms);
    if (day && day !== prevDay) {
      let sep = state.separators.get(day);
      if (!sep) {
        sep = h('div', { class: 'day-sep' }, h('span', null, dayLabel(ms)));
        state.separators.set(day, sep);
      }
      days.add(day);
      nodes.push(sep);
      prevDay = day;
    }
    const key = `${state.as}|${JSON.stringify(m)}`;
    let entry = state.rendered.get(m.messageId);
    if (!entry || entry.key !== key) {
      entry = { key, el: renderMessage(m, chatId) };
      state.rendered.set(m.messageId, entry);
    }
    seen.add(m.messageId);
    nodes.push(entry.el);
  }
  for (const id of [...state.rendered.keys()]) if (!seen.has(id)) state.rendered.delete(id);
  for (const day of [...state.separators.keys()]) if (!days.has(day)) state.separators.delete(day);
  reconcile(box, nodes);
  if (atBottom || state.forceBottom) box.scrollTop = box.scrollHeight;
  state.forceBottom = false;
}

function renderChatHeader() {
  const chat = currentChat();
  $('chat-title').textContent = chat ? chat.name || (chat.kind === 'p2p' ? BOT_NAME : '群聊') : '';
  $('chat-sub').textContent = chat ? (chat.kind === 'p2p' ? '与舆情助手的私聊' : '群聊') : '';
  const hint = $('composer-hint');
  if (!chat) hint.textContent = '';
  else if (chat.kind === 'group') hint.textContent = `群聊中发送时会自动在前面加上 @${BOT_NAME}（飞书群里机器人只收到 @ 它的消息）`;
  else hint.textContent = '私聊：直接发送命令即可，如 /yq new 标题，换行后写“字段: 值”';
  const enabled = Boolean(chat);
  $('input').disabled = !enabled;
  $('send').disabled = !enabled;
  $('help-link').classList.toggle('disabled', !enabled);
}

function renderAll() {
  document.body.classList.toggle('in-chat', Boolean(state.chatId));
  $('empty').hidden = Boolean(state.chatId);
  $('chat-pane').hidden = !state.chatId;
  renderChats();
  renderChatHeader();
  renderMessages();
}

// ---------------------------------------------------------------------------------------------
// Refresh and polling
// ---------------------------------------------------------------------------------------------

async function loadAll() {
  if (!state.as) return;
  const as = state.as;
  const chatId = state.chatId;
  // Messages first: opening a chat is what marks it read, so the chat list fetched after it is current.
  if (chatId) {
    const messages = await api('GET', `/messages${q({ chat: chatId, as })}`);
    if (state.as === as && state.chatId === chatId) {
      state.messages = Array.isArray(messages) ? messages : [];
      state.messagesChat = chatId;
    }
  }
  const chats = await api('GET', `/chats${q({ as })}`);
  if (state.as !== as) return;
  state.chats = Array.isArray(chats) ? chats : [];
  if (state.chatId && !state.chats.some((c) => c.chatId === state.chatId)) {
    state.chatId = undefined;
    updateUrl();
  }
  if (!state.chatId && isWide() && state.chats.length > 0) {
    const p2p = state.chats.find((c) => c.kind === 'p2p');
    state.chatId = (p2p ?? sortedChats()[0]).chatId;
    state.forceBottom = true;
    updateUrl();
    renderAll();
    await loadAll();
    return;
  }
  renderAll();
}

let refreshing;
let refreshAgain = false;
/** Reload chats and messages; calls made while one runs are folded into one more run. */
function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      try {
        await loadAll();
        setOnline(true);
      } catch (error) {
        if (error instanceof ApiError) errorToast(error);
        else setOnline(false);
      }
    } while (refreshAgain);
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

function setOnline(online) {
  if (state.online === online) return;
  state.online = online;
  $('conn').hidden = online;
}

async function poll() {
  try {
    const res = await api('GET', '/version');
    setOnline(true);
    if (res && res.version !== state.version) {
      state.version = res.version;
      await Promise.all([refresh(), loadClock().catch(() => undefined)]);
    }
  } catch {
    setOnline(false);
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

// ---------------------------------------------------------------------------------------------
// Composer
// ---------------------------------------------------------------------------------------------

const mentionsBot = (text) => text.includes(`@${BOT_NAME}`);

async function send(raw) {
  const chat = currentChat();
  if (!chat || !state.as) {
    toast('warning', '请先选择会话');
    return false;
  }
  let text = raw.replace(/\s+$/u, '');
  if (text.trim() === '') return false;
  if (chat.kind === 'group' && !mentionsBot(text)) text = `@${BOT_NAME} ${text}`;
  try {
    await api('POST', '/messages', { as: state.as, chatId: chat.chatId, text });
  } catch (error) {
    errorToast(error);
    return false;
  }
  state.forceBottom = true;
  await refresh();
  return true;
}

function autoGrow() {
  const input = $('input');
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 220)}px`;
}

async function sendFromComposer() {
  const input = $('input');
  const button = $('send');
  if (button.disabled) return;
  button.disabled = true;
  try {
    if (await send(input.value)) {
      input.value = '';
      autoGrow();
    }
  } finally {
    button.disabled = !currentChat();
    input.focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

function wire() {
  $('as-select').addEventListener('change', (e) => setPerson(e.target.value));
  $('back').addEventListener('click', () => selectChat(undefined));
  $('input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      void sendFromComposer();
    }
  });
  $('input').addEventListener('input', autoGrow);
  $('send').addEventListener('click', () => void sendFromComposer());
  $('help-link').addEventListener('click', (e) => {
    e.preventDefault();
    void send(HELP_COMMAND);
  });
  $('adv-hour').addEventListener('click', () => void advance(3_600_000));
  $('adv-day').addEventListener('click', () => void advance(86_400_000));
  $('adv-due').addEventListener('click', () => void advanceTo('next_due'));
  $('adv-report').addEventListener('click', () => void advanceTo('next_report'));
  $('monitor-push').addEventListener('click', () => void monitorPush());
  $('adv-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const hours = Number($('adv-hours').value);
    void advance(hours * 3_600_000).then(() => {
      $('adv-hours').value = '';
    });
  });
  setInterval(renderClock, 1000);
  setInterval(() => void loadClock().catch(() => undefined), CLOCK_RESYNC_MS);
}

async function start() {
  try {
    const [people] = await Promise.all([api('GET', '/people'), loadClock()]);
    state.people = Array.isArray(people) ? people : [];
  } catch (error) {
    setOnline(false);
    $('chat-list').replaceChildren(h('div', { class: 'list-empty' }, `无法连接沙盒：${error instanceof Error ? error.message : String(error)}`));
    setTimeout(start, 2000);
    return;
  }
  state.peopleById = new Map(state.people.map((p) => [p.openId, p]));
  const params = new URL(window.location.href).searchParams;
  const wanted = [params.get('as'), storage(() => localStorage.getItem(STORE_AS)), state.people[0]?.openId].find((id) => id && state.peopleById.has(id));
  if (wanted) {
    state.as = wanted;
    storage(() => localStorage.setItem(STORE_AS, wanted));
    const chat = params.get('as') === wanted ? params.get('chat') : null;
    state.chatId = chat || storage(() => localStorage.getItem(storeChatKey(wanted))) || undefined;
    state.forceBottom = true;
  }
  renderPeople();
  updateUrl();
  renderAll();
  void poll();
}

wire();
void start();
