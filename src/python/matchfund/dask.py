"""matchfund.dask.simulate: a simulation's runs and sweep points spread over a Dask
`distributed` cluster, gathered into the same tables as matchfund.simulate, byte for byte.

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")
    result = matchfund.dask.simulate(rules, demand="demand.yaml", runs=10_000, seed=7,
                                     sweep="funds.tencent.budget=1亿:3亿:5000万", client=client)

Each task simulates a block of runs of one point and returns them as bytes; the client
assembles them in run order, so the split cannot change any figure. Every worker needs
matchfund installed and the rules file (and the demand file or event files) at the same path as
the client (docs/python.md)."""

from __future__ import annotations

from typing import List, Optional, Tuple

from ._simulate import SimulationArguments, SimulationResult, simulation_arguments


def _run_block(arguments: SimulationArguments, point: int, first_run: int, count: int) -> bytes:
    return arguments.plan().run_part(point, first_run, count)


def blocks(points: int, runs: int, runs_per_task: int) -> List[Tuple[int, int, int]]:
    """(point, first run, count) for every task: each point's runs cut into blocks."""
    if runs_per_task < 1:
        raise ValueError("runs_per_task is at least 1")
    return [(point, first, min(runs_per_task, runs - first + 1))
            for point in range(1, points + 1) for first in range(1, runs + 1, runs_per_task)]


def simulate(rules, demand=None, from_events=None, *, runs: int, seed: int, scale=None, volume_sd=None,
             gift_sd=None, set=None, sweep=None, threads: int = 1, client=None,
             runs_per_task: Optional[int] = None) -> SimulationResult:
    """matchfund.simulate with the same arguments, its runs spread over the Dask cluster of
    `client` (a dask.distributed.Client; the default client when None). `threads` is each task's
    threads; `runs_per_task` how many runs a task simulates (default: enough for about four tasks
    per worker thread of the cluster). Raises what simulate raises, from the client."""
    from dask.distributed import default_client

    client = client or default_client()
    arguments = simulation_arguments(rules, demand, from_events, runs=runs, seed=seed, scale=scale,
                                     volume_sd=volume_sd, gift_sd=gift_sd, set=set, sweep=sweep, threads=threads)
    plan = arguments.plan()  # checks every argument here, before anything is sent
    if runs_per_task is None:
        cluster_threads = max(1, sum(client.nthreads().values()))
        runs_per_task = max(1, -(-plan.points * arguments.runs // (4 * cluster_threads)))
    shared = client.scatter(arguments, broadcast=True)
    futures = [client.submit(_run_block, shared, point, first, count, pure=False)
               for point, first, count in blocks(plan.points, arguments.runs, runs_per_task)]
    parts = client.gather(futures)
    return SimulationResult(arguments, plan.assemble(parts))
