"""Plot the training loss and validation metrics at the end of training."""
import json
import logging
import os.path as osp
from typing import Dict, List, Sequence, Tuple

from matplotlib.figure import Figure
from mmengine.dist import master_only
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.runner import Runner

from mmseg.registry import HOOKS

Series = Dict[str, Tuple[List[int], List[float]]]


def read_scalars(path: str, keys: Sequence[str]) -> Series:
    """Read the curves of ``keys`` from mmengine's ``scalars.json``.

    Args:
        path (str): ``<log_dir>/vis_data/scalars.json`` (one JSON object per
            line with a ``step``), as written by ``LocalVisBackend``.
        keys (Sequence[str]): The scalars to read, e.g. ``('loss', 'mIoU')``.

    Returns:
        dict: ``{key: (steps, values)}`` for the keys that occur.
    """
    series: Series = {}
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            for key in keys:
                if key in record:
                    steps, values = series.setdefault(key, ([], []))
                    steps.append(record['step'])
                    values.append(record[key])
    return series


@HOOKS.register_module()
class TrainingCurvesHook(Hook):
    """Write ``training_curves.png`` (loss and validation metrics) after
    training, from the scalars mmengine's ``LocalVisBackend`` logged.

    Args:
        metrics (Sequence[str]): Validation metrics to plot.
            Defaults to ('mIoU', ).
        filename (str): File name in the run's log folder.
            Defaults to 'training_curves.png'.
    """

    priority = 'VERY_LOW'

    def __init__(self,
                 metrics: Sequence[str] = ('mIoU', ),
                 filename: str = 'training_curves.png') -> None:
        self.metrics = tuple(metrics)
        self.filename = filename

    @master_only
    def after_train(self, runner: Runner) -> None:
        """Plot the curves once training has ended.

        Args:
            runner (Runner): The runner.
        """
        path = osp.join(runner.log_dir, 'vis_data', 'scalars.json')
        if not osp.isfile(path):
            print_log(f'no {path} (is LocalVisBackend configured?): no '
                      'training curves drawn', logger='current',
                      level=logging.WARNING)
            return
        series = read_scalars(path, ('loss', ) + self.metrics)
        fig = Figure(figsize=(10, 4))
        loss_ax, metric_ax = fig.subplots(1, 2)
        if 'loss' in series:
            loss_ax.plot(*series['loss'], linewidth=1)
        loss_ax.set(title='training loss', xlabel='iteration')
        for metric in self.metrics:
            if metric in series:
                metric_ax.plot(*series[metric], marker='o', label=metric)
        metric_ax.set(title='validation', xlabel='iteration', ylabel='%')
        if any(metric in series for metric in self.metrics):
            metric_ax.legend()
        fig.tight_layout()
        out = osp.join(runner.log_dir, self.filename)
        fig.savefig(out, dpi=100)
        print_log(f'training curves written to {out}', logger='current')
