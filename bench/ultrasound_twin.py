#!/usr/bin/python3
"""PyTorch twin of Train Segmenter's defaults on the ultrasound images (bench/UltrasoundTwin.java exports the data).

The same net (GraphBuilder's conv_pool U-Net with convs_per_level convolutions per level: enc<l>, enc<l>_<j>,
dec<l> before the nearest upsampling, concatenation with the encoder map, merge<l>_<j>, out; ReLU), the same
initial weights (the Java model's), the same training patches in the same order (rendered from the plane,
corner, orientation, gain and offset that SegmentPatches.fill draws from the Trainer's Random, checked
against fill's own output), the same loss (softmax; 1 - mean soft Dice of the foreground classes over the
batch, + categorical cross-entropy), Adam exactly as TF's ApplyAdam, the same fixed validation patches with
the same early stopping (patience, best epoch kept), and at most the same wall time (TWIN_SECONDS).
Writes the kept weights in TF layout (weights.json + raw float32) so that UltrasoundTwin `score` predicts
and scores them through the same Java path as ours (Segment Image's defaults).

Experiments (prototypes for the Java trainer, not twins): TWIN_BN=1 adds BatchNorm after every convolution
but the last as BatchNormOps does (batch statistics in training, running averages at evaluation; score it with a
batch_norm model of ours, whose weights it replaces), TWIN_LR the learning rate,
TWIN_COSINE=1 a cosine decay of the learning rate over the epochs.
Usage: /usr/bin/python3 bench/ultrasound_twin.py <export dir> <out dir>
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def load_avg():
    return open('/proc/loadavg').read().split()[0]


def raw(d, name, shape=None):
    a = np.fromfile(os.path.join(d, name), dtype='<f4')
    return a if shape is None else a.reshape(shape)


class TfAdam:
    """TF ApplyAdam: alpha = lr sqrt(1 - b2^t) / (1 - b1^t); m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); w -= alpha m / (sqrt(v) + eps)."""

    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-7):
        self.params = list(params)
        self.lr, self.b1, self.b2, self.eps = lr, beta1, beta2, eps
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    @torch.no_grad()
    def step(self):
        self.t += 1
        b1p = np.float32(self.b1) ** np.float32(self.t)
        b2p = np.float32(self.b2) ** np.float32(self.t)
        alpha = float(np.float32(self.lr) * np.sqrt(np.float32(1) - b2p) / (np.float32(1) - b1p))
        for p, m, v in zip(self.params, self.m, self.v):
            g = p.grad
            m.add_(g - m, alpha=1 - self.b1)
            v.add_(g * g - v, alpha=1 - self.b2)
            p.sub_(alpha * m / (v.sqrt() + self.eps))
            p.grad = None


class UNet(torch.nn.Module):
    def __init__(self, spec, params, d, bn):
        super().__init__()
        self.levels, self.convs, self.pad = len(spec['layers']), spec['convs_per_level'], spec['kernel'] // 2
        self.w = torch.nn.ParameterDict()
        self.names = {}
        for name, p in params.items():
            t = torch.from_numpy(raw(d, p['file'], p['shape']).copy())
            if len(p['shape']) == 4:  # TF HWIO -> torch OIHW
                t = t.permute(3, 2, 0, 1).contiguous()
            key = name.split('/')[-1]
            self.names[key] = name
            self.w[key] = torch.nn.Parameter(t)
        self.bn = torch.nn.ModuleDict()
        if bn:
            for key in self.w:
                if key.endswith('_w') and key != 'out_w':
                    # as BatchNormOps: epsilon 1e-3, running averages move by 0.1 per step
                    self.bn[key[:-2]] = torch.nn.BatchNorm2d(self.w[key].shape[0], eps=1e-3, momentum=0.1)

    def conv(self, x, name):
        y = F.conv2d(x, self.w[name + '_w'], self.w[name + '_b'], padding=self.pad)
        return self.bn[name](y) if name in self.bn else y

    def forward(self, x):
        skips = []
        for l in range(self.levels):
            for j in range(self.convs):
                x = F.relu(self.conv(x, 'enc%d' % l + ('' if j == 0 else '_%d' % j)))
            skips.append(x)
            x = F.max_pool2d(x, 2)
        for l in range(self.levels - 1, -1, -1):
            x = F.interpolate(F.relu(self.conv(x, 'dec%d' % l)), scale_factor=2, mode='nearest')
            x = torch.cat([x, skips[l]], dim=1)
            for j in range(1, self.convs):
                x = F.relu(self.conv(x, 'merge%d_%d' % (l, j)))
        return self.conv(x, 'out')

    def tf_weights(self):
        out = {}
        for key, p in self.w.items():
            t = p.detach()
            out[self.names[key]] = (t.permute(2, 3, 1, 0) if t.dim() == 4 else t).contiguous().numpy()
        for key, m in self.bn.items():  # BatchNormOps' parameters: params/<conv>_gamma, _beta, _mean, _var
            for suffix, v in (('_gamma', m.weight), ('_beta', m.bias), ('_mean', m.running_mean), ('_var', m.running_var)):
                out['params/' + key + suffix] = v.detach().contiguous().numpy()
        return out


def loss_fn(z, t):
    """SegmentationLosses dice_bce with softmax: 1 - mean over classes 1.. of batch soft Dice, + mean categorical CE."""
    logp = F.log_softmax(z, dim=1)
    p = logp.exp()
    axes = (0, 2, 3)
    dice = (2 * (p * t).sum(axes) + 1) / (p.sum(axes) + t.sum(axes) + 1)
    return 1 - dice[1:].mean() + (-(t * logp).sum(1)).mean()


def orientations(P):
    """Index arrays (sy, sx) per orientation as SegmentPatches.fill: bit 1 flips x, 2 flips y, 4 transposes."""
    yy, xx = np.meshgrid(np.arange(P), np.arange(P), indexing='ij')
    out = []
    for o in range(8):
        sx, sy = (yy, xx) if o & 4 else (xx, yy)
        sx = P - 1 - sx if o & 1 else sx
        sy = P - 1 - sy if o & 2 else sy
        out.append((sy, sx))
    return out


class Patches:
    def __init__(self, d, h):
        self.P, self.tc = h['patch'], h['target_channels']
        sizes = h['plane_sizes']
        x, y = raw(d, 'planes_x.f32'), raw(d, 'planes_y.f32')
        self.planes, at = [], 0
        for w, hh in sizes:
            self.planes.append((x[at:at + w * hh].reshape(hh, w), y[at * self.tc:(at + w * hh) * self.tc].reshape(hh, w, self.tc)))
            at += w * hh
        self.draws = raw(d, 'draws.f32', (h['epochs'], h['patches_per_epoch'], 6))
        self.orient = orientations(self.P)

    def render(self, draws):
        P = self.P
        xs = np.empty((len(draws), P, P), np.float32)
        ys = np.empty((len(draws), P, P, self.tc), np.float32)
        for k, (pi, x0, y0, o, gain, off) in enumerate(draws):
            px, py = self.planes[int(pi)]
            x0, y0 = int(x0), int(y0)
            sy, sx = self.orient[int(o)]
            xs[k] = px[y0:y0 + P, x0:x0 + P][sy, sx] * np.float32(gain) + np.float32(off)
            ys[k] = py[y0:y0 + P, x0:x0 + P][sy, sx]
        return xs, ys


def to_torch(xs, ys, fmt):
    x = torch.from_numpy(xs)[:, None].contiguous(memory_format=fmt)
    y = torch.from_numpy(ys).permute(0, 3, 1, 2).contiguous(memory_format=fmt)
    return x, y


def main():
    d, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(int(os.environ.get('TWIN_THREADS', '2')))
    torch.manual_seed(0)
    h = json.load(open(os.path.join(d, 'header.json')))
    spec = h['spec']
    bn = int(os.environ.get('TWIN_BN', '0'))
    lr = float(os.environ.get('TWIN_LR', spec['learning_rate']))
    cosine = os.environ.get('TWIN_COSINE', '0') == '1'
    budget = float(os.environ.get('TWIN_SECONDS', '1e9'))
    epochs = int(os.environ.get('TWIN_EPOCHS', h['epochs']))
    fmt = torch.channels_last if os.environ.get('TWIN_CHANNELS_LAST', '1') == '1' else torch.contiguous_format
    data = Patches(d, h)
    P, tc, bs, n = h['patch'], h['target_channels'], h['batch_size'], h['patches_per_epoch']

    # the rendered patches must equal SegmentPatches.fill's own (first 64 of epoch 1)
    cx, cy = data.render(data.draws[0, :64])
    ex, ey = raw(d, 'check_x.f32', (64, P, P)), raw(d, 'check_y.f32', (64, P, P, tc))
    print('render check: max |diff| input %.3g, target %.3g' % (np.abs(cx - ex).max(), np.abs(cy - ey).max()))
    if np.abs(cx - ex).max() > 1e-6 or np.abs(cy - ey).max() > 0:
        raise SystemExit('the rendered patches differ from SegmentPatches.fill: the replay is wrong')

    vx, vy = to_torch(raw(d, 'val_x.f32', (h['n_val'], P, P)), raw(d, 'val_y.f32', (h['n_val'], P, P, tc)), fmt)
    model = UNet(spec, h['params'], d, bn).to(memory_format=fmt)
    opt = TfAdam([p for p in model.parameters()], lr)

    def evaluate():
        model.eval()
        with torch.no_grad():  # Trainer.evaluate: batches of max(batch size, 256), here all 128 patches at once
            z = model(vx)
            total = loss_fn(z, vy).item()
            hard = F.one_hot(z.argmax(1), tc).permute(0, 3, 1, 2).float()
            t = (vy >= 0.5).float()
            inter = (hard * t).sum((0, 2, 3)).numpy()
            psum = hard.sum((0, 2, 3)).numpy()
            tsum = t.sum((0, 2, 3)).numpy()
        model.train()
        return total, 2 * inter / np.maximum(psum + tsum, 1)

    st = h.get('settings', {})
    by_dice = st.get('selection', 'Validation loss') == 'Held-out Dice'
    decay = float(st.get('weightAveraging', 0))
    vplanes, at = [], 0
    if by_dice:
        px, py = raw(d, 'valplanes_x.f32'), raw(d, 'valplanes_y.f32')
        for w, hh in h['val_plane_sizes']:
            vplanes.append((px[at:at + w * hh].reshape(hh, w), py[at * tc:(at + w * hh) * tc].reshape(hh, w, tc)))
            at += w * hh

    def held_out_dice():
        """HeldOutDice: each plane whole, mirrored up to a multiple of 8, the most probable foreground class above 0.5."""
        model.eval()
        m = 2 ** len(spec['layers'])  # the forward pools after every level
        dice = np.zeros(tc - 1)
        with torch.no_grad():
            for x, y in vplanes:
                hh, w = x.shape
                H, W = -(-hh // m) * m, -(-w // m) * m
                xp = np.pad(x, ((0, H - hh), (0, W - w)), mode='reflect') if (H, W) != (hh, w) else x
                p = F.softmax(model(torch.from_numpy(np.ascontiguousarray(xp))[None, None]), 1)[0, :, :hh, :w].numpy()
                best = 1 + p[1:].argmax(0)
                pred = np.where(np.take_along_axis(p, best[None], 0)[0] > 0.5, best, 0)
                truth = y.argmax(2)
                for c in range(1, tc):
                    a, b = pred == c, truth == c
                    s = a.sum() + b.sum()
                    dice[c - 1] += 1 if s == 0 else 2 * (a & b).sum() / s
        model.train()
        return dice.mean() / len(vplanes), dice / len(vplanes)

    avg, power = None, 1.0  # WeightAverage: bias-corrected moving average of the weights per step

    def swap(state):
        old = {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.load_state_dict(state)
        return old

    def averaged():
        return {k: v / (1 - power) for k, v in avg.items()}

    best, best_epoch, wait = (-held_out_dice()[0] if by_dice else evaluate()[0]), 0, 0
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    history = []
    t0 = time.perf_counter()
    last = 0.0
    stop = 'completed'
    for e in range(epochs):
        if time.perf_counter() - t0 + last > budget:
            stop = 'time budget'
            break
        te = time.perf_counter()
        if cosine:
            opt.lr = 0.5 * lr * (1 + math.cos(math.pi * e / epochs))
        total = 0.0
        for i in range(0, n, bs):
            x, y = to_torch(*data.render(data.draws[e % len(data.draws), i:i + bs]), fmt)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            total += loss.item() * len(x)
            if decay > 0:
                power *= decay
                sd = model.state_dict()
                if avg is None:
                    avg = {k: torch.zeros_like(v) for k, v in sd.items()}
                for k, v in sd.items():
                    avg[k].mul_(decay).add_(v.detach(), alpha=1 - decay)
        raw_state = swap(averaged()) if decay > 0 else None
        vl, vd = evaluate()
        score, per_class = held_out_dice() if by_dice else (float('nan'), [])
        last = time.perf_counter() - te
        history.append({'epoch': e + 1, 'train_loss': total / n, 'val_loss': vl, 'val_patch_dice': vd.tolist(), 'held_out_dice': score,
                        'seconds': last, 'load': load_avg()})
        print('  epoch %d: train %.4f val %.4f val patch Dice %s held-out Dice %s (%.1f s, load %s)'
              % (e + 1, total / n, vl, np.round(vd[1:], 3), np.round(per_class, 3), last, load_avg()), flush=True)
        crit = -score if by_dice else vl
        improved = crit < best
        if improved:
            best, best_epoch, wait = crit, e + 1, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        if raw_state is not None:
            swap(raw_state)  # training goes on from the raw weights
        if not improved:
            wait += 1
            if wait >= h['patience']:
                stop = 'early stop'
                break
    seconds = time.perf_counter() - t0
    model.load_state_dict(best_state)
    vl, vd = evaluate()
    print('torch: %s after %d epochs, kept epoch %d (%s %.4f, val patch Dice %s), %.0f s (budget %.0f s), BN %d, lr %g%s, weight averaging %g'
          % (stop, len(history), best_epoch, 'held-out Dice' if by_dice else 'val loss', -best if by_dice else best, np.round(vd[1:], 4), seconds,
             budget, bn, lr, ', cosine' if cosine else '', decay))
    names = {}
    for name, v in model.tf_weights().items():
        f = name.replace('/', '_') + '.f32'
        v.astype('<f4').tofile(os.path.join(out, f))
        names[name] = f
    json.dump(names, open(os.path.join(out, 'weights.json'), 'w'))
    json.dump({'stop': stop, 'best_epoch': best_epoch, 'best_val_loss': best, 'val_patch_dice': vd.tolist(), 'seconds': seconds, 'bn': bn, 'lr': lr,
               'cosine': cosine, 'history': history, 'torch': torch.__version__, 'omp_wait_policy': os.environ.get('OMP_WAIT_POLICY', '')},
              open(os.path.join(out, 'twin.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
