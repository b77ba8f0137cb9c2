import { truncate } from './text.js';

/**
 * Article links normalised so the same article registered twice is caught (DESIGN.md §5 Links).
 * The result is a comparison key that is still a working link: it only drops what does not pick
 * the article (tracking junk, `www.`, mobile hosts that serve the same path, fragments) and
 * rewrites the few known same-post forms. What cannot be resolved without a request (short links,
 * Weibo's uid/bid form vs the mobile numeric id, WeChat's /s/<token> vs ?__biz=…) is left alone:
 * a missed duplicate is better than two different articles merged.
 */

export type NormalizeResult = { ok: true; url: string } | { ok: false; messageZh: string };

/**
 * Query parameters that never pick an article: share and analytics tags added by apps and
 * platforms (WeChat, Weibo, Douyin, Xiaohongshu, Bilibili, Toutiao, Baidu), compared lower-cased.
 * Generic words such as `id`, `p`, `page`, `mid` or `source` are deliberately absent.
 */
const TRACKING_PARAMS = new Set([
  'spm', 'spm_id_from', 'from', 'sharer', 'timestamp', 'ts', 'wfr', 'isappinstalled', 'scene', 'subscene',
  'ascene', 'clicktime', 'enterid', 'srcid', 'sessionid', 'chksm', 'mpshare', 'vd_source', 'xsec_token',
  'xsec_source', 'app_platform', 'app_version', 'is_from_webapp', 'sender_device', 'sec_user_id',
  'tt_from', 'wxshare_count', 'fbclid', 'gclid', 'msclkid', 'igshid', 'mc_cid', 'mc_eid',
]);
/** `utm_source`, `share_token`, `share_source`, `sharer_shareinfo` … */
const TRACKING_PREFIXES = ['utm_', 'share_', 'sharer_'];

const MOBILE_PREFIXES = ['www.', 'm.', 'wap.', '3g.', 'mobile.'];
/** Mobile hosts that are a different site from the bare domain (weibo.cn is old mobile Weibo; Toutiao's /is/ share links exist only on m.). */
const KEEP_HOSTS = new Set(['m.weibo.cn', 'm.toutiao.com']);
/** Stripping a prefix must not leave a registry suffix (`m.gov.cn` stays). */
const SUFFIXES = new Set(['com.cn', 'net.cn', 'org.cn', 'gov.cn', 'edu.cn', 'ac.cn', 'com.hk', 'com.tw', 'co.uk']);

interface Param {
  key: string;
  value: string | undefined;
}

/**
 * Sites whose article id is in the path (so the whole query is junk, or only `keep` matters), and
 * the known same-post forms rewritten to one: `to` builds host + path from the path match.
 */
const SITES: { host: string; path: RegExp; keep: readonly string[]; needs?: string; to?: (m: RegExpExecArray) => string }[] = [
  // Without __biz, /s?… is some other kind of link (e.g. a Sogou temporary one): only tracking is dropped.
  { host: 'mp.weixin.qq.com', path: /^\/s$/, keep: ['__biz', 'mid', 'idx', 'sn'], needs: '__biz' },
  { host: 'mp.weixin.qq.com', path: /^\/s\/[^/]+$/, keep: [] },
  { host: 'm.weibo.cn', path: /^\/(?:status|detail)\/(\w+)$/, keep: [], to: (m) => `m.weibo.cn/status/${m[1]}` },
  { host: 'weibo.com', path: /^\/\d+\/\w+$/, keep: [] },
  { host: 'douyin.com', path: /^\/share\/(video|note)\/(\d+)$/, keep: [], to: (m) => `douyin.com/${m[1]}/${m[2]}` },
  { host: 'iesdouyin.com', path: /^\/share\/(video|note)\/(\d+)$/, keep: [], to: (m) => `douyin.com/${m[1]}/${m[2]}` },
  { host: 'douyin.com', path: /^\/(?:video|note)\/\d+$/, keep: [] },
  { host: 'v.douyin.com', path: /^\/\w+$/, keep: [] },
  { host: 'xiaohongshu.com', path: /^\/(?:explore|discovery\/item)\/(\w+)$/, keep: [], to: (m) => `xiaohongshu.com/explore/${m[1]}` },
  { host: 'xhslink.com', path: /^\/.+$/, keep: [] },
  { host: 'bilibili.com', path: /^\/video\/\w+$/, keep: ['p'] }, // p is the part of a multi-part video
  { host: 'b23.tv', path: /^\/\w+$/, keep: [] },
  { host: 'toutiao.com', path: /^\/(?:article\/\d+|[ai]\d+)$/, keep: [] },
];

const EXAMPLE = '链接应当像 https://mp.weixin.qq.com/s/Ab12Cd 或 weibo.com/1234567890/N5xYzAbCd 这样：http:// 或 https:// 开头（可省略），带网站域名，中间没有空格。';

function invalid(input: string, reason: string): NormalizeResult {
  const shown = truncate(input, 61).text;
  return { ok: false, messageZh: `链接“${shown}”${reason}。${EXAMPLE}` };
}

const UNRESERVED = /^[A-Za-z0-9._~-]$/;
/** ASCII that may not stand literally in a URL (controls, space, "<>`{}|\\^): always written escaped. */
function mustEscape(char: string): boolean {
  const code = char.charCodeAt(0);
  return code <= 0x20 || code >= 0x7f || '"<>`{}|\\^'.includes(char);
}

/**
 * One spelling per component, so `医`, `%E5%8C%BB` and `%e5%8c%bb` compare equal: hex upper-cased,
 * non-ASCII written as UTF-8 escapes, and an escape decoded only when the character means the same
 * literally there (`decodable`); reserved characters keep the form they were typed in, since
 * `%2F` in a path or `%2B`/`%26` in a query value mean something other than `/`, `+`, `&`.
 */
function canonical(text: string, decodable: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const escape = /^%([0-9A-Fa-f]{2})/.exec(text.slice(i, i + 3));
    if (escape) {
      const char = String.fromCharCode(parseInt(escape[1]!, 16));
      out += UNRESERVED.test(char) || decodable.includes(char) ? char : `%${escape[1]!.toUpperCase()}`;
      i += 3;
      continue;
    }
    const char = String.fromCodePoint(text.codePointAt(i)!);
    i += char.length;
    if (char === '%') out += '%25';
    else if (mustEscape(char)) out += encodeURIComponent(char);
    else out += char;
  }
  return out;
}

/** Form parsers split a query on `&` and the first `=` only, so everything else decodes the same. */
const QUERY_KEY_DECODABLE = "!$'()*,/:;?@[]";
const QUERY_VALUE_DECODABLE = `${QUERY_KEY_DECODABLE}=`;

function parseQuery(search: string): Param[] {
  return search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at < 0) return { key: canonical(pair, QUERY_KEY_DECODABLE), value: undefined };
      return { key: canonical(pair.slice(0, at), QUERY_KEY_DECODABLE), value: canonical(pair.slice(at + 1), QUERY_VALUE_DECODABLE) };
    });
}

function isTracking(key: string): boolean {
  const lower = key.toLowerCase();
  return TRACKING_PARAMS.has(lower) || TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

function bareHost(hostname: string): string {
  const host = hostname.replace(/\.$/, '');
  for (const prefix of MOBILE_PREFIXES) {
    if (KEEP_HOSTS.has(host) || !host.startsWith(prefix)) continue;
    const rest = host.slice(prefix.length);
    if (rest.includes('.') && !SUFFIXES.has(rest)) return rest;
  }
  return host;
}

/** Adds https:// when no scheme was typed; `weibo.com:8080/x` has a port, not a scheme. */
function withScheme(text: string): string {
  if (text.startsWith('//')) return `https:${text}`;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  if (scheme && !/^[a-z][a-z0-9+.-]*:\d/i.test(text)) return text;
  return `https://${text}`;
}

export function normalizeUrl(input: string): NormalizeResult {
  const text = input.trim();
  if (text === '') return invalid(text, '是空的');
  if (/\s/.test(text)) return invalid(text, '中间有空格');
  let parsed: URL;
  try {
    parsed = new URL(withScheme(text));
  } catch {
    return invalid(text, '不是有效的网址');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return invalid(text, '不是网页链接');
  if (!parsed.hostname.includes('.') && !parsed.hostname.startsWith('[')) return invalid(text, '缺少网站域名');

  let host = bareHost(parsed.hostname);
  let path = canonical(parsed.pathname, '');
  if (path !== '/') path = path.replace(/\/+$/, '');
  let params = parseQuery(parsed.search).filter((param) => !isTracking(param.key));
  for (const site of SITES) {
    const match = site.host === host ? site.path.exec(path) : null;
    if (!match || (site.needs && !params.some((param) => param.key === site.needs))) continue;
    params = params.filter((param) => site.keep.includes(param.key));
    if (site.to) [host, path] = splitHostPath(site.to(match));
    break;
  }
  params.sort((a, b) => compare(a.key, b.key) || compare(a.value ?? '', b.value ?? ''));
  const query = params.map((p) => (p.value === undefined ? p.key : `${p.key}=${p.value}`)).join('&');
  // A fragment is dropped unless it is a single-page-app route (#/detail?id=1, #!/…), where it picks the article.
  const route = /^#!?\//.test(parsed.hash) ? canonical(parsed.hash, '') : '';
  // Same article over http and https; an explicit port keeps its scheme (https on :8080 is another server).
  const scheme = parsed.port ? parsed.protocol : 'https:';
  const port = parsed.port ? `:${parsed.port}` : '';
  return { ok: true, url: `${scheme}//${host}${port}${path}${query ? `?${query}` : ''}${route}` };
}

function splitHostPath(hostPath: string): [string, string] {
  const slash = hostPath.indexOf('/');
  return [hostPath.slice(0, slash), hostPath.slice(slash)];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
