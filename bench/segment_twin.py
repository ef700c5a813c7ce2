"""PyTorch twin of the Java U-Net (Presets.segmenter: conv_pool 16-32-64, skip
connections by concatenation, nearest upsampling, sigmoid output, BCE) trained on
the same augmented, normalised patches that SegmentBench exported, with the same
epochs, batch size, optimiser (Adam lr 1e-3, beta 0.9/0.999, eps 1e-7) and
Glorot-uniform initialisation; tested on the same normalised right half,
mirror-padded by the model's halo (40 px) like the Java tiler.

Usage: /usr/bin/python3 bench/segment_twin.py <dir written by SegmentBench nuclei> <epochs>
"""
import sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

d, epochs = sys.argv[1], int(sys.argv[2])
torch.manual_seed(42)
np.random.seed(42)
torch.set_num_threads(2)
x = np.fromfile(d + "/patches_x.f32", dtype="<f4").reshape(-1, 1, 64, 64)
y = np.fromfile(d + "/patches_y.f32", dtype="<f4").reshape(-1, 1, 64, 64)
tx = np.fromfile(d + "/test_x.f32", dtype="<f4").reshape(512, 256)
ty = np.fromfile(d + "/test_y.f32", dtype="<f4").reshape(512, 256) > 0
LAYERS = [16, 32, 64]


def conv(cin, cout):
    c = nn.Conv2d(cin, cout, 3, padding=1)
    limit = np.sqrt(6.0 / (9 * cin + 9 * cout))
    nn.init.uniform_(c.weight, -limit, limit)
    nn.init.zeros_(c.bias)
    return c


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.ModuleList([conv(1 if l == 0 else LAYERS[l - 1], LAYERS[l]) for l in range(3)])
        self.dec = nn.ModuleList([conv(LAYERS[l] if l == 2 else 2 * LAYERS[l + 1], LAYERS[l]) for l in range(3)])
        self.out = conv(2 * LAYERS[0], 1)

    def forward(self, v):
        skips = []
        for l in range(3):
            pre = F.relu(self.enc[l](v))
            skips.append(pre)
            v = F.max_pool2d(pre, 2)
        for l in (2, 1, 0):
            v = F.relu(self.dec[l](v))
            v = F.interpolate(v, scale_factor=2, mode="nearest")
            v = torch.cat([v, skips[l]], 1)
        return self.out(v)  # logits


net = UNet()
opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
X, Y = torch.from_numpy(x), torch.from_numpy(y)
t0 = time.time()
for e in range(1, epochs + 1):
    perm = torch.randperm(len(X))
    total, steps = 0.0, 0
    for i in range(0, len(X) - 15, 16):
        b = perm[i:i + 16]
        loss = F.binary_cross_entropy_with_logits(net(X[b]), Y[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
        steps += 1
    print("torch epoch %d: train %.5f" % (e, total / steps))
train_s = time.time() - t0
with torch.no_grad():
    padded = np.pad(tx, 40, mode="reflect")
    p = torch.sigmoid(net(torch.from_numpy(padded)[None, None]))[0, 0, 40:-40, 40:-40].numpy()
m = p > 0.5
dice = 2 * (m & ty).sum() / (m.sum() + ty.sum())
iou = (m & ty).sum() / (m | ty).sum()
print("RESULT torch: dice %.4f iou %.4f train %.0f s" % (dice, iou, train_s))
