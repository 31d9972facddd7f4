"""Benchmark: API latency under gunicorn with the production settings, on loopback only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/migu_bench_api python bench/api_load.py [--rate 200] [--seconds 30]

Seeds a small data set in that database (a benchmark database: partners ``LOAD…``, their complaint tickets, a
partner login and a staff login with tokens), starts gunicorn (``deploy/gunicorn.conf.py``, production
settings, a throw-away SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, plain HTTP, the per-user API throttle raised so
the load is measured rather than refused) on a free loopback port, and sends:

  (1) partner lists: ``GET /api/v1/<list>/`` with the partner's token, open loop at ``--rate`` requests/s for
      ``--seconds`` (round-robin over the partner-scoped lists);
  (2) the staff list ``GET /api/v1/complaints/?page_size=500``, ``--staff-requests`` times, one at a time.

Latency is taken from each request's scheduled start (an overloaded server shows as latency, not as a lower
rate). Bounded: loopback only, at most 120 s and 30,000 requests per phase. Prints p50/p90/p99/max, the
achieved rate, errors and the machine load.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._setup import ROOT, django_setup  # noqa: E402

HOST = "127.0.0.1"
PARTNER_LISTS = ["partners", "contracts", "complaints", "revenues", "contributions"]
MAX_SECONDS, MAX_REQUESTS = 120, 30_000


def seed(tickets_per_partner: int) -> tuple[str, str]:
    """Partners, tickets and two logins with tokens; returns (partner token, staff token)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from partners.models import ComplaintTicket, Partner
    from partners.services import partner_user_create

    call_command("migrate", verbosity=0)
    partners = [Partner.objects.get_or_create(code=f"LOAD{n:03d}", defaults={"name": f"压测{n}"})[0] for n in range(5)]
    if not ComplaintTicket.objects.filter(ticket_id__startswith="LOAD-").exists():
        day = dt.date(2026, 3, 1)
        ComplaintTicket.objects.bulk_create([
            ComplaintTicket(ticket_id=f"LOAD-{partner.code}-{n:05d}", partner=partner,
                            cooperation_type="sales_channel", received_on=day + dt.timedelta(days=n % 28))
            for partner in partners for n in range(tickets_per_partner)
        ], batch_size=2000)
    users = get_user_model().objects
    partner_user = users.filter(username="load_partner").first() or partner_user_create(
        username="load_partner", partner_code=partners[0].code)
    staff = users.filter(username="load_staff").first() or users.create_superuser("load_staff", password=None)
    return (Token.objects.get_or_create(user=partner_user)[0].key, Token.objects.get_or_create(user=staff)[0].key)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, preload: bool = True) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "migu_ops.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false", "SECURE_HSTS_SECONDS": "0",
        "THROTTLE_USER": "1000000/minute",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_PRELOAD": "true" if preload else "false",
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "migu_ops.wsgi:application", "--config", "deploy/gunicorn.conf.py",
         "--bind", f"{HOST}:{port}", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status < 500:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit(f"gunicorn did not answer: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")


class Client:
    """One keep-alive connection (the staff requests, one at a time)."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def get(self, path: str, token: str) -> tuple[int, bytes]:
        try:
            self.connection.request("GET", path, headers={"Authorization": f"Token {token}"})
            response = self.connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise


def open_loop(port: int, token: str, paths: list[str], rate: float, seconds: float, connections: int) -> dict:
    """Requests scheduled at a fixed rate over ``connections`` keep-alive connections (asyncio, so the load
    generator's own CPU use stays small beside the server on the same machine); latency from the scheduled
    start, so a request waiting for a free connection counts its wait."""
    return asyncio.run(_open_loop(port, token, paths, rate, seconds, connections))


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status, length, keep_alive, chunked = int(lines[0].split()[1]), 0, True, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value == b"close":
            keep_alive = False
        elif name == b"transfer-encoding" and b"chunked" in value:
            chunked = True
    if not chunked:
        await reader.readexactly(length)
        return status, keep_alive
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        await reader.readexactly(size + 2)
        if size == 0:
            return status, keep_alive


async def _open_loop(port: int, token: str, paths: list[str], rate: float, seconds: float, connections: int) -> dict:
    total = min(int(rate * seconds), MAX_REQUESTS)
    requests = [
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Token {token}\r\n"
        f"Accept: application/json\r\n\r\n".encode()
        for path in paths
    ]
    queue: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    errors: list[str] = []

    async def connection() -> None:
        reader = writer = None
        while (item := await queue.get()) is not None:
            number, scheduled = item
            failure = None
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, port)
                writer.write(requests[number % len(requests)])
                status, keep_alive = await asyncio.wait_for(_read_response(reader), timeout=30)
                failure = None if status == 200 else f"HTTP {status}"
                if not keep_alive:
                    writer.close()
                    writer = None
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as exc:
                failure = type(exc).__name__
                if writer is not None:
                    writer.close()
                writer = None
            latencies.append(time.perf_counter() - scheduled)
            if failure:
                errors.append(failure)
        if writer is not None:
            writer.close()

    pool = [asyncio.create_task(connection()) for _ in range(connections)]
    start = time.perf_counter() + 0.2
    for number in range(total):
        scheduled = start + number / rate
        pause = scheduled - time.perf_counter()
        if pause > 0:
            await asyncio.sleep(pause)
        queue.put_nowait((number, scheduled))
    for _ in pool:
        queue.put_nowait(None)
    await asyncio.gather(*pool)
    return summary(latencies, errors, time.perf_counter() - start)


def closed_loop(port: int, token: str, path: str, requests: int) -> dict:
    client, latencies, errors = Client(port), [], []
    client.get(path, token)  # warm-up
    started = time.perf_counter()
    for _ in range(min(requests, MAX_REQUESTS)):
        began = time.perf_counter()
        status, body = client.get(path, token)
        latencies.append(time.perf_counter() - began)
        if status != 200:
            errors.append(f"HTTP {status}")
    result = summary(latencies, errors, time.perf_counter() - started)
    result["rows"] = len(json.loads(body)["results"]) if status == 200 else 0
    return result


def summary(latencies: list[float], errors: list[str], elapsed: float) -> dict:
    ordered = sorted(latencies)

    def percentile(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return {
        "requests": len(ordered), "rate": len(ordered) / elapsed, "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5], "p50": percentile(0.50), "p90": percentile(0.90),
        "p99": percentile(0.99), "max": ordered[-1] * 1000, "mean": statistics.fmean(ordered) * 1000,
    }


def show(label: str, result: dict) -> None:
    print(f"  {label:<44} {result['requests']:>6} req  {result['rate']:7.1f} req/s  p50 {result['p50']:7.1f} ms  "
          f"p90 {result['p90']:7.1f} ms  p99 {result['p99']:7.1f} ms  max {result['max']:7.1f} ms  "
          f"errors {result['errors']} {result['error_kinds'] or ''}", flush=True)


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=200.0, help="partner requests per second (open loop)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections of the open loop")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--staff-requests", type=int, default=100)
    parser.add_argument("--tickets", type=int, default=600, help="complaint tickets per partner (5 partners)")
    parser.add_argument("--record", action="store_true", help="write the figures for bench/README.md's table")
    parser.add_argument("--no-reference", action="store_true",
                        help="skip the reference run: the partner lists again with workers not preloaded")
    args = parser.parse_args()
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be within (0, {MAX_SECONDS}]")

    django_setup()
    partner_token, staff_token = seed(args.tickets)
    port = free_port()
    server = start_gunicorn(port, args.workers)
    try:
        load_before = load()
        print(f"gunicorn on {HOST}:{port}, {args.workers} workers, production settings; load {load_before}",
              flush=True)
        paths = [f"/api/v1/{name}/" for name in PARTNER_LISTS]
        open_loop(port, partner_token, paths, rate=min(args.rate, 50), seconds=2, connections=8)  # warm-up
        partner = open_loop(port, partner_token, paths, args.rate, args.seconds, args.connections)
        show(f"partner lists at {args.rate:.0f} req/s for {args.seconds:.0f} s", partner)
        staff = closed_loop(port, staff_token, "/api/v1/complaints/?page_size=500", args.staff_requests)
        show(f"staff complaints?page_size=500 ({staff['rows']} rows)", staff)
    finally:
        server.terminate()
        server.wait(timeout=30)
    reference = None
    if not args.no_reference:
        # the same open loop against workers that import the application themselves (GUNICORN_PRELOAD=false):
        # what a worker started or recycled under load (max_requests) costs without the warmed master
        port = free_port()
        server = start_gunicorn(port, args.workers, preload=False)
        try:
            open_loop(port, partner_token, paths, rate=min(args.rate, 50), seconds=2, connections=8)
            reference = open_loop(port, partner_token, paths, args.rate, args.seconds, args.connections)
            show(f"reference: not preloaded, {args.rate:.0f} req/s", reference)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"  machine load (1/5/15 min): {load_before} before, {load()} after; {os.cpu_count()} CPUs")
    if args.record:
        from bench.figures import record

        figures = [
            {"figure": f"partner lists p99 at {args.rate:.0f} req/s, {args.seconds:.0f} s "
                       f"(achieved {partner['rate']:.0f} req/s, {partner['errors']} errors; "
                       f"p50 {partner['p50']:.1f} ms)",
             "value": f"{partner['p99']:.1f} ms", "reference": "target", "reference_value": "50 ms",
             "ratio": f"{partner['p99'] / 50:.2f}× the target", "target": "p99 <= 50 ms"},
            {"figure": f"staff complaints page_size=500 p99 ({staff['rows']} rows; p50 {staff['p50']:.1f} ms)",
             "value": f"{staff['p99']:.1f} ms", "reference": "target", "reference_value": "100 ms",
             "ratio": f"{staff['p99'] / 100:.2f}× the target", "target": "p99 <= 100 ms"},
        ]
        if reference is not None:
            figures.append({
                "figure": f"partner lists p99 at {args.rate:.0f} req/s, preloaded and warmed workers",
                "value": f"{partner['p99']:.1f} ms", "reference": "workers importing the application themselves",
                "reference_value": f"{reference['p99']:.1f} ms",
                "ratio": f"{partner['p99'] / reference['p99']:.2f}× the reference", "target": "—"})
        record("api_load", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
