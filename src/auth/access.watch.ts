/**
 * Long-lived connections (the live event stream) end when the access behind them
 * ends: at once when this replica revokes a token, ends a session or disables a
 * user, and within RECHECK_MS for what another replica did or the clock ended
 * (idle and absolute session timeouts, token expiry).
 */
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { AuthContext } from './auth-context';
import { SessionService } from './session.service';
import { TokenService } from './token.service';

/** Well inside the 5 s within which a stream must close after its access ended. */
export const RECHECK_MS = 2000;

interface Watched {
  auth: AuthContext;
  close: () => void;
}

export interface AccessEnded {
  tokenId?: number;
  sessionId?: number;
  userId?: number;
}

@Injectable()
export class AccessWatch implements OnModuleDestroy {
  private readonly logger = new Logger('access');
  private readonly watched = new Set<Watched>();
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
  ) {}

  /** Calls `close` once the caller's access ends; answers the function that stops watching. */
  watch(auth: AuthContext, close: () => void): () => void {
    const entry: Watched = { auth, close };
    this.watched.add(entry);
    this.timer ??= setInterval(() => void this.recheck(), RECHECK_MS).unref();
    return () => this.drop(entry);
  }

  /** This replica ended some access: close what depended on it now. */
  ended(what: AccessEnded): void {
    for (const w of [...this.watched]) {
      const a = w.auth;
      const hit =
        (what.tokenId !== undefined && a.tokenId === what.tokenId) ||
        (what.sessionId !== undefined && a.sessionId === what.sessionId) ||
        (what.userId !== undefined && a.userId === what.userId);
      if (hit) this.closeOne(w);
    }
  }

  get size(): number {
    return this.watched.size;
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async recheck(): Promise<void> {
    if (this.checking || this.watched.size === 0) return;
    this.checking = true;
    try {
      const entries = [...this.watched];
      const tokenIds = [...new Set(entries.filter((w) => !w.auth.sessionId && w.auth.tokenId).map((w) => w.auth.tokenId!))];
      const sessionIds = [...new Set(entries.filter((w) => w.auth.sessionId).map((w) => w.auth.sessionId!))];
      const [liveTokens, liveSessions] = await Promise.all([this.tokens.liveIds(tokenIds), this.sessions.liveIds(sessionIds)]);
      for (const w of entries) {
        const live = w.auth.sessionId ? liveSessions.has(w.auth.sessionId) : w.auth.tokenId ? liveTokens.has(w.auth.tokenId) : false;
        if (!live) this.closeOne(w);
      }
    } catch (err) {
      // A database hiccup must not close everyone's stream; the next round tries again.
      this.logger.warn(`could not re-check the live streams' access: ${(err as Error).message}`);
    } finally {
      this.checking = false;
    }
  }

  private closeOne(w: Watched): void {
    this.drop(w);
    w.close();
  }

  private drop(w: Watched): void {
    this.watched.delete(w);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
