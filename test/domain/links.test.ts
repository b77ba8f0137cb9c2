import { describe, expect, it } from 'vitest';
import { normalizeUrl } from '../../src/domain/links.js';

function normalized(input: string): string {
  const result = normalizeUrl(input);
  if (!result.ok) throw new Error(`expected ${input} to be accepted: ${result.messageZh}`);
  return result.url;
}

const BIZ = '__biz=MzA5NjY5MjI0MA==&idx=1&mid=2650123456&sn=0f1e2d3c4b5a69788796a5b4c3d2e1f0';

// Two forms of one article, and the one string both must become.
const SAME: [string, string, string, string][] = [
  [
    'WeChat ?__biz form: junk dropped, = escaped or not, order, http',
    `https://mp.weixin.qq.com/s?__biz=MzA5NjY5MjI0MA==&mid=2650123456&idx=1&sn=0f1e2d3c4b5a69788796a5b4c3d2e1f0&chksm=8b2f&scene=21&sessionid=1700000000&clicktime=1700000001&enterid=1700000002#wechat_redirect`,
    'http://mp.weixin.qq.com/s?sn=0f1e2d3c4b5a69788796a5b4c3d2e1f0&idx=1&mid=2650123456&__biz=MzA5NjY5MjI0MA%3D%3D&key=abc&ascene=1',
    `https://mp.weixin.qq.com/s?${BIZ}`,
  ],
  [
    'WeChat /s/<token> form: query and trailing slash dropped, no scheme',
    'https://mp.weixin.qq.com/s/Ab12-Cd_34Ef?scene=1&click_id=5&sharer_shareinfo=x&sharer_shareinfo_first=y',
    'mp.weixin.qq.com/s/Ab12-Cd_34Ef/',
    'https://mp.weixin.qq.com/s/Ab12-Cd_34Ef',
  ],
  [
    'Weibo mobile: /status/ and /detail/ are the same post',
    'https://m.weibo.cn/status/4981234567890123?sourceType=weixin&from=10E5195010&wm=9006_2001&featurecode=newtitle',
    'https://m.weibo.cn/detail/4981234567890123',
    'https://m.weibo.cn/status/4981234567890123',
  ],
  [
    'Weibo desktop uid/bid form: www, query and fragment dropped',
    'https://www.weibo.com/1234567890/N5xYzAbCd?type=comment#_rnd1700000000000',
    'weibo.com/1234567890/N5xYzAbCd',
    'https://weibo.com/1234567890/N5xYzAbCd',
  ],
  [
    'Douyin share page with app junk and the desktop video page',
    'https://www.iesdouyin.com/share/video/7301234567890123456/?region=CN&mid=7301234567890000000&u_code=0&did=MS4w&iid=MS4w&with_sec_did=1&titleType=title&share_sign=abc&share_version=280700&ts=1700000000&from_ssr=1&from=web_code_link',
    'https://www.douyin.com/video/7301234567890123456?previous_page=app_code_link&modeFrom=userPost',
    'https://douyin.com/video/7301234567890123456',
  ],
  [
    'Douyin mobile share page',
    'https://m.douyin.com/share/video/7301234567890123456/?is_from_webapp=1&sender_device=pc&sec_user_id=MS4wLj',
    'douyin.com/video/7301234567890123456',
    'https://douyin.com/video/7301234567890123456',
  ],
  [
    'Douyin short share link with query junk',
    'https://v.douyin.com/iRNBho6u/?utm_source=copy&utm_medium=android',
    'v.douyin.com/iRNBho6u',
    'https://v.douyin.com/iRNBho6u',
  ],
  [
    'News portal: utm tags and the m. host',
    'https://www.thepaper.cn/newsDetail_forward_25123456?utm_source=wechat&utm_medium=social&utm_campaign=share',
    'https://m.thepaper.cn/newsDetail_forward_25123456',
    'https://thepaper.cn/newsDetail_forward_25123456',
  ],
  [
    'News portal: 3g. host and a comments fragment',
    'https://3g.163.com/news/article/JABCDE12000189FH.html',
    'https://www.163.com/news/article/JABCDE12000189FH.html#comments',
    'https://163.com/news/article/JABCDE12000189FH.html',
  ],
  [
    'Baijiahao: tracking dropped, identifying id kept, params sorted',
    'https://baijiahao.baidu.com/s?id=1780000000000000000&wfr=spider&for=pc',
    'https://baijiahao.baidu.com/s?for=pc&id=1780000000000000000',
    'https://baijiahao.baidu.com/s?for=pc&id=1780000000000000000',
  ],
  [
    'case of scheme and host, default port, trailing slash',
    'HTTPS://News.Example.GOV.cn:443/Art/123/',
    'https://news.example.gov.cn/Art/123',
    'https://news.example.gov.cn/Art/123',
  ],
  [
    'http on port 80 and https on 443, wap. host',
    'http://wap.example.com:80/a?b=1',
    'https://www.example.com:443/a?b=1',
    'https://example.com/a?b=1',
  ],
  [
    'percent-escapes in path and query, either hex case, vs the characters',
    'https://example.com/搜索/医院?q=卫生院',
    'https://example.com/%E6%90%9C%E7%B4%A2/%e5%8c%bb%e9%99%a2?q=%E5%8D%AB%E7%94%9F%E9%99%A2',
    'https://example.com/%E6%90%9C%E7%B4%A2/%E5%8C%BB%E9%99%A2?q=%E5%8D%AB%E7%94%9F%E9%99%A2',
  ],
  [
    'escaped unreserved characters decoded',
    'https://example.com/%61rticle-%31?x=%7E',
    'https://example.com/article-1?x=~',
    'https://example.com/article-1?x=~',
  ],
  [
    'Xiaohongshu: discovery/item is explore; xsec and app junk dropped',
    'https://www.xiaohongshu.com/discovery/item/6560a1b2c3d4e5f6a7b8c9d0?app_platform=ios&app_version=8.1&share_from_user_hidden=true&xsec_source=app_share&type=normal&xsec_token=CBx',
    'https://www.xiaohongshu.com/explore/6560a1b2c3d4e5f6a7b8c9d0',
    'https://xiaohongshu.com/explore/6560a1b2c3d4e5f6a7b8c9d0',
  ],
  [
    'Bilibili: m. host and share junk dropped, the part number p kept',
    'https://m.bilibili.com/video/BV1xx411c7mD?p=2&share_source=copy_web&vd_source=abc&spm_id_from=333.788&t=30',
    'https://www.bilibili.com/video/BV1xx411c7mD/?p=2',
    'https://bilibili.com/video/BV1xx411c7mD?p=2',
  ],
  [
    'Toutiao article with client share junk',
    'https://www.toutiao.com/article/7301234567890123456/?app=news_article&timestamp=1700000000&use_new_style=1&req_id=20231115&group_id=7301234567890123456&share_token=abc&tt_from=weixin',
    'https://toutiao.com/article/7301234567890123456',
    'https://toutiao.com/article/7301234567890123456',
  ],
  [
    'an empty query and surrounding spaces',
    '  https://example.com/a?  ',
    'https://example.com/a',
    'https://example.com/a',
  ],
  ['the root keeps its slash', 'Example.com', 'https://www.example.com/', 'https://example.com/'],
];

describe('normalizeUrl: one article, two forms', () => {
  it.each(SAME)('%s', (_case, a, b, expected) => {
    expect(normalized(a)).toBe(expected);
    expect(normalized(b)).toBe(expected);
  });

  it.each(SAME.map(([, , , expected]) => [expected]))('is idempotent on %s', (url) => {
    expect(normalized(url)).toBe(url);
  });
});

describe('normalizeUrl: different articles stay different', () => {
  it.each([
    ['another WeChat sn', `https://mp.weixin.qq.com/s?${BIZ}`, `https://mp.weixin.qq.com/s?${BIZ.replace(/sn=0f/, 'sn=1f')}`],
    ['another WeChat idx', `https://mp.weixin.qq.com/s?${BIZ}`, `https://mp.weixin.qq.com/s?${BIZ.replace('idx=1', 'idx=2')}`],
    ['WeChat tokens differ only in case', 'https://mp.weixin.qq.com/s/Ab12Cd', 'https://mp.weixin.qq.com/s/ab12cd'],
    ['WeChat /s without __biz keeps its other params', 'https://mp.weixin.qq.com/s?src=11&signature=aaa', 'https://mp.weixin.qq.com/s?src=11&signature=bbb'],
    ['another Weibo status', 'https://m.weibo.cn/status/4981234567890123', 'https://m.weibo.cn/status/4981234567890124'],
    ['Weibo uid/bid form is not guessed into the mobile id', 'https://weibo.com/1234567890/N5xYzAbCd', 'https://m.weibo.cn/status/4981234567890123'],
    ['path case', 'https://example.com/Art/1', 'https://example.com/art/1'],
    ['another identifying param', 'https://baijiahao.baidu.com/s?id=1780000000000000000', 'https://baijiahao.baidu.com/s?id=1780000000000000001'],
    ['another Bilibili part', 'https://www.bilibili.com/video/BV1xx411c7mD?p=1', 'https://www.bilibili.com/video/BV1xx411c7mD?p=2'],
    ['an escaped slash is not a path separator', 'https://example.com/a%2Fb', 'https://example.com/a/b'],
    ['an escaped plus is not a space', 'https://example.com/search?q=a%2Bb', 'https://example.com/search?q=a+b'],
    ['single-page-app routes in the fragment', 'https://app.example.gov.cn/#/detail?id=1', 'https://app.example.gov.cn/#/detail?id=2'],
    ['a subdomain other than www or mobile', 'https://news.example.com/1', 'https://example.com/1'],
    ['http on another port is another server than https', 'http://example.com:8080/a', 'https://example.com:8080/a'],
    ['m.weibo.cn is not weibo.cn', 'https://m.weibo.cn/status/4981234567890123', 'https://weibo.cn/status/4981234567890123'],
  ])('%s', (_case, a, b) => {
    expect(normalized(a)).not.toBe(normalized(b));
  });
});

describe('normalizeUrl: exact forms', () => {
  it.each([
    ['weibo.com/123/abc', 'https://weibo.com/123/abc'],
    ['//example.com/x', 'https://example.com/x'],
    ['example.com:8080/x', 'https://example.com:8080/x'],
    ['http://example.com:8080/a/', 'http://example.com:8080/a'],
    ['https://example.com/a?c=3&a=1&b=2&a=0', 'https://example.com/a?a=0&a=1&b=2&c=3'],
    ['https://example.com/a?flag&utm_source=x&spm=a.b&from=timeline&isappinstalled=0', 'https://example.com/a?flag'],
    ['https://user:pw@example.com/a', 'https://example.com/a'],
    ['https://example.com./a', 'https://example.com/a'],
    ['https://m.gov.cn/a', 'https://m.gov.cn/a'], // stripping would leave the registry suffix gov.cn
    ['https://www.gov.cn/zhengce/a.htm', 'https://www.gov.cn/zhengce/a.htm'],
    ['https://m.toutiao.com/is/iJabc/', 'https://m.toutiao.com/is/iJabc'], // share links live only on m.
    ['https://example.com/a|b', 'https://example.com/a%7Cb'],
    ['https://example.com/a?x=1%zz', 'https://example.com/a?x=1%25zz'],
    ['https://app.example.gov.cn/#!/news/12', 'https://app.example.gov.cn/#!/news/12'],
  ])('%s → %s', (input, expected) => {
    expect(normalized(input)).toBe(expected);
  });
});

describe('normalizeUrl: not a link', () => {
  it.each([
    ['', '是空的'],
    ['   ', '是空的'],
    ['https://exa mple.com/a', '中间有空格'],
    ['weibo.com/1 2', '中间有空格'],
    ['ftp://example.com/a', '不是网页链接'],
    ['javascript:alert(1)', '不是网页链接'],
    ['mailto:news@example.gov.cn', '不是网页链接'],
    ['https://', '不是有效的网址'],
    ['localhost:3000/x', '缺少网站域名'],
    ['医院', '缺少网站域名'],
  ])('%j: %s', (input, reason) => {
    const result = normalizeUrl(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.messageZh).toContain(reason);
    // Says what a link looks like.
    expect(result.messageZh).toContain('链接应当像 https://');
  });
});
