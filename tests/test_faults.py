"""The fault suite: Prism served as in production (`prism serve`, its own process) on SQLite and
PostgreSQL, under fifty writers at once, killed with SIGKILL mid-write and mid-import, and with
PostgreSQL stopped and started under load. Every request gets its real answer (200, 201, 409) or
a 503 with Retry-After while the database is away, never a 500; nothing acknowledged is lost.

Run alone with `pytest -m fault -p no:xdist -s` to see the latencies it prints."""

from __future__ import annotations

import sqlite3
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import postgres_url
from tests.pgcluster import Cluster, binaries, new_database
from tests.served import Served, prepare

pytestmark = pytest.mark.fault
WRITERS = 50


@dataclass
class Prism:
    served: Served
    headers: dict[str, str]
    database_url: str

    def client(self, **options: object) -> httpx.Client:
        limits = httpx.Limits(max_connections=WRITERS + 10)
        return httpx.Client(
            base_url=self.served.url, headers=self.headers, timeout=120, limits=limits, **options
        )  # type: ignore[arg-type]

    def count(self, table: str) -> int:
        url = self.database_url or f"sqlite:///{self.served.data_dir / 'prism.db'}"
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                counted = text(f"SELECT count(*) FROM {table}")  # noqa: S608 (our own table names)
                return int(connection.execute(counted).scalar_one())
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """'' for SQLite in the data directory, or a fresh database on the test server."""
    if request.param == "sqlite":
        yield ""
        return
    server = postgres_url()
    if server is None:
        pytest.skip("PRISM_TEST_DATABASE_URL is not set")
    url, drop = new_database(server, "prism_fault")
    yield url
    drop()


@pytest.fixture
def prism(tmp_path: Path, database_url: str) -> Iterator[Prism]:
    token = prepare(tmp_path, database_url)
    served = Served(tmp_path, database_url).start()
    yield Prism(served, {"Authorization": f"Bearer {token}"}, database_url)
    served.stop()


def at_once(
    prism: Prism, send: Callable[[httpx.Client, int], httpx.Response]
) -> list[httpx.Response]:
    """`WRITERS` requests released together; prints their latencies."""
    ready = threading.Barrier(WRITERS)
    seconds: list[float] = []

    def one(client: httpx.Client, n: int) -> httpx.Response:
        ready.wait()
        start = time.perf_counter()
        answer = send(client, n)
        seconds.append(time.perf_counter() - start)
        return answer

    with prism.client() as client, ThreadPoolExecutor(WRITERS) as pool:
        answers = list(pool.map(lambda n: one(client, n), range(WRITERS)))
    ordered = sorted(seconds)
    print(
        f"\n{WRITERS} at once: p50 {statistics.median(ordered) * 1000:.0f} ms, "
        f"p99 {ordered[int(len(ordered) * 0.99) - 1] * 1000:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms"
    )
    return answers


def statuses(answers: list[httpx.Response]) -> dict[int, int]:
    found: dict[int, int] = {}
    for a in answers:
        found[a.status_code] = found.get(a.status_code, 0) + 1
    return found


def test_fifty_writers_on_one_item_get_one_success_and_conflicts(prism: Prism) -> None:
    with prism.client() as client:
        made = client.post("/api/v1/solutions", json={"title": "Contested"})
        assert made.status_code == 201, made.text
    item, version = made.json()["id"], made.json()["version"]
    answers = at_once(
        prism,
        lambda c, n: c.patch(
            f"/api/v1/solutions/{item}", json={"version": version, "title": f"writer {n}"}
        ),
    )
    assert statuses(answers) == {200: 1, 409: WRITERS - 1}
    winner = next(a for a in answers if a.status_code == 200).json()
    with prism.client() as client:
        now = client.get(f"/api/v1/solutions/{item}").json()
    assert (now["title"], now["version"]) == (winner["title"], version + 1)


def test_fifty_creates_at_once_all_land(prism: Prism) -> None:
    before = prism.count("items")
    answers = at_once(prism, lambda c, n: c.post("/api/v1/solutions", json={"title": f"New {n}"}))
    assert statuses(answers) == {201: WRITERS}
    assert len({a.json()["id"] for a in answers}) == WRITERS
    assert prism.count("items") == before + WRITERS


def test_fifty_writers_retrying_on_conflict_lose_no_update(prism: Prism) -> None:
    """Each writer adds its mark to the same item, re-reading and retrying on 409 as a client
    should: every mark is there once, and the version moved once per acknowledged write."""
    with prism.client() as client:
        item = client.post("/api/v1/solutions", json={"title": "Shared", "summary": ""}).json()
    path = f"/api/v1/solutions/{item['id']}"
    answered: list[int] = []

    def add_mark(client: httpx.Client, n: int) -> httpx.Response:
        while True:
            now = client.get(path).json()
            answer = client.patch(
                path, json={"version": now["version"], "summary": now["summary"] + f"[{n}]"}
            )
            answered.append(answer.status_code)
            if answer.status_code != 409:
                return answer

    answers = at_once(prism, add_mark)
    assert statuses(answers) == {200: WRITERS}
    assert not [s for s in answered if s >= 500]
    with prism.client() as client:
        final = client.get(path).json()
    assert sorted(final["summary"].strip("[]").split("][")) == sorted(map(str, range(WRITERS)))
    assert final["version"] == item["version"] + WRITERS


def test_a_server_killed_mid_write_loses_nothing_it_acknowledged(prism: Prism) -> None:
    acknowledged: list[int] = []
    stop = threading.Event()

    def write(n: int) -> None:
        with prism.client() as client:
            while not stop.is_set():
                try:
                    made = client.post("/api/v1/solutions", json={"title": f"Kept {n}"})
                except httpx.HTTPError:
                    return  # the server is gone
                assert made.status_code == 201, made.text
                acknowledged.append(made.json()["id"])

    writers = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for w in writers:
        w.start()
    # Kill it once writes are flowing (however slow the machine), with more still in flight.
    deadline = time.monotonic() + 60
    while len(acknowledged) <= 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    prism.served.kill()
    stop.set()
    for w in writers:
        w.join()
    assert len(acknowledged) > 10
    if not prism.database_url:
        with sqlite3.connect(prism.served.data_dir / "prism.db") as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    prism.served.start()
    with prism.client() as client:
        missing = [
            i for i in acknowledged if client.get(f"/api/v1/solutions/{i}").status_code != 200
        ]
        assert missing == []
        assert client.post("/api/v1/solutions", json={"title": "After"}).status_code == 201


def salesforce_export(rows: int) -> bytes:
    """A Salesforce opportunities report: every row good, about a second's import per 10,000."""
    lines = ["Opportunity ID,Opportunity Name,Account Name,Amount,Stage,Close Date"]
    stages = ("Prospecting", "Negotiation/Review", "Closed Won", "Closed Lost")
    lines += [
        f'006{n:012d},"Deal {n}, phase 1",Account {n % 2000},"${(n % 400 + 5) * 1000:,}",'
        f"{stages[n % 4]},{n % 12 + 1}/{n % 28 + 1}/2026"
        for n in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_server_killed_mid_crm_import_keeps_all_or_nothing(prism: Prism) -> None:
    rows = 50_000
    raw = salesforce_export(rows)
    answer: list[httpx.Response | Exception] = []

    def upload() -> None:
        with prism.client() as client:
            try:
                answer.append(
                    client.post(
                        "/api/v1/crm/import",
                        files={"file": ("sf.csv", raw, "text/csv")},
                    )
                )
            except httpx.HTTPError as exc:
                answer.append(exc)

    importing = threading.Thread(target=upload)
    importing.start()
    time.sleep(1.5)
    prism.served.kill()
    importing.join()
    assert prism.count("deals") in (0, rows), "a killed import leaves all of it or none"
    prism.served.start()
    with prism.client() as client:
        again = client.post(
            "/api/v1/crm/import",
            files={"file": ("sf.csv", raw, "text/csv")},
            data={"on_error": "skip"},
        )
    assert again.status_code == 200, again.text[:500]
    assert prism.count("deals") == rows


@pytest.mark.skipif(binaries() is None, reason="PostgreSQL's server programs are not installed")
def test_postgresql_stopped_under_load_gives_503_then_recovers_by_itself(tmp_path: Path) -> None:
    cluster = Cluster()
    cluster.start()
    try:
        token = prepare(tmp_path, cluster.url)
        served = Served(tmp_path, cluster.url).start()
        prism = Prism(served, {"Authorization": f"Bearer {token}"}, cluster.url)
        seen: list[tuple[float, int]] = []
        acknowledged: list[int] = []
        stop = threading.Event()

        def load() -> None:
            with prism.client() as client:
                n = 0
                while not stop.is_set():
                    n += 1
                    sent = time.monotonic()
                    made = client.post("/api/v1/solutions", json={"title": f"Load {n}"})
                    seen.append((sent, made.status_code))
                    if made.status_code == 201:
                        acknowledged.append(made.json()["id"])
                    elif made.status_code == 503:
                        assert made.headers["retry-after"].isdigit()
                    time.sleep(0.02)

        loader = threading.Thread(target=load)
        loader.start()
        time.sleep(1)
        cluster.stop("fast")
        down_at = time.monotonic()
        time.sleep(3)
        cluster.start()
        up_at = time.monotonic()
        deadline = up_at + 30
        while time.monotonic() < deadline and not any(
            t > up_at and s == 201 for t, s in seen[-20:]
        ):
            time.sleep(0.2)
        time.sleep(1)
        stop.set()
        loader.join()
        served.stop()
        while_down = [s for t, s in seen if down_at < t < up_at - 1]
        assert while_down and set(while_down) == {503}, while_down
        assert {s for _, s in seen} <= {201, 503}, "never a 500"
        assert any(t > up_at and s == 201 for t, s in seen), "recovers without a restart"
        assert prism.count("items") >= len(acknowledged)
        engine = create_engine(cluster.url)
        with engine.connect() as connection:
            stored = set(connection.execute(text("SELECT id FROM items")).scalars())
        engine.dispose()
        assert set(acknowledged) <= stored
    finally:
        cluster.remove()


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(
    tmp_path: Path, trusted: str
) -> None:
    """Twenty failed sign-ins from one address slow it down; a client that names a new address
    in X-Forwarded-For each time is still one address, unless it is a trusted proxy."""
    prepare(tmp_path)
    served = Served(tmp_path, env={"PRISM_TRUSTED_PROXIES": trusted}).start()
    try:
        with httpx.Client(base_url=served.url, timeout=30) as client:
            answers = [
                client.post(
                    "/api/v1/auth/tokens",
                    json={"email": f"nobody{n}@example.com", "password": "wrong-password"},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"},
                ).status_code
                for n in range(22)
            ]
    finally:
        served.stop()
    if trusted:
        assert answers == [401] * 22, "each forwarded address is its own"
    else:
        assert answers == [401] * 20 + [429] * 2
