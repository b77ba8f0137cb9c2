/**
 * A risk assessment before a major policy (舆情风险评估, issue #9) played through the page: the
 * education bureau's liaison registers a high-risk assessment with `/yq assess` in her unit's
 * group, asks for approval, her leader approves it from the card, and the news office's read-only
 * copy shows it ready. Screenshots: test/e2e/artifacts/assessment-NN-*.png.
 */
import { describe, expect } from 'vitest';
import { addDaysToDateKey, localDateKey } from '../../src/domain/time.js';
import { FIRST_ANSWER_MS, SANDBOX_ZONE, sandboxNow, useScene } from './support.js';

const EDU_LIAISON = { openId: 'ou_demo_edu_liaison', name: '胡静' };
const EDU_LEADER = { openId: 'ou_demo_edu_leader', name: '马局长' };
const NEWS_STAFF = { openId: 'ou_demo_news_staff1', name: '林小梅' };
const EDU_GROUP = '县教育局工作群';
const NEWS_GROUP = '县新闻办（网信办）工作群';
const POLICY = '城区中小学课后服务收费标准调整';

describe('the sandbox page: a high-risk assessment registered, approved by the unit leader, seen by the news office', () => {
  const { scene, ui, page, step } = useScene('assessment');
  const card = () => ui().card(POLICY).filter({ has: page().locator('.card-subtitle', { hasText: /舆情风险评估 #\d+/ }) });

  step('胡静 registers a high-risk assessment with /yq assess in the education bureau group', async () => {
    const release = addDaysToDateKey(localDateKey(await sandboxNow(scene()!.baseUrl), SANDBOX_ZONE), 10);
    await ui().as(EDU_LIAISON.openId, EDU_LIAISON.name);
    await ui().openChat(EDU_GROUP);
    await ui().type([
      `/yq assess ${POLICY}`,
      `发布日期: ${release}`,
      '影响群体: 城区中小学生家长',
      '风险等级: 高',
      '风险点: 收费上调可能被解读为变相收费',
      '应对预案: 发布当天召开新闻通气会，开通咨询电话',
      '口径: 课后服务坚持自愿参加，困难家庭免费',
      '关键词: 课后服务、课后托管',
    ]);
    await ui().expectText(card().locator('.card-subtitle'), /舆情风险评估 #\d+ · 待完善/, FIRST_ANSWER_MS);
    await ui().expectText(card(), '风险等级：高');
    await ui().expectText(card(), '关键词：课后服务、课后托管');
    expect(await card().locator('.card-btn').allInnerTexts()).toEqual(['提请负责人审批']);
    await ui().screenshot('assessment-01-registered', card());
  });

  step('she asks for approval: the card waits for the leader', async () => {
    await ui().button(card(), '提请负责人审批').click();
    await ui().expectText(card().locator('.card-subtitle'), /· 待负责人审批/);
    await ui().screenshot('assessment-02-awaiting-approval', card());
  });

  step('马局长, the bureau leader, approves it from the card in the group: ready', async () => {
    await ui().as(EDU_LEADER.openId, EDU_LEADER.name);
    await ui().openChat(EDU_GROUP);
    await ui().button(card(), '审批通过').click();
    await ui().expectText(card().locator('.card-subtitle'), /· 已就绪/);
    await ui().expectText(card(), /由 马局长 审批通过/);
    await ui().screenshot('assessment-03-approved', card());
  });

  step('the news office sees the same assessment, ready, without the unit’s buttons', async () => {
    await ui().as(NEWS_STAFF.openId, NEWS_STAFF.name);
    await ui().openChat(NEWS_GROUP);
    await ui().expectText(card().locator('.card-subtitle'), /· 已就绪/);
    expect(await card().locator('.card-btn').count()).toBe(0);
    await ui().screenshot('assessment-04-news-office', card());
  });
});
