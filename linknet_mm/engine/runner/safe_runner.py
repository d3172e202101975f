"""SafeRunner: distributed on CPU, checked checkpoint loads, atomic saves,
one run per work dir."""
import copy
import errno
import glob
import logging
import os
import os.path as osp
import shutil
from typing import Callable, Dict, Optional, Union

import torch
import torch.nn as nn
from mmengine.device import get_device
from mmengine.dist import is_distributed, master_only
from mmengine.logging import print_log
from mmengine.model import BaseTTAModel, is_model_wrapper
from mmengine.registry import MODEL_WRAPPERS
from mmengine.runner import BaseLoop, Runner
from mmseg.registry import RUNNERS
from torch.utils.data import DataLoader

from ...errors import DiskFullError, TrainingInterrupted
from ..checkpoint import load_weights, read_checkpoint
from .cpu_dist import init_cpu_dist
from .faults import resume_hint, size_text, tensor_bytes
from .memory_format import model_memory_format
from .work_dir_lock import lock_holder, work_dir_lock

#: ``errno`` of a write that found its disk (or quota) full.
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


@RUNNERS.register_module()
class SafeRunner(Runner):
    """:class:`mmengine.runner.Runner` with these fixes, stock otherwise.

    - Distributed without GPUs: when :func:`mmengine.device.get_device` is
      'cpu', it joins with gloo (:func:`~.cpu_dist.init_cpu_dist`; stock
      mmengine calls ``torch.cuda.set_device``) and wraps DDP without
      ``device_ids``. On an accelerator it does what the stock Runner does.
    - ``load_from``, ``--resume`` and ``tools/test.py CKPT`` read the file
      once and refuse a checkpoint whose tensors do not fit the model (a
      ResNet-34's for a ResNet-18 config, another ``num_classes``) in one
      line, where mmengine warns and goes on half-loaded;
      ``partial_load = True`` in the config loads what fits
      (:func:`~linknet_mm.engine.checkpoint.load_weights`).
    - Checkpoints are written under a temporary name and renamed; leftover
      ``*.pth.part`` files are removed when the next run starts. A full
      disk is a :class:`~linknet_mm.errors.DiskFullError`, Ctrl-C a
      :class:`~linknet_mm.errors.TrainingInterrupted`, both naming the last
      good checkpoint and the command that resumes.
    - One training run per work dir
      (:func:`~.work_dir_lock.work_dir_lock`); a runner built while another
      run trains there does not dump its config over the running one's.
    - The first validation sample is loaded before training, so a
      validation set that cannot be read stops the run at once.
    - The model takes the config's ``memory_format``
      (:func:`~.memory_format.model_memory_format`) before it is wrapped.
    - ``num_workers=0`` drops ``persistent_workers``, which torch refuses.

    Selected with ``runner_type = 'SafeRunner'`` (in
    ``configs/_base_/default_runtime.py``), which mmseg's stock
    ``tools/train.py`` honours too; nothing in it is specific to LinkNet.
    ``'LinkNetRunner'``, its first name, still selects it.
    """

    def train(self) -> nn.Module:
        """Train, holding the work dir's lock (rank 0).

        Returns:
            nn.Module: The trained model.

        Raises:
            TrainingInterrupted: On Ctrl-C, saying how to resume.
        """
        try:
            if self.rank != 0:
                return super().train()
            with work_dir_lock(self.work_dir):
                for stale in glob.glob(osp.join(self.work_dir, '*.part')):
                    print_log(
                        f'removing {stale}, left by a run killed while '
                        'saving', 'current')
                    os.remove(stale)
                return super().train()
        except KeyboardInterrupt as interrupt:
            if isinstance(interrupt, TrainingInterrupted):
                raise
            raise TrainingInterrupted(
                f'training stopped by Ctrl-C {self._progress()}; '
                f'{resume_hint(self.work_dir)}') from interrupt

    def _progress(self) -> str:
        """How far training got: 'after iteration 4 of 12'."""
        if not isinstance(self._train_loop, BaseLoop):
            return 'before the first iteration'
        return f'after iteration {self.iter} of {self.max_iters}'

    @master_only
    def dump_config(self) -> None:
        """Dump the config to the work dir, unless another run trains there.

        That run's config describes the checkpoints it writes; this
        runner's is kept in its own ``<timestamp>/vis_data/config.py``.
        """
        who = lock_holder(self.work_dir)
        if who is None:
            return super().dump_config()
        print_log(
            f'not writing the config into {self.work_dir}: a training run '
            f'({who}) uses that work dir, and its config there describes '
            'its checkpoints', 'current', logging.WARNING)

    def build_val_loop(self, loop: Union[Dict, object]) -> object:
        """Build the validation loop and load its first sample.

        Args:
            loop (dict | BaseLoop): The loop or its config.

        Returns:
            BaseLoop: The loop.
        """
        loop = super().build_val_loop(loop)
        dataset = getattr(getattr(loop, 'dataloader', None), 'dataset', ())
        if len(dataset):
            dataset[0]
        return loop

    @staticmethod
    def build_dataloader(dataloader: Union[DataLoader, Dict],
                         seed: Optional[int] = None,
                         diff_rank_seed: bool = False) -> DataLoader:
        """The stock dataloader; ``num_workers=0`` drops persistence.

        Args:
            dataloader (DataLoader | dict): The dataloader or its config.
            seed (int, optional): Random seed. Defaults to None.
            diff_rank_seed (bool): Different seeds per rank. Defaults to
                False.

        Returns:
            DataLoader: The dataloader.
        """
        if isinstance(dataloader, dict) and dataloader.get(
                'num_workers', 0) == 0 and dataloader.get(
                    'persistent_workers', False):
            dataloader = copy.copy(dataloader)
            dataloader['persistent_workers'] = False
        return Runner.build_dataloader(dataloader, seed, diff_rank_seed)

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
        if not is_model_wrapper(model):
            model = self._to_memory_format(model)
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

    def _to_memory_format(self, model: nn.Module) -> nn.Module:
        """The model in the config's ``memory_format`` (default 'auto').

        Args:
            model (nn.Module): The unwrapped model.

        Returns:
            nn.Module: ``model``, converted in place.
        """
        wrapper = (self.cfg.get('optim_wrapper') or {}).get('type')
        memory_format = model_memory_format(
            self.cfg.get('memory_format', 'auto'), get_device(),
            bf16=wrapper == 'CpuBf16OptimWrapper')
        if memory_format is torch.channels_last:
            print_log('memory_format: channels-last model', 'current')
        return model.to(memory_format=memory_format)

    def load_checkpoint(self,
                        filename: str,
                        map_location: Union[str, Callable] = 'cpu',
                        **kwargs) -> dict:
        """The stock method, reading the file once and loading all of it.

        :func:`~linknet_mm.engine.checkpoint.read_checkpoint`, the
        ``after_load_checkpoint`` hooks, then
        :func:`~linknet_mm.engine.checkpoint.load_weights`, strict unless
        the config's ``partial_load``.

        Args:
            filename (str): The checkpoint.
            map_location (str | Callable): As for ``torch.load``.
                Defaults to 'cpu'.
            **kwargs: The stock ``strict`` and ``revise_keys``, unused (a
                ``module.`` prefix is stripped).

        Returns:
            dict: The loaded checkpoint.
        """
        checkpoint = read_checkpoint(filename, map_location)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model
        if is_model_wrapper(model) or isinstance(model, BaseTTAModel):
            model = model.module  # where the stock Runner loads into
        load_weights(model, checkpoint, filename, self.cfg.filename
                     or 'this config', self.cfg.get('partial_load', False))
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

    @master_only
    def save_checkpoint(self, out_dir: str, filename: str, *args,
                        **kwargs) -> None:
        """Save under a temporary name, then rename (local folders).

        Only rank 0 saves, as in the stock Runner.

        Args:
            out_dir (str): Folder of the checkpoint.
            filename (str): Its file name.
            *args: For :meth:`mmengine.runner.Runner.save_checkpoint`.
            **kwargs: For :meth:`mmengine.runner.Runner.save_checkpoint`.

        Raises:
            DiskFullError: If the disk is full; the partial file is
                removed and ``last_checkpoint`` still names the last
                checkpoint saved whole.
        """
        if not osp.isdir(out_dir):  # a remote backend: no rename there
            return super().save_checkpoint(out_dir, filename, *args, **kwargs)
        partial = osp.join(out_dir, f'{filename}.part')
        try:
            super().save_checkpoint(out_dir, osp.basename(partial), *args,
                                    **kwargs)
            os.replace(partial, osp.join(out_dir, filename))
        except BaseException as error:  # re-raised: never swallowed
            if osp.exists(partial):
                os.remove(partial)
            if isinstance(error, OSError) and error.errno in DISK_FULL:
                raise self._disk_full(out_dir, filename) from error
            raise

    def _disk_full(self, out_dir: str, filename: str) -> DiskFullError:
        """The error of a checkpoint that did not fit on its disk."""
        model = self.model.module if is_model_wrapper(
            self.model) else self.model
        needed = tensor_bytes(model.state_dict()) + tensor_bytes(
            self.optim_wrapper.state_dict())
        free = shutil.disk_usage(out_dir).free
        return DiskFullError(
            f'no space left on the disk of work dir {self.work_dir}: '
            f'checkpoint {filename} needs about {size_text(needed)}, '
            f'{size_text(free)} free (its partial file is removed); '
            f'{resume_hint(self.work_dir, then="free space, then ")}')


# the name configs written before the rename use
RUNNERS.register_module(name='LinkNetRunner', module=SafeRunner)
