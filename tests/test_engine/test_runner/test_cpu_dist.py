"""Joining and leaving a gloo process group without CUDA."""
import socket
import weakref

import pytest
import torch
import torch.distributed as torch_dist
from torch import nn

from linknet_mm.engine.runner import cpu_dist


@pytest.fixture
def one_rank(monkeypatch):
    """Environment of a one-process torchrun job; exit hooks recorded."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    for name, value in dict(RANK='0', WORLD_SIZE='1', LOCAL_RANK='0',
                            MASTER_ADDR='127.0.0.1',
                            MASTER_PORT=str(port)).items():
        monkeypatch.setenv(name, value)
    exit_hooks = []
    monkeypatch.setattr(cpu_dist.atexit, 'register', exit_hooks.append)
    yield exit_hooks
    if torch_dist.is_initialized():
        torch_dist.destroy_process_group()


def _train_step_and_gather() -> None:
    """What a run leaves behind: a DDP model in a reference cycle."""
    model = nn.parallel.DistributedDataParallel(nn.Linear(3, 3))
    model.cycle = [model]
    model(torch.ones(2, 3)).sum().backward()
    gathered = [None]
    torch_dist.all_gather_object(gathered, {'rank': 0})
    assert gathered == [{'rank': 0}]


def test_joins_with_gloo_and_registers_the_exit_hook(one_rank):
    cpu_dist.init_cpu_dist('pytorch', backend='nccl')
    assert torch_dist.get_backend() == 'gloo'
    assert one_rank == [cpu_dist.leave_process_group]


def test_leaving_frees_the_group_left_behind_by_a_run(one_rank):
    cpu_dist.init_cpu_dist('pytorch')
    _train_step_and_gather()
    group = weakref.ref(torch_dist.group.WORLD)
    cpu_dist.leave_process_group()
    assert not torch_dist.is_initialized()
    # freed, so its destructor has joined gloo's worker threads
    assert group() is None


def test_leaving_without_a_group_does_nothing():
    assert not torch_dist.is_initialized()
    cpu_dist.leave_process_group()
    assert not torch_dist.is_initialized()


def test_missing_launcher_variables_are_named(one_rank, monkeypatch):
    monkeypatch.delenv('MASTER_PORT')
    with pytest.raises(KeyError, match='MASTER_PORT'):
        cpu_dist.init_cpu_dist('pytorch')
    assert one_rank == []


def test_unknown_launcher_is_refused(one_rank):
    with pytest.raises(ValueError, match='"pytorch", "slurm" or "mpi"'):
        cpu_dist.init_cpu_dist('none')
