#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The README's screenshots, taken from a running `make run` (demo data) with
headless Chromium, driven over the DevTools protocol.

Sends the demo events plus one for an unmapped employee (so "Needs
Attention" has something to show), logs in as admin, and saves:
  static/description/needs_attention.png   the Needs Attention list
  static/description/job_form.png          that job's form

  python3 tools/screenshots.py [--url http://localhost:8069]
Needs `requests` and `websocket-client` (both in Odoo's requirements).
"""

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

sys.path.insert(0, str(Path(__file__).resolve().parent))
from send_event import DEMO_DATA, DEMO_SECRET, DEMO_TOKEN, demo_event, send

OUT = Path(__file__).resolve().parent.parent / "static" / "description"
JOBS = "/odoo/action-construction_connector.action_inbound_job"
SIZE = (1366, 768)


def send_samples(url):
    """The README's samples, and one the demo mappings cannot resolve."""
    for event_type in DEMO_DATA:
        event = demo_event(event_type)
        send(url, DEMO_TOKEN, DEMO_SECRET, "standard", json.dumps(event).encode(), event_id=event["id"])
    waiting = demo_event("timesheet.approved")
    waiting["data"].update(timesheet_id="TS-2001", employee="EMP-999", notes="New hire, not mapped yet")
    response = send(url, DEMO_TOKEN, DEMO_SECRET, "standard", json.dumps(waiting).encode(), event_id=waiting["id"])
    return response.json()["job_id"]


def login(url, db, user, password):
    session = requests.Session()
    response = session.post(
        f"{url}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db, "login": user, "password": password}},
        timeout=30,
    )
    response.raise_for_status()
    if response.json().get("error"):
        raise SystemExit(f"login failed: {response.json()['error']['data']['message']}")
    return session.cookies["session_id"]


class Browser:
    """Just enough of the DevTools protocol: navigate, wait, screenshot."""

    def __init__(self, port=9333):
        binary = next(filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None)
        if not binary:
            raise SystemExit("chromium not found: apt-get install chromium")
        self.profile = tempfile.mkdtemp(prefix="cc-shots-")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                f"--remote-debugging-port={port}",
                f"--remote-allow-origins=http://127.0.0.1:{port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={SIZE[0]},{SIZE[1]}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                pages = requests.get(f"http://127.0.0.1:{port}/json", timeout=1).json()
                target = next(page for page in pages if page["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration, ValueError):
                time.sleep(0.2)
        else:
            self.process.kill()
            raise SystemExit("chromium did not start")
        try:
            self.socket = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=30)
        except Exception:
            self.process.kill()
            raise
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def open(self, url, ready_selector, timeout=30):
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.call("Runtime.evaluate", expression=f"!!document.querySelector({json.dumps(ready_selector)})")
            if found.get("result", {}).get("value"):
                time.sleep(1.5)  # let the last renders and fonts settle
                return
            time.sleep(0.3)
        raise SystemExit(f"{url}: {ready_selector} never appeared")

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        print(f"saved {path}")

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="construction")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    args = parser.parse_args(argv)

    job_id = send_samples(args.url)
    time.sleep(5)  # the cron posts the samples and parks the unmapped one
    session_id = login(args.url, args.db, args.login, args.password)
    browser = Browser()
    try:
        browser.call(
            "Emulation.setDeviceMetricsOverride", width=SIZE[0], height=SIZE[1], deviceScaleFactor=1, mobile=False
        )
        host = args.url.split("://", 1)[1].split("/", 1)[0].split(":")[0]
        browser.call("Network.setCookie", name="session_id", value=session_id, domain=host, path="/")
        browser.open(f"{args.url}{JOBS}", ".o_list_renderer .o_data_row")
        browser.screenshot(OUT / "needs_attention.png")
        browser.open(f"{args.url}{JOBS}/{job_id}", ".o_form_view .o_statusbar_status")
        browser.screenshot(OUT / "job_form.png")
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
