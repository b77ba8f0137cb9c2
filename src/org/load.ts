import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { orgFileSchema, type OrgFile } from './schema.js';

export interface LoadedOrg {
  org: OrgFile;
  path: string;
  /** Hash of the file's bytes, recorded with each sync. */
  hash: string;
}

export class OrgFileError extends Error {
  constructor(
    readonly path: string,
    readonly problems: string[],
  ) {
    super(`${path}: the organisation file has ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'OrgFileError';
  }
}

/** The deepest node the YAML has along `path`, so a missing field points at its parent. */
function nodeAt(doc: ReturnType<typeof parseDocument>, path: PropertyKey[]): Node | undefined {
  let node: unknown = doc.contents;
  let found = node as Node | undefined;
  for (const key of path) {
    if (isMap(node)) node = node.get(key as string, true);
    else if (isSeq(node)) node = node.get(key as number, true);
    else break;
    if (node === undefined || node === null) break;
    found = node as Node;
  }
  return found;
}

/** Parses and checks the file; every problem names the file, line and field. */
export function parseOrgText(text: string, path: string): OrgFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const where = (offset: number | undefined) => {
    if (offset === undefined) return path;
    const { line, col } = lineCounter.linePos(offset);
    return `${path}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw new OrgFileError(path, doc.errors.map((error) => `${where(error.pos[0])}: YAML: ${error.message.split('\n')[0]}`));
  }
  const result = orgFileSchema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    // Point an unknown key at itself, not at the map that holds it.
    const located = issue.code === 'unrecognized_keys' && issue.keys.length > 0 ? [...issue.path, issue.keys[0]!] : issue.path;
    const node = nodeAt(doc, located);
    const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    const missing = issue.path.length > 0 && !doc.hasIn(issue.path) && issue.code !== 'unrecognized_keys' && issue.code !== 'custom';
    const message = missing ? (issue.code === 'invalid_value' ? `is required: ${issue.message}` : 'is required') : issue.message;
    return `${where(node?.range?.[0])}: ${field}: ${message}`;
  });
  throw new OrgFileError(path, problems);
}

export async function loadOrgFile(path: string): Promise<LoadedOrg> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    throw new OrgFileError(path, [`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  return { org: parseOrgText(text, path), path, hash: createHash('sha256').update(text).digest('hex') };
}
