"""Queueing a task publishes through one Redis client per channel, not one per message."""

import os
import uuid

import pytest
import redis
from kombu import Connection

pytestmark = pytest.mark.redis


def test_it_publishes_every_message_through_one_client(monkeypatch):
    created = []
    build_client = redis.Redis.__init__

    def counting_init(client, *args, **kwargs):
        created.append(client)
        build_client(client, *args, **kwargs)

    with Connection(os.environ["CELERY_BROKER_URL"], transport="wpsconf.broker:Transport") as connection:
        queue = connection.SimpleQueue(f"wpsconf-test-{uuid.uuid4().hex}")
        try:
            queue.put({"n": 0})  # the channel's own set-up may build clients
            monkeypatch.setattr(redis.Redis, "__init__", counting_init)
            for number in range(1, 6):
                queue.put({"n": number})
            monkeypatch.undo()

            received = []
            for _ in range(6):
                message = queue.get(timeout=2)
                received.append(message.payload["n"])
                message.ack()
        finally:
            queue.queue.delete()
            queue.close()

    assert created == []  # kombu's transport builds one for each message
    assert received == [0, 1, 2, 3, 4, 5]


def test_it_follows_kombu_to_a_new_connection_pool():
    with Connection(os.environ["CELERY_BROKER_URL"], transport="wpsconf.broker:Transport") as connection:
        queue = connection.SimpleQueue(f"wpsconf-test-{uuid.uuid4().hex}")
        try:
            channel = queue.channel
            queue.put({"n": 1})
            before = channel._publishing_client
            channel._disconnect_pools()  # what kombu does after a fork or a lost connection
            queue.put({"n": 2})

            assert channel._publishing_client is not before
            assert channel._publishing_client.connection_pool is channel.pool
            assert [queue.get(timeout=2).payload["n"] for _ in range(2)] == [1, 2]
        finally:
            queue.queue.delete()
            queue.close()
