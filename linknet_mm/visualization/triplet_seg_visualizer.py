"""Visualizer drawing image | ground truth | prediction side by side."""
from typing import List, Optional, Sequence

import cv2
import mmcv
import numpy as np
from mmengine.structures import PixelData

from mmseg.registry import VISUALIZERS
from mmseg.structures import SegDataSample
from mmseg.visualization import SegLocalVisualizer
from ..datasets.transforms.split_image_pair import check_photo_side


@VISUALIZERS.register_module()
class TripletSegVisualizer(SegLocalVisualizer):
    """:class:`SegLocalVisualizer` that keeps the plain image in front.

    Draws ``image | ground truth | prediction`` (the panels that exist), so
    a prediction can be compared with both the photo and the labels. With
    ``outline=True`` classes are drawn as outlines in their palette colour
    instead of filled (for small structures such as tumours); class 0 is
    treated as background and not drawn then.

    mmseg's ``SegVisualizationHook`` reads the image from ``img_path``; for
    the Cityscapes pairs that is the photo | label composite, twice as wide
    as the prediction: then only the ``photo_side`` half is drawn.

    Args:
        name (str): Name of the visualizer instance. Defaults to
            'visualizer'.
        outline (bool): Draw class outlines instead of filled masks.
            Defaults to False.
        outline_thickness (int): Outline width in pixels. Defaults to 2.
        photo_side (str): Half of a composite image that holds the photo,
            'left' or 'right'. Defaults to 'left'.
        **kwargs: Arguments of :class:`SegLocalVisualizer`.
    """

    def __init__(self,
                 name: str = 'visualizer',
                 outline: bool = False,
                 outline_thickness: int = 2,
                 photo_side: str = 'left',
                 **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        check_photo_side(photo_side)
        self.photo_side = photo_side
        self.outline = outline
        self.outline_thickness = outline_thickness

    def _draw_outlines(self, image: np.ndarray, sem_seg: PixelData,
                       palette: Sequence[Sequence[int]]) -> np.ndarray:
        """Draw the outline of every non-background class.

        Args:
            image (np.ndarray): RGB image (H, W, 3).
            sem_seg (PixelData): Label map with ``data`` of shape (1, H, W).
            palette (Sequence): RGB colour of each class.

        Returns:
            np.ndarray: A copy of ``image`` with the outlines.
        """
        labels = np.asarray(sem_seg.cpu().data).squeeze(0)  # tensor or array
        drawn = image.copy()
        for class_id in np.unique(labels):
            if class_id == 0 or class_id >= len(palette):
                continue
            mask = (labels == class_id).astype(np.uint8)
            contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL,
                                           cv2.CHAIN_APPROX_NONE)
            cv2.drawContours(drawn, contours, -1,
                             tuple(int(c) for c in palette[class_id]),
                             self.outline_thickness)
        return drawn

    def _photo_of(self, image: np.ndarray,
                  label_shape: Sequence[int]) -> np.ndarray:
        """The photo half of a composite twice as wide as its labels.

        Args:
            image (np.ndarray): The image read from ``img_path``.
            label_shape (Sequence[int]): (H, W) of the label map.

        Returns:
            np.ndarray: ``image`` itself, or its photo half.
        """
        height, width = label_shape[:2]
        if image.shape[:2] != (height, 2 * width):
            return image
        return image[:, :width] if self.photo_side == 'left' \
            else image[:, width:]

    def _panel(self, image: np.ndarray, sem_seg: PixelData,
               with_labels: bool) -> np.ndarray:
        """Draw one label map over ``image``, filled or as outlines.

        Args:
            image (np.ndarray): RGB image.
            sem_seg (PixelData): Label map.
            with_labels (bool): Write class names (filled mode).

        Returns:
            np.ndarray: The drawn panel.
        """
        classes = self.dataset_meta.get('classes')
        palette = self.dataset_meta.get('palette')
        if classes is None:
            raise ValueError('the visualizer has no dataset_meta classes; '
                             'set it with set_dataset_meta')
        if self.outline:
            return self._draw_outlines(image, sem_seg, palette)
        return self._draw_sem_seg(image, sem_seg, classes, palette,
                                  with_labels)

    def add_datasample(self,
                       name: str,
                       image: np.ndarray,
                       data_sample: Optional[SegDataSample] = None,
                       draw_gt: bool = True,
                       draw_pred: bool = True,
                       show: bool = False,
                       wait_time: float = 0,
                       out_file: Optional[str] = None,
                       step: int = 0,
                       with_labels: Optional[bool] = True) -> None:
        """Draw ``image | ground truth | prediction`` and store or show it.

        Args:
            name (str): The image identifier.
            image (np.ndarray): The RGB image.
            data_sample (SegDataSample, optional): Ground truth and/or
                prediction. Defaults to None.
            draw_gt (bool): Draw the ground truth. Defaults to True.
            draw_pred (bool): Draw the prediction. Defaults to True.
            show (bool): Show in a window. Defaults to False.
            wait_time (float): Seconds to show. Defaults to 0.
            out_file (str, optional): Save here instead of to the
                visualizer's backends. Defaults to None.
            step (int): Global step for the backends. Defaults to 0.
            with_labels (bool): Write class names on filled masks.
                Defaults to True.
        """
        # mmseg's browse_dataset.py passes a channel-major tensor seen as
        # HxWx3, a layout OpenCV (4.12 and 5.0 alike) refuses to draw on
        image = np.ascontiguousarray(image)
        if data_sample is not None and 'pred_sem_seg' in data_sample:
            image = self._photo_of(image, data_sample.pred_sem_seg.shape)
        panels: List[np.ndarray] = [image]
        if data_sample is not None:
            if draw_gt and 'gt_sem_seg' in data_sample:
                panels.append(
                    self._panel(image, data_sample.gt_sem_seg, with_labels))
            if draw_pred and 'pred_sem_seg' in data_sample:
                panels.append(
                    self._panel(image, data_sample.pred_sem_seg,
                                with_labels))
        drawn = np.concatenate(panels, axis=1)
        if show:
            self.show(drawn, win_name=name, wait_time=wait_time)
        if out_file is not None:
            mmcv.imwrite(mmcv.rgb2bgr(drawn), out_file)
        else:
            self.add_image(name, drawn, step)
