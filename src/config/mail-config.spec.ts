import { parseMailConfig } from './mail-config';

const none = { smtpUrl: null, from: null, to: null, routes: null, digestMin: null };

describe('parseMailConfig', () => {
  it('is off without an SMTP server', () => {
    expect(parseMailConfig(none)).toEqual({ mail: null, problems: [] });
  });

  it('reads recipients per district and commune and the digest period', () => {
    const { mail, problems } = parseMailConfig({
      ...none,
      smtpUrl: 'smtp://u:p@mail.example.vn:587',
      to: 'ops@example.vn',
      routes: 'district:794=a@x.vn, b@x.vn; commune:27694=c@x.vn',
      digestMin: '5',
    });
    expect(problems).toEqual([]);
    expect(mail).toEqual({
      smtpUrl: 'smtp://u:p@mail.example.vn:587',
      from: 'camnet <camnet@localhost>',
      defaultTo: ['ops@example.vn'],
      routes: [
        { scope: 'district', code: '794', to: ['a@x.vn', 'b@x.vn'] },
        { scope: 'commune', code: '27694', to: ['c@x.vn'] },
      ],
      digestMin: 5,
    });
  });

  it('names every bad setting', () => {
    const { problems } = parseMailConfig({ smtpUrl: 'http://x', from: 'nobody', to: 'not-an-address', routes: 'province:80=a@x.vn', digestMin: '-1' });
    expect(problems).toEqual([
      'CAMNET_MAIL_TO: "not-an-address" is not an e-mail address',
      'CAMNET_MAIL_ROUTES: "province:80=a@x.vn" must look like district:794=a@x.vn,b@x.vn or commune:27694=c@x.vn',
      'CAMNET_MAIL_DIGEST_MIN must be an integer between 0 and 1440, got "-1"',
      'CAMNET_MAIL_FROM must be an address such as "camnet <camnet@example.vn>", got "nobody"',
      'CAMNET_SMTP_URL must be an smtp: or smtps: URL, got "http:"',
    ]);
    expect(parseMailConfig({ ...none, to: 'a@x.vn' }).problems).toEqual([
      'CAMNET_MAIL_TO and CAMNET_MAIL_ROUTES need CAMNET_SMTP_URL (smtp://user:password@host:587)',
    ]);
    expect(parseMailConfig({ ...none, smtpUrl: 'smtp://h:25' }).problems).toEqual([
      'CAMNET_SMTP_URL is set but no one would get mail: set CAMNET_MAIL_TO or CAMNET_MAIL_ROUTES',
    ]);
  });
});
