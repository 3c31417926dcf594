// One WebSocket connection: its path kind, login state and subscriptions, and the single place
// where frames leave the simulator, so every fault (mute, pause, delay, malformed) applies here.
import type { ServerWebSocket } from "bun";
import type { WsChannelArg, WsKind } from "../../okx/types.ts";
import type { Faults } from "../faults.ts";

export interface Sub {
  session: Session;
  arg: WsChannelArg;
  /** The arg as pushes echo it (private channels add uid), serialized once. */
  argJson: string;
}

export interface SocketData {
  session?: Session;
  kind: WsKind;
  path: string;
}

/** Pending bytes above which a slow reader is cut off instead of buffering without bound. */
const MAX_BUFFERED = 8 * 1024 * 1024;

export class Session {
  readonly connId: string;
  loggedIn = false;
  /** Subscriptions by topic key ("books:BTC-USDT", "orders", ...). */
  readonly subs = new Map<string, Sub>();
  lastTraffic = Date.now();
  /** login/subscribe/unsubscribe requests in the current hour (OKX: 480). */
  requests: number[] = [];
  closed = false;

  constructor(
    readonly ws: ServerWebSocket<SocketData>,
    readonly kind: WsKind,
    private readonly faults: Faults,
    connNo: number,
  ) {
    this.connId = ((connNo * 2654435761) >>> 0).toString(16).padStart(8, "0");
  }

  /** Replies, events and pong: held back only by mute and delay. */
  sendControl(text: string): void {
    if (this.faults.muted) return;
    this.out(text);
  }

  /** Data pushes: also stopped by a push pause and possibly broken on purpose. */
  sendData(text: string): void {
    if (this.faults.muted || this.faults.pushesPaused()) return;
    if (this.faults.takeMalformed()) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    this.out(text);
  }

  private out(text: string): void {
    if (this.closed) return;
    const delay = this.faults.delayMs;
    if (delay > 0) setTimeout(() => this.write(text), delay);
    else this.write(text);
  }

  private write(text: string): void {
    if (this.closed) return;
    if (this.ws.getBufferedAmount() > MAX_BUFFERED) {
      this.terminate();
      return;
    }
    this.ws.sendText(text);
    this.lastTraffic = Date.now();
  }

  /** Abrupt close without a close frame, as a network failure looks to the client. */
  terminate(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.terminate();
    } catch {}
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.close(code, reason);
    } catch {}
  }
}
