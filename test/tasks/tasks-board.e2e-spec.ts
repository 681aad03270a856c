import { chromium, type Browser } from 'playwright-core';
import { existsSync } from 'node:fs';
import { createTestApp, TestApp } from '../helpers/test-app';
import { tasksQueueOf } from './support/fixtures';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const AUTH = 'Basic ' + Buffer.from('ops:ops-password').toString('base64');
const QUEUE_NAMES = [
  'deployments',
  'messages',
  'monitoring',
  'outbound-webhooks',
  'tasks',
  'webhooks',
];

// The project's testTimeout is not applied per project by jest 30: set it here (the machine is shared and slow).
jest.setTimeout(120_000);

describe('Bull Board in a real headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    t = await createTestApp();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('logs in with basic auth, lists every queue, and opens the tasks queue with secrets redacted', async () => {
    // A job whose data holds secrets, parked in the paused queue so it stays visible.
    const queue = tasksQueueOf(t);
    await queue.pause();
    await queue.add(
      'run-task',
      {
        taskId: '00000000-0000-4000-8000-000000000001',
        customerId: 'board-test',
        pushToken: 'push-s3cret',
        nested: { authorization: 'Bearer sk-s3cret', note: 'visible' },
      },
      { jobId: 'board-secret-job' },
    );

    const context = await browser.newContext({
      httpCredentials: { username: 'ops', password: 'ops-password' },
    });
    const page = await context.newPage();
    const res = await page.goto(`${t.url}/admin/queues`);
    expect(res?.status()).toBe(200);
    for (const name of QUEUE_NAMES) {
      await page
        .getByRole('link', { name: new RegExp(`^${name}`, 'i') })
        .first()
        .waitFor({ timeout: 30_000 });
    }
    await page
      .getByRole('link', { name: /^tasks/i })
      .first()
      .click();
    await page.waitForURL(/\/admin\/queues\/queue\/tasks/, { timeout: 30_000 });
    await page.goto(`${t.url}/admin/queues/queue/tasks?status=waiting`);
    await page.getByText('board-secret-job').first().waitFor({ timeout: 30_000 });
    const html = await page.content();
    expect(html).toContain('[redacted]');
    expect(html).toContain('visible');
    expect(html).not.toContain('s3cret');
    await context.close();

    // A wrong password is refused.
    const intruder = await browser.newContext({
      httpCredentials: { username: 'ops', password: 'wrong' },
    });
    const denied = await (await intruder.newPage()).goto(`${t.url}/admin/queues`);
    expect(denied?.status()).toBe(401);
    expect(await denied?.text()).not.toContain('tasks');
    await intruder.close();

    // The JSON the board reads is redacted too.
    const api = await t.api(
      'GET',
      '/admin/queues/api/queues?activeQueue=tasks&status=waiting&page=1&jobsPerPage=50',
      {
        token: null,
        headers: { authorization: AUTH },
      },
    );
    const job = api.body.queues
      .find((q: { name: string }) => q.name === 'tasks')
      .jobs.find((j: { id: string }) => j.id === 'board-secret-job');
    expect(job.data).toEqual({
      taskId: '00000000-0000-4000-8000-000000000001',
      customerId: 'board-test',
      pushToken: '[redacted]',
      nested: { authorization: '[redacted]', note: 'visible' },
    });
    await (await queue.getJob('board-secret-job'))?.remove();
    await queue.resume();
  }, 120_000);
});
