"""tools/misc/publish_model.py: training state dropped, hash in the name."""
import hashlib
import re

import torch
from mmengine.logging import MessageHub

from conftest import tool_module


def test_publish_drops_training_state_and_names_by_hash(tmp_path):
    hub = MessageHub('publish_test')
    hub.update_scalar('train/loss', 0.5)
    source = tmp_path / 'iter_6.pth'
    torch.save(
        dict(
            state_dict=dict(w=torch.ones(3)),
            meta=dict(dataset_meta=dict(classes=('a', 'b'))),
            optimizer=dict(state={}),
            message_hub=hub.state_dict()), source)
    publish = tool_module('misc/publish_model.py').publish_checkpoint
    final = publish(str(source), str(tmp_path / 'model.pth'))
    match = re.fullmatch(r'.*/model-([0-9a-f]{8})\.pth', final)
    assert match, final
    content = open(final, 'rb').read()
    assert hashlib.sha256(content).hexdigest()[:8] == match.group(1)
    published = torch.load(final)  # weights_only=True
    assert set(published) == {'state_dict', 'meta'}
    assert torch.equal(published['state_dict']['w'], torch.ones(3))
    assert not list(tmp_path.glob('*.part'))
