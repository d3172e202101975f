"""Load a mask in the bit depth it was stored in."""
import mmcv
import mmengine.fileio as fileio
import numpy as np
from mmseg.datasets.transforms import LoadAnnotations
from mmseg.registry import TRANSFORMS

from ...errors import ImageReadError, InputError
from ..file_check import file_info


@TRANSFORMS.register_module()
class LoadUnchangedAnnotations(LoadAnnotations):
    """mmseg's ``LoadAnnotations``, without its cast to uint8.

    mmseg's loader ends with ``.astype(np.uint8)``: a 16-bit mask stored as
    0/256 becomes all background (256 -> 0) without a word. This one keeps
    the mask as stored (uint16 for a 16-bit PNG, decoded by OpenCV, which
    also keeps the depth of a 16-bit colour PNG where Pillow drops it), for
    ``BinarizeMask`` to read zero vs non-zero.

    ``reduce_zero_label`` and a dataset's ``label_map`` apply as in mmseg's
    loader to 8-bit masks; they map class ids, so a deeper mask with
    either is an :class:`~linknet_mm.errors.InputError`.

    Without ``seg_map_path`` (an unlabelled image at inference, e.g. through
    mmseg's ``MMSegInferencer``, which drops only ``LoadAnnotations``) the
    results pass unchanged.

    Required Keys:

    - seg_map_path
    - reduce_zero_label (optional)
    - label_map (optional)

    Added Keys:

    - seg_fields
    - gt_seg_map (the stored type: uint8, uint16)

    Args:
        reduce_zero_label (bool, optional): As in ``LoadAnnotations``; the
            dataset's setting when None. Defaults to None.
        backend_args (dict, optional): mmengine file backend arguments.
            Defaults to None.
    """

    def __init__(self, reduce_zero_label=None, backend_args=None) -> None:
        super().__init__(
            reduce_zero_label=reduce_zero_label,
            backend_args=backend_args,
            imdecode_backend='cv2')

    def transform(self, results: dict) -> dict:
        """Load the mask, if the sample has one.

        Args:
            results (dict): Result dict with ``seg_map_path``.

        Returns:
            dict: ``results`` with ``gt_seg_map``.
        """
        if not results.get('seg_map_path'):  # no labels (inference)
            return results
        self._load_seg_map(results)
        return results

    def _load_seg_map(self, results: dict) -> None:
        """Read ``results['seg_map_path']`` into ``results['gt_seg_map']``.

        Args:
            results (dict): Result dict with ``seg_map_path``.
        """
        path = results['seg_map_path']
        content = fileio.get(path, backend_args=self.backend_args)
        mask = mmcv.imfrombytes(content, 'unchanged', backend='cv2') \
            if content else None
        if mask is None:
            problem = file_info(path, self.backend_args).problem
            raise ImageReadError(f'{path} is {problem or "not an image"}: '
                                 're-download or remove it')
        mask = mask.squeeze()
        if self.reduce_zero_label is None:
            self.reduce_zero_label = results.get('reduce_zero_label', False)
        label_map = results.get('label_map')
        if (self.reduce_zero_label or label_map) and mask.dtype != np.uint8:
            raise InputError(
                f'mask {path} is {mask.dtype}: reduce_zero_label and a '
                'label_map map 8-bit class ids; store it with 8 bits, or '
                'leave both off')
        if self.reduce_zero_label:  # as mmseg, without underflow
            mask[mask == 0] = 255
            mask = mask - 1
            mask[mask == 254] = 255
        if label_map:
            ids = mask.copy()
            for old_id, new_id in label_map.items():
                mask[ids == old_id] = new_id
        results['gt_seg_map'] = mask
        results['seg_fields'].append('gt_seg_map')
