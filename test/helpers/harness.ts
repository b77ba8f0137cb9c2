import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp } from './app.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { fakeLark, type FakeLark } from './fake-lark.js';
import { startLarkRecorder, type LarkRecorder } from './lark-recorder.js';
import { driver, type Driver } from './workflow.js';

/**
 * The app on a fresh test database, set up once for a describe block:
 *
 *   const { db, lark, harness, d } = useAppHarness({ at: AT });
 *
 * registers the beforeAll that makes them and the afterAll that takes them down. What it returns
 * are stand-ins (see `madeInBeforeAll`): name them at describe level, use them in hooks and tests.
 * Further beforeAll/afterAll hooks of the block run after it is up and before it is taken down.
 */

/** startTestApp's options, less the two the harness fills in. */
export type AppHarnessOptions = Omit<Parameters<typeof startTestApp>[0], 'databaseUrl' | 'larkDomain'>;

export interface AppHarness {
  db: TestDatabase;
  /** Lark's Open API as nock interceptors (fake-lark.ts). */
  lark: FakeLark;
  harness: TestApp;
  d: Driver;
}

/**
 * A stand-in for a value that a beforeAll makes: each property read goes to the value made, so a
 * describe block can name it before it exists. Used before it is made, it throws.
 */
export function madeInBeforeAll<T extends object>(name: string, made: () => T | undefined): T {
  const target = (): T => {
    const value = made();
    if (value === undefined) throw new Error(`${name} is made in beforeAll: use it in a hook or a test`);
    return value;
  };
  return new Proxy({} as T, {
    // Not bound: a method called on the stand-in reads `this` through it, and a function's own
    // properties stay reachable (postgres.js's sql.unsafe).
    get: (_, key) => Reflect.get(target(), key),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor(_, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

/** Stand-ins for every field of `made`, for destructuring at describe level. */
function standIns<T extends object>(made: Partial<T>, names: (keyof T & string)[]): T {
  return Object.fromEntries(names.map((name) => [name, madeInBeforeAll(name, () => made[name] as object | undefined)])) as T;
}

async function openApp(options: AppHarnessOptions, made: Partial<AppHarness>): Promise<AppHarness> {
  made.db = await createTestDatabase();
  made.lark = fakeLark();
  made.harness = await startTestApp({ ...options, databaseUrl: made.db.url, larkDomain: made.lark.domain });
  made.d = driver(made.harness, made.lark);
  return made as AppHarness;
}

/** Takes down what `openApp` got as far as making. */
async function closeApp(made: Partial<AppHarness>): Promise<void> {
  await made.harness?.close();
  made.lark?.done();
  await made.db?.drop();
}

/** The app for a describe block, with the network shut but for 127.0.0.1 (the fake Lark is nock). */
export function useAppHarness(options: AppHarnessOptions): AppHarness {
  const made: Partial<AppHarness> = {};
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    await openApp(options, made);
  });
  afterAll(async () => {
    try {
      await closeApp(made);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
  return standIns(made, ['db', 'lark', 'harness', 'd']);
}

/** A second app of its own, on its own database, for one test: taken down when `body` ends. */
export async function withAppHarness<T>(options: AppHarnessOptions, body: (app: AppHarness) => Promise<T>): Promise<T> {
  const made: Partial<AppHarness> = {};
  try {
    return await body(await openApp(options, made));
  } finally {
    await closeApp(made);
  }
}

export interface RecorderHarness {
  db: TestDatabase;
  /** A local Lark over real HTTP that records raw requests (lark-recorder.ts). */
  lark: LarkRecorder;
  harness: TestApp;
}

/** The app for a describe block, talking to a LarkRecorder instead of nock. */
export function useRecorderHarness(options: AppHarnessOptions): RecorderHarness {
  const made: Partial<RecorderHarness> = {};
  beforeAll(async () => {
    made.db = await createTestDatabase();
    made.lark = await startLarkRecorder();
    made.harness = await startTestApp({ ...options, databaseUrl: made.db.url, larkDomain: made.lark.url });
  });
  afterAll(async () => {
    await made.harness?.close();
    await made.lark?.close();
    await made.db?.drop();
  });
  return standIns(made, ['db', 'lark', 'harness']);
}
