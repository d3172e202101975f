"""Backends as segmentors: logits from a runtime, predictions as mmseg's."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.structures import PixelData
from mmseg.models.utils import resize
from mmseg.structures import SegDataSample
from torch import Tensor

from ..datasets.metainfo import dataset_meta_of
from ..errors import BackendMismatchError
from ..utils.config import ConfigInput, load_config


def logits_to_prediction(logits: Tensor, ori_shape: Sequence[int],
                         align_corners: bool,
                         threshold: float) -> Tuple[Tensor, Tensor]:
    """(C, H, W) logits of one image to mmseg's ``seg_logits`` and
    ``pred_sem_seg`` at its ``ori_shape``.

    As :meth:`mmseg.models.EncoderDecoder.postprocess_result` (unpadded,
    unflipped): resized, then the argmax, or for one channel its sigmoid
    above ``threshold``. Kept apart so the parity check reads the scores.

    Returns:
        tuple[Tensor, Tensor]: (C, H, W) scores and (1, H, W) class ids.
    """
    logits = resize(
        logits[None].float(),
        size=tuple(ori_shape),
        mode='bilinear',
        align_corners=align_corners,
        warning=False)[0]
    if logits.shape[0] > 1:
        return logits, logits.argmax(dim=0, keepdim=True)
    scores = logits.sigmoid()
    return scores, (scores > threshold).to(scores)


class BackendSegmentor(nn.Module):
    """A segmentor whose logits come from a runtime backend in one call.

    Subclasses name their :attr:`backend` and implement :meth:`logits`;
    this class gives what :func:`~linknet_mm.apis.predict` and mmseg's
    inferencer use of a segmentor (``cfg``, ``dataset_meta``,
    ``test_step``).

    Args:
        config (str | Path | Config): The model's config (copied), with
            ``cfg_options`` overrides.
        dataset_meta (dict, optional): Class names and palette; the
            config's dataset's when None.
    """

    #: The backend's name, for errors.
    backend = 'backend'

    def __init__(self,
                 config: ConfigInput,
                 dataset_meta: Optional[dict] = None,
                 cfg_options: Optional[dict] = None) -> None:
        super().__init__()
        self.cfg = load_config(config, cfg_options)
        head = self.cfg.model.decode_head
        self.num_classes = head.num_classes
        self.out_channels = head.get('out_channels') or head.num_classes
        self.align_corners = head.get('align_corners', False)
        self.threshold = head.get('threshold') or 0.3
        self.dataset_meta = dataset_meta or dataset_meta_of(self.cfg)
        preprocessor = self.cfg.model.get('data_preprocessor') or {}
        if preprocessor.get('test_cfg'):
            raise BackendMismatchError(
                self.backend,
                f'{type(self).__name__} does not pad at test time; '
                f'{self.cfg.filename}: data_preprocessor.test_cfg='
                f'{preprocessor.test_cfg} is not supported')

    def logits(self, inputs: Tensor) -> Tensor:
        """float32 logits (N, out_channels, H, W) of (N, C, H, W) pixels
        (:data:`~.logits_model.INPUT_FORMAT`)."""
        raise NotImplementedError

    def test_step(self, data: Dict[str, list]) -> List[SegDataSample]:
        """``data_samples`` of a batch packed by ``PackSegInputs`` (inputs
        of one size), with ``seg_logits`` and ``pred_sem_seg`` at each
        image's original size."""
        logits = self.logits(torch.stack([x.float() for x in data['inputs']]))
        samples = data['data_samples']
        for sample, sample_logits in zip(samples, logits):
            scores, pred = logits_to_prediction(sample_logits,
                                                sample.metainfo['ori_shape'],
                                                self.align_corners,
                                                self.threshold)
            sample.seg_logits = PixelData(data=scores)
            sample.pred_sem_seg = PixelData(data=pred)
        return samples
