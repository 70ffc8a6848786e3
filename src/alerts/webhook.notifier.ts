/**
 * Posts opened and resolved alerts to CAMNET_WEBHOOK_URL as JSON. Delivery runs in
 * the background with retries and exponential backoff, so a slow or dead receiver
 * never holds up the caller; an alert that cannot be delivered is logged once.
 */
import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';

export interface WebhookOptions {
  /** Tries per alert, the first included. */
  attempts: number;
  /** Wait before the second try; doubled before each further one. */
  baseDelayMs: number;
  /** One request's limit, response body included. */
  timeoutMs: number;
}

export const WEBHOOK_OPTIONS = Symbol('WEBHOOK_OPTIONS');
export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = { attempts: 5, baseDelayMs: 1000, timeoutMs: 5000 };

@Injectable()
export class WebhookNotifier implements OnApplicationShutdown {
  private readonly logger = new Logger('webhook');
  private readonly options: WebhookOptions;
  private readonly url: string | null;
  private readonly inFlight = new Set<Promise<void>>();
  /** Cuts pending retries and requests short when the service stops. */
  private readonly stopping = new AbortController();

  constructor(@Inject(CAMNET_CONFIG) config: CamnetConfig, @Optional() @Inject(WEBHOOK_OPTIONS) options?: Partial<WebhookOptions>) {
    this.url = config.webhookUrl;
    this.options = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
  }

  get enabled(): boolean {
    return this.url !== null;
  }

  /** Queues a delivery and returns at once; `label` names the alert in the log. */
  notify(label: string, payload: unknown): void {
    if (this.url === null || this.stopping.signal.aborted) return;
    const delivery = this.deliver(this.url, label, JSON.stringify(payload)).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /** Resolves when every queued delivery has succeeded or given up. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.drain();
  }

  private async deliver(url: string, label: string, body: string): Promise<void> {
    const { attempts, baseDelayMs, timeoutMs } = this.options;
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        try {
          await sleep(baseDelayMs * 2 ** (attempt - 2), undefined, { signal: this.stopping.signal });
        } catch {
          break; // shutting down
        }
      }
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), timeoutMs);
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'camnet' },
          body,
          signal: AbortSignal.any([timeout.signal, this.stopping.signal]),
        });
        await res.arrayBuffer(); // read to the end, so the connection can be reused
        if (res.ok) return;
        lastError = `HTTP ${res.status}`;
      } catch (err) {
        lastError = timeout.signal.aborted ? `no answer within ${timeoutMs} ms` : (((err as Error).cause as Error)?.message ?? (err as Error).message);
      } finally {
        clearTimeout(timer);
      }
      if (this.stopping.signal.aborted) break;
    }
    this.logger.warn(`alert ${label} was not delivered to the webhook (${lastError}); giving up`);
  }
}
