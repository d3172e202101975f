"""Class names and palette of a config's model, for inference."""
from typing import Any, Dict

import numpy as np
from mmengine.config import Config
from mmseg.registry import DATASETS

#: Seed of the palette made up for classes without colours.
PALETTE_SEED = 42


def dataset_meta_of(cfg: Config) -> Dict[str, Any]:
    """Class names and palette for a config's model.

    Taken from the ``METAINFO`` of the test dataset's class (updated by the
    dataset's ``metainfo`` setting) when it lists ``num_classes`` classes;
    otherwise the classes are named by their ids and get fixed random
    colours.

    Args:
        cfg (Config): The config.

    Returns:
        dict: ``classes`` (tuple of str) and ``palette`` (list of RGB
        lists).
    """
    num_classes = cfg.model.decode_head.num_classes
    dataset = cfg.get('test_dataloader', {}).get('dataset', {})
    kind = dataset.get('type', '')
    dataset_cls = DATASETS.get(kind) if isinstance(kind, str) else kind
    meta = dict(getattr(dataset_cls, 'METAINFO', {}))
    meta.update(dataset.get('metainfo') or {})
    classes = tuple(meta.get('classes', ()))
    palette = [list(color) for color in meta.get('palette', [])]
    if len(classes) != num_classes:
        classes = tuple(str(i) for i in range(num_classes))
    if len(palette) != num_classes:
        rng = np.random.default_rng(PALETTE_SEED)
        palette = rng.integers(0, 256, (num_classes, 3)).tolist()
    return dict(classes=classes, palette=palette)
