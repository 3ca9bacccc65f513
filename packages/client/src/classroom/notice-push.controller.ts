import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { NoticePush, httpBaseOf, type NoticePushState } from '../push/NoticePush.js';
import type { Notice } from './classroom.controller.js';

/** What the controller needs of the element. */
export type NoticePushHost = ReactiveControllerHost & {
  readonly serverUrl: string;
  readonly token: string;
  /** The service worker script on the page's origin; empty: no push on this page. */
  readonly serviceWorker: string;
  /** A notice opened from a push or an email's link: show it in the inbox. */
  showLinkedNotice(notice: Notice): void;
};

/** What the server answers for one notice (`GET /api/notices/:id`). */
interface NoticeView {
  id: string;
  title: string;
  body: string;
  urgent: boolean;
  senderName: string;
  sentAt: number;
}

/**
 * Notices outside the page: this device's Web Push subscription (the inbox's "Notify me on this
 * device"), and the notice a push or an email links to (`?notice=ID&receipt=TOKEN`, or a message
 * from the service worker when the classroom is already open), shown and acknowledged as read.
 */
export class NoticePushController implements ReactiveController {
  readonly #host: NoticePushHost;
  /** Where this device stands; `busy` while asking. Undefined until known. */
  state: NoticePushState | 'busy' | undefined;
  #checkedFor = '';
  readonly #onMessage = (e: MessageEvent) => {
    const data = e.data as { type?: string; url?: string } | undefined;
    if (data?.type === 'cosmo-notice' && data.url) void this.openLink(new URL(data.url));
  };

  constructor(host: NoticePushHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    if (typeof navigator !== 'undefined' && navigator.serviceWorker) {
      navigator.serviceWorker.addEventListener('message', this.#onMessage);
      navigator.serviceWorker.startMessages();
    }
    if (typeof location !== 'undefined') {
      const url = new URL(location.href);
      if (url.searchParams.has('notice') && url.searchParams.has('receipt')) {
        // After the first render, so the inbox is there to show it.
        void this.#host.updateComplete.then(() => this.openLink(url));
      }
    }
  }

  hostDisconnected(): void {
    navigator.serviceWorker?.removeEventListener('message', this.#onMessage);
  }

  hostUpdated(): void {
    // Learn this device's state once per person and server.
    const key = `${this.#host.serverUrl}|${this.#host.token}|${this.#host.serviceWorker}`;
    if (key === this.#checkedFor || !this.#push()) return;
    this.#checkedFor = key;
    void this.#push()!
      .state()
      .then((state) => this.#set(state))
      .catch(() => this.#set('failed'));
  }

  /** Asks the person and subscribes this device (from a click). */
  async enable(): Promise<void> {
    const push = this.#push();
    if (!push) return;
    this.#set('busy');
    this.#set(await push.enable().catch((): NoticePushState => 'failed'));
  }

  /** Stops pushes to this device. */
  async disable(): Promise<void> {
    const push = this.#push();
    if (!push) return;
    this.#set('busy');
    this.#set(await push.disable().catch((): NoticePushState => 'failed'));
  }

  /**
   * Shows the notice a link names (its receipt token lets the server answer, even with the join
   * token long expired) and tells the server it was read: `via=push` when the service worker
   * opened it, else it came from an email.
   */
  async openLink(url: URL): Promise<void> {
    const id = url.searchParams.get('notice');
    const receipt = url.searchParams.get('receipt');
    if (!id || !receipt || !this.#host.serverUrl) return;
    const base = httpBaseOf(this.#host.serverUrl);
    const headers = { authorization: `Bearer ${receipt}` };
    try {
      const res = await fetch(`${base}/api/notices/${encodeURIComponent(id)}`, { headers });
      if (!res.ok) return;
      const { notice } = (await res.json()) as { notice: NoticeView };
      this.#host.showLinkedNotice({
        id: notice.id,
        title: notice.title,
        body: notice.body,
        sender: notice.senderName,
        urgent: notice.urgent,
        sentAt: notice.sentAt,
        read: true,
      });
      await fetch(`${base}/api/notices/${encodeURIComponent(id)}/receipts`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          kind: 'read',
          via: url.searchParams.get('via') === 'push' ? 'push' : 'email',
        }),
      });
    } catch {
      // The notice stays unread on the server; the inbox shows it when the page joins.
    }
  }

  #push(): NoticePush | undefined {
    const { serverUrl, token, serviceWorker } = this.#host;
    if (!serverUrl || !token || !serviceWorker) return undefined;
    return new NoticePush({ httpUrl: httpBaseOf(serverUrl), token, serviceWorker });
  }

  #set(state: NoticePushState | 'busy'): void {
    this.state = state;
    this.#host.requestUpdate();
  }
}
