#!/usr/bin/python3
"""tradewire reference engine: a complete client of the engine protocol (docs/engine-protocol.md).

It registers (hello), heartbeats, runs one SIMULATED market-making strategy (sim_strategy.py)
that publishes orders, fills, positions and its status, and answers commands: strategy.start,
strategy.stop, strategy.update, strategy.cancel_all, kill_switch, and its own cancel_all, ping,
sleep (answers after args.ms, without blocking the loop) and stats (what it ran, for tests).

Single-threaded: one loop blocks on the command stream until the next timer (heartbeat, strategy
tick, a sleeping command) is due. Needs Debian's python3-redis; run with /usr/bin/python3.
"""

import argparse
import json
import logging
import os
import signal
import socket
import time
from collections import OrderedDict

import redis

from sim_strategy import SimulatedMarketMaker, validate_params

GROUP = "engine"
MAXLEN_CONTROL, MAXLEN_EVENTS = 10000, 100000
REMEMBERED = 10000  # answered command ids kept in memory (they survive Redis losing its data)
DONE_TTL_S = 86400
CLAIM_IDLE_MS = 30000
log = logging.getLogger("tradewire-engine")


def now_ms():
    return time.time() * 1000.0


class Engine:
    def __init__(self, r, a):
        self.r = r
        self.id = a.engine_id
        self.instance = a.instance
        self.heartbeat_ms = a.heartbeat_ms
        self.tick_ms = a.tick_ms
        self.control = f"{a.prefix}engine:control"
        self.events = f"{a.prefix}engine:events"
        self.commands = f"{a.prefix}engine:{self.id}:commands"
        self.done_prefix = f"{a.prefix}engine:{self.id}:done:"
        self.strategies = {a.strategy_id: SimulatedMarketMaker(a.strategy_id, a.instrument, seed=a.seed)}
        self.kill_switch = False
        self.answered = OrderedDict()  # command id -> result message (json text)
        self.executed = OrderedDict()  # command id -> times run (stats: must stay 1)
        self.sleeping = {}  # command id -> (due ms, entry id, ms)
        self.hb_seq = 0
        self.next_hb = self.next_tick = self.next_claim = 0.0
        self.read_own_pending = True
        self.running = True
        self.dropped_events = 0
        if a.autostart:
            for s in self.strategies.values():
                s.state = "running"

    # --- sending ---------------------------------------------------------------------------------

    def send_control(self, msg):
        msg = {"v": 1, "engineId": self.id, "ts": now_ms(), **msg}
        self.r.xadd(self.control, {"m": json.dumps(msg)}, maxlen=MAXLEN_CONTROL, approximate=True)

    def presence(self, kind):
        msg = {"type": kind, "instance": self.instance, "heartbeatMs": self.heartbeat_ms, "strategies": [s.describe() for s in self.strategies.values()]}
        if kind == "hello":
            msg["commands"] = ["strategy.start", "strategy.stop", "strategy.update", "strategy.cancel_all", "kill_switch", "cancel_all", "ping", "sleep", "stats"]
            msg["info"] = {"name": "tradewire reference engine", "version": "1.0.0", "simulated": True}
        else:
            self.hb_seq += 1
            msg["seq"] = self.hb_seq
        self.send_control(msg)
        self.next_hb = now_ms() + self.heartbeat_ms

    def publish(self, events):
        if not events:
            return
        try:
            pipe = self.r.pipeline(transaction=False)
            ts = repr(now_ms())
            for etype, channel, data in events:
                fields = {"engineId": self.id, "type": etype, "channel": channel, "data": json.dumps(data), "ts": ts}
                pipe.xadd(self.events, fields, maxlen=MAXLEN_EVENTS, approximate=True)
            pipe.execute()
        except redis.ConnectionError:
            self.dropped_events += len(events)  # events are live data: dropped while Redis is away

    # --- setup and the loop --------------------------------------------------------------------------

    def setup(self):
        """Group at the stream's start (created if missing), then hello."""
        try:
            self.r.xgroup_create(self.commands, GROUP, id="0", mkstream=True)
        except redis.ResponseError as e:
            if "BUSYGROUP" not in str(e):
                raise
        self.read_own_pending = True
        self.presence("hello")

    def run(self):
        backoff = 0.05
        need_setup = True
        while self.running:
            try:
                if need_setup:
                    self.setup()
                    need_setup = False
                self.step()
                backoff = 0.05
            except redis.ResponseError as e:
                if "NOGROUP" not in str(e):
                    raise
                log.warning("command group gone (Redis lost its data?): creating it again")
                need_setup = True
            except (redis.ConnectionError, redis.TimeoutError) as e:
                log.warning("redis: %s; retrying in %.2f s", e, backoff)
                time.sleep(backoff)
                backoff = min(backoff * 2, 1.0)
                need_setup = True
        try:
            self.send_control({"type": "bye", "instance": self.instance, "reason": "shutdown"})
        except redis.RedisError:
            pass

    def step(self):
        now = now_ms()
        if now >= self.next_hb:
            self.presence("heartbeat")
        if now >= self.next_tick:
            self.next_tick = now + self.tick_ms
            for s in self.strategies.values():
                self.publish(s.tick())
        for cid, (due, entry_id, ms) in list(self.sleeping.items()):
            if now >= due:
                del self.sleeping[cid]
                self.complete(cid, entry_id, "done", {"slept": ms})
        if now >= self.next_claim:
            self.next_claim = now + 5 * self.heartbeat_ms
            self.claim()
        if self.read_own_pending:
            got = self.r.xreadgroup(GROUP, self.instance, {self.commands: "0"}, count=100)
            entries = got[0][1] if got else []
            if not entries:
                self.read_own_pending = False
        else:
            due = min([self.next_hb, self.next_tick] + [d for d, _, _ in self.sleeping.values()])
            block = int(max(1, min(1000, due - now_ms())))
            got = self.r.xreadgroup(GROUP, self.instance, {self.commands: ">"}, count=100, block=block)
            entries = got[0][1] if got else []
        for entry_id, fields in entries:
            if fields is None:  # trimmed away while pending
                self.r.xack(self.commands, GROUP, entry_id)
                continue
            self.handle(entry_id, fields)

    def claim(self):
        """Takes over commands a crashed instance of this engine left unacknowledged (idle 30 s)."""
        res = self.r.execute_command("XAUTOCLAIM", self.commands, GROUP, self.instance, CLAIM_IDLE_MS, "0-0", "COUNT", 100)
        for entry_id, f in res[1]:
            if f:
                self.handle(entry_id, dict(zip(f[::2], f[1::2])))
        deleted = res[2] if len(res) > 2 else []
        if deleted:  # trimmed away while pending: nothing to run
            self.r.xack(self.commands, GROUP, *deleted)

    # --- commands ----------------------------------------------------------------------------------

    def handle(self, entry_id, fields):
        try:
            msg = json.loads(fields["m"])
            cid, name, args, by = msg["id"], msg["name"], msg.get("args") or {}, msg.get("by", "?")
        except (KeyError, TypeError, ValueError):
            log.warning("malformed command entry %s: acknowledged and skipped", entry_id)
            self.r.xack(self.commands, GROUP, entry_id)
            return
        if msg.get("v") != 1:
            self.complete(cid, entry_id, "failed", error=("bad_version", f"protocol version {msg.get('v')} is not 1"))
            return
        stored = self.answered.get(cid) or self.r.get(self.done_prefix + cid)
        if stored is not None:  # a repeat: the same answer again, never a second run
            self.remember(cid, stored)
            self.finish(cid, entry_id, stored)
            return
        if cid in self.sleeping:  # a repeat of one in progress: it will answer
            self.r.xack(self.commands, GROUP, entry_id)
            return
        deadline = msg.get("deadline")
        if isinstance(deadline, (int, float)) and now_ms() > deadline:
            self.complete(cid, entry_id, "failed", error=("expired", "deadline passed before it ran"))
            return
        self.send_control({"type": "accepted", "id": cid})
        self.executed[cid] = self.executed.get(cid, 0) + 1
        while len(self.executed) > REMEMBERED:
            self.executed.popitem(last=False)
        if name == "sleep":
            ms = float(args.get("ms", 0))
            self.sleeping[cid] = (now_ms() + ms, entry_id, ms)
            return
        try:
            status, result, error = self.execute(name, args, by)
        except Exception as e:  # a bug in a command must not stop the engine
            log.exception("command %s failed", name)
            status, result, error = "failed", {}, ("internal", str(e))
        self.complete(cid, entry_id, status, result, error)

    def execute(self, name, args, by):
        """Runs one command: (status, result, (code, message) or None)."""
        if name == "ping":
            return "done", {"pong": True, "args": args, "engineTs": now_ms()}, None
        if name == "stats":
            dup = [c for c, n in self.executed.items() if n > 1]
            return "done", {"executed": len(self.executed), "duplicates": dup, "ids": list(self.executed), "droppedEvents": self.dropped_events}, None
        if name == "kill_switch":
            self.kill_switch = bool(args.get("on"))
            stopped = []
            if self.kill_switch:
                for s in self.strategies.values():
                    if s.state == "running":
                        self.publish(s.stop(True, "kill switch"))
                        stopped.append(s.id)
            self.presence("heartbeat")
            return "done", {"killSwitch": self.kill_switch, "stopped": stopped}, None
        if name == "cancel_all":
            n = 0
            for s in self.strategies.values():
                ev = s.cancel_all()
                n += len(ev)
                self.publish(ev + [s.status_event()])
            return "done", {"canceled": n}, None
        if not name.startswith("strategy."):
            return "failed", {}, ("unknown_command", f"no command {name}")
        s = self.strategies.get(args.get("strategyId"))
        if s is None:
            return "failed", {}, ("unknown_strategy", f"no strategy {args.get('strategyId')}")
        if name == "strategy.start":
            if self.kill_switch:
                return "failed", {}, ("kill_switch_on", "the kill switch is on")
            if s.state == "running":
                return "failed", {}, ("conflict", f"{s.id} is already running")
            self.publish(s.start())
        elif name == "strategy.stop":
            canceled = len(s.orders) if args.get("cancelOrders", True) else 0
            self.publish(s.stop(args.get("cancelOrders", True), f"stopped by {by}"))
            self.presence("heartbeat")
            return "done", {"state": s.state, "canceled": canceled}, None
        elif name == "strategy.update":
            err = validate_params(args.get("params"))
            if err:
                return "failed", {}, ("invalid_params", err)
            self.publish(s.update(args["params"]))
        elif name == "strategy.cancel_all":
            ev = s.cancel_all()
            self.publish(ev + [s.status_event()])
            return "done", {"canceled": len(ev)}, None
        else:
            return "failed", {}, ("unknown_command", f"no command {name}")
        self.presence("heartbeat")  # the strategy list changed: say so at once
        return "done", {"state": s.state, "params": s.params}, None

    def complete(self, cid, entry_id, status, result=None, error=None):
        msg = {"v": 1, "type": "result", "engineId": self.id, "id": cid, "status": status, "result": result or {}}
        if error:
            msg["error"] = {"code": error[0], "message": error[1]}
        text = json.dumps(msg)
        self.remember(cid, text)
        self.finish(cid, entry_id, text)

    def finish(self, cid, entry_id, text):
        """Result, done record and acknowledgement in one transaction."""
        msg = json.loads(text)
        msg["ts"] = now_ms()
        pipe = self.r.pipeline(transaction=True)
        pipe.xadd(self.control, {"m": json.dumps(msg)}, maxlen=MAXLEN_CONTROL, approximate=True)
        pipe.set(self.done_prefix + cid, text, ex=DONE_TTL_S)
        pipe.xack(self.commands, GROUP, entry_id)
        pipe.execute()

    def remember(self, cid, text):
        self.answered[cid] = text
        self.answered.move_to_end(cid)
        while len(self.answered) > REMEMBERED:
            self.answered.popitem(last=False)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"))
    p.add_argument("--engine-id", default="ref-1")
    p.add_argument("--instance", default=f"{socket.gethostname()}:{os.getpid()}")
    p.add_argument("--prefix", default="tw:")
    p.add_argument("--heartbeat-ms", type=int, default=1000)
    p.add_argument("--tick-ms", type=int, default=500, help="strategy tick (simulated market step)")
    p.add_argument("--strategy-id", default="ref-mm")
    p.add_argument("--instrument", default="BTC-USDT")
    p.add_argument("--autostart", action="store_true", help="start the strategy at once")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--log-level", default="INFO")
    a = p.parse_args()
    logging.basicConfig(level=a.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    r = redis.Redis.from_url(a.redis, decode_responses=True, socket_timeout=5, socket_connect_timeout=2)
    engine = Engine(r, a)

    def stop(*_):
        engine.running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("engine %s (%s) on %s", a.engine_id, a.instance, a.redis.split("@")[-1])
    engine.run()


if __name__ == "__main__":
    main()
