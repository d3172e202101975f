"""Cross-entropy with class weights on labels that have ignored pixels.

mmseg 1.2.2's ``cross_entropy`` averages a class-weighted loss by looking
up ``class_weight[label]`` for every pixel, ignored ones included, so any
label with ``ignore_index`` (255 in Cityscapes) raises ``IndexError: index
255 is out of bounds`` (open-mmlab/mmsegmentation#3734, #3831, open). This
loss keeps mmseg's ``CrossEntropyLoss`` and gives that average the
weights of the labelled pixels only, which is what PyTorch's
``F.cross_entropy(..., weight=, ignore_index=, reduction='mean')`` does.
"""
from typing import Optional

import torch
from mmseg.models.losses import CrossEntropyLoss
from mmseg.models.losses.cross_entropy_loss import cross_entropy
from mmseg.registry import MODELS


def class_weighted_cross_entropy(pred: torch.Tensor,
                                 label: torch.Tensor,
                                 weight: Optional[torch.Tensor] = None,
                                 class_weight: Optional[torch.Tensor] = None,
                                 reduction: str = 'mean',
                                 avg_factor: Optional[float] = None,
                                 ignore_index: int = -100,
                                 avg_non_ignore: bool = False
                                 ) -> torch.Tensor:
    """mmseg's ``cross_entropy``; a class-weighted mean over labelled pixels.

    Args:
        pred: Logits, shape (N, C, H, W).
        label: Class indices, shape (N, H, W); ``ignore_index`` where
            unlabelled.
        weight: Pixel-wise weights, as in mmseg.
        class_weight: One weight per class, or None.
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.
        avg_factor: Divisor of the sum; computed here when None.
        ignore_index: The label value that does not count.
        avg_non_ignore: mmseg's switch for the unweighted case; with class
            weights the mean is always over labelled pixels.

    Returns:
        The loss.
    """
    if class_weight is not None and reduction == 'mean' \
            and avg_factor is None:
        labelled = label[label != ignore_index]
        avg_factor = class_weight[labelled].sum()
    return cross_entropy(
        pred,
        label,
        weight,
        class_weight=class_weight,
        reduction=reduction,
        avg_factor=avg_factor,
        ignore_index=ignore_index,
        avg_non_ignore=avg_non_ignore)


@MODELS.register_module()
class ClassWeightedCrossEntropyLoss(CrossEntropyLoss):
    """mmseg's softmax ``CrossEntropyLoss`` that accepts ignored pixels
    beside ``class_weight``.

    Same arguments as mmseg's, without ``use_sigmoid`` and ``use_mask``
    (softmax only); ``class_weight`` is required, a list or a file as mmseg
    reads it.
    """

    def __init__(self, class_weight, **kwargs) -> None:
        for unsupported in ('use_sigmoid', 'use_mask'):
            if kwargs.get(unsupported):
                raise ValueError(
                    f'ClassWeightedCrossEntropyLoss: {unsupported}=True is '
                    'not supported (softmax cross-entropy only); use '
                    "mmseg's CrossEntropyLoss")
        if class_weight is None:
            raise ValueError(
                'ClassWeightedCrossEntropyLoss: class_weight is required '
                "(one weight per class); without it use mmseg's "
                'CrossEntropyLoss')
        kwargs.setdefault('avg_non_ignore', True)
        super().__init__(class_weight=class_weight, **kwargs)
        self.cls_criterion = class_weighted_cross_entropy
