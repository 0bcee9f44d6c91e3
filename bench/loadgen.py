"""A small HTTP/1.1 keep-alive load generator, run as a separate process.

    python -m bench.loadgen rate --port P --path /x --header "Authorization: Token t" \
        --concurrency 8 --warmup 1 --duration 5
    python -m bench.loadgen replay --port P --requests file.json --concurrency 2

`rate` keeps `concurrency` connections busy with one GET and counts answers in the
measured window; `replay` POSTs prebuilt requests ({method, path, token, body}) in
order over `concurrency` connections and times the whole set. Both print one JSON
line. asyncio streams keep it to one core and little CPU per request.
"""

import argparse
import asyncio
import json
import sys
import time
from collections import Counter


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


async def rate(args) -> dict:
    request = build_request("GET", args.path, args.header)
    statuses: Counter = Counter()
    counting = False
    stop = False

    async def worker():
        reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
        while not stop:
            writer.write(request)
            status, _, closing = await read_response(reader)
            if counting:
                statuses[status] += 1
            if closing:  # e.g. gunicorn's sync workers, which do not keep connections alive
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
        writer.close()

    tasks = [asyncio.create_task(worker()) for _ in range(args.concurrency)]
    await asyncio.sleep(args.warmup)
    counting = True
    start = time.perf_counter()
    await asyncio.sleep(args.duration)
    counting = False
    elapsed = time.perf_counter() - start
    stop = True
    await asyncio.gather(*tasks)
    total = sum(statuses.values())
    return {
        "requests": total,
        "seconds": elapsed,
        "rps": total / elapsed,
        "statuses": {str(k): v for k, v in statuses.items()},
    }


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
    args = parser.parse_args()
    result = asyncio.run(rate(args) if args.mode == "rate" else replay(args))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
