"""Review-queue benchmark: 10,000 proposed matches, 20 concurrent clients on loopback.

Starts the real app under uvicorn in a child process (so its memory is measured alone), logs in
once as a curator, then 20 client threads load random pages of the queue and approve distinct
matches. Prints median and p95 latency of the list page and of an approve action, throughput,
and the server's peak RSS (VmHWM). The run is bounded by request count and a time limit.
Prints figures; asserts nothing.

    python bench/bench_review_queue.py [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.proposal_seed import insert_members_and_programmes, insert_proposals  # noqa: E402
from store.db import create_all, make_engine  # noqa: E402
from store.types import utcnow  # noqa: E402
from web.auth import add_staff  # noqa: E402

MEMBERS, PROGRAMMES = 100, 100  # 10,000 proposed matches
CLIENTS = 20
LIST_REQUESTS, APPROVE_REQUESTS = 400, 400
TIME_LIMIT = 180.0
PASSWORD = "bench-passwort-lang-genug"


def seed(url: str) -> None:
    engine = make_engine(url)
    create_all(engine)
    now = utcnow()
    with Session(engine) as session:
        insert_members_and_programmes(
            session,
            now,
            members=MEMBERS,
            programmes=PROGRAMMES,
            slug="mitglied-{:03d}",
            programme={"funding_areas": lambda i: ["mobilitaet"] if i % 3 == 0 else ["infrastruktur"]},
        )
        pairs = [(m + 1, p + 1) for m in range(MEMBERS) for p in range(PROGRAMMES)]
        explanation = {"summary": "Passt zu Ihren Interessen: Radverkehr", "terms": ["radweg"]}
        insert_proposals(session, now, pairs, explanation)
        add_staff(session, "bench@rvr.ruhr", PASSWORD, role="curator")
        session.commit()
    engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    started = time.perf_counter()
    seed(url)
    print(
        f"seeded {MEMBERS * PROGRAMMES} proposed matches in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})"
    )

    port = free_port()
    env = {
        **os.environ,
        "FOERDERRADAR_DATABASE_URL": url,
        "FOERDERRADAR_DATA_DIR": str(work),
        "FOERDERRADAR_SECRET_KEY": "bench-secret-key",
        "FOERDERRADAR_COOKIE_SECURE": "false",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "web.app:app_from_environment",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        login = httpx.Client(base_url=base, headers={"Origin": base})
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.get("/staff/login").text).group(1)
        login.post("/staff/login", data={"email": "bench@rvr.ruhr", "password": PASSWORD, "csrf_token": token})
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.get("/staff/queue").text).group(1)
        cookies = dict(login.cookies)

        list_times: list[float] = []
        approve_times: list[float] = []
        errors: list[str] = []
        ids = list(range(1, MEMBERS * PROGRAMMES + 1))
        random.Random(11).shuffle(ids)
        ids = ids[:APPROVE_REQUESTS]
        lock = threading.Lock()
        stop_at = time.monotonic() + TIME_LIMIT

        def client(n: int) -> None:
            rng = random.Random(n)
            with httpx.Client(base_url=base, cookies=cookies, headers={"Origin": base}, timeout=60) as http:
                for i in range(n, LIST_REQUESTS, CLIENTS):
                    if time.monotonic() > stop_at:
                        return
                    t = time.perf_counter()
                    response = http.get(
                        "/staff/queue",
                        params={"page": rng.randint(1, 200), "group": rng.choice(["member", "programme"])},
                    )
                    elapsed = time.perf_counter() - t
                    with lock:
                        list_times.append(elapsed)
                        if response.status_code != 200:
                            errors.append(f"list {response.status_code}")
                    if i < len(ids):
                        t = time.perf_counter()
                        response = http.post(f"/staff/matches/{ids[i]}/approve", data={"csrf_token": token})
                        elapsed = time.perf_counter() - t
                        with lock:
                            approve_times.append(elapsed)
                            if response.status_code not in (200, 303):
                                errors.append(f"approve {response.status_code}")

        run_started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - run_started
        filtered = [
            httpx.get(f"{base}/staff/queue", cookies=cookies, params={"topic": "mobilitaet", "min_score": 50})
            for _ in range(3)
        ]
        assert all(r.status_code == 200 for r in filtered)

        def ms(values: list[float], share: float) -> str:
            return f"{1000 * percentile(values, share):7.1f} ms"

        print(
            f"clients: {CLIENTS}, wall time {wall:.1f} s, {len(list_times) + len(approve_times)} requests "
            f"({(len(list_times) + len(approve_times)) / wall:.1f} req/s), errors: {len(errors)} {errors[:3]}"
        )
        print(
            f"list page  (50 rows of 10,000): median {1000 * statistics.median(list_times):7.1f} ms, "
            f"p95 {ms(list_times, 0.95)}, n={len(list_times)}"
        )
        print(
            f"approve action               : median {1000 * statistics.median(approve_times):7.1f} ms, "
            f"p95 {ms(approve_times, 0.95)}, n={len(approve_times)}"
        )
        print(f"server peak RSS: {peak_rss_mb(server.pid):.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
