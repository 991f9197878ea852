"""The pipes to extraction workers (newsarchive/channel.py): frames larger than a pipe go
through whole, results come back to the job that asked, a worker's exception reaches the
caller, and a dead worker fails only its own jobs and is replaced."""

from __future__ import annotations

import asyncio
import os

import pytest
from pageworker import echo, no_init

from newsarchive.channel import Channel, WorkerDied


def run(channel: Channel, jobs: list[bytes]) -> list[object]:
    async def scenario() -> list[object]:
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in jobs]
        for job, future in zip(jobs, futures, strict=True):
            channel.submit(job, future)
        return await asyncio.gather(*futures, return_exceptions=True)

    return asyncio.run(scenario())


def test_big_and_small_frames_come_back_to_their_job() -> None:
    channel = Channel(2, echo, no_init, ())
    try:
        # 3 MB (three times the largest pipe) and 1 byte, interleaved, 20 in flight
        jobs = [os.urandom(3_000_000) if i % 3 == 0 else bytes([i]) for i in range(20)]
        assert run(channel, jobs) == [job[::-1] for job in jobs]
        assert channel.replaced == 0
    finally:
        channel.close()


def test_an_exception_in_the_worker_is_raised_to_the_caller() -> None:
    channel = Channel(1, echo, no_init, ())
    try:
        out = run(channel, [b"ab", b"raise", b"cd"])
        assert out[0] == b"ba" and out[2] == b"dc"
        assert isinstance(out[1], ValueError) and str(out[1]) == "no such page"
    finally:
        channel.close()


def test_a_dead_worker_fails_its_jobs_and_is_replaced() -> None:
    channel = Channel(1, echo, no_init, ())
    try:
        out = run(channel, [b"ab", b"kill", b"cd"])
        assert out[0] == b"ba"
        # the job after the killer was already in the dead worker's pipe
        assert all(isinstance(o, WorkerDied) and "worker died" in str(o) for o in out[1:])
        assert "exit code -9" in str(out[1])
        assert run(channel, [b"xy"]) == [b"yx"]
        assert channel.replaced == 1
    finally:
        channel.close()
    with pytest.raises(RuntimeError):
        run(channel, [b"late"])
