"""Install linknet_mm.

``pip install .`` (or ``-e .``) needs torch and an mmcv 2.0/2.1 first, as
OpenMMLab projects do: ``pip install mmcv-lite==2.1.0`` (pure Python, all
LinkNet needs) or the full ``mmcv`` (compiled ops, built from source for
torch 2.13). ``tools/setup_env.sh`` does all of it in the right order. mmcv
is not a requirement here because the two builds are different
distributions of one ``mmcv`` package, and pip would put one over the
other. The exact versions this project is tested with are in
``requirements/``; the ranges below are what the code needs.

Both installs (``pip install .`` and ``pip install -e .``, setuptools >= 64)
also put :data:`STARTUP_FILE` into site-packages, listed in the install's
RECORD so that ``pip uninstall`` removes it: at every interpreter start it
installs the finder of ``linknet_mm_mmcv_hook.py``, so that mmseg imports
on mmcv-lite without ``import linknet_mm`` first.
"""
import shutil
import sys
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.editable_wheel import editable_wheel

HERE = Path(__file__).parent
#: The start-up file: ``site`` runs its import line at interpreter start.
#: Its name sorts after setuptools' ``__editable__.*.pth``, whose finder
#: imports the module in an editable install (``site`` reads them in order).
STARTUP_FILE = 'linknet_mm_mmcv_hook.pth'
STARTUP_LINE = b'import linknet_mm_mmcv_hook; linknet_mm_mmcv_hook.install()\n'


def ship_configs() -> None:
    """Put ``configs/`` under ``linknet_mm/.mim/``, as mmseg's setup does.

    A link for an editable install, a copy for a wheel, so that an
    installed linknet_mm finds its own configs by name
    (``linknet_mm.utils.config.load_config``).
    """
    source = HERE / 'configs'
    if not source.is_dir():  # an sdist that already holds the copy
        return
    target = HERE / 'linknet_mm' / '.mim' / 'configs'
    target.parent.mkdir(exist_ok=True)
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    if {'develop', 'editable_wheel'} & set(sys.argv):
        target.symlink_to(Path('..', '..', 'configs'))
    else:
        shutil.copytree(source, target)


class BuildPyWithStartupFile(build_py):
    """``build_py`` that also puts :data:`STARTUP_FILE` at the wheel's root.

    An editable install builds nothing here (``editable_mode``):
    :class:`EditableWheelWithStartupFile` adds the file there.
    """

    def run(self) -> None:
        """Build the modules, then write the start-up file beside them."""
        super().run()
        if not self.editable_mode:
            Path(self.build_lib, STARTUP_FILE).write_bytes(STARTUP_LINE)


class _WithStartupFile:
    """An editable-install strategy that also writes :data:`STARTUP_FILE`.

    Args:
        strategy: The strategy setuptools chose (it writes the
            ``__editable__`` files into the wheel).
    """

    def __init__(self, strategy) -> None:
        self.strategy = strategy

    def __call__(self, wheel, files, mapping) -> None:
        self.strategy(wheel, files, mapping)
        wheel.writestr(STARTUP_FILE, STARTUP_LINE)  # hashed into RECORD

    def __enter__(self) -> '_WithStartupFile':
        self.strategy.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        self.strategy.__exit__(*exc_info)


class EditableWheelWithStartupFile(editable_wheel):
    """``editable_wheel`` that also puts :data:`STARTUP_FILE` in the wheel.

    setuptools has no public way to add a file to an editable wheel; its
    private ``_select_strategy`` (setuptools 64 to 84 at least) picks the
    object that writes the ``__editable__`` files, wrapped here.
    """

    def _select_strategy(self, *args, **kwargs) -> _WithStartupFile:
        return _WithStartupFile(super()._select_strategy(*args, **kwargs))


ship_configs()
version = {}
exec((HERE / 'linknet_mm' / 'version.py').read_text(), version)

setup(
    name='linknet_mm',
    version=version['__version__'],
    description='LinkNet semantic segmentation for mmsegmentation 1.x',
    long_description=(HERE / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    python_requires='>=3.8',
    packages=find_packages(include=['linknet_mm', 'linknet_mm.*']),
    py_modules=['linknet_mm_mmcv_hook', 'linknet_mm_mmcv_stand_in'],
    cmdclass=dict(
        build_py=BuildPyWithStartupFile,
        editable_wheel=EditableWheelWithStartupFile),
    package_data=dict(linknet_mm=[
        f'.mim/configs/{pattern}' for pattern in ('*.py', '*/*.py', '*/*.md',
                                                  '*/*.yaml', '*/*/*.py')
    ]),
    install_requires=[
        'torch>=2.6',  # the checkpoint allowlist (weights_only=True loads)
        'mmsegmentation>=1.2,<1.3',
        'mmengine>=0.10,<0.11',
        'setuptools<81',  # mmengine resolves mmseg:: bases with it
        'numpy',
        'opencv-python',
        'ftfy',  # imported by mmseg, not declared by it
        'regex',
    ],
    extras_require=dict(
        lite=['mmcv-lite>=2.0.0,<2.2.0'],
        full=['mmcv>=2.0.0,<2.2.0'],
        onnx=['onnx', 'onnxruntime', 'onnxscript'],
        tensorboard=['tensorboard'],
        wandb=['wandb'],
        analysis=['seaborn'],
        tflite=['tflite'],  # tools/model_converters/mobilenetv2_tflite2mmseg
        tests=[
            'pytest', 'pytest-xdist', 'onnx', 'onnxruntime', 'onnxscript',
            'tflite', 'ai-edge-litert'
        ],
    ),
    license='Apache License 2.0',
)
