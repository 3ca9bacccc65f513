// The service worker of <cosmo-classroom>'s notice pushes, built as its own file
// (dist-bundle/cosmo-sw.js). An embedder serves it from their page's origin (a service worker
// must be same-origin) and names it in the element's `service-worker` attribute; the element
// registers it as `cosmo-sw.js?api=<the Cosmo server's HTTP base>` with a scope of its own
// (`cosmo-push-scope` beside the script, as Firebase Messaging does), so it never replaces or
// controls the embedder's own service worker.
import type { NoticePushPayload } from '@cosmo/core';
//
// On a push it shows the notice and tells the server it was delivered; on a click it opens the
// classroom's inbox on that notice (the page there marks it read).

/** The parts of the service worker scope used here (the client is built with DOM types). */
interface WorkerScope {
  location: Location;
  registration: ServiceWorkerRegistration;
  clients: {
    matchAll(o: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClientLike[]>;
    openWindow(url: string): Promise<unknown>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: string, listener: (e: ExtendableEventLike) => void): void;
}
interface WindowClientLike {
  url: string;
  postMessage(message: unknown): void;
  focus(): Promise<WindowClientLike>;
}
interface ExtendableEventLike {
  waitUntil(p: Promise<unknown>): void;
  data?: { json(): unknown } | null;
  notification?: Notification;
}

const scope = self as unknown as WorkerScope;
const api = new URL(scope.location.href).searchParams.get('api') ?? '';

scope.addEventListener('install', () => void scope.skipWaiting());
scope.addEventListener('activate', (e) => e.waitUntil(scope.clients.claim()));

scope.addEventListener('push', (e) => {
  let push: NoticePushPayload;
  try {
    push = e.data?.json() as NoticePushPayload;
  } catch {
    return;
  }
  if (push?.type !== 'notice') return;
  const show = scope.registration.showNotification(push.title, {
    body: push.body,
    // A repeat (a retry, a reminder) replaces the one shown.
    tag: push.id,
    requireInteraction: push.urgent,
    data: push,
    timestamp: push.sentAt,
  } as NotificationOptions);
  const delivered = api
    ? fetch(`${api}/api/notices/${encodeURIComponent(push.id)}/receipts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${push.receipt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'delivered', via: 'push' }),
      }).catch(() => undefined)
    : Promise.resolve();
  e.waitUntil(Promise.all([show, delivered]));
});

scope.addEventListener('notificationclick', (e) => {
  const notification = e.notification!;
  notification.close();
  const push = notification.data as NoticePushPayload;
  const url = new URL(push.url);
  url.searchParams.set('via', 'push');
  e.waitUntil(
    (async () => {
      // The classroom already open in a tab (this worker has a scope of its own, so the tab is
      // not one it controls): its element shows the notice; else the inbox opens on it.
      const windows = await scope.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => {
        const at = new URL(w.url);
        return at.origin === url.origin && at.pathname === url.pathname;
      });
      if (open) {
        open.postMessage({ type: 'cosmo-notice', url: url.href });
        await open.focus().catch(() => undefined);
      } else {
        await scope.clients.openWindow(url.href);
      }
    })(),
  );
});
