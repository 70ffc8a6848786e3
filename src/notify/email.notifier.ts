/**
 * Alerts by e-mail (besides the webhook): every alert opened or resolved goes to the
 * default recipients and those of its district and commune. In digest mode the
 * changes of each period become one message per recipient, so a storm of alerts is
 * one mail; a message that fails stays queued for the next round (at most
 * MAX_QUEUED notices are kept, the oldest dropped first and counted).
 */
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import { Counter, Registry } from 'prom-client';
import { EventBus } from '../common/event-bus';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import type { MailConfig } from '../config/mail-config';
import { METRICS } from '../health/metrics';
import { AlertNotice, compose, digestByRecipient } from './mail.composer';
import { NotifyRepository } from './notify.repository';

const MAX_QUEUED = 5000;

@Injectable()
export class EmailNotifier implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('mail');
  private readonly mail: MailConfig | null;
  private transport: Transporter | null = null;
  private queue: AlertNotice[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private pendingPlaces: Promise<unknown> = Promise.resolve();
  private readonly sent: Counter;
  private readonly failed: Counter;

  constructor(
    @Inject(CAMNET_CONFIG) config: CamnetConfig,
    private readonly bus: EventBus,
    private readonly repo: NotifyRepository,
    @Inject(METRICS) metrics: Registry,
  ) {
    this.mail = config.mail;
    this.sent = new Counter({ name: 'camnet_mail_sent_total', help: 'Alert e-mails sent', registers: [metrics] });
    this.failed = new Counter({ name: 'camnet_mail_failed_total', help: 'Alert e-mails that failed (retried at the next round)', registers: [metrics] });
  }

  get enabled(): boolean {
    return this.mail !== null;
  }

  onModuleInit(): void {
    if (!this.mail) return;
    this.transport = nodemailer.createTransport(this.mail.smtpUrl);
    this.unsubscribe = this.bus.on('alert.changed', (a) => {
      if (a.state === 'acked') return; // acknowledging is the reader's own act
      this.pendingPlaces = this.pendingPlaces
        .then(() => this.repo.placeOf(a.subject))
        .then((place) => this.enqueue({ ...a, place }))
        .catch((err) => this.logger.warn(`alert #${a.id} not queued for mail: ${(err as Error).message}`));
    });
    if (this.mail.digestMin > 0) {
      this.timer = setInterval(() => void this.flush(), this.mail.digestMin * 60_000);
      this.timer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await this.flush().catch(() => undefined);
    this.transport?.close();
  }

  private enqueue(n: AlertNotice): void {
    this.queue.push(n);
    if (this.queue.length > MAX_QUEUED) this.queue.splice(0, this.queue.length - MAX_QUEUED);
    if (this.mail!.digestMin === 0) void this.flush();
  }

  /** Sends what is queued now: one message per recipient. Resolves when done. */
  async flush(): Promise<void> {
    await this.pendingPlaces;
    while (this.flushing) await this.flushing;
    if (!this.mail || !this.transport || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.send(batch).finally(() => (this.flushing = null));
    await this.flushing;
  }

  private async send(batch: AlertNotice[]): Promise<void> {
    const retry = new Set<AlertNotice>();
    for (const [to, notices] of digestByRecipient(batch, this.mail!)) {
      const { subject, text } = compose(notices);
      try {
        await this.transport!.sendMail({ from: this.mail!.from, to, subject, text });
        this.sent.inc();
      } catch (err) {
        this.failed.inc();
        this.logger.warn(`mail to ${to} failed, kept for the next round: ${(err as Error).message}`);
        notices.forEach((n) => retry.add(n));
      }
    }
    // A notice that failed for one recipient is sent again to all of its recipients: a duplicate beats a loss.
    if (retry.size) this.queue.unshift(...retry);
  }

  /** "Send a test message": to the given address, or to every configured recipient. */
  async sendTest(to: string | undefined, by: string): Promise<{ sent_to: string[] }> {
    if (!this.mail || !this.transport)
      throw new ServiceUnavailableException('e-mail is not configured: set CAMNET_SMTP_URL and CAMNET_MAIL_TO or CAMNET_MAIL_ROUTES');
    const recipients = to ? [to] : [...new Set([...this.mail.defaultTo, ...this.mail.routes.flatMap((r) => r.to)])].sort();
    for (const r of recipients) {
      await this.transport.sendMail({
        from: this.mail.from,
        to: r,
        subject: 'camnet: thư thử / test message',
        text: `Thư thử do ${by} gửi từ camnet. / A test message sent by ${by} from camnet.\n\nDigest: ${this.mail.digestMin === 0 ? 'off' : `${this.mail.digestMin} min`}`,
      });
    }
    return { sent_to: recipients };
  }
}
