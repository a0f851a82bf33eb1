"""A sign-out served by one worker empties the browser's tab open on the other at once.

The tab's socket is on worker B; the sign-out form is posted to worker A. A learns
the session's tabs from Redis, empties the tab's state there, and Reflex relays the
push to B (its "lost and found" channel), so the tab leaves for the sign-in page
without sending anything (states/signed_out_tabs.py).
"""

from __future__ import annotations

import json
import uuid

import httpx
import redis

from tests.support.live_server import run_async
from tests.support.reflex_socket import EVENT_PREFIX, RawTab, root_event

LEAVE = "window.location.replace"


def _in_redis(redis_url: str, token: str, marks: list[str]) -> bool:
    with redis.Redis.from_url(redis_url) as client:
        values = [client.get(k) or b"" for k in client.scan_iter(match=f"{token}_*", count=1000)]
    return any(m.encode() in v for v in values for m in marks)


def test_a_sign_out_on_worker_a_empties_the_tab_on_worker_b(cluster, new_user):
    user = new_user()
    secret = f"acrossworkers{uuid.uuid4().hex[:8]}"
    sent = httpx.post(
        f"{cluster.a.url}/api/send-message", json={"message": f"Question {secret}"}, headers=user.bearer, timeout=60
    )
    assert sent.status_code == 200, sent.text
    conversation = sent.json()["conversation_id"]
    token = uuid.uuid4().hex
    seen = run_async(_sign_out_on_a_beside_a_tab_on_b(cluster, user, token, conversation, secret))
    assert seen["before"] and not seen["after"], seen
    assert not [f for f in seen["pushed"] if secret in f]


async def _sign_out_on_a_beside_a_tab_on_b(cluster, user, token: str, conversation: str, secret: str) -> dict:
    marks = [secret, user.email]
    async with RawTab(cluster.b.url, token, user.cookie) as tab:
        path = f"/chat/{conversation}"
        # The page's route parameter rides in the router data, as Reflex's JavaScript sends it.
        router = {"pathname": path, "asPath": path, "query": {"conversation_id": conversation}}
        event = {"name": root_event("hydrate_and_load"), "payload": {}, "router_data": router}
        await tab._socket.send(EVENT_PREFIX + json.dumps(["event", event]))
        await tab.wait_for(lambda f: secret in f, what="the conversation on worker B")
        await tab.wait_for(lambda f: '"is_hydrated_rx_state_": true' in f, what="the page load")
        before = _in_redis(cluster.redis_url, token, marks)
        seen = len(tab.frames)
        response = httpx.post(
            f"{cluster.a.url}/auth/logout",
            headers={"Origin": cluster.a.url, "Cookie": user.cookie},
            follow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 303, response.text
        after = _in_redis(cluster.redis_url, token, marks)
        await tab.wait_for(lambda f: LEAVE in f and "signed_out=1" in f, what="the tab on B sent to sign in")
        return {"before": before, "after": after, "pushed": tab.frames[seen:]}
