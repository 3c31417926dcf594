// A signed-in session: the access token kept in memory only and refreshed before it expires
// (with the httpOnly refresh cookie in a browser, or a refresh token held in memory elsewhere),
// stream tickets for EventSource, and one state the app follows to show the login page.
import { hasBroadcastChannel, inBrowserPage } from "./env.ts";
import { ApiRequestError, type Fetcher } from "./http.ts";
import { authApi, type PublicUser, type TokenPair } from "./rest.ts";

export type SessionStatus = "anonymous" | "authenticated" | "unauthorized";

export interface SessionState {
  status: SessionStatus;
  user: PublicUser | null;
  /** Why the session ended (unauthorized). */
  reason?: string;
}

export interface SessionOptions {
  /** Origin of the API ("" = this page's origin). */
  base?: string;
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  /** Where the refresh token lives: the httpOnly cookie (browser default) or memory. */
  refreshVia?: "cookie" | "memory";
  /** Refresh this long before the access token expires (default: a quarter of its life, at most 60 s). */
  refreshAheadMs?: number;
  /** Follow logins and logouts of other tabs of this origin (BroadcastChannel), default on where available. */
  shareAcrossTabs?: boolean;
}

const RETRY_REFRESH_MS = 5_000;

export class Session {
  private access: string | null = null;
  private expiresAt = 0;
  private lifetimeMs = 0;
  private refreshToken: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<void> | null = null;
  private readonly listeners = new Set<(s: SessionState) => void>();
  private readonly raw: Fetcher;
  private readonly auth: ReturnType<typeof authApi>;
  private readonly refreshVia: "cookie" | "memory";
  private readonly channel: BroadcastChannel | undefined;
  state: SessionState = { status: "anonymous", user: null };

  constructor(private readonly o: SessionOptions = {}) {
    const f = o.fetch ?? ((url: string, init?: RequestInit) => fetch(url, init));
    const base = o.base ?? "";
    this.raw = (path, init) => f(`${base}${path}`, { credentials: "same-origin", ...init });
    this.auth = authApi(this.raw);
    this.refreshVia = o.refreshVia ?? (inBrowserPage() ? "cookie" : "memory");
    if ((o.shareAcrossTabs ?? true) && hasBroadcastChannel()) {
      this.channel = new BroadcastChannel("tradewire-session");
      this.channel.onmessage = (m: { data: unknown }) => this.fromOtherTab(m.data);
    }
  }

  get base(): string {
    return this.o.base ?? "";
  }

  onChange(fn: (s: SessionState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Logs in; a wrong password or too many attempts reject with ApiRequestError (401, 429). */
  async login(username: string, password: string): Promise<PublicUser> {
    const pair = await this.auth.login(username, password);
    this.take(pair);
    this.channel?.postMessage({ kind: "login" });
    return pair.user;
  }

  /** Continues a session from the refresh cookie (a reload, a new tab); null when there is none. */
  async restore(): Promise<PublicUser | null> {
    if (this.refreshVia === "memory" && !this.refreshToken) return null;
    try {
      await this.refresh();
    } catch (err) {
      if (err instanceof ApiRequestError && (err.status === 401 || err.status === 403)) return null;
      throw err;
    }
    return this.state.status === "authenticated" ? this.state.user : null;
  }

  async logout(): Promise<void> {
    const token = this.access ?? undefined;
    const refresh = this.refreshToken ?? undefined;
    this.clear({ status: "anonymous", user: null });
    this.channel?.postMessage({ kind: "logout" });
    try {
      await this.auth.logout(token, refresh);
    } catch {
      // the local session is gone either way; the server's ends when its tokens expire
    }
  }

  /** A valid access token, refreshed first when it is about to expire. */
  async token(): Promise<string> {
    if (this.access && Date.now() < this.expiresAt - 5_000) return this.access;
    if (this.state.status !== "authenticated") throw new ApiRequestError(401, "unauthorized", "not signed in");
    await this.refresh();
    if (!this.access) throw new ApiRequestError(401, "unauthorized", "not signed in");
    return this.access;
  }

  /** fetch with the access token; a 401 refreshes once and retries. */
  readonly fetch: Fetcher = async (path, init = {}) => {
    const send = async () => {
      const headers = new Headers(init.headers);
      headers.set("Authorization", `Bearer ${await this.token()}`);
      return this.raw(path, { ...init, headers });
    };
    const res = await send();
    if (res.status !== 401 || this.state.status !== "authenticated") return res;
    await this.refresh();
    return send();
  };

  /** A single-use ticket for `?ticket=` on the stream endpoints. */
  async ticket(): Promise<string> {
    try {
      return (await this.auth.streamTicket(await this.token())).ticket;
    } catch (err) {
      if (!(err instanceof ApiRequestError) || err.status !== 401) throw err;
      await this.refresh();
      return (await this.auth.streamTicket(await this.token())).ticket;
    }
  }

  /**
   * Rotates the tokens (one refresh at a time). A 401/403 ends the session (`unauthorized`, with
   * `endReason` when the caller knows better why, e.g. a stream's `revoked` reason); a network
   * failure keeps the current token and tries again shortly.
   */
  refresh(endReason?: string): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        this.take(await this.auth.refresh(this.refreshVia === "memory" ? (this.refreshToken ?? undefined) : undefined));
      } catch (err) {
        if (err instanceof ApiRequestError && (err.status === 401 || err.status === 403)) {
          if (this.state.status === "authenticated")
            this.clear({ status: "unauthorized", user: this.state.user, reason: endReason ?? err.message });
        } else if (this.state.status === "authenticated") this.schedule(RETRY_REFRESH_MS);
        throw err;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  close(): void {
    clearTimeout(this.timer);
    this.channel?.close();
    this.listeners.clear();
  }

  private take(pair: TokenPair): void {
    this.access = pair.accessToken;
    this.lifetimeMs = pair.expiresIn * 1000;
    this.expiresAt = Date.now() + this.lifetimeMs;
    if (this.refreshVia === "memory") this.refreshToken = pair.refreshToken;
    const ahead = this.o.refreshAheadMs ?? Math.min(60_000, this.lifetimeMs / 4);
    // A little jitter: tabs that logged in together do not refresh together.
    this.schedule(Math.max(1_000, this.lifetimeMs - ahead - Math.random() * Math.min(5_000, ahead / 4)));
    const changed =
      this.state.status !== "authenticated" ||
      this.state.user?.name !== pair.user.name ||
      this.state.user?.role !== pair.user.role;
    this.state = { status: "authenticated", user: pair.user };
    if (changed) this.emit();
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh().catch(() => {}), ms);
  }

  private clear(next: SessionState): void {
    clearTimeout(this.timer);
    this.access = null;
    this.refreshToken = null;
    this.expiresAt = 0;
    this.state = next;
    this.emit();
  }

  private emit(): void {
    for (const fn of [...this.listeners]) fn(this.state);
  }

  private fromOtherTab(msg: unknown): void {
    const kind = (msg as { kind?: string } | null)?.kind;
    if (kind === "logout" && this.state.status !== "anonymous") this.clear({ status: "anonymous", user: null });
    else if (kind === "login" && this.state.status !== "authenticated") void this.restore().catch(() => {});
  }
}
