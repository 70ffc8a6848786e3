/**
 * Who gets an alert and what the message says: pure, so routing and wording are
 * tested without a server. An alert reaches the default recipients and those of its
 * district and commune; a digest is one message per recipient.
 */
import type { MailConfig } from '../config/mail-config';

export interface AlertNotice {
  id: number;
  kind: string;
  subject: string;
  state: 'open' | 'acked' | 'resolved';
  at: Date;
  place: { commune: string | null; commune2025: string | null; communeName: string | null; district: string | null; districtName: string | null };
}

const KIND_WORDS: Record<string, string> = {
  offline: 'mất kết nối / offline',
  station_down: 'trạm mất kết nối / station down',
  turned: 'bị xoay hướng / turned',
  clock_drift: 'lệch đồng hồ / clock drift',
  auth_failed: 'sai mật khẩu / authentication failed',
};

export function recipientsOf(n: AlertNotice, mail: MailConfig): string[] {
  const to = new Set(mail.defaultTo);
  for (const r of mail.routes) {
    const hit = r.scope === 'district' ? r.code === n.place.district : r.code === n.place.commune || r.code === n.place.commune2025;
    if (hit) r.to.forEach((a) => to.add(a));
  }
  return [...to].sort();
}

/** Groups notices per recipient: each gets one message holding all of theirs. */
export function digestByRecipient(notices: AlertNotice[], mail: MailConfig): Map<string, AlertNotice[]> {
  const out = new Map<string, AlertNotice[]>();
  for (const n of notices) {
    for (const to of recipientsOf(n, mail)) {
      let list = out.get(to);
      if (!list) out.set(to, (list = []));
      list.push(n);
    }
  }
  return out;
}

export function noticeLine(n: AlertNotice): string {
  const state = n.state === 'open' ? 'MỚI / OPEN' : n.state === 'resolved' ? 'ĐÃ HẾT / RESOLVED' : 'ĐÃ XÁC NHẬN / ACKNOWLEDGED';
  const where = [n.place.communeName, n.place.districtName].filter(Boolean).join(', ');
  return `[${state}] #${n.id} ${n.subject} — ${KIND_WORDS[n.kind] ?? n.kind}${where ? ` — ${where}` : ''} — ${n.at.toISOString()}`;
}

export function compose(notices: AlertNotice[]): { subject: string; text: string } {
  const open = notices.filter((n) => n.state === 'open').length;
  const subject =
    notices.length === 1
      ? `camnet: ${notices[0].state === 'open' ? 'cảnh báo' : 'hết cảnh báo'} ${notices[0].subject} (${notices[0].kind})`
      : `camnet: ${notices.length} thay đổi cảnh báo, ${open} mới / ${notices.length} alert changes, ${open} new`;
  const text = notices.map(noticeLine).join('\n') + '\n\n— camnet, Long An';
  return { subject, text };
}
