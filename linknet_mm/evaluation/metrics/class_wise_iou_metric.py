"""IoU metric that also reports every class and the confusion matrix."""
import json
import os.path as osp
from typing import Dict, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from mmengine.logging import print_log

from mmseg.evaluation.metrics import IoUMetric
from mmseg.registry import METRICS


@METRICS.register_module()
class ClassWiseIoUMetric(IoUMetric):
    """mmseg's :class:`IoUMetric`, plus per-class figures and a confusion
    matrix.

    Besides the summary (``mIoU``, ``mDice``...), the returned metrics hold
    one entry per class and metric, e.g. ``IoU.road`` and ``Dice.tumor``, so
    they reach the log and the JSON that ``tools/test.py`` writes. With
    ``output_dir`` (``tools/test.py --out DIR``), the predictions are saved
    as by :class:`IoUMetric`, and ``per_class.json``,
    ``confusion_matrix.json`` and ``confusion_matrix.png`` (rows: ground
    truth, columns: prediction, normalised per row) are written beside them.

    Args:
        **kwargs: Arguments of :class:`IoUMetric`.
    """

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Collect IoUMetric's areas and a confusion matrix per sample.

        Args:
            data_batch (dict): A batch from the dataloader.
            data_samples (Sequence[dict]): The model's outputs.
        """
        start = len(self.results)
        super().process(data_batch, data_samples)
        if self.format_only:
            return
        num_classes = len(self.dataset_meta['classes'])
        for index, sample in zip(range(start, len(self.results)),
                                 data_samples):
            pred = sample['pred_sem_seg']['data'].squeeze()
            label = sample['gt_sem_seg']['data'].squeeze().to(pred)
            # like IoUMetric's histograms: predictions outside the class
            # list (a head with more outputs than classes) are not counted
            keep = (label != self.ignore_index) & (pred < num_classes)
            pairs = label[keep].long() * num_classes + pred[keep].long()
            confusion = torch.bincount(
                pairs, minlength=num_classes**2).reshape(
                    num_classes, num_classes).cpu()
            self.results[index] = (*self.results[index], confusion)

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Summary metrics of :class:`IoUMetric` plus per-class entries.

        Args:
            results (list): What :meth:`process` collected.

        Returns:
            dict[str, float]: ``aAcc``, ``mIoU``... and ``<Metric>.<class>``.
        """
        if self.format_only:
            return super().compute_metrics(results)
        metrics = super().compute_metrics([r[:4] for r in results])
        areas = [sum(r[i] for r in results) for i in range(4)]
        per_class = self.total_area_to_metrics(*areas, self.metrics,
                                               self.nan_to_num, self.beta)
        per_class.pop('aAcc', None)
        classes = self.dataset_meta['classes']
        table = {
            name: {
                metric: round(float(values[i]) * 100, 2)
                for metric, values in per_class.items()
            }
            for i, name in enumerate(classes)
        }
        for name, row in table.items():
            for metric, value in row.items():
                metrics[f'{metric}.{name}'] = value
        if self.output_dir is not None:
            confusion = sum(r[4] for r in results).numpy()
            self._write(table, confusion, classes)
        return metrics

    def _write(self, table: dict, confusion: np.ndarray,
               classes: Sequence[str]) -> None:
        """Write the per-class table and the confusion matrix files.

        Args:
            table (dict): ``{class: {metric: percent}}``.
            confusion (np.ndarray): Pixel counts, rows ground truth.
            classes (Sequence[str]): Class names.
        """
        with open(osp.join(self.output_dir, 'per_class.json'), 'w') as f:
            json.dump(table, f, indent=2)
        with open(osp.join(self.output_dir, 'confusion_matrix.json'),
                  'w') as f:
            json.dump(
                dict(classes=list(classes), counts=confusion.tolist()), f)
        rows = confusion.sum(axis=1, keepdims=True)
        share = np.divide(
            confusion, rows, out=np.zeros(confusion.shape), where=rows > 0)
        size = max(4.0, 0.45 * len(classes))
        fig = Figure(figsize=(size + 1.5, size))
        ax = fig.subplots()
        image = ax.imshow(share * 100, cmap='Blues', vmin=0, vmax=100)
        ax.set_xticks(range(len(classes)), classes, rotation=90)
        ax.set_yticks(range(len(classes)), classes)
        ax.set_xlabel('prediction')
        ax.set_ylabel('ground truth')
        ax.set_title('confusion matrix (% of each ground-truth class)')
        fig.colorbar(image, ax=ax, fraction=0.046)
        fig.tight_layout()
        path = osp.join(self.output_dir, 'confusion_matrix.png')
        fig.savefig(path, dpi=100)
        print_log(f'confusion matrix written to {path}', logger='current')
