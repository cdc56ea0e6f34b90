"""Sustained throughput: completed steps per second with concurrent clients through the API,
beside the raw Temporal baseline (start + one activity per update, same number of updates per
workflow). Targets: ratio ≥ 0.4× on 2 cores, ≥ 9 steps/s per core.

The same run prints the CPU per completed step of each process of both paths (see
`bench.step_cost` for how each figure is measured)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

from bench.latency import (
    SIGNALEMENT_STEPS,
    RawWorkflow,
    Stack,
    complete,
    embedded_stack,
    start_raw,
    start_signalement,
)
from bench.step_cost import CpuSpent, cpu_spent, report_cpu


async def quietude_client(stack: Stack, procedures: int) -> int:
    """One client: start signalements and take each through its steps; steps completed."""
    done = 0
    for _ in range(procedures):
        procedure_id = await start_signalement(stack)
        for key, outcome, org in SIGNALEMENT_STEPS:
            await complete(stack, procedure_id, key, outcome, org)
            done += 1
    return done


async def raw_client(stack: Stack, procedures: int) -> int:
    """One client of the baseline: start a workflow, send its updates; updates completed."""
    done = 0
    for _ in range(procedures):
        handle = await start_raw(stack, len(SIGNALEMENT_STEPS))
        for number in range(len(SIGNALEMENT_STEPS)):
            await handle.execute_update(RawWorkflow.act, number)
            done += 1
        await handle.result()
    return done


async def rate(stack: Stack, clients: int, procedures: int, run: object) -> tuple[float, CpuSpent]:
    """Steps per second of `clients` concurrent clients, and the CPU each process spent."""
    with cpu_spent(stack) as cpu:
        started = time.perf_counter()
        done = await asyncio.gather(*(run(procedures) for _ in range(clients)))  # type: ignore[operator]
        elapsed = time.perf_counter() - started
    cpu.steps = sum(done)
    return cpu.steps / elapsed, cpu


async def measure(clients: int, procedures: int) -> None:
    """Warm up, then measure both paths one after the other on the same server."""
    async with embedded_stack() as stack:
        await quietude_client(stack, 1)
        await raw_client(stack, 1)
        ours, our_cpu = await rate(stack, clients, procedures, lambda n: quietude_client(stack, n))
        raw, raw_cpu = await rate(stack, clients, procedures, lambda n: raw_client(stack, n))
    cores = os.cpu_count() or 1
    sys.stdout.write(f"throughput_clients: {clients} clients\n")
    sys.stdout.write(f"throughput_quietude: {ours:.1f} steps/s\n")
    sys.stdout.write(f"throughput_raw_temporal: {raw:.1f} steps/s\n")
    sys.stdout.write(f"throughput_ratio: {ours / raw:.2f} x (objectif ≥ 0.4 x sur 2 cœurs)\n")
    sys.stdout.write(
        f"throughput_per_core: {ours / cores:.1f} steps/s (objectif ≥ 9, {cores} cœurs)\n"
    )
    report_cpu(our_cpu, raw_cpu)


def main(argv: list[str] | None = None) -> None:
    """Run the throughput benchmark (`--clients`, `--procedures` per client)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--procedures", type=int, default=5)
    args = parser.parse_args(argv if argv is not None else [])
    asyncio.run(measure(args.clients, args.procedures))


if __name__ == "__main__":
    main(sys.argv[1:])
