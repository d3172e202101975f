"""Kaggle "cityscapes-image-pairs": photo | colour label composites."""
import os.path as osp
from typing import List

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .cityscapes_labels import CLASSES, PALETTE
from .file_check import (NamesBrokenFiles, check_composites, kaggle_hint,
                         list_files)

KAGGLE_SET = 'dansbecker/cityscapes-image-pairs'
TITLE = 'Cityscapes pairs'


@DATASETS.register_module()
class CityscapesPairsDataset(NamesBrokenFiles, BaseSegDataset):
    """Cityscapes image pairs (pix2pix's Cityscapes set, as on Kaggle).

    The Kaggle set ``dansbecker/cityscapes-image-pairs`` is laid out as::

        data_root/train/1.jpg ... 2975.jpg
        data_root/val/1.jpg ... 500.jpg

    Each file is a 256x512 (HxW) JPEG: the street photo in the left half and
    the colour-coded Cityscapes label image in the right half (some copies
    swap them: see ``photo_side`` of ``SplitImagePair``). There are no
    separate annotation files, so each data info points at the composite
    both as ``img_path`` and as ``seg_map_path``; the pipeline starts with
    ``LoadImageFromFile``, ``SplitImagePair`` and ``DecodeCityscapesColors``
    instead of ``LoadAnnotations``. Classes and palette are those of
    mmseg's ``CityscapesDataset`` (19 trainIds).

    Args:
        img_suffix (str): Suffix of the composites. Defaults to '.jpg'.
        data_prefix (dict): ``img_path`` is the split folder under
            ``data_root``. Defaults to dict(img_path='train').
        check_files (bool): Read every composite's header when the dataset
            is built and refuse the split, naming each empty, truncated,
            grey or not 2:1 file (0.11 s for the 2975 training files,
            warm), so that a run stops before it starts rather than when
            the sampler reaches the file; False checks each file when it is
            read. Defaults to True.
        **kwargs: For :class:`BaseSegDataset` (``data_root``,
            ``pipeline``...), except ``ann_file``, ``seg_map_suffix`` and a
            true ``reduce_zero_label``, which do not apply.
    """
    METAINFO = dict(classes=CLASSES, palette=PALETTE)

    def __init__(self,
                 img_suffix: str = '.jpg',
                 data_prefix: dict = dict(img_path='train'),
                 check_files: bool = True,
                 **kwargs) -> None:
        self.check_files = check_files
        for key in ('ann_file', 'seg_map_suffix', 'reduce_zero_label'):
            if kwargs.get(key):
                raise ValueError(
                    f'CityscapesPairsDataset does not take {key}='
                    f'{kwargs[key]!r}: the labels are the colour half of '
                    'each composite, listed from the split folder '
                    '(data_prefix=dict(img_path=...))')
            kwargs.pop(key, None)
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=img_suffix,
            reduce_zero_label=False,
            data_prefix=data_prefix,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """List the composites of the split folder.

        Returns:
            list[dict]: One dict per composite, sorted by path, with
            ``img_path`` and ``seg_map_path`` (both the composite),
            ``label_map``, ``reduce_zero_label`` and ``seg_fields``.
        """
        split_dir = self.data_prefix.get('img_path') or ''
        hint = kaggle_hint(
            KAGGLE_SET, 'unzip it so that data_root/train and data_root/val '
            f'hold the *{self.img_suffix} composites')
        names = list_files(TITLE, [('split folder', split_dir)],
                           self.img_suffix, hint, self.data_root,
                           self.backend_args)[0]
        if self.check_files:
            check_composites(TITLE, split_dir,
                             [osp.join(split_dir, name) for name in names],
                             self.backend_args)
        return [
            dict(
                img_path=osp.join(split_dir, name),
                seg_map_path=osp.join(split_dir, name),
                is_composite=True,
                label_map=self.label_map,
                reduce_zero_label=self.reduce_zero_label,
                seg_fields=[]) for name in names
        ]
