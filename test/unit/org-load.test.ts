import { describe, expect, it } from 'vitest';
import { EXAMPLE_ORG_FILE } from '../../src/config.js';
import { loadOrgFile, OrgFileError, parseOrgText } from '../../src/org/load.js';
import { rumourHandoverUnits } from '../../src/org/schema.js';

const MINIMAL = `
units:
  - code: news
    name: 县新闻办
    role: news_office
    leaders: [ou_a]
`;

function problemsOf(text: string): string[] {
  try {
    parseOrgText(text, 'org.yaml');
  } catch (error) {
    if (error instanceof OrgFileError) return error.problems;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('organisation file', () => {
  it('the shipped example is valid and has the units the notice names', async () => {
    const { org } = await loadOrgFile(EXAMPLE_ORG_FILE);
    const roles = new Map(org.units.map((unit) => [unit.code, unit.role]));
    expect([...roles.values()].filter((role) => role === 'news_office')).toHaveLength(1);
    for (const role of ['propaganda', 'government_office', 'police']) expect([...roles.values()]).toContain(role);
    expect(org.units.filter((unit) => unit.joint_meeting).map((unit) => unit.code).sort()).toEqual(
      ['civil', 'emergency', 'gov_office', 'legal', 'petition', 'police', 'propaganda'],
    );
    expect(org.units.filter((unit) => unit.role === 'town')).toHaveLength(2);
    expect(rumourHandoverUnits(org)).toEqual(['police', 'news']);
    expect(org.timezone).toBe('Asia/Shanghai');
  });

  it('fills the policy with the defaults of DESIGN.md §1a, §1b, §2c', () => {
    const org = parseOrgText(MINIMAL, 'org.yaml');
    expect(org.timezone).toBe('Asia/Shanghai');
    expect(org.policy.clocks.ack).toEqual({ critical: 30, major: 60, general: 120 });
    expect(org.policy.clocks.verify).toEqual({ critical: 360, major: 720, general: 1440 });
    expect(org.policy.clocks.respond).toEqual({ critical: 1440, major: 2880, general: 2880 });
    expect(org.policy.clocks.answer_days).toBe(3);
    expect(org.policy.clocks.watch).toBe(7 * 1440);
    expect(org.policy.reminders).toEqual({ half_elapsed: true, due_soon: 120, due_soon_short: 30, overdue_repeat_after: [720, 1440, 2880], overdue_repeat_every: 2880 });
    expect(org.policy.quiet_hours).toEqual({ enabled: true, start: '22:00', end: '07:30', unless_due_before: '08:30' });
    expect(org.policy.reports).toEqual({ daily_log: '0 18 * * *', weekly: '0 9 * * 1', monthly: '0 9 1 * *' });
    expect(org.policy.calendar).toBe('calendar');
  });

  it('takes policy overrides in human units', () => {
    const org = parseOrgText(`${MINIMAL}policy:\n  clocks:\n    ack: { general: 90m }\n  calendar: working_days\n`, 'org.yaml');
    expect(org.policy.clocks.ack).toEqual({ critical: 30, major: 60, general: 90 });
    expect(org.policy.calendar).toBe('working_days');
  });

  it('names the path, line and field of a missing required field', () => {
    const text = `units:\n  - code: news\n    role: news_office\n`;
    expect(problemsOf(text)).toEqual(['org.yaml:2:5: units.0.name: is required']);
  });

  it('lists every shape problem at once with its line', () => {
    const text = [
      'timezone: Mars/Olympus',
      'units:',
      '  - code: news',
      '    name: 县新闻办',
      '    role: newsroom',
      'policy:',
      '  clocks:',
      '    ack: { major: soon }',
      '  colour: red',
    ].join('\n');
    const problems = problemsOf(text);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^org\.yaml:1:11: timezone: not a known IANA time zone/);
    expect(problems[1]).toMatch(/^org\.yaml:5:11: units\.0\.role: role must be one of news_office/);
    expect(problems[2]).toMatch(/^org\.yaml:8:\d+: policy\.clocks\.ack\.major: "soon" is not a duration/);
    expect(problems[3]).toMatch(/^org\.yaml:9:11: policy: Unrecognized key: "colour"/);
  });

  it('checks cross-references: one news office, unique codes, known units', () => {
    const text = `${MINIMAL}  - code: news\n    name: 另一个\n    role: news_office\ncounty_leaders:\n  - { id: ou_w, oversees: [health] }\nrumour_handover: [police]\n`;
    const problems = problemsOf(text);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/units\.1\.code: unit code "news" is used twice$/),
        expect.stringMatching(/units: exactly one unit must have role news_office \(found 2\)$/),
        expect.stringMatching(/county_leaders\.0\.oversees\.0: no unit has code "health"$/),
        expect.stringMatching(/rumour_handover\.0: no unit has code "police"$/),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('refuses malformed YAML with its line', () => {
    expect(problemsOf('units:\n  - code: news\n   name: x\n')[0]).toMatch(/^org\.yaml:3:\d+: YAML: /);
  });

  it('says when the file cannot be read', async () => {
    await expect(loadOrgFile('/nonexistent/org.yaml')).rejects.toThrow(/\/nonexistent\/org\.yaml: cannot read the file \(ENOENT\)/);
  });

  it('rumour hand-over defaults to every police and cyber unit', () => {
    const org = parseOrgText(`${MINIMAL}  - { code: pol, name: 公安, role: police }\n  - { code: net, name: 网监, role: cyber }\n  - { code: edu, name: 教育局, role: department }\n`, 'org.yaml');
    expect(rumourHandoverUnits(org)).toEqual(['pol', 'net']);
  });
});
