/**
 * Single sign-on through the agency's OpenID Connect provider (openid-client):
 * the authorization code flow with PKCE, state and nonce; the person's role from
 * a claim of the userinfo mapped by CAMNET_OIDC_ROLE_MAP; a camnet user created
 * on the first login and kept in step (name, role) at every login after.
 */
import { BadRequestException, ForbiddenException, Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { CAMNET_CONFIG, CamnetConfig, OidcConfig } from '../config/config';
import { AppUser } from './user.entity';
import { normaliseLogin } from './user.service';

type OidcClient = typeof import('openid-client');

/** What the browser keeps (httpOnly cookie) between leaving for the provider and coming back. */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
}

@Injectable()
export class OidcService {
  private readonly users: Repository<AppUser>;
  private configuration: Promise<{ client: OidcClient; config: import('openid-client').Configuration }> | null = null;

  constructor(
    dataSource: DataSource,
    @Inject(CAMNET_CONFIG) private readonly camnet: CamnetConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.users = dataSource.getRepository(AppUser);
  }

  get enabled(): boolean {
    return this.camnet.oidc !== null;
  }

  /** The provider's URL to send the browser to, and what to remember for the way back. */
  async start(): Promise<{ url: string; pending: OidcPending }> {
    const { client, config } = await this.discover();
    const pending = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings().redirectUri,
      scope: 'openid profile',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, pending };
  }

  /** The provider sent the browser back: the camnet user it vouches for (created on the first login). */
  async finish(currentUrl: URL, pending: OidcPending | null): Promise<AppUser> {
    const settings = this.settings();
    if (!pending) throw new BadRequestException('the single sign-on was not started from this browser, or took too long: start again from the sign-in form');
    const { client, config } = await this.discover();
    let claims: Record<string, unknown>;
    let subject: string;
    try {
      const tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      });
      subject = tokens.claims()!.sub;
      claims = await client.fetchUserInfo(config, tokens.access_token, subject);
    } catch (err) {
      throw new UnauthorizedException(`the identity provider's answer was refused: ${(err as Error).message}`);
    }
    const value = claims[settings.roleClaim];
    const role = (Array.isArray(value) ? value : [value]).map((v) => settings.roleMap[String(v)]).find(Boolean);
    if (!role)
      throw new ForbiddenException(
        `your identity provider gives no camnet role (claim ${settings.roleClaim} = ${JSON.stringify(value ?? null)}); ask an admin`,
      );
    const key = `${settings.issuer} ${subject}`;
    const name = String(claims.name ?? claims.preferred_username ?? subject).slice(0, 200);
    const now = this.clock.now();
    const existing = await this.users.findOne({ where: { oidcSubject: key } });
    if (existing) {
      if (existing.state !== 'active') throw new UnauthorizedException('this account is disabled; ask an admin');
      await this.users.update(existing.id, { name, role, updatedAt: now });
      return { ...existing, name, role };
    }
    const base =
      normaliseLogin(String(claims.preferred_username ?? subject))
        .replace(/[^a-z0-9._@-]/g, '-')
        .slice(0, 56) || 'sso';
    const login = (await this.users.exists({ where: { login: base } }))
      ? `${base}-${subject
          .slice(-6)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')}`
      : base;
    return this.users.save(this.users.create({ login, name, role, oidcSubject: key, passwordHash: null, createdAt: now, updatedAt: now }));
  }

  private settings(): OidcConfig {
    if (!this.camnet.oidc) throw new NotFoundException('single sign-on is not configured (CAMNET_OIDC_ISSUER …)');
    return this.camnet.oidc;
  }

  private discover() {
    const s = this.settings();
    this.configuration ??= (async () => {
      // openid-client is ESM-only: loaded on first use (Node ≥ 20.19 requires ESM from CommonJS).
      const client: OidcClient = await import('openid-client');
      const issuer = new URL(s.issuer);
      const options = issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined;
      const config = await client.discovery(issuer, s.clientId, s.clientSecret, undefined, options);
      return { client, config };
    })().catch((err) => {
      this.configuration = null;
      throw new UnauthorizedException(`the identity provider ${s.issuer} cannot be reached: ${err.message}`);
    });
    return this.configuration;
  }
}
