"""Install linknet_mm: ``pip install --no-build-isolation -e .``.

mmcv 2.1.0 has no wheel for torch 2.13 on PyPI and builds from source
against the installed torch; ``tools/setup_env.sh`` does it in the right
order (see README).
"""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_requirements(name: str) -> list:
    """Requirement lines of ``requirements/<name>.txt``, comments dropped."""
    lines = (HERE / 'requirements' / f'{name}.txt').read_text().splitlines()
    reqs = (line.split('#')[0].strip() for line in lines)
    return [r for r in reqs if r]


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
    install_requires=[
        r for r in read_requirements('build') +
        read_requirements('mmcv') + read_requirements('runtime')
        if not r.startswith(('wheel', 'ninja'))
    ],
    extras_require=dict(tests=read_requirements('tests')),
    license='Apache License 2.0',
)
