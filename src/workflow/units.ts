import { matchUnit } from '../domain/unit-names.js';
import type { DbOrTx } from '../db/client.js';
import { listActiveUnits } from '../db/queries/organisation.js';
import { InputError } from './errors.js';

/** The unit a person named, or an InputError that lists what they could have meant. */
export async function resolveUnit(db: DbOrTx, query: string) {
  const units = await listActiveUnits(db);
  const match = matchUnit(units, query);
  if (match.kind === 'found') return match.unit;
  if (match.kind === 'ambiguous') {
    throw new InputError(`“${query}”可能是：${match.candidates.map((u) => `${u.name}（${u.code}）`).join('、')}，请写得更具体些。`);
  }
  throw new InputError(`找不到单位“${query}”。可用的单位：${units.map((u) => `${u.name}（${u.code}）`).join('、')}`);
}
