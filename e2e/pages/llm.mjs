// The real local LLM for the browser tests of generative answers: llama.cpp's server and the
// Qwen2.5-Coder-0.5B GGUF that scripts/fetch-llm builds and caches (or LEVIER_TEST_LLM_SERVER and
// LEVIER_TEST_LLM_MODEL), started on a free 127.0.0.1 port and stopped by its PID after the test
// file. Without them the tests are skipped with a loud message, except under CI (or with
// LEVIER_TEST_LLM=1), where they fail, like the cargo tests (levier-assist's tests/llm_server).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** The model name levier sends (llama.cpp serves whatever it loaded, under any name). */
export const LLM_MODEL = 'qwen2.5-coder-0.5b-instruct-q4_k_m';
/** Longest wait for the model to load (3–5 s on two idle cores). */
const READY_TIMEOUT_MS = 180_000;

const cache = process.env.LEVIER_CACHE_DIR || join(homedir(), '.cache', 'levier');
const server = process.env.LEVIER_TEST_LLM_SERVER || join(cache, 'llm', 'llama-server-11434', 'llama-server');
const model = process.env.LEVIER_TEST_LLM_MODEL || join(cache, 'llm', `${LLM_MODEL}.gguf`);
const missing = [server, model].filter((p) => !existsSync(p));
if (missing.length && (process.env.CI || process.env.LEVIER_TEST_LLM)) {
  throw new Error(`the local LLM is required here but missing (${missing.join(', ')}): run scripts/fetch-llm`);
}
if (missing.length) {
  console.error('#'.repeat(78));
  console.error(`## No local LLM (${missing.join(', ')}):`);
  console.error('## the browser tests of generated answers are SKIPPED. Run scripts/fetch-llm.');
  console.error('#'.repeat(78));
}

/** `false`, or why a test that needs the local LLM is skipped. */
export const skipWithoutLlm = missing.length ? `no local LLM (${missing.join(', ')}): run scripts/fetch-llm` : false;

async function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts llama-server and resolves with its API root once /health answers; it is stopped by
 * its PID after the test file.
 */
export async function startLlm() {
  const port = await freePort();
  const child = spawn(server, ['-m', model, '--host', '127.0.0.1', '--port', String(port), '-c', '4096', '-t', '2'], {
    stdio: 'ignore',
  });
  after(() => {
    if (child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  });
  process.on('exit', () => child.exitCode === null && process.kill(child.pid, 'SIGKILL'));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return `http://127.0.0.1:${port}/v1`;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`llama-server did not become ready on port ${port}`);
}

/** A levier configuration file giving the assistant and internal Q&A the local model;
 * removed after the test file. */
export function llmConfig(baseUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'levier-e2e-llm-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const use = `base_url = "${baseUrl}"\nmodel = "${LLM_MODEL}"\nlocal = true\nmax_tokens = 160\ntemperature = 0.0\ntimeout_secs = 170\nmax_concurrent = 1\n`;
  const path = join(dir, 'levier.toml');
  // The model may take a minute on a busy two-core machine: the request waits for it.
  writeFileSync(path, `[server]\nrequest_timeout_secs = 180\n\n[llm.assistant]\n${use}\n[llm.internal_qa]\n${use}`);
  return path;
}
