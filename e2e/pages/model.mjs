// The real embedding model for the tests that need it (semantic search, the support
// assistant): LEVIER_TEST_MODEL_DIR names it (scripts/test sets it when scripts/fetch-models
// has run). Without it those tests are skipped, except under CI where they fail, like the
// cargo tests (levier_ml::testing::model_dir).
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after } from 'node:test';

/** The model the server must find in its models directory (the default model's name). */
const MODEL_NAME = 'multilingual-e5-small';

const modelDir = process.env.LEVIER_TEST_MODEL_DIR;
if (!modelDir && process.env.CI) {
  throw new Error('LEVIER_TEST_MODEL_DIR is not set under CI: run scripts/fetch-models first');
}

/** `false`, or why a test that needs the model is skipped. */
export const skipWithoutModel = modelDir ? false : 'LEVIER_TEST_MODEL_DIR is not set (run scripts/fetch-models)';

/** A models directory holding the real model under its default name (a symbolic link),
 * removed after the test file. */
export function modelsDir() {
  const dir = mkdtempSync(join(tmpdir(), 'levier-e2e-models-'));
  symlinkSync(resolve(modelDir), join(dir, MODEL_NAME));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
