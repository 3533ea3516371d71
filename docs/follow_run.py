"""Follow a Tributary run's logs from the command line, live, losing nothing across reconnects.

    pip install websockets
    export TRIBUTARY_TOKEN=...   # POST /api/v1/auth/token/ {"username": ..., "password": ...}
    python docs/follow_run.py http://127.0.0.1:8000 --workspace demo --run 12

Prints every log line of the run once, in order (from the first, or from the snapshot's last
200 with --tail), then step and run status changes on stderr; exits 0 when the run succeeded,
1 when it failed or was cancelled. The protocol is described in docs/live-events.md:

1. connect to ws/runs/<id>/ (API token in the subprotocols ``token, <key>``);
2. the first message is a snapshot as of sequence number ``seq``, with the last 200 lines;
   lines after the last one printed that the snapshot does not hold are read from
   ``GET /api/v1/workspaces/<slug>/runs/<id>/logs/?after=<seq>``;
3. then every event, in order, each with its ``seq``; remember the last one;
4. when the connection drops, reconnect and go on from step 2 with the remembered ``seq``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import urllib.parse
import urllib.request
from typing import Any

import websockets

FINAL = {"succeeded", "failed", "cancelled"}
REFUSED = {4401: "not signed in: check the token", 4403: "no such run in your workspaces"}


class Follower:
    """Prints one run's log lines exactly once, whatever happens to the connection."""

    def __init__(self, base_url: str, workspace: str, run: int, token: str, node: str) -> None:
        self.base_url, self.workspace, self.run = base_url.rstrip("/"), workspace, run
        self.token, self.node = token, node
        self.last = 0  # the sequence number of the last event handled
        self.status = ""

    def show(self, entry: dict[str, Any]) -> None:
        """Print a log line (from the stream or the REST API) not printed before."""
        if entry["seq"] <= self.last:
            return
        self.last = entry["seq"]
        if self.node and entry["node"] != self.node:
            return
        level = "" if entry["level"] == "info" else f"{entry['level'].upper()}: "
        print(f"{entry['node']} | {level}{entry['message']}", flush=True)

    def backfill(self, upto: int) -> None:
        """Print the lines after `self.last` up to `upto`, read from the REST API."""
        url = f"{self.base_url}/api/v1/workspaces/{self.workspace}/runs/{self.run}/logs/"
        while True:
            query = {
                "after": self.last,
                "page_size": 500,
                **({"node": self.node} if self.node else {}),
            }
            request = urllib.request.Request(
                f"{url}?{urllib.parse.urlencode(query)}",
                headers={"Authorization": f"Token {self.token}"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                page = json.load(response)
            for entry in page["results"]:
                if entry["seq"] > upto:
                    return
                self.show(entry)
            if not page["next"]:
                return

    def catch_up(self, snapshot: dict[str, Any], tail: bool) -> None:
        """Print what the snapshot adds to what was printed already."""
        logs = snapshot["logs"]
        if tail and self.last == 0 and logs:
            self.last = logs[0]["seq"] - 1
        if snapshot["earlier_logs"] and (not logs or logs[0]["seq"] > self.last + 1):
            self.backfill(logs[0]["seq"] - 1 if logs else snapshot["seq"])
        for entry in logs:
            self.show(entry)
        self.last = max(self.last, snapshot["seq"])
        for step in snapshot["steps"]:
            print(f"step {step['node']}: {step['status']}", file=sys.stderr)
        self.status = snapshot["status"]

    def handle(self, event: dict[str, Any]) -> None:
        if event["type"] == "log":
            self.show(event)
        elif event["type"] == "step.status":
            print(f"step {event['node']}: {event['status']}", file=sys.stderr)
        elif event["type"] == "run.status":
            self.status = event["status"]
            print(f"run {self.run}: {event['status']}", file=sys.stderr)
        self.last = max(self.last, event["seq"])

    async def follow(self, tail: bool) -> int:
        ws_url = self.base_url.replace("http", "ws", 1) + f"/ws/runs/{self.run}/"
        delay = 1.0
        while True:
            try:
                # Browsers send Origin themselves; the server refuses a handshake without one.
                async with websockets.connect(
                    ws_url, origin=self.base_url, subprotocols=["token", self.token], max_size=None
                ) as ws:
                    self.catch_up(json.loads(await ws.recv()), tail)
                    delay = 1.0
                    while self.status not in FINAL:
                        self.handle(json.loads(await ws.recv()))
                self.backfill(sys.maxsize)  # a line logged after the run ended (rare)
                return 0 if self.status == "succeeded" else 1
            except websockets.InvalidStatus as refused:
                status = refused.response.status_code
                print(f"refused ({status}): is the URL the server's own address?", file=sys.stderr)
                return 2
            except websockets.ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
                if code in REFUSED:
                    print(f"refused: {REFUSED[code]}", file=sys.stderr)
                    return 2
                print(f"connection lost ({code}); reconnecting", file=sys.stderr)
            except OSError as error:
                print(f"cannot connect ({error}); retrying in {delay:.0f} s", file=sys.stderr)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)


def main() -> int:
    parser = argparse.ArgumentParser(description="Follow a Tributary run's logs.")
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--workspace", required=True, help="the workspace's slug")
    parser.add_argument("--run", type=int, required=True, help="the run's id")
    parser.add_argument("--token", default=os.environ.get("TRIBUTARY_TOKEN", ""))
    parser.add_argument("--node", default="", help="only this node's lines")
    parser.add_argument("--tail", action="store_true", help="start from the last 200 lines")
    args = parser.parse_args()
    if not args.token:
        parser.error("give --token or set TRIBUTARY_TOKEN (POST /api/v1/auth/token/ makes one)")
    follower = Follower(args.url, args.workspace, args.run, args.token, args.node)
    return asyncio.run(follower.follow(args.tail))


if __name__ == "__main__":
    sys.exit(main())
