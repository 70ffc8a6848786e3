/**
 * E-mail settings, parsed and checked at start (called by config.ts only): where
 * alerts go per district or commune, who gets everything, and how often a digest
 * is sent. Pure: takes the raw strings, answers the settings and every problem.
 */

export interface MailRoute {
  scope: 'district' | 'commune';
  code: string;
  to: string[];
}

export interface MailConfig {
  smtpUrl: string;
  from: string;
  /** Recipients of every alert. */
  defaultTo: string[];
  /** Recipients of the alerts of one district or commune (either layout), besides defaultTo. */
  routes: MailRoute[];
  /** 0 sends each alert at once; otherwise one message per recipient every this many minutes. */
  digestMin: number;
}

export interface MailEnv {
  smtpUrl: string | null;
  from: string | null;
  to: string | null;
  routes: string | null;
  digestMin: string | null;
}

const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;
/** "Name <a@b.c>" or "a@b.c". */
const FROM = /^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

export function parseMailConfig(env: MailEnv): { mail: MailConfig | null; problems: string[] } {
  const problems: string[] = [];
  const list = (name: string, raw: string): string[] => {
    const out = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const a of out) if (!EMAIL.test(a)) problems.push(`${name}: "${a}" is not an e-mail address`);
    return out;
  };
  const defaultTo = env.to ? list('CAMNET_MAIL_TO', env.to) : [];
  const routes: MailRoute[] = [];
  if (env.routes) {
    for (const part of env.routes
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const m = /^(district|commune):([0-9]{1,8})=(.+)$/.exec(part);
      if (!m) {
        problems.push(`CAMNET_MAIL_ROUTES: "${part}" must look like district:794=a@x.vn,b@x.vn or commune:27694=c@x.vn`);
        continue;
      }
      routes.push({ scope: m[1] as MailRoute['scope'], code: m[2], to: list('CAMNET_MAIL_ROUTES', m[3]) });
    }
  }
  let digestMin = 15;
  if (env.digestMin !== null) {
    const n = Number(env.digestMin);
    if (!Number.isInteger(n) || n < 0 || n > 1440) problems.push(`CAMNET_MAIL_DIGEST_MIN must be an integer between 0 and 1440, got "${env.digestMin}"`);
    else digestMin = n;
  }
  const from = env.from ?? 'camnet <camnet@localhost>';
  if (!FROM.test(from)) problems.push(`CAMNET_MAIL_FROM must be an address such as "camnet <camnet@example.vn>", got "${from}"`);
  if (env.smtpUrl === null) {
    if (defaultTo.length || routes.length) problems.push('CAMNET_MAIL_TO and CAMNET_MAIL_ROUTES need CAMNET_SMTP_URL (smtp://user:password@host:587)');
    return { mail: null, problems };
  }
  try {
    const u = new URL(env.smtpUrl);
    if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') problems.push(`CAMNET_SMTP_URL must be an smtp: or smtps: URL, got "${u.protocol}"`);
  } catch {
    problems.push('CAMNET_SMTP_URL is not a valid URL (smtp://user:password@host:587)');
  }
  if (defaultTo.length === 0 && routes.length === 0)
    problems.push('CAMNET_SMTP_URL is set but no one would get mail: set CAMNET_MAIL_TO or CAMNET_MAIL_ROUTES');
  return { mail: { smtpUrl: env.smtpUrl, from, defaultTo, routes, digestMin }, problems };
}
