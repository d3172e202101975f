"""IoU metric that also reports every class and the confusion matrix."""
import copy
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from mmengine.logging import print_log

from mmseg.evaluation.metrics import IoUMetric
from mmseg.registry import METRICS
from .per_image_dice import per_image_dice, summarize_dice


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
    truth, columns: prediction, normalised per row) are written to
    ``tables_dir`` (``tools/test.py`` sets the work dir), so that
    ``output_dir`` holds only predictions, as mmseg's stock
    ``confusion_matrix.py`` expects.

    With ``per_image_classes``, the per-image Dice of those classes is added
    (see :mod:`.per_image_dice` for the rule on empty images):
    ``per_image_Dice.<class>`` (mean over images),
    ``per_image_Dice_median.<class>``, ``per_image_Dice_p10.<class>`` (10th
    percentile) and, with ``area_bins``, ``per_image_Dice.<class>@<bin>``
    and ``per_image_count.<class>@<bin>`` by the class's ground-truth area.
    With ``output_dir`` each image's scores go to ``per_image_dice.json``
    in ``tables_dir``.

    Args:
        per_image_classes (Sequence[str], optional): Classes to score per
            image. Defaults to None (none).
        area_bins (Sequence[float]): Increasing edges, in percent of an
            image's labelled pixels, of the size bins, e.g. ``(1, 2)`` for
            <1 %, 1-2 % and >=2 %. Defaults to () (no bins).
        tables_dir (str, optional): Folder of the tables; None puts them
            in ``output_dir``. Defaults to None.
        **kwargs: Arguments of :class:`IoUMetric`.
    """

    def __init__(self,
                 per_image_classes: Optional[Sequence[str]] = None,
                 area_bins: Sequence[float] = (),
                 tables_dir: Optional[str] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.tables_dir = tables_dir
        if list(area_bins) != sorted(set(area_bins)):
            raise ValueError('area_bins must be strictly increasing, got '
                             f'{area_bins!r}')
        self.per_image_classes = list(per_image_classes or [])
        self.area_bins = tuple(area_bins)

    @property
    def dataset_meta(self) -> Optional[dict]:
        """Meta info of the dataset (classes, palette)."""
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        """Set the meta info; refuse ``per_image_classes`` it lacks."""
        classes = list(dataset_meta.get('classes', ()))
        unknown = [c for c in self.per_image_classes if c not in classes]
        if unknown:
            raise ValueError(
                f'per_image_classes {unknown} are not classes of the '
                f'dataset; expected some of {classes}')
        self._dataset_meta = copy.deepcopy(dataset_meta)

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
            self.results[index] = (*self.results[index], confusion,
                                   sample.get('img_path', ''))

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
        per_image = self._per_image_dice(results)
        for name, (_, _, summary) in per_image.items():
            metrics.update(self._per_image_entries(name, summary))
        if self.output_dir is not None:
            confusion = sum(r[4] for r in results).numpy()
            self._write(table, confusion, classes)
            if per_image:
                self._write_per_image(per_image, [r[5] for r in results])
        return metrics

    def _per_image_dice(self, results: list) -> dict:
        """Score every image for each of ``per_image_classes``.

        Args:
            results (list): What :meth:`process` collected.

        Returns:
            dict: ``{class: (dice, gt_percent, summary)}``, the first two
            arrays with one value per image.
        """
        classes = list(self.dataset_meta['classes'])
        # IoUMetric's per-image areas: intersect, union, pred, label
        stacked = [torch.stack([r[i] for r in results]).double().numpy()
                   for i in (0, 2, 3)]
        intersect, pred_area, gt_area = stacked
        labelled = np.maximum(gt_area.sum(axis=1), 1)
        per_image = {}
        for name in self.per_image_classes:
            i = classes.index(name)
            dice = per_image_dice(intersect[:, i], pred_area[:, i],
                                  gt_area[:, i])
            gt_percent = gt_area[:, i] / labelled * 100
            per_image[name] = (dice, gt_percent,
                               summarize_dice(dice, gt_percent,
                                              self.area_bins))
        return per_image

    @staticmethod
    def _per_image_entries(name: str, summary: dict) -> Dict[str, float]:
        """Metric keys of one class's per-image summary.

        Args:
            name (str): Class name.
            summary (dict): From :func:`summarize_dice`.

        Returns:
            dict[str, float]: ``per_image_Dice.<class>`` and the others.
        """
        keys = dict(
            mean='per_image_Dice.{}',
            median='per_image_Dice_median.{}',
            p10='per_image_Dice_p10.{}')
        entries = {}
        for stat, value in summary.items():
            if stat in keys:
                entries[keys[stat].format(name)] = round(value, 2)
            else:
                kind, bin_name = stat.split('@')
                prefix = 'per_image_Dice' if kind == 'mean' else (
                    'per_image_count')
                # counts as float: mmengine's log processor turns an int
                # into a numpy integer, which its JSON writer drops
                entries[f'{prefix}.{name}@{bin_name}'] = (
                    round(value, 2) if kind == 'mean' else float(value))
        return entries

    def _tables_dir(self) -> str:
        """The folder of the tables, created if needed."""
        folder = self.tables_dir or self.output_dir
        os.makedirs(folder, exist_ok=True)
        return folder

    def _write_per_image(self, per_image: dict,
                         img_paths: Sequence[str]) -> None:
        """Write each image's Dice and ground-truth area per class.

        Args:
            per_image (dict): From :meth:`_per_image_dice`.
            img_paths (Sequence[str]): The images, in result order.
        """
        rows = [
            dict(img_path=path,
                 Dice={c: round(float(v[0][k]) * 100, 2)
                       for c, v in per_image.items()},
                 gt_percent={c: round(float(v[1][k]), 4)
                             for c, v in per_image.items()})
            for k, path in enumerate(img_paths)
        ]
        path = osp.join(self._tables_dir(), 'per_image_dice.json')
        with open(path, 'w') as f:
            json.dump(rows, f, indent=1)
        print_log(f'per-image Dice written to {path}', logger='current')

    def _write(self, table: dict, confusion: np.ndarray,
               classes: Sequence[str]) -> None:
        """Write the per-class table and the confusion matrix files.

        Args:
            table (dict): ``{class: {metric: percent}}``.
            confusion (np.ndarray): Pixel counts, rows ground truth.
            classes (Sequence[str]): Class names.
        """
        folder = self._tables_dir()
        with open(osp.join(folder, 'per_class.json'), 'w') as f:
            json.dump(table, f, indent=2)
        with open(osp.join(folder, 'confusion_matrix.json'),
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
        path = osp.join(folder, 'confusion_matrix.png')
        fig.savefig(path, dpi=100)
        print_log(f'confusion matrix written to {path}', logger='current')
