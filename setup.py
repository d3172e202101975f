"""Install linknet_mm.

``pip install .`` (or ``-e .``) needs torch and an mmcv 2.0/2.1 first, as
OpenMMLab projects do: ``pip install mmcv-lite==2.1.0`` (pure Python, all
LinkNet needs) or the full ``mmcv`` (compiled ops, built from source for
torch 2.13). ``tools/setup_env.sh`` does all of it in the right order. mmcv
is not a requirement here because the two builds are different
distributions of one ``mmcv`` package, and pip would put one over the
other. The exact versions this project is tested with are in
``requirements/``; the ranges below are what the code needs.
"""
import shutil
import sys
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def ship_configs() -> None:
    """Put ``configs/`` under ``linknet_mm/.mim/``, as mmseg's setup does.

    A link for an editable install, a copy for a wheel, so that an
    installed linknet_mm finds its own configs by name
    (``linknet_mm.utils.config.find_config``).
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
