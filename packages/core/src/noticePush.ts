/**
 * What a notice's Web Push carries to the service worker (a contract between the server and the
 * element's `cosmo-sw.js`, like the protocol): enough to show the notification without the
 * network, the inbox link it opens, and the token it acknowledges delivery with.
 */
export interface NoticePushPayload {
  type: 'notice';
  id: string;
  title: string;
  body: string;
  urgent: boolean;
  sender: string;
  sentAt: number;
  reminder: boolean;
  url: string;
  receipt: string;
}
