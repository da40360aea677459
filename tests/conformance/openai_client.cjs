// The official `openai` npm client (pinned in package.json) against `ragdesk serve`
// (docs/serve.md): it lists models, streams and non-streams a completion grounded in a knowledge
// base, keeps a multi-turn conversation, and is refused with a wrong key. Run by ctest as
// tst_openai_client; scripts/test.sh installs the package. Exit code 0 when every check held.
'use strict';

const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

let OpenAI;
try {
  OpenAI = require('openai');
} catch (e) {
  console.error('the openai package is not installed: run scripts/test.sh (it runs npm ci into the build dir)');
  process.exit(1);
}

const binary = process.env.RAGDESK_BINARY;
const key = 'conformance-key-' + Math.random().toString(16).slice(2);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ragdesk-openai-'));

function ragdesk(...args) {
  return execFileSync(binary, ['--data-dir', dataDir, ...args], {
    env: { ...process.env, RAGDESK_KEYCHAIN: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
}

function startServer() {
  const server = spawn(binary, ['--data-dir', dataDir, 'serve', '--listen', '127.0.0.1:0', '--api-key-env', 'RAGDESK_CONFORMANCE_KEY'], {
    env: { ...process.env, RAGDESK_KEYCHAIN: 'off', RAGDESK_CONFORMANCE_KEY: key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr.on('data', (chunk) => { stderr += chunk; });
  const ready = new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: server.stdout });
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)$/.exec(line);
      if (match) resolve(match[1]);
    });
    server.on('exit', (code) => reject(new Error(`ragdesk serve exited with ${code} before listening: ${stderr}`)));
  });
  return { server, ready, stderr: () => stderr };
}

async function main() {
  const docs = path.join(dataDir, 'docs');
  fs.mkdirSync(docs);
  fs.writeFileSync(path.join(docs, 'otters.md'), '# Sea otters\nSea otters hold hands while they sleep so that they do not drift apart.\n');
  fs.writeFileSync(path.join(docs, 'bees.md'), '# Honey bees\nHoney bees dance to tell the hive where the flowers are.\n');
  ragdesk('kb', 'create', 'nature');
  ragdesk('ingest', 'nature', docs);
  ragdesk('assistant', 'create', 'guide', '--kb', 'nature');

  const { server, ready, stderr } = startServer();
  const base = await ready;
  const client = new OpenAI({ apiKey: key, baseURL: base + '/v1', maxRetries: 0, timeout: 20000 });
  try {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    assert.deepEqual(models, ['guide']);

    const completion = await client.chat.completions.create({
      model: 'guide',
      messages: [{ role: 'user', content: 'Why do sea otters hold hands?' }],
    });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices[0].message.role, 'assistant');
    assert.match(completion.choices[0].message.content, /drift apart/);
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.ok(completion.usage.completion_tokens > 0);

    const stream = await client.chat.completions.create({
      model: 'guide',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'user', content: 'Why do sea otters hold hands?' },
        { role: 'assistant', content: completion.choices[0].message.content },
        { role: 'user', content: 'How do honey bees show where flowers are?' },
      ],
    });
    let text = '';
    let finish = null;
    let usage = null;
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices) {
        text += choice.delta.content || '';
        if (choice.finish_reason) finish = choice.finish_reason;
      }
    }
    assert.match(text, /dance/);
    assert.equal(finish, 'stop');
    assert.ok(usage && usage.total_tokens > 0);

    const wrong = new OpenAI({ apiKey: 'not-' + key, baseURL: base + '/v1', maxRetries: 0 });
    await assert.rejects(wrong.models.list(), (error) => {
      assert.ok(error instanceof OpenAI.AuthenticationError, `expected AuthenticationError, got ${error}`);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'invalid_api_key');
      return true;
    });
    await assert.rejects(
      client.chat.completions.create({ model: 'nobody', messages: [{ role: 'user', content: 'hi' }] }),
      (error) => error instanceof OpenAI.NotFoundError && error.code === 'model_not_found');
  } finally {
    const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
    server.kill('SIGTERM');
    const { code } = await exited;
    assert.equal(code, 0, `ragdesk serve exited with ${code}: ${stderr()}`);
    assert.ok(!stderr().includes(key), 'the key appeared in the server output');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`openai ${require('openai/version').VERSION}: models, completion, stream, multi-turn and a wrong key against ragdesk serve: ok`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
