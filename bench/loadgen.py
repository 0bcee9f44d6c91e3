"""A small HTTP/1.1 keep-alive load generator, run as a separate process.

    python -m bench.loadgen rate --port P --path /x --header "Authorization: Token t" \
        --concurrency 8 --warmup 1 --duration 5
    python -m bench.loadgen replay --port P --requests file.json --concurrency 2

`rate` keeps `concurrency` connections busy with one GET and counts answers in the
measured window; `replay` POSTs prebuilt requests ({method, path, token, body}) in
order over `concurrency` connections and times the whole set. Both print one JSON
line. asyncio streams keep it to one core and little CPU per request.

`rate --server-pid P` (gunicorn's master) spreads the connections evenly over P's
workers before measuring, and reports the answers each worker gave. A keep-alive
connection stays with the worker that accepted it, and which worker accepts is the
kernel's draw: 8 connections over 2 workers came out 4+4, 5+3 or 6+2, and a worker
is one process (one core, with its GIL), so one path could get more of the machine
than the path it is compared with. Which worker holds a connection is read
from /proc (the socket's inode in /proc/net/tcp, then the worker's open files),
without a byte added to any answer; a connection on a worker that has its share
already is closed and opened again, until every worker has its share (at most
BALANCE_ATTEMPTS tries: the report says how it ended).
"""

import argparse
import asyncio
import json
import os
import sys
import time
from collections import Counter

BALANCE_ATTEMPTS = 200


def worker_pids(master: int) -> list[int]:
    try:
        with open(f"/proc/{master}/task/{master}/children") as children:
            return sorted(int(pid) for pid in children.read().split())
    except OSError:
        return []


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(int(link[8:-1]))
    except OSError:
        pass
    return inodes


def _server_side_inodes(server_port: int) -> dict[int, int]:
    """{client port: inode of the server's end} of the loopback TCP connections to
    server_port (inode 0 while a connection still waits in the accept queue)."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as lines:
                next(lines)
                for line in lines:
                    fields = line.split()
                    local_port = int(fields[1].rsplit(":", 1)[1], 16)
                    remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                    if local_port == server_port:
                        found[remote_port] = int(fields[9])
        except OSError:
            continue
    return found


def connection_workers(server_port: int, client_ports: list[int], workers: list[int]) -> list:
    """The worker pid holding each client port's connection (None if unknown)."""
    inodes = _server_side_inodes(server_port)
    held = {pid: _socket_inodes(pid) for pid in workers}
    owners = []
    for port in client_ports:
        inode = inodes.get(port)
        owners.append(next((pid for pid, own in held.items() if inode and inode in own), None))
    return owners


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, whether the server closes the connection after it)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            parts.append(chunk[:-2])
        body = b"".join(parts)
    else:
        body = await reader.read()
    return status, body, headers.get("connection", "").lower() == "close"


def build_request(method: str, path: str, headers: list[str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    lines += headers
    if body or method == "POST":
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _open(port: int, request: bytes):
    """A connection that has had one answer (so a worker has accepted it), opened
    again if the server closed it after that answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    _, _, closing = await read_response(reader)
    if closing:
        writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    return reader, writer, closing


async def balanced_connections(
    port: int, request: bytes, count: int, workers: list[int], attempts: int = BALANCE_ATTEMPTS
):
    """`count` connections spread evenly over `workers` (after at most `attempts`
    reconnections; 0: as the kernel dealt them): (connections, reconnections, owners)."""
    connections = [(await _open(port, request))[:2] for _ in range(count)]
    share = -(-count // len(workers))  # a worker holds at most this many
    limit, attempts = attempts, 0

    def owners():
        ports = [writer.get_extra_info("sockname")[1] for _, writer in connections]
        return connection_workers(port, ports, workers)

    held = owners()
    while attempts < limit:
        load = Counter(held)
        crowded = [i for i, pid in enumerate(held) if pid is None or load[pid] > share]
        if not crowded:
            break
        index = crowded[0]
        attempts += 1
        connections[index][1].close()
        connections[index] = (await _open(port, request))[:2]
        held = owners()
    return connections, attempts, held


async def rate(args) -> dict:
    request = build_request("GET", args.path, args.header)
    statuses: Counter = Counter()
    per_worker: Counter = Counter()
    counting = False
    stop = False
    workers = worker_pids(args.server_pid) if args.server_pid else []
    first = await _open(args.port, request)
    keep_alive = not first[2]  # gunicorn's sync workers close after every answer
    balance = None
    if workers and keep_alive:
        first[1].close()
        opened, attempts, owners = await balanced_connections(
            args.port, request, args.concurrency, workers, attempts=args.balance_attempts
        )
        balance = {"workers": len(workers), "reconnects": attempts}
    else:
        workers = []
        rest = [(await _open(args.port, request))[:2] for _ in range(args.concurrency - 1)]
        opened = [first[:2], *rest]
        owners = [None] * args.concurrency

    async def worker(reader, writer, owner):
        while not stop:
            writer.write(request)
            status, _, closing = await read_response(reader)
            if counting:
                statuses[status] += 1
                per_worker[owner] += 1
            if closing:  # e.g. gunicorn's sync workers, which do not keep connections alive
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
                owner = None  # accepted by whichever worker is free
        writer.close()

    tasks = [
        asyncio.create_task(worker(reader, writer, owner))
        for (reader, writer), owner in zip(opened, owners, strict=True)
    ]
    await asyncio.sleep(args.warmup)
    counting = True
    start = time.perf_counter()
    await asyncio.sleep(args.duration)
    counting = False
    elapsed = time.perf_counter() - start
    stop = True
    await asyncio.gather(*tasks)
    total = sum(statuses.values())
    result = {
        "requests": total,
        "seconds": elapsed,
        "rps": total / elapsed,
        "statuses": {str(k): v for k, v in statuses.items()},
    }
    if workers:
        # Answers per worker, busiest first ("?": a connection whose worker was not
        # found, or one reopened after the server closed it).
        counts = [per_worker.get(pid, 0) for pid in workers]
        if per_worker.get(None):
            counts.append(per_worker[None])
        result["per_worker"] = sorted(counts, reverse=True)
        result["connections_per_worker"] = sorted(
            (Counter(owners)[pid] for pid in workers), reverse=True
        )
        result["balance"] = balance
    return result


async def replay(args) -> dict:
    with open(args.requests) as handle:
        requests = json.load(handle)
    queue: asyncio.Queue = asyncio.Queue()
    for index, item in enumerate(requests):
        body = json.dumps(item["body"]).encode()
        headers = [f"Authorization: Token {item['token']}"]
        queue.put_nowait(
            (index, build_request(item.get("method", "POST"), item["path"], headers, body))
        )
    answers: list = [None] * len(requests)

    async def worker():
        reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
        while not queue.empty():
            index, request = queue.get_nowait()
            writer.write(request)
            status, body, _ = await read_response(reader)
            answers[index] = {"status": status, "body": body.decode()}
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    return {"seconds": time.perf_counter() - start, "answers": answers}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["rate", "replay"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--requests")
    parser.add_argument("--server-pid", type=int, help="gunicorn master: balance its workers")
    parser.add_argument(
        "--balance-attempts", type=int, default=BALANCE_ATTEMPTS, help="0: report, not balance"
    )
    args = parser.parse_args()
    result = asyncio.run(rate(args) if args.mode == "rate" else replay(args))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
