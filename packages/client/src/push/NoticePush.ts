/**
 * Where this device stands for notice pushes: `unsupported` (no service worker or Push API: an iOS
 * Safari tab, an old browser), `blocked` (the person or the browser refused notifications),
 * `unavailable` (the server has Web Push off), `failed` (the browser's push service refused: no
 * network to it, or a browser without one), `off` (not asked yet), `on`.
 */
export type NoticePushState = 'unsupported' | 'blocked' | 'unavailable' | 'failed' | 'off' | 'on';

/** What a page needs to subscribe this device to its person's notices. */
export interface NoticePushOptions {
  /** The Cosmo server's HTTP base (`https://class.school.example`). */
  httpUrl: string;
  /** The person's join token (the subscription is theirs). */
  token: string;
  /** The service worker script on the page's own origin (`/cosmo-sw.js`). */
  serviceWorker: string;
}

const supported = () =>
  typeof navigator !== 'undefined' &&
  'serviceWorker' in navigator &&
  typeof window !== 'undefined' &&
  'PushManager' in window &&
  'Notification' in window;

/** The server's HTTP base from its WebSocket URL (`wss://host/ws` → `https://host`). */
export function httpBaseOf(wsUrl: string): string {
  const url = new URL(wsUrl);
  url.protocol =
    url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  url.pathname = url.pathname.replace(/\/ws\/?$/, '');
  url.search = '';
  return url.href.replace(/\/$/, '');
}

/**
 * Web Push of notices for one person on this device: registers the service worker, subscribes with
 * the server's VAPID key, and hands the subscription to the server (docs/school.md).
 */
export class NoticePush {
  readonly #options: NoticePushOptions;

  constructor(options: NoticePushOptions) {
    this.#options = options;
  }

  /** Where this device stands, without asking the person anything. */
  async state(): Promise<NoticePushState> {
    if (!supported()) return 'unsupported';
    if (Notification.permission === 'denied') return 'blocked';
    const registration = await navigator.serviceWorker.getRegistration(this.#scope());
    const subscription = await registration?.pushManager.getSubscription();
    return subscription ? 'on' : 'off';
  }

  /** Asks the person (call it from a click), then subscribes this device. */
  async enable(): Promise<NoticePushState> {
    if (!supported()) return 'unsupported';
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') return 'blocked';
    const keyResponse = await fetch(`${this.#options.httpUrl}/api/push/key`);
    if (!keyResponse.ok) return 'unavailable';
    const { publicKey } = (await keyResponse.json()) as { publicKey: string };
    const registration = await navigator.serviceWorker.register(this.#scriptUrl(), {
      scope: this.#scope(),
    });
    await activated(registration);
    let subscription: PushSubscription;
    try {
      subscription =
        (await registration.pushManager.getSubscription()) ??
        (await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: publicKey,
        }));
    } catch {
      return 'failed';
    }
    const saved = await fetch(`${this.#options.httpUrl}/api/push/subscriptions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.#options.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ...subscription.toJSON(), device: deviceLabel() }),
    });
    return saved.ok ? 'on' : 'failed';
  }

  /** Stops pushes to this device: unsubscribes and tells the server to forget it. */
  async disable(): Promise<NoticePushState> {
    if (!supported()) return 'unsupported';
    const registration = await navigator.serviceWorker.getRegistration(this.#scope());
    const subscription = await registration?.pushManager.getSubscription();
    if (subscription) {
      await fetch(
        `${this.#options.httpUrl}/api/push/subscriptions?endpoint=${encodeURIComponent(subscription.endpoint)}`,
        { method: 'DELETE', headers: { authorization: `Bearer ${this.#options.token}` } },
      ).catch(() => undefined);
      await subscription.unsubscribe();
    }
    return 'off';
  }

  /** A scope of its own beside the script: the embedder's service worker is left alone. */
  #scope(): string {
    return new URL('cosmo-push-scope', new URL(this.#options.serviceWorker, location.href)).href;
  }

  #scriptUrl(): string {
    const url = new URL(this.#options.serviceWorker, location.href);
    url.searchParams.set('api', this.#options.httpUrl);
    return url.href;
  }
}

/** Resolves once the registration's worker is active (`serviceWorker.ready` waits for a worker of
 * the page's own scope, which this one is not). */
function activated(registration: ServiceWorkerRegistration): Promise<void> {
  const worker = registration.installing ?? registration.waiting ?? registration.active;
  if (!worker || worker.state === 'activated') return Promise.resolve();
  return new Promise((resolve) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve();
    });
  });
}

/** "Chrome on Android", for the person's list of devices. */
function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const system = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return system ? `${browser} on ${system}` : browser;
}
