"""Brain-tumour MRI dataset in the Kaggle layout ``images/`` + ``masks/``."""
import hashlib
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import mmengine
import mmengine.fileio as fileio
from mmseg.datasets import BaseSegDataset
from mmseg.datasets.transforms import LoadAnnotations
from mmseg.registry import DATASETS

from ..errors import InputError, shorten
from .file_check import NamesBrokenFiles, kaggle_hint, list_files, pair_problems
from .transforms.load_unchanged_annotations import LoadUnchangedAnnotations

SPLITS = ('train', 'val', 'test')
KAGGLE_SET = 'nikhilroxtomar/brain-tumor-segmentation'
TITLE = 'Brain-tumour'


def check_split(split: str, split_ratios: Sequence[float]) -> None:
    """Check a split name and the train/val/test ratios.

    Args:
        split (str): One of ``'train'``, ``'val'``, ``'test'``.
        split_ratios (Sequence[float]): Fractions of the pairs in train, val
            and test.

    Raises:
        ValueError: If ``split`` is unknown, or the ratios are not three
            non-negative numbers summing to 1.
    """
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
    ratios = tuple(split_ratios)
    if (len(ratios) != len(SPLITS) or any(r < 0 for r in ratios)
            or abs(sum(ratios) - 1) > 1e-6):
        raise ValueError('split_ratios must be 3 non-negative fractions '
                         '(train, val, test) summing to 1, got '
                         f'{ratios} (sum {sum(ratios):g})')


def split_names(names: Sequence[str],
                split: str,
                split_ratios: Sequence[float] = (0.6, 0.2, 0.2),
                split_seed: int = 0) -> List[str]:
    """Pick the names of one split from a deterministic 3-way partition.

    The names are ordered by the SHA-256 of ``'{split_seed}/{name}'``, so
    the partition depends only on the set of names and the seed: not on the
    order they are listed in, the file system, the Python or the numpy
    version (Python guarantees no stable ``random.shuffle`` across versions
    and numpy's ``Generator`` no stable stream). Val and test get
    ``floor(n * ratio)`` names each, train the rest: 3064 names give
    1840/612/612.

    Args:
        names (Sequence[str]): Distinct names (file stems) of all pairs.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        split_ratios (Sequence[float]): Fractions of train, val and test.
            Defaults to (0.6, 0.2, 0.2).
        split_seed (int): Seed of the partition. Defaults to 0.

    Returns:
        list[str]: The names in ``split``, sorted.
    """
    check_split(split, split_ratios)

    def key(name: str) -> Tuple[str, str]:
        digest = hashlib.sha256(f'{split_seed}/{name}'.encode()).hexdigest()
        return digest, name

    order = sorted(set(names), key=key)
    # The epsilon keeps e.g. 10 * 0.3 = 2.9999999999999996 from flooring
    # to 2.
    num_val, num_test = (
        int(len(order) * ratio + 1e-9) for ratio in split_ratios[1:])
    num_train = len(order) - num_val - num_test
    bounds = {
        'train': (0, num_train),
        'val': (num_train, num_train + num_val),
        'test': (num_train + num_val, len(order)),
    }
    start, stop = bounds[split]
    return sorted(order[start:stop])


def mask_loader_8_bit(pipeline) -> Optional[str]:
    """The name of a transform of ``pipeline`` that casts masks to uint8.

    mmseg's ``LoadAnnotations`` reads a mask, then casts it to uint8: a
    16-bit mask of 0/256 becomes all background. Transforms nested in
    ``TestTimeAug`` are looked at too.

    Args:
        pipeline: A built pipeline (``Compose``), or None.

    Returns:
        str, optional: The class name, None if no transform casts.
    """
    stack = list(getattr(pipeline, 'transforms', []))
    while stack:
        transform = stack.pop()
        if (isinstance(transform, LoadAnnotations)
                and not isinstance(transform, LoadUnchangedAnnotations)):
            return type(transform).__name__
        stack += getattr(transform, 'transforms', [])
        stack += getattr(transform, 'subroutines', [])
    return None


@DATASETS.register_module()
class BrainTumorDataset(NamesBrokenFiles, BaseSegDataset):
    """Brain-tumour segmentation on T1 contrast-enhanced MRI slices.

    The Kaggle set ``nikhilroxtomar/brain-tumor-segmentation`` (3064 slices
    of Jun Cheng's figshare set), laid out as::

        data_root/images/1.png ... 3064.png   # 8-bit grey, 512x512 or 256x256
        data_root/masks/1.png ... 3064.png    # 0/255, same name and size

    Images and masks are paired by name. The set has no official split:
    ``split`` picks a deterministic part (see :func:`split_names`), or
    ``split_file`` lists the stems to use. Masks are binary: 0 is the
    background, the one other value (255, 1, or 256 in a 16-bit PNG...)
    the tumour; load them with ``LoadUnchangedAnnotations`` (their own bit
    depth) and put ``BinarizeMask`` after it to get class ids 0/1.

    When the split is listed, every image must have a mask of the same
    name; one :class:`~linknet_mm.errors.InputError` lists every problem.

    Any binary set in this layout works: ``metainfo=dict(classes=(
    'background', 'crack'), palette=...)`` with two classes renames them
    (mask 0 is the first, 1 the second) instead of mmseg's subset mapping.

    Args:
        split (str): ``'train'``, ``'val'`` or ``'test'``. Ignored when
            ``split_file`` is given. Defaults to 'train'.
        split_ratios (Sequence[float]): Fractions of the pairs in train,
            val and test. Defaults to (0.6, 0.2, 0.2).
        split_seed (int): Seed of the split. Defaults to 0.
        split_file (str, optional): Text file with one file stem per line
            (``17``, not ``17.png``), like mmseg's ``ann_file``; relative
            paths are taken from ``data_root``. Defaults to None.
        img_suffix (str): Suffix of images. Defaults to '.png'.
        seg_map_suffix (str): Suffix of masks. Defaults to '.png'.
        reduce_zero_label (bool): Whether to ignore label 0. Defaults to
            False.
        data_prefix (dict): Image and mask folders under ``data_root``.
            Defaults to dict(img_path='images', seg_map_path='masks').
        check_files (bool): Read every pair's headers when the split is
            listed (all of the folder, as the split depends on every name;
            those of ``split_file`` if given; see :mod:`.file_check`) and
            refuse the split, naming each image or mask that is empty,
            truncated or corrupt, a 16-bit image, a mask of another size
            than its image, or a 16-bit mask that the pipeline's
            ``LoadAnnotations`` would cast to 8 bits (0.4 s for the 3064
            pairs). False checks each file when it is read; unpaired
            files are refused either way. Defaults to True.
        **kwargs: For :class:`BaseSegDataset` (``data_root``,
            ``pipeline``...), except ``ann_file``: use ``split_file``.
    """
    METAINFO = dict(
        classes=('background', 'tumor'), palette=[[0, 0, 0], [255, 0, 0]])

    @classmethod
    def get_label_map(cls,
                      new_classes: Optional[Sequence[str]] = None
                      ) -> Optional[dict]:
        """No mapping for two classes (a rename); else mmseg's subsets.

        Args:
            new_classes (Sequence[str], optional): Classes of ``metainfo``.

        Returns:
            dict, optional: Old id -> new id, None to keep the ids.
        """
        if new_classes is not None and len(new_classes) == 2:
            return None
        return super().get_label_map(new_classes)

    def __init__(self,
                 split: str = 'train',
                 split_ratios: Sequence[float] = (0.6, 0.2, 0.2),
                 split_seed: int = 0,
                 split_file: Optional[str] = None,
                 img_suffix: str = '.png',
                 seg_map_suffix: str = '.png',
                 reduce_zero_label: bool = False,
                 data_prefix: dict = dict(
                     img_path='images', seg_map_path='masks'),
                 check_files: bool = True,
                 **kwargs) -> None:
        if kwargs.get('ann_file'):
            raise ValueError(
                'BrainTumorDataset lists its files itself: give '
                f'split_file={kwargs["ann_file"]!r} (one stem per line) '
                'instead of ann_file')
        if split_file is None:
            check_split(split, split_ratios)
        self.split = split
        self.split_ratios = tuple(split_ratios)
        self.split_seed = split_seed
        self.split_file = split_file
        self.check_files = check_files
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            reduce_zero_label=reduce_zero_label,
            data_prefix=data_prefix,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """List the image/mask pairs of the split, checking them.

        Returns:
            list[dict]: One dict per pair with ``img_path``,
            ``seg_map_path``, ``label_map``, ``reduce_zero_label`` and
            ``seg_fields``.
        """
        img_dir, mask_dir = (self.data_prefix[key]
                             for key in ('img_path', 'seg_map_path'))
        images, masks = self._list_stems(img_dir, mask_dir)
        problems = [
            f'{osp.join(img_dir, stem + self.img_suffix)} has no mask '
            f'{stem + self.seg_map_suffix}' for stem in images
            if stem not in masks
        ] + [
            f'{osp.join(mask_dir, stem + self.seg_map_suffix)} has no image '
            f'{stem + self.img_suffix}' for stem in sorted(masks - set(images))
        ]
        if self.split_file is None:
            names = split_names(images, self.split, self.split_ratios,
                                self.split_seed)
            if not names:
                raise ValueError(
                    f'split {self.split!r} of the {len(images)} pairs in '
                    f'{img_dir} with split_ratios={self.split_ratios} is '
                    'empty')
        else:
            names = self._read_split_file(set(images), img_dir)
        if self.check_files:
            # the partition depends on every name: all pairs are read, so
            # that one error lists the problems of every split
            loader = mask_loader_8_bit(getattr(self, 'pipeline', None))
            for name in names if self.split_file else images:
                if name in masks:
                    problems += pair_problems(*self._pair(name), loader,
                                              self.backend_args)
        if problems:
            self._refuse(problems, img_dir, mask_dir)
        return [
            dict(
                img_path=img_path,
                seg_map_path=mask_path,
                label_map=self.label_map,
                reduce_zero_label=self.reduce_zero_label,
                seg_fields=[])
            for img_path, mask_path in map(self._pair, names)
        ]

    def _refuse(self, problems: List[str], img_dir: str,
                mask_dir: str) -> None:
        """Raise one InputError listing every problem of the folders.

        Args:
            problems (list[str]): The problems, each naming its file.
            img_dir (str): The image folder.
            mask_dir (str): The mask folder.
        """
        which = ('the split file'
                 if self.split_file else f'split {self.split!r}')
        raise InputError(
            f'{TITLE}: {len(problems)} '
            f'{"problem" if len(problems) == 1 else "problems"} in '
            f'{img_dir} and {mask_dir}, listing {which}: '
            f'{shorten(problems)}; expected every image to have a '
            'readable, non-empty mask of the same name and size: '
            're-download, rename or remove them' +
            ('' if not self.check_files else
             ' (or set check_files=False to find them one by one during '
             'the run)'))

    def _pair(self, name: str) -> Tuple[str, str]:
        """The image and mask paths of a stem, e.g. '17'."""
        return (osp.join(self.data_prefix['img_path'], name + self.img_suffix),
                osp.join(self.data_prefix['seg_map_path'],
                         name + self.seg_map_suffix))

    def _list_stems(self, img_dir: str, mask_dir: str) -> Tuple[List, set]:
        """The stems of the images (sorted) and of the masks.

        Raises DatasetNotFoundError with a download hint if data is missing.

        Args:
            img_dir (str): The image folder.
            mask_dir (str): The mask folder.

        Returns:
            tuple[list[str], set[str]]: Image stems and mask stems.
        """
        hint = kaggle_hint(
            KAGGLE_SET, 'unpack it so that the images are '
            f'{img_dir}/*{self.img_suffix} and the masks '
            f'{mask_dir}/*{self.seg_map_suffix}')
        stems = []
        for what, folder, suffix in (('image folder', img_dir,
                                      self.img_suffix),
                                     ('mask folder', mask_dir,
                                      self.seg_map_suffix)):
            names = list_files(TITLE, [(what, folder)], suffix, hint,
                               self.data_root, self.backend_args)[0]
            stems.append([name[:-len(suffix)] for name in names])
        return stems[0], set(stems[1])

    def _read_split_file(self, stems: set, img_dir: str) -> List[str]:
        """Read the stems of ``split_file`` and check that each pair exists.

        Args:
            stems (set): The stems of all pairs.
            img_dir (str): The image folder, for the error message.

        Returns:
            list[str]: The stems in the order of the file.
        """
        split_file = self.split_file
        if self.data_root is not None and not osp.isabs(split_file):
            split_file = osp.join(self.data_root, split_file)
        if not fileio.isfile(split_file, backend_args=self.backend_args):
            raise FileNotFoundError(
                f'split_file {split_file} does not exist; expected a text '
                'file with one file stem per line')
        names = [
            line.strip() for line in mmengine.list_from_file(
                split_file, backend_args=self.backend_args) if line.strip()
        ]
        if not names:
            raise ValueError(f'split_file {split_file} lists no names')
        missing = [name for name in names if name not in stems]
        if missing:
            raise ValueError(
                f'split_file {split_file} names pairs that are not in '
                f'{img_dir}: {len(missing)} '
                f'{"file" if len(missing) == 1 else "files"}: '
                f'{shorten(missing)}; expected one stem per line (e.g. '
                f'{min(stems)!r} for {min(stems)}{self.img_suffix})')
        return names
