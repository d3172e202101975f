"""mmseg's inferencer, with strict weights and the ONNX Runtime backend."""
import hashlib
import inspect
import itertools
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

    On top of it: strict weights and the checkpoint's class names
    (:func:`~linknet_mm.apis.init_segmentor`), ONNX Runtime
    (``onnx_file``) and low precisions, an ImageReadError naming an
    unreadable file, grey arrays made 3-channel, batches of mixed sizes,
    and one visualizer per setting (mmengine keeps every one built).

    Args:
        model (str | Path | Config | nn.Module): Config file or object, a
            model name of mmseg's metafiles, or a built model (anything
            with ``cfg``, ``dataset_meta`` and ``test_step``) to wrap.
        weights (str, optional): Checkpoint; None keeps random weights.
        device (str): Device of the model. Defaults to 'cpu'.
        onnx_file (str, optional): Export to run in ONNX Runtime instead
            of ``weights``. Defaults to None.
        fuse_conv_bn (bool): Fold BatchNorm into the convolutions (PyTorch;
            same results, faster). Defaults to False.
        cfg_options (dict, optional): Overrides of the config.
        precision (str): 'fp32', 'bf16', 'int8' or 'auto' (see
            :mod:`~linknet_mm.deploy.precision`); of ``weights`` on the
            CPU ('auto' is fp32 on another device). Defaults to 'fp32'.
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
        """The model: as given, in ONNX Runtime, or with strict weights."""
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
        """mmseg's inference pipeline; the loader's settings are kept."""
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
        """The config's visualizer (None without one), built once per
        setting and process."""
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
        """An image file or array (or ``dict(img=, img_path=)`` already
        read) as ``InferencerLoader`` takes it: ``img`` (and ``img_path``).
        """
        if isinstance(image, dict):
            return image
        loaded = dict(img=as_image(image, self.load_cfg))
        if isinstance(image, (str, Path)):
            loaded['img_path'] = str(image)
        return loaded

    def pack(self, image: Union[ImageInput, dict]) -> dict:
        """One input (as :meth:`load` takes) through the pipeline, packed;
        its file name kept."""
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
        """Collated batches of ``batch_size`` inputs (as :meth:`load` takes
        them), split where the pipeline's output size changes."""
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}')
        for start in range(0, len(inputs), batch_size):
            packed = [
                self.pack(image) for image in inputs[start:start + batch_size]
            ]
            for _, run in itertools.groupby(packed,
                                            lambda item: item['inputs'].shape):
                yield self.collate_fn(list(run))

    def predict(self,
                images: Sequence[Any],
                batch_size: int = 1) -> List[SegDataSample]:
        """One result per image (as :meth:`load` takes), in order:
        ``pred_sem_seg`` (1, H, W), ``seg_logits`` (C, H, W) at its size."""
        batches = self.preprocess(list(images), batch_size)
        return [sample for data in batches for sample in self.forward(data)]
