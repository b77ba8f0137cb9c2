/**
 * The `字段: 值` message format shared by registration (`/yq new`, `/yq tip`) and risk assessments
 * (`/yq assess`): how a key line looks, how names are compared, and the yes/no answers.
 */

/** Full-width forms folded, case and separators ignored: `突发事件 / 自然灾害` = `突发事件自然灾害`, `NEWS-COMMENTS` = `news_comments`. */
export function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s_\-/、,，·]+/g, '');
}

/** A `key: value` line (either colon); the key is a short Chinese or English name. */
export const KEY_LINE = /^\s*([A-Za-z\u4e00-\u9fff][A-Za-z\u4e00-\u9fff_ ]{0,11}?)\s*[:：]\s*(.*)$/;

const YES = ['是', '是的', '对', 'yes', 'y', 'true', '1'];
const NO = ['否', '不', '不是', 'no', 'n', 'false', '0'];

/** 是 → true, 否 → false, anything else undefined. */
export function parseYesNo(value: string): boolean | undefined {
  const word = fold(value);
  return YES.includes(word) ? true : NO.includes(word) ? false : undefined;
}
