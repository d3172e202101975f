"""mmseg's inferencer, with strict weights and the ONNX Runtime backend."""
import hashlib
import inspect
from pathlib import Path
from typing import Any, Iterator, List, Optional, Sequence, Union

from mmengine.config import Config
from mmseg.apis import MMSegInferencer
from mmseg.registry import VISUALIZERS
from mmseg.structures import SegDataSample

from ..deploy.onnx_segmentor import OnnxSegmentor
from ..deploy.precision import in_precision
from ..errors import ConfigError
from ..models.utils import fuse_conv_bn
from ..utils.config import load_config
from .image_io import ImageInput, as_image
from .segmentor import init_segmentor

ModelInput = Union[str, Path, Config, Any]


class LinkNetInferencer(MMSegInferencer):
    """:class:`mmseg.apis.MMSegInferencer` for linknet_mm's models.

    Inference goes through the config's own test pipeline as mmseg's
    inferencer builds it (``LoadAnnotations`` left out, the loader swapped
    for ``InferencerLoader``; our label transforms pass unlabelled images
    through). On top of mmseg's inferencer:

    - the weights must fit the config, and class names and palette come
      from the checkpoint, else the config's dataset
      (:func:`~linknet_mm.apis.init_segmentor`), never Cityscapes' by
      default;
    - ``onnx_file`` runs an exported model in ONNX Runtime
      (:class:`~linknet_mm.deploy.OnnxSegmentor`) instead of PyTorch;
    - an image file that cannot be read is an
      :class:`~linknet_mm.errors.ImageReadError` naming it; grey arrays are
      repeated to 3 channels when the loader reads colour;
    - a batch may mix image sizes (images of one size run together);
    - inferencers of one visualizer setting share one visualizer (mmengine
      keeps every visualizer built, figure included, for the life of the
      process, so :func:`~linknet_mm.apis.predict` in a loop would pile
      them up).

    Args:
        model (str | Path | Config | nn.Module): Config file or object, a
            model name known to mmseg's metafiles, or a model built by
            :func:`~linknet_mm.apis.init_segmentor` (or an
            :class:`~linknet_mm.deploy.OnnxSegmentor`) to wrap as it is.
        weights (str, optional): Checkpoint; None keeps random weights.
            Defaults to None.
        device (str): Device of the model. Defaults to 'cpu'.
        onnx_file (str, optional): Exported model to run in ONNX Runtime;
            ``weights`` is then not read. Defaults to None.
        fuse_conv_bn (bool): Fold BatchNorm into the convolutions (PyTorch
            backend; faster, same results). Defaults to False.
        precision (str): 'fp32', 'bf16', 'int8' or 'auto' (the fastest
            that passed the parity check on this CPU, see
            :mod:`~linknet_mm.deploy.precision`); with ``weights``, not with
            ``onnx_file``; CPU only ('auto' is fp32 on another device).
            Defaults to 'fp32'.
        cfg_options (dict, optional): Overrides of the config. Defaults to
            None.
    """

    def __init__(self,
                 model: ModelInput,
                 weights: Optional[str] = None,
                 device: str = 'cpu',
                 onnx_file: Optional[str] = None,
                 fuse_conv_bn: bool = False,
                 cfg_options: Optional[dict] = None,
                 precision: str = 'fp32') -> None:
        if onnx_file is not None and precision != 'fp32':
            raise ConfigError(
                f'precision={precision!r} applies to a checkpoint; an ONNX '
                'file runs in the precision it was saved in (leave '
                'onnx_file out to use the INT8 model beside the checkpoint)')
        if not device.startswith('cpu') and precision != 'fp32':
            if precision != 'auto':
                raise ConfigError(
                    f'precision={precision!r} runs on the CPU (bf16 '
                    'autocast, INT8 in ONNX Runtime); on device='
                    f'{device!r} use fp32')
            precision = 'fp32'  # the parity checks are per CPU
        self.onnx_file = onnx_file
        self.precision = precision
        self.fuse_conv_bn = fuse_conv_bn
        self.built_model = None
        if hasattr(model, 'test_step'):
            self.built_model = model
            model = model.cfg
        elif isinstance(model, (Config, Path)) or str(model).endswith('.py'):
            model = load_config(model, cfg_options)
        super().__init__(model=model, weights=weights, device=device)
        self.show_progress = False

    def _init_model(self,
                    cfg: Config,
                    weights: Optional[str],
                    device: str = 'cpu') -> Any:
        """The model: as given, in ONNX Runtime, or built with strict weights.

        Args:
            cfg (Config): The config.
            weights (str, optional): Checkpoint.
            device (str): Device. Defaults to 'cpu'.

        Returns:
            A model with ``cfg``, ``dataset_meta`` and ``test_step``.
        """
        if self.built_model is not None:
            return self.built_model
        if self.onnx_file is not None:
            return OnnxSegmentor(self.onnx_file, cfg, device=device)
        model = init_segmentor(cfg, weights, device)
        if self.precision != 'fp32':
            return in_precision(model, weights, self.precision)
        if self.fuse_conv_bn:
            fuse_conv_bn(model)
        return model

    def _init_pipeline(self, cfg: Config) -> Any:
        """mmseg's inference pipeline, keeping the loader's settings.

        Args:
            cfg (Config): The config.

        Returns:
            Compose: The pipeline.
        """
        pipeline = cfg.get('test_dataloader', {}).get('dataset',
                                                      {}).get('pipeline')
        if not pipeline or pipeline[0].get('type') != 'LoadImageFromFile':
            raise ConfigError(
                f'{cfg.filename or "the config"}: inference runs '
                'test_dataloader.dataset.pipeline, which must start with '
                'LoadImageFromFile')
        self.load_cfg = dict(pipeline[0])
        return super()._init_pipeline(cfg)

    def _init_visualizer(self, cfg: Config) -> Any:
        """The config's visualizer, built once per setting and process.

        Args:
            cfg (Config): The config.

        Returns:
            Visualizer, optional: The shared visualizer; None without one.
        """
        if 'visualizer' not in cfg:
            return None
        settings = {k: v for k, v in cfg.visualizer.items() if k != 'name'}
        kind = settings['type']
        kind = kind if inspect.isclass(kind) else VISUALIZERS.get(kind)
        digest = hashlib.sha256(repr(sorted(settings.items())).encode())
        name = f'linknet_inferencer_{digest.hexdigest()[:12]}'
        if kind.check_instance_created(name):
            return kind.get_instance(name)
        return VISUALIZERS.build(dict(settings, name=name))

    def load(self, image: Union[ImageInput, dict]) -> dict:
        """An input as the pipeline's ``InferencerLoader`` takes it.

        Args:
            image (str | Path | np.ndarray | dict): Image file or array, or
                ``dict(img=array, img_path=...)`` already read.

        Returns:
            dict: ``img`` and, for files, ``img_path``.
        """
        if isinstance(image, dict):
            return image
        loaded = dict(img=as_image(image, self.load_cfg))
        if isinstance(image, (str, Path)):
            loaded['img_path'] = str(image)
        return loaded

    def pack(self, image: Union[ImageInput, dict]) -> dict:
        """One input through the pipeline, its file name kept.

        Args:
            image (str | Path | np.ndarray | dict): As :meth:`load` takes.

        Returns:
            dict: ``inputs`` and ``data_samples`` of ``PackSegInputs``.
        """
        loaded = self.load(image)
        packed = self.pipeline(dict(loaded))
        if loaded.get('img_path'):
            # the array loader resets it
            packed['data_samples'].set_metainfo(
                dict(img_path=loaded['img_path']))
        return packed

    def preprocess(self,
                   inputs: Sequence[Any],
                   batch_size: int = 1,
                   **kwargs) -> Iterator[dict]:
        """Batches for ``test_step``: ``batch_size`` inputs at a time, split
        where the pipeline's output size changes.

        Args:
            inputs (Sequence): Inputs as :meth:`load` takes them.
            batch_size (int): Inputs per batch. Defaults to 1.

        Yields:
            dict: Collated ``inputs`` and ``data_samples``.
        """
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}')
        for start in range(0, len(inputs), batch_size):
            packed = [
                self.pack(image) for image in inputs[start:start + batch_size]
            ]
            run: List[dict] = []
            for item in packed:
                if run and item['inputs'].shape != run[0]['inputs'].shape:
                    yield self.collate_fn(run)
                    run = []
                run.append(item)
            yield self.collate_fn(run)

    def predict(self,
                images: Sequence[Any],
                batch_size: int = 1) -> List[SegDataSample]:
        """Segment images, keeping order, one result per image.

        Args:
            images (Sequence): Inputs as :meth:`load` takes them.
            batch_size (int): Images run together. Defaults to 1.

        Returns:
            list[SegDataSample]: ``pred_sem_seg`` (1, H, W) and
            ``seg_logits`` (C, H, W) at each image's size.
        """
        results: List[SegDataSample] = []
        for data in self.preprocess(list(images), batch_size):
            results.extend(self.forward(data))
        return results
