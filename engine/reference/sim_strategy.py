"""A SIMULATED two-sided market maker for the reference engine: nothing here reaches an exchange.

The market is a random walk of a mid price; the strategy quotes a bid and an ask around it, and on
each tick one of its quotes may be "filled" at random (probability `fillProbability`). It keeps its
position, average price and realized/unrealized PnL from its own fills, and produces tradewire
events (orders, fills, positions, strategy status), every one marked "simulated": true.
"""

import random

PARAM_DEFAULTS = {"spreadBps": 10, "size": "0.01", "maxPosition": "0.05", "fillProbability": 0.3}

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "spreadBps": {"type": "number", "minimum": 1, "maximum": 1000, "description": "quote distance from mid, in basis points"},
        "size": {"type": "string", "pattern": r"^\d+(\.\d+)?$", "description": "size of each quote"},
        "maxPosition": {"type": "string", "pattern": r"^\d+(\.\d+)?$", "description": "largest absolute position"},
        "fillProbability": {"type": "number", "minimum": 0, "maximum": 1, "description": "chance per tick that a quote fills (simulation)"},
    },
    "additionalProperties": False,
}


def validate_params(params):
    """Returns an error message, or None when params (a partial update) are valid."""
    if not isinstance(params, dict):
        return "params: not an object"
    for k, v in params.items():
        if k not in PARAM_DEFAULTS:
            return f"params.{k}: unknown parameter"
        if k in ("size", "maxPosition"):
            try:
                if not isinstance(v, str) or float(v) <= 0:
                    raise ValueError
            except ValueError:
                return f"params.{k}: a positive decimal string"
        elif k == "spreadBps" and not (isinstance(v, (int, float)) and 1 <= v <= 1000):
            return "params.spreadBps: a number from 1 to 1000"
        elif k == "fillProbability" and not (isinstance(v, (int, float)) and 0 <= v <= 1):
            return "params.fillProbability: a number from 0 to 1"
    return None


def fmt(x):
    return f"{x:.8f}".rstrip("0").rstrip(".") or "0"


class SimulatedMarketMaker:
    def __init__(self, sid, instrument, params=None, seed=None):
        self.id = sid
        self.name = "Reference market maker (simulated)"
        self.instrument = instrument
        self.params = dict(PARAM_DEFAULTS, **(params or {}))
        self.state = "stopped"
        self.reason = None
        self.rng = random.Random(seed)
        self.mid = 43000.0
        self.position = 0.0
        self.avg_px = 0.0
        self.realized = 0.0
        self.fills = 0
        self.orders = {}  # side -> open order
        self.seq = 0

    # --- what the engine reports -------------------------------------------------------------

    def describe(self):
        return {
            "id": self.id,
            "name": self.name,
            "instruments": [self.instrument],
            "params": self.params,
            "state": self.state,
            "reason": self.reason,
            "paramsSchema": PARAMS_SCHEMA,
            "stats": self.stats(),
        }

    def stats(self):
        unrealized = (self.mid - self.avg_px) * self.position if self.position else 0.0
        return {
            "position": fmt(self.position),
            "avgPx": fmt(self.avg_px),
            "realizedPnl": fmt(self.realized),
            "unrealizedPnl": fmt(unrealized),
            "openOrders": len(self.orders),
            "fills": self.fills,
            "mid": fmt(self.mid),
            "simulated": True,
        }

    def status_event(self):
        data = {"id": self.id, "state": self.state, "reason": self.reason, "lastError": None, **self.stats()}
        return ("strategy", f"strategy:{self.id}", data)

    # --- control -----------------------------------------------------------------------------

    def start(self):
        self.state = "running"
        self.reason = None
        return self.quote() + [self.status_event()]

    def stop(self, cancel_orders=True, reason=None):
        events = self.cancel_all() if cancel_orders else []
        self.state = "stopped"
        self.reason = reason
        return events + [self.status_event()]

    def update(self, params):
        self.params.update(params)
        return [self.status_event()]

    def cancel_all(self):
        events = []
        for side in list(self.orders):
            o = self.orders.pop(side)
            events.append(self.order_event(o, "canceled"))
        return events

    # --- the simulation ----------------------------------------------------------------------

    def tick(self):
        """One step of the simulated market; returns the events it caused."""
        self.mid *= 1 + self.rng.gauss(0, 0.0002)
        events = []
        if self.state != "running":
            return events
        if self.orders and self.rng.random() < float(self.params["fillProbability"]):
            side = self.rng.choice(sorted(self.orders))
            events += self.fill(self.orders.pop(side))
        events += self.quote()
        events.append(self.status_event())
        return events

    def quote(self):
        """Re-quotes both sides (cancel + new) within the position limit."""
        events = self.cancel_all()
        half = self.mid * float(self.params["spreadBps"]) / 20000
        size = float(self.params["size"])
        limit = float(self.params["maxPosition"])
        for side, px in (("buy", self.mid - half), ("sell", self.mid + half)):
            after = self.position + (size if side == "buy" else -size)
            if abs(after) > limit + 1e-12:
                continue
            self.seq += 1
            o = {"ordId": f"sim-{self.id}-{self.seq}", "clOrdId": f"{self.id.replace('-', '')[:20]}{self.seq}", "side": side, "px": round(px, 1), "sz": size}
            self.orders[side] = o
            events.append(self.order_event(o, "live"))
        return events

    def fill(self, o):
        px, q = o["px"], o["sz"]
        signed = q if o["side"] == "buy" else -q
        pos = self.position
        if pos == 0 or (pos > 0) == (signed > 0):
            self.avg_px = (self.avg_px * abs(pos) + px * q) / (abs(pos) + q)
        else:
            closed = min(q, abs(pos))
            self.realized += (px - self.avg_px) * closed * (1 if pos > 0 else -1)
            if q > abs(pos):
                self.avg_px = px
        self.position = pos + signed
        if abs(self.position) < 1e-12:
            self.position, self.avg_px = 0.0, 0.0
        self.fills += 1
        fill = {
            "ordId": o["ordId"],
            "clOrdId": o["clOrdId"],
            "instId": self.instrument,
            "tradeId": f"simt-{self.seq}-{self.fills}",
            "side": o["side"],
            "fillPx": fmt(px),
            "fillSz": fmt(q),
            "fee": "0",
            "feeCcy": "USDT",
            "execType": "M",
            "strategyId": self.id,
            "simulated": True,
        }
        position = {"instId": self.instrument, "posSide": "net", "pos": fmt(self.position), "avgPx": fmt(self.avg_px), "strategyId": self.id, "simulated": True}
        return [self.order_event(o, "filled"), ("fill", "fills", fill), ("position", "positions", position)]

    def order_event(self, o, state):
        filled = state == "filled"
        data = {
            "ordId": o["ordId"],
            "clOrdId": o["clOrdId"],
            "instId": self.instrument,
            "side": o["side"],
            "ordType": "post_only",
            "px": fmt(o["px"]),
            "sz": fmt(o["sz"]),
            "state": state,
            "accFillSz": fmt(o["sz"]) if filled else "0",
            "fillPx": fmt(o["px"]) if filled else "",
            "fillSz": fmt(o["sz"]) if filled else "",
            "strategyId": self.id,
            "simulated": True,
        }
        return ("order", "orders", data)
