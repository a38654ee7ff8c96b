"""The output root's one database: WAL, shared by every writer."""

import threading

from generator.common.database import connect, database_path


def test_two_connections_share_one_file_in_wal_mode(tmp_path):
    first, second = connect(tmp_path), connect(tmp_path)
    first.execute("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY)")
    second.execute("INSERT INTO t VALUES ('a')")
    assert [row["k"] for row in first.execute("SELECT k FROM t")] == ["a"]
    assert first.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database_path(tmp_path).is_file()


def test_a_unique_constraint_holds_when_threads_race(tmp_path):
    connect(tmp_path).execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
    results: list[str] = []

    def claim() -> None:
        connection = connect(tmp_path)
        try:
            connection.execute("INSERT INTO t VALUES ('so-01')")
            results.append("won")
        except Exception:
            results.append("lost")

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["lost"] * 7 + ["won"]
