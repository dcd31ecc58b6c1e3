// Test harness for levier's browser tests (run by e2e/run.sh with Node's test runner).
//
//   import { useLevier, useBrowser, visit } from '../harness.mjs';
//   const levier = useLevier({ demo: true });   // a server for this test file
//   const browser = useBrowser();                // a headless Chromium for this test file
//   test('…', async (t) => { const page = await browser.newPage(); await visit(t, page, levier.url('/')); });
//
// useLevier starts `levier demo` (the demo company "Ergolis") or `levier serve` (an empty install)
// in a fresh temporary data directory on a free loopback port, waits for GET /healthz == 200,
// and at the end stops it with SIGTERM and deletes the directory. Its output is saved to
// e2e/artifacts/<test-file>.levier.log.
// useBrowser launches Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) through playwright-core;
// Playwright gives it a fresh temporary profile (user-data dir), deleted when it closes.
// visit() opens a URL and saves a full-page screenshot to e2e/artifacts/<test-name>[-label].png;
// screenshot() saves one of the page as it is.
//
// Environment: LEVIER_BIN (default target/debug/levier, relative to the repository root),
// CHROMIUM (default /usr/bin/chromium), E2E_ARTIFACTS (default e2e/artifacts).

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const E2E_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(E2E_DIR, '..');
export const ARTIFACTS = resolve(process.env.E2E_ARTIFACTS || join(E2E_DIR, 'artifacts'));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** How long a server may take to answer /healthz (the demo loads its company first). */
const READY_TIMEOUT_MS = 60_000;
/** How long a server may take to exit after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 10_000;
/** Playwright's default wait for an action or a navigation. */
const PAGE_TIMEOUT_MS = 15_000;

/** The flags the machine's Chromium needs: as root, on a closed network, without a GPU. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function levierBin() {
  const bin = process.env.LEVIER_BIN || 'target/debug/levier';
  return isAbsolute(bin) ? bin : resolve(REPO_ROOT, bin);
}

// ---------------------------------------------------------------------------------------------
// levier servers

const running = new Set();

// A test file that crashes or is interrupted must not leave servers behind.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    process.exit(130);
  });
}

/** A TCP port nobody listens on right now (the server retries on another one if it is taken). */
async function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** The environment for a levier process: the caller's, minus its LEVIER_* settings. */
function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('LEVIER_')) env[k] = v;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a levier server and resolves once GET /healthz answers 200.
 *
 * options.demo  true: `levier demo` (loads Ergolis); false: `levier serve` (empty install)
 * options.args  extra command-line arguments
 * options.env   extra environment variables (LEVIER_* ones included)
 * options.name  label for the log file (default: the test file's name)
 */
export async function startLevier(options = {}) {
  const { demo = true, args = [], env = {}, name = testFileName() } = options;
  const bin = levierBin();
  if (!existsSync(bin)) {
    throw new Error(`levier binary not found at ${bin}: run \`cargo build -p levier-cli\` or set LEVIER_BIN`);
  }
  // The process runs in its own temporary folder, so no ./levier.toml is picked up.
  const root = mkdtempSync(join(tmpdir(), 'levier-e2e-'));
  const dataDir = join(root, 'data');
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const addr = `127.0.0.1:${port}`;
    const argv = [demo ? 'demo' : 'serve', '--data-dir', dataDir, '--addr', addr, ...args];
    const server = launch(bin, argv, { cwd: root, env: childEnv(env), root, addr, name });
    try {
      await server.ready();
      return server;
    } catch (e) {
      lastError = e;
      await server.stop({ keepDir: true });
      if (!/address already in use|Address in use|EADDRINUSE|os error 98/i.test(server.output())) break;
    }
  }
  rmSync(root, { recursive: true, force: true });
  throw lastError;
}

function launch(bin, argv, { cwd, env, root, addr, name }) {
  const started = Date.now();
  const child = spawn(bin, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let log = `$ ${bin} ${argv.join(' ')}\n`;
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  let exited = null;
  const exit = new Promise((r) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      exited = { code, signal };
      r(exited);
    }),
  );
  child.on('error', (e) => {
    log += `\n[harness] cannot start: ${e.message}\n`;
  });
  const baseUrl = `http://${addr}`;

  async function ready() {
    const deadline = started + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exited) {
        throw new Error(`levier exited (${exited.code ?? exited.signal}) before it was ready:\n${log}`);
      }
      try {
        const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`levier did not answer ${baseUrl}/healthz within ${READY_TIMEOUT_MS / 1000} s:\n${log}`);
  }

  let stopped = null;
  function stop({ keepDir = false } = {}) {
    stopped ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        let timer;
        const timeout = new Promise((r) => (timer = setTimeout(() => r('timeout'), STOP_TIMEOUT_MS)));
        const outcome = await Promise.race([exit, timeout]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          log += `\n[harness] no exit ${STOP_TIMEOUT_MS / 1000} s after SIGTERM: killed\n`;
          child.kill('SIGKILL');
          await exit;
        }
      }
      log += `\n[harness] exited: ${exited.code ?? exited.signal}\n`;
      try {
        mkdirSync(ARTIFACTS, { recursive: true });
        writeFileSync(join(ARTIFACTS, `${safeName(name)}.levier.log`), log);
      } catch {
        // the log is a convenience
      }
      if (!keepDir) rmSync(root, { recursive: true, force: true });
      return exited;
    })();
    return stopped;
  }

  return {
    baseUrl,
    dataDir: join(root, 'data'),
    /** An absolute URL on this server. */
    url: (path = '/') => new URL(path, baseUrl).href,
    output: () => log,
    exitStatus: () => exited,
    ready,
    stop,
  };
}

/**
 * Starts a levier server before this file's tests and stops it after them. Returns a handle whose
 * `url(path)`, `baseUrl`, `dataDir`, `output()` work once the tests run.
 *
 * Node 20 runs top-level before() hooks concurrently, so a top-level before() of a test file that
 * needs the server must `await levier.ready()` first (inside describe() hooks run in order).
 */
export function useLevier(options = {}) {
  let server = null;
  let starting = null;
  const handle = {
    /** Starts the server (once) and resolves when it answers; the before() hook calls it. */
    ready() {
      starting ??= startLevier(options).then((s) => (server = s));
      return starting;
    },
    get server() {
      if (!server) throw new Error('the levier server is not running (did its start fail?)');
      return server;
    },
    get baseUrl() {
      return handle.server.baseUrl;
    },
    get dataDir() {
      return handle.server.dataDir;
    },
    url: (path) => handle.server.url(path),
    output: () => handle.server.output(),
  };
  before(() => handle.ready());
  after(async () => {
    await starting?.catch(() => {});
    if (server) {
      const status = await server.stop();
      // A server that does not stop cleanly on SIGTERM is a bug worth a red test.
      if (status.code !== 0) {
        throw new Error(`levier exited with ${status.code ?? status.signal} after SIGTERM:\n${server.output()}`);
      }
    }
  });
  return handle;
}

// ---------------------------------------------------------------------------------------------
// Chromium

/** Launches headless Chromium with the machine's flags. */
export async function launchBrowser(options = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
    ...options,
  });
}

/**
 * Launches Chromium before this file's tests and closes it after them. `newPage()` gives a page
 * in a fresh browser context (own cookies and storage), closed with the browser.
 */
export function useBrowser(options = {}) {
  let browser = null;
  let launching = null;
  const handle = {
    /** Launches Chromium (once) and resolves with it; the before() hook calls it. */
    ready() {
      launching ??= launchBrowser(options).then((b) => (browser = b));
      return launching;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not running (did its launch fail?)');
      return browser;
    },
    async newContext(contextOptions = {}) {
      const context = await (await handle.ready()).newContext({
        locale: 'fr-FR',
        timezoneId: 'Europe/Paris',
        viewport: { width: 1280, height: 800 },
        ...contextOptions,
      });
      context.setDefaultTimeout(PAGE_TIMEOUT_MS);
      context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
      return context;
    },
    async newPage(contextOptions = {}) {
      const context = await handle.newContext(contextOptions);
      return context.newPage();
    },
  };
  before(() => handle.ready());
  after(async () => {
    await launching?.catch(() => {});
    await browser?.close();
  });
  return handle;
}

// ---------------------------------------------------------------------------------------------
// Pages and screenshots

const shots = new Map();

/** `s` matched literally inside a regular expression (a title, an e-mail, a model name). */
export function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A file-name-safe version of a test name. */
export function safeName(name) {
  return (
    String(name)
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 120) || 'test'
  );
}

function testFileName() {
  const main = process.argv[1] ? basename(process.argv[1]) : 'e2e';
  return main.replace(/\.(test|spec)?\.?m?js$/, '');
}

/**
 * Saves a full-page screenshot of `page` to e2e/artifacts/<test-name>.png, or
 * <test-name>-<label>.png with a label (a repeated name gets -2, -3, …). `t` is the test context
 * (or a name). Returns the file's path.
 */
export async function screenshot(t, page, label) {
  let base = safeName(typeof t === 'string' ? t : t.name);
  if (label) base += `-${safeName(label)}`;
  const n = (shots.get(base) ?? 0) + 1;
  shots.set(base, n);
  const file = join(ARTIFACTS, n === 1 ? `${base}.png` : `${base}-${n}.png`);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Opens `url` in `page`, saves a full-page screenshot (see screenshot(); options.label names it)
 * and checks the answer's status (options.status, default 200, after redirects; null: any).
 * Returns the navigation's response.
 */
export async function visit(t, page, url, { status = 200, label } = {}) {
  const response = await page.goto(url, { waitUntil: 'load' });
  await screenshot(t, page, label);
  if (!response) throw new Error(`no response for ${url}`);
  if (status !== null && response.status() !== status) {
    throw new Error(`GET ${url}: expected ${status}, got ${response.status()}`);
  }
  return response;
}
