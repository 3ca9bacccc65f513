// The element's side of notice pushes, in Chromium: its service worker shows a pushed notice,
// acknowledges it, and a click on the notification opens that notice in the classroom's inbox.
// Headless Chromium has no push service to subscribe with (offline), so the push is handed to
// the registered worker by the DevTools protocol (ServiceWorker.deliverPushMessage), and the click
// is the worker's own notificationclick event.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mintAdminToken,
  mintReceiptToken,
  startEphemeralServer,
  type EphemeralServer,
} from '@cosmo/sfu';
import { launchChromium, waitFor, type Browser } from '@cosmo/testkit';

const bundle = fileURLToPath(new URL('../../../packages/client/dist-bundle/', import.meta.url));

interface RecipientStatus {
  personId: string;
  deliveredVia: string | null;
  readAt: number | null;
}

describe('notices pushed to a closed page', () => {
  let t: EphemeralServer;
  let page: Server;
  let browser: Browser;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await startEphemeralServer();
    admin = {
      authorization: `Bearer ${await mintAdminToken(t.server.tokens, { schoolId: 'tokyo', identity: 'principal' })}`,
    };
    const roster = [
      'school_id,school_name,class_id,class_name,person_id,person_name,role',
      'tokyo,Tokyo,office,Office,principal,Mori Aya,admin',
      'tokyo,Tokyo,2B,Physics 2B,wei,Wang Wei,student',
    ].join('\n');
    const imported = await fetch(`${t.httpUrl}/api/admin/roster`, {
      method: 'POST',
      headers: admin,
      body: roster,
    });
    expect(imported.status).toBe(200);
    const element = readFileSync(`${bundle}cosmo-classroom.js`);
    const worker = readFileSync(`${bundle}cosmo-sw.js`);
    // The embedder's page and its copy of the worker, on another origin than the Cosmo server.
    page = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/cosmo-classroom.js' || url.pathname === '/cosmo-sw.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(url.pathname === '/cosmo-sw.js' ? worker : element);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><script type="module" src="/cosmo-classroom.js"></script>
<style>body{margin:0;height:100vh}cosmo-classroom{height:100%}</style></head>
<body><cosmo-classroom server-url="${t.url}" token="${url.searchParams.get('token') ?? ''}" service-worker="/cosmo-sw.js"></cosmo-classroom></body></html>`);
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    page?.close();
    await t?.close();
  });

  it('the worker the element registers shows a push, acknowledges it, and its click opens the notice', async () => {
    const origin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.grantPermissions(['notifications'], { origin });
    const tab = await context.newPage();
    const token = await t.token('2B', 'wei', 'student');
    await tab.goto(`${origin}/?token=${token}`);
    await tab.locator('cosmo-classroom [data-state="connected"]').waitFor();

    // The inbox offers notifications for this device; pressing it registers the worker.
    await tab.locator('cosmo-classroom [role="tab"]', { hasText: 'お知らせ' }).click();
    await tab.locator('cosmo-classroom .push button').click();
    const state = tab.locator('cosmo-classroom .push');
    await waitFor('the answer to the request', async () =>
      ['on', 'failed'].includes((await state.getAttribute('data-push')) ?? ''),
    );
    // Offline, Chromium's push service cannot be reached: the element says so, in Japanese.
    if ((await state.getAttribute('data-push')) === 'failed')
      expect(await state.innerText()).toMatch(/プッシュサービスに接続できません/);
    const scope = `${origin}/cosmo-push-scope`;
    const registered = await tab.evaluate(
      async (s) => (await navigator.serviceWorker.getRegistration(s))?.scope ?? '',
      scope,
    );
    expect(registered).toBe(scope);
    await tab.screenshot({
      path: `${process.env['COSMO_SCREENSHOTS'] ?? '/tmp'}/push-inbox-ja-390.png`,
    });

    // The school sends an urgent notice; Wei's page is open but this is the push path.
    const sent = await fetch(`${t.httpUrl}/api/admin/notices`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        audience: 'class:2B',
        title: '台風のため明日は休校',
        body: '授業はオンラインになります。',
        urgent: true,
        emailAfterSeconds: null,
      }),
    });
    expect(sent.status).toBe(201);
    const { id } = (await sent.json()) as { id: string };
    const receipt = await mintReceiptToken(t.server.tokens, { personId: 'wei', noticeId: id });
    const payload = {
      type: 'notice',
      id,
      title: '台風のため明日は休校',
      body: '授業はオンラインになります。',
      urgent: true,
      sender: 'Mori Aya',
      sentAt: Date.now(),
      reminder: false,
      url: `${origin}/?notice=${id}&receipt=${receipt}`,
      receipt,
    };
    const cdp = await context.newCDPSession(tab);
    const registrations = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
        const r = e.registrations.find((x) => x.scopeURL === scope && !x.isDeleted);
        if (r) resolve(r.registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin,
      registrationId: await registrations,
      data: JSON.stringify(payload),
    });

    // Shown, tagged with the notice (a repeat replaces it), and acknowledged as delivered by push.
    const shown = async () =>
      tab.evaluate(async (s) => {
        const r = await navigator.serviceWorker.getRegistration(s);
        return (await r!.getNotifications()).map((n) => ({ title: n.title, tag: n.tag }));
      }, scope);
    await waitFor('the notification', async () => (await shown()).length === 1);
    expect(await shown()).toEqual([{ title: '台風のため明日は休校', tag: id }]);
    const wei = async () =>
      (
        (await (
          await fetch(`${t.httpUrl}/api/admin/notices/${id}/recipients`, { headers: admin })
        ).json()) as { recipients: RecipientStatus[] }
      ).recipients.find((r) => r.personId === 'wei')!;
    // The open page got it live first; the push's receipt is recorded without changing that.
    await waitFor('the delivered receipt', async () => (await wei()).deliveredVia !== null);

    // The click: the worker hands the notice to the open classroom, which shows it and reads it.
    const worker = context.serviceWorkers().find((w) => w.url().includes('/cosmo-sw.js'))!;
    await worker.evaluate(async () => {
      const scope = self as unknown as {
        registration: ServiceWorkerRegistration;
        dispatchEvent(e: Event): boolean;
      };
      const [notification] = await scope.registration.getNotifications();
      const Click = (
        globalThis as unknown as { NotificationEvent: new (type: string, init: unknown) => Event }
      ).NotificationEvent;
      scope.dispatchEvent(new Click('notificationclick', { notification }));
    });
    await waitFor('the notice to be read', async () => (await wei()).readAt !== null);
    expect(await tab.locator('cosmo-classroom .notice').first().innerText()).toContain(
      '授業はオンラインになります。',
    );
    await tab.screenshot({
      path: `${process.env['COSMO_SCREENSHOTS'] ?? '/tmp'}/push-notice-opened-ja-390.png`,
    });

    // An email's link (no worker involved): the page opened on it shows the notice and reads it.
    const second = await fetch(`${t.httpUrl}/api/admin/notices`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        audience: 'class:2B',
        title: '保護者会',
        body: '金曜日の18時から',
        urgent: false,
      }),
    });
    const { id: id2 } = (await second.json()) as { id: string };
    const receipt2 = await mintReceiptToken(t.server.tokens, { personId: 'wei', noticeId: id2 });
    const fromEmail = await context.newPage();
    await fromEmail.goto(`${origin}/?token=${token}&notice=${id2}&receipt=${receipt2}`);
    await fromEmail.locator('cosmo-classroom .notice', { hasText: '保護者会' }).waitFor();
    const read = async () =>
      (
        (await (
          await fetch(`${t.httpUrl}/api/admin/notices/${id2}/recipients`, { headers: admin })
        ).json()) as { recipients: RecipientStatus[] }
      ).recipients.find((r) => r.personId === 'wei')!.readAt;
    await waitFor('the emailed notice to be read', async () => (await read()) !== null);
    await context.close();
  }, 90_000);
});
