"""A Runner that also trains distributed on CPU-only machines."""
from typing import Dict, Optional

import torch.nn as nn
from mmengine.device import get_device
from mmengine.dist import is_distributed
from mmengine.model import is_model_wrapper
from mmengine.registry import MODEL_WRAPPERS
from mmengine.runner import Runner

from mmseg.registry import RUNNERS
from .cpu_dist import init_cpu_dist


@RUNNERS.register_module()
class CPUDistRunner(Runner):
    """:class:`mmengine.runner.Runner` that runs distributed without GPUs.

    Stock mmengine calls ``torch.cuda.set_device`` when it joins the process
    group and gives DDP ``device_ids``; both fail on a CPU-only machine. When
    the run is distributed and :func:`mmengine.device.get_device` is 'cpu',
    this runner joins with the gloo backend and wraps the model in DDP
    without ``device_ids``. On any accelerator it behaves exactly as the
    stock Runner. Selected with ``runner_type = 'CPUDistRunner'``, which the
    stock ``tools/train.py`` and ``tools/test.py`` honour.
    """

    def _cpu_distributed(self) -> bool:
        """Whether this is a distributed run without accelerators."""
        return self.distributed and get_device() == 'cpu'

    def setup_env(self, env_cfg: Dict) -> None:
        """Join the process group on CPU, then set up as the stock Runner.

        Args:
            env_cfg (dict): The ``env_cfg`` of the config.
        """
        if self._cpu_distributed() and not is_distributed():
            init_cpu_dist(self.launcher, **env_cfg.get('dist_cfg', {}))
        super().setup_env(env_cfg)

    def wrap_model(self, model_wrapper_cfg: Optional[Dict],
                   model: nn.Module) -> nn.Module:
        """Wrap the model in DDP without ``device_ids`` on CPU.

        Args:
            model_wrapper_cfg (dict, optional): Config of the wrapper;
                defaults to ``MMDistributedDataParallel``.
            model (nn.Module): Model to wrap.

        Returns:
            nn.Module: The wrapped model.
        """
        if not self._cpu_distributed() or is_model_wrapper(model):
            return super().wrap_model(model_wrapper_cfg, model)
        if self.cfg.get('sync_bn') is not None:
            raise ValueError('sync_bn is set, but SyncBatchNorm needs GPUs; '
                             'remove sync_bn for distributed CPU training')
        cfg = dict(
            type='MMDistributedDataParallel',
            broadcast_buffers=False,
            find_unused_parameters=self.cfg.get('find_unused_parameters',
                                                False))
        cfg.update(model_wrapper_cfg or {})
        return MODEL_WRAPPERS.build(
            cfg, default_args=dict(module=model.to('cpu'), device_ids=None))
