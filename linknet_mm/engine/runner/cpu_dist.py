"""Distributed initialisation for CPU-only machines."""
import atexit
import datetime
import gc
import os
import subprocess
from typing import Optional

import torch.distributed as torch_dist
from mmengine.logging import print_log

_RANK_VARS = ('RANK', 'WORLD_SIZE', 'LOCAL_RANK')


def _set_slurm_env(port: Optional[int]) -> None:
    """Translate SLURM's variables into torch's ``env://`` ones.

    Args:
        port (int, optional): Master port; else ``MASTER_PORT`` or 29500.
    """
    os.environ['RANK'] = os.environ['SLURM_PROCID']
    os.environ['WORLD_SIZE'] = os.environ['SLURM_NTASKS']
    os.environ['LOCAL_RANK'] = os.environ.get('SLURM_LOCALID', '0')
    if 'MASTER_ADDR' not in os.environ:
        node_list = os.environ['SLURM_NODELIST']
        os.environ['MASTER_ADDR'] = subprocess.getoutput(
            f'scontrol show hostname {node_list} | head -n1')
    if port is not None:
        os.environ['MASTER_PORT'] = str(port)
    os.environ.setdefault('MASTER_PORT', '29500')


def _set_mpi_env() -> None:
    """Translate Open MPI's variables into torch's ``env://`` ones."""
    os.environ['RANK'] = os.environ['OMPI_COMM_WORLD_RANK']
    os.environ['WORLD_SIZE'] = os.environ['OMPI_COMM_WORLD_SIZE']
    os.environ['LOCAL_RANK'] = os.environ['OMPI_COMM_WORLD_LOCAL_RANK']
    os.environ.setdefault('MASTER_PORT', '29500')
    if 'MASTER_ADDR' not in os.environ:
        raise KeyError('launcher "mpi": the environment variable '
                       'MASTER_ADDR is not set')


def init_cpu_dist(launcher: str,
                  backend: str = 'gloo',
                  port: Optional[int] = None,
                  timeout: Optional[float] = None,
                  **kwargs) -> None:
    """Join the process group with the gloo backend, without CUDA calls.

    The CPU counterpart of :func:`mmengine.dist.init_dist`, which calls
    ``torch.cuda.set_device`` and so fails on a CPU-only torch build.

    Args:
        launcher (str): 'pytorch' (torchrun), 'slurm' or 'mpi'.
        backend (str): Backend asked for by ``env_cfg.dist_cfg``; anything
            but 'gloo' is replaced by 'gloo', the one CPU backend.
            Defaults to 'gloo'.
        port (int, optional): Master port for the slurm launcher.
            Defaults to None.
        timeout (float, optional): Collective timeout in seconds.
            Defaults to None (torch's default).
        **kwargs: Passed on to :func:`torch.distributed.init_process_group`.
    """
    if launcher == 'slurm':
        _set_slurm_env(port)
    elif launcher == 'mpi':
        _set_mpi_env()
    elif launcher != 'pytorch':
        raise ValueError(f'launcher must be "pytorch", "slurm" or "mpi" for '
                         f'distributed training, got {launcher!r}')
    missing = [v for v in _RANK_VARS + ('MASTER_ADDR', 'MASTER_PORT')
               if v not in os.environ]
    if missing:
        raise KeyError(f'launcher {launcher!r}: environment variables '
                       f'{missing} are not set; start the processes with '
                       'torchrun (tools/dist_train.sh) or srun')
    if backend != 'gloo':
        print_log(f'No GPU: using the gloo backend instead of {backend!r}',
                  logger='current')
    if timeout is not None:
        kwargs['timeout'] = datetime.timedelta(seconds=timeout)
    torch_dist.init_process_group(
        backend='gloo', init_method='env://', **kwargs)
    atexit.register(leave_process_group)


def leave_process_group() -> None:
    """Destroy the process group, if any, before the interpreter exits.

    A gloo worker thread releases each finished collective's tensors a moment
    after the caller has been woken, and needs the GIL for that. If the
    interpreter is already shutting down it cannot get it and the process
    aborts ("terminate called without an active exception") after a run that
    succeeded. Collecting the finished runner and its DDP wrapper first
    leaves the group its last reference here, so destroying it joins the
    worker threads while they can still finish.
    """
    if torch_dist.is_available() and torch_dist.is_initialized():
        gc.collect()
        torch_dist.destroy_process_group()
