import { LitElement, css, html, type PropertyValues } from 'lit';

/**
 * Plays one video track, and reports its rendered width so the classroom asks the server for
 * the simulcast layer that fits.
 *
 * @event cosmo-video-resize - The tile's width changed; `detail: { width }`.
 * @csspart video - The video element.
 */
export class CosmoVideo extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      background: var(--cosmo-tile-bg, #1d2430);
      overflow: hidden;
    }
    video {
      width: 100%;
      height: 100%;
      object-fit: cover;
      display: block;
    }
    :host([contain]) video {
      object-fit: contain;
    }
    :host([mirror]) video {
      transform: scaleX(-1);
    }
  `;

  static override properties = {
    track: { attribute: false },
    mirror: { type: Boolean, reflect: true },
    contain: { type: Boolean, reflect: true },
  };

  /** The track to play. */
  declare track: MediaStreamTrack | undefined;
  /** Mirror the picture (one's own camera). */
  declare mirror: boolean;
  /** Letterbox instead of crop (screen shares). */
  declare contain: boolean;

  constructor() {
    super();
    this.mirror = false;
    this.contain = false;
  }

  #observer: ResizeObserver | undefined;
  #width = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#observer = new ResizeObserver(([entry]) => {
      const width = Math.round(entry?.contentRect.width ?? 0);
      if (Math.abs(width - this.#width) < 32) return;
      this.#width = width;
      this.dispatchEvent(
        new CustomEvent('cosmo-video-resize', { detail: { width }, bubbles: true, composed: true }),
      );
    });
    this.#observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#observer?.disconnect();
  }

  protected override updated(changed: PropertyValues<this>): void {
    const video = this.renderRoot.querySelector('video');
    if (video && changed.has('track')) {
      video.srcObject = this.track ? new MediaStream([this.track]) : null;
      if (this.track) video.play().catch(() => undefined);
    }
  }

  protected override render() {
    return html`<video part="video" autoplay playsinline muted></video>`;
  }
}

if (!customElements.get('cosmo-video')) customElements.define('cosmo-video', CosmoVideo);

declare global {
  interface HTMLElementTagNameMap {
    'cosmo-video': CosmoVideo;
  }
}
