"""The sync queue's rules (webapp/static/webapp/js/queue.js), run in Chromium against an
in-memory store and a scripted server: batches, retries, refusals, conflicts."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HARNESS = """
async ({ answers, count }) => {
  const { createSyncQueue, backoffDelay } = await import('/static/webapp/js/queue.js');
  const rows = new Map();
  const store = {
    all: async () => [...rows.values()].sort((a, b) => a.seq - b.seq),
    put: async (entries) => entries.forEach((e) => rows.set(e.id, structuredClone(e))),
    delete: async (ids) => ids.forEach((id) => rows.delete(id)),
  };
  const posts = [];
  const scheduled = [];
  const queue = createSyncQueue({
    store,
    post: async (logs) => {
      posts.push(logs.map((l) => l.id));
      const answer = answers.shift() || { status: 200, data: { created: logs.length } };
      if (answer.throw) throw new TypeError('Failed to fetch');
      if (typeof answer.data === 'function') answer.data = answer.data(logs);
      return answer;
    },
    schedule: (fn, ms) => { scheduled.push(ms); return scheduled.length; },
    cancel: () => {},
  });
  for (let i = 0; i < count; i += 1) {
    await queue.add({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, item: 1 });
  }
  const first = await queue.flush();
  const left = await queue.summary();
  return {
    outcome: first.outcome,
    posts: posts.map((p) => p.length),
    firstIds: posts[0] || [],
    secondIds: posts[1] || [],
    pending: left.pending.map((e) => e.id),
    rejected: left.rejected.map((e) => [e.id, e.error]),
    scheduled,
    backoff: [0, 1, 2, 10].map((n) => backoffDelay(n, () => 1)),
  };
}
"""


@pytest.fixture
def run(live_server, page):
    page.goto(f"{live_server.url}/app/login")
    page.wait_for_selector("form[data-form=login]")

    def run(count: int, answers: list[dict]):
        return page.evaluate(HARNESS, {"answers": answers, "count": count})

    return run


def uid(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def test_logs_go_in_batches_of_at_most_500_in_the_order_made(run):
    result = run(1201, [])
    assert result["outcome"] == "synced"
    assert result["posts"] == [500, 500, 201]
    assert result["firstIds"][:2] == [uid(0), uid(1)]
    assert result["pending"] == [] and result["rejected"] == []


def test_a_network_error_keeps_the_batch_and_retries_with_growing_backoff(run):
    result = run(3, [{"throw": True}])
    assert result["outcome"] == "retry"
    assert result["pending"] == [uid(0), uid(1), uid(2)]
    assert len(result["scheduled"]) == 1 and 1000 <= result["scheduled"][0] <= 2000
    assert result["backoff"] == [2000, 4000, 8000, 300000]


def test_a_server_error_keeps_the_batch(run):
    result = run(2, [{"status": 503, "data": {"detail": "down"}}])
    assert result["outcome"] == "retry"
    assert result["pending"] == [uid(0), uid(1)]


def test_a_refused_log_is_set_aside_and_the_others_are_sent_again(run):
    refusal = {
        "status": 400,
        "data": {"detail": "invalid", "errors": {"logs": {"1": {"pain": ["At most 10."]}}}},
    }
    result = run(3, [refusal])
    assert result["outcome"] == "synced"
    assert result["posts"] == [3, 2]
    assert result["secondIds"] == [uid(0), uid(2)]
    assert result["pending"] == []
    assert result["rejected"] == [[uid(1), {"reason": "pain: At most 10."}]]


def test_a_refusal_without_per_log_errors_sets_the_batch_aside_never_retrying(run):
    result = run(2, [{"status": 400, "data": {"detail": "bad", "errors": {"logs": ["Too many."]}}}])
    assert result["posts"] == [2]
    assert [row[0] for row in result["rejected"]] == [uid(0), uid(1)]
    assert result["scheduled"] == []


def test_a_conflicting_replay_is_shown_not_resent(run):
    answer = {
        "status": 200,
        "data": {"created": 1, "duplicates": 0, "conflicts": [{"index": 1, "id": uid(1)}]},
    }
    result = run(2, [answer])
    assert result["posts"] == [2]
    assert result["rejected"] == [[uid(1), {"conflict": True}]]
    assert result["pending"] == []


def test_a_signed_out_token_stops_the_sync_and_keeps_the_logs(run):
    result = run(2, [{"status": 401, "data": {"detail": "expired"}}])
    assert result["outcome"] == "unauthorized"
    assert result["pending"] == [uid(0), uid(1)]
    assert result["scheduled"] == []
