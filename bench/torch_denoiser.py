#!/usr/bin/python3
"""PyTorch twin of the supervised denoiser (bench/DenoiseTwin.java exports the data).

Reads header.json and the raw little-endian float32 files written by DenoiseTwin:
the spec of TrainingMode.DENOISE_SYNTHETIC's model (conv_pool: per level a conv +
activation + 2x2 max-pool; decoder per level a conv + activation + 2x nearest
upsampling; a linear output conv; MSE), its initial weights, the training and
validation patches, the mini-batch order of every epoch, and the normalised noisy
test image. Trains with Adam as TF's ApplyAdam does (same lr, betas, epsilon),
keeps the weights of the best validation epoch (as our Trainer), denoises the
whole test image, and prints both PSNRs and the training-time ratio; writes
bench/results/denoise_torch.md.

Run with torch.set_num_threads(2), OPENBLAS_NUM_THREADS=1 and the GLIBC_TUNABLES
of /work/shared/TFJAVA-NOTES.md (bench/run-denoise-twin.sh sets them for both).
Usage: /usr/bin/python3 bench/torch_denoiser.py <export dir> [results.md]
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def load(d, name, shape):
    a = np.fromfile(os.path.join(d, name), dtype='<f4')
    return torch.from_numpy(a.reshape(shape).copy())


def activation(name):
    return {
        'relu': F.relu,
        'leaky_relu': lambda x: F.leaky_relu(x, 0.2),
        'elu': F.elu,
        'tanh': torch.tanh,
        'sigmoid': torch.sigmoid,
        'linear': lambda x: x,
    }[name]


class ConvPoolDenoiser(torch.nn.Module):
    """GraphBuilder's conv_pool graph (code_size 0, nearest unpooling, optional skip connections) in PyTorch."""

    def __init__(self, spec, params, d):
        super().__init__()
        if spec['kind'] != 'conv_pool' or spec['code_size'] != 0 or spec['unpooling'] != 'nearest':
            raise SystemExit('the twin mirrors conv_pool with code_size 0 and nearest unpooling, got ' + json.dumps(spec))
        self.spec = spec
        self.levels = len(spec['layers'])
        self.skips = bool(spec.get('skip_connections', False))
        self.pad = spec['kernel'] // 2
        self.w = torch.nn.ParameterDict()
        for name, p in params.items():
            t = load(d, p['file'], p['shape'])
            if len(p['shape']) == 4:  # TF HWIO -> torch OIHW
                t = t.permute(3, 2, 0, 1).contiguous()
            self.w[name.split('/')[-1]] = torch.nn.Parameter(t)
        self.act = activation(spec['activation'])
        self.code_act = activation(spec['code_activation'])
        self.out_act = activation(spec['output_activation'])

    def conv(self, x, name):
        # TF 'SAME' with an odd kernel and stride 1 pads kernel//2 on every side
        return F.conv2d(x, self.w[name + '_w'], self.w[name + '_b'], padding=self.pad)

    def forward(self, x):
        pre = []
        for l in range(self.levels):
            a = self.code_act if l == self.levels - 1 else self.act
            p = a(self.conv(x, 'enc%d' % l))
            pre.append(p)
            x = F.max_pool2d(p, 2)
        for l in range(self.levels - 1, -1, -1):
            x = F.interpolate(self.act(self.conv(x, 'dec%d' % l)), scale_factor=2, mode='nearest')
            if self.skips:  # U-Net: like tf.concat([upsampled, encoder map], -1), channels first here
                x = torch.cat([x, pre[l]], dim=1)
        return self.out_act(self.conv(x, 'out'))


def train_epoch(model, opt, xs, ys, order, bs, loss_fn):
    """One epoch over a fixed batch order, as the Java Trainer runs it: the sample-weighted mean training loss."""
    total = 0.0
    for i in range(0, len(order), bs):
        idx = order[i:i + bs]
        loss = loss_fn(model(xs[idx]), ys[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    return total / len(order)


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else '/tmp/build-dnbench/twin'
    out_md = sys.argv[2] if len(sys.argv) > 2 else 'bench/results/denoise_torch.md'
    torch.set_num_threads(2)
    torch.manual_seed(0)
    h = json.load(open(os.path.join(d, 'header.json')))
    spec = h['spec']
    if spec['loss'] != 'mse' or spec['optimizer'] != 'adam' or spec['decay'] != 0 or spec['l2'] != 0 or spec['weighted_loss']:
        raise SystemExit('the twin mirrors MSE + Adam without decay or L2')
    p, n, nv, c = h['patch'], h['n_train'], h['n_val'], spec['channels']
    channels_last = os.environ.get('TWIN_CHANNELS_LAST', '1') == '1'
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    # NHWC on disk -> NCHW tensors
    xs = load(d, 'train_input.f32', (n, p, p, c)).permute(0, 3, 1, 2).contiguous(memory_format=fmt)
    ys = load(d, 'train_target.f32', (n, p, p, c)).permute(0, 3, 1, 2).contiguous(memory_format=fmt)
    xv = load(d, 'val_input.f32', (nv, p, p, c)).permute(0, 3, 1, 2).contiguous(memory_format=fmt)
    yv = load(d, 'val_target.f32', (nv, p, p, c)).permute(0, 3, 1, 2).contiguous(memory_format=fmt)
    orders = load(d, 'orders.f32', (h['epochs'], n)).long()
    th, tw = h['test_height'], h['test_width']
    test_in = load(d, 'test_input.f32', (1, 1, th, tw))
    clean = np.fromfile(os.path.join(d, 'test_clean.f32'), dtype='<f4').astype(np.float64)

    model = ConvPoolDenoiser(spec, h['params'], d).to(memory_format=fmt)
    a = h['adam']
    opt = torch.optim.Adam(model.parameters(), lr=spec['learning_rate'], betas=(a['beta1'], a['beta2']), eps=a['epsilon'])

    def evaluate():
        model.eval()
        bs = h['eval_batch_size']
        s = 0.0
        with torch.no_grad():
            for i in range(0, nv, bs):
                s += F.mse_loss(model(xv[i:i + bs]), yv[i:i + bs]).item() * min(bs, nv - i)
        model.train()
        return s / nv

    bs = h['batch_size']
    t0, cpu0 = time.perf_counter(), time.process_time()
    best = evaluate()
    initial = best
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    best_epoch = 0
    epochs = []
    for e in range(h['epochs']):
        te = time.perf_counter()
        tl = train_epoch(model, opt, xs, ys, orders[e], bs, F.mse_loss)
        val = evaluate()
        epochs.append({'epoch': e + 1, 'train_loss': tl, 'validation_loss': val, 'seconds': time.perf_counter() - te})
        print('  torch epoch %d: train %.5f, validation %.5f (%.1f s, %.0f samples/s)' % (e + 1, tl, val, epochs[-1]['seconds'], n / epochs[-1]['seconds']))
        if val < best:
            best, best_epoch = val, e + 1
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    train_seconds = time.perf_counter() - t0
    train_cpu = time.process_time() - cpu0
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        pred = model(test_in).numpy().reshape(-1).astype(np.float64)
    pred = pred / h['test_scale'] + h['test_offset']
    mse = np.mean((pred - clean) ** 2)
    psnr = 10 * math.log10(1.0 / mse)
    j = h['java']
    ratio = j['train_seconds'] / train_seconds
    cpu_ratio = j['train_cpu_seconds'] / train_cpu
    print('java  PSNR %.2f dB (best epoch %d, val %.6f), training %.1f s (CPU %.1f s)' % (j['psnr'], j['best_epoch'], j['best_validation_loss'], j['train_seconds'], j['train_cpu_seconds']))
    print('torch PSNR %.2f dB (best epoch %d, val %.6f), training %.1f s (CPU %.1f s)' % (psnr, best_epoch, best, train_seconds, train_cpu))
    print('difference %.2f dB; training time ratio ours / torch = %.2f (wall), %.2f (CPU)' % (j['psnr'] - psnr, ratio, cpu_ratio))

    lines = []
    lines.append('# PyTorch twin of the supervised denoiser (bench/DenoiseTwin.java + bench/torch_denoiser.py)\n')
    lines.append('Same architecture (spec below, weights loaded from the Java model\'s initial weights), same %d training and %d validation patches '
                 '(%dx%d, exported from Java: noisy input and clean target, normalised), same mini-batch order per epoch, '
                 'Adam lr %g, betas %g/%g, epsilon %g (torch.optim.Adam: epsilon added after the bias correction, TF before: '
                 'negligible), batch %d, %d epochs, weights of the best validation epoch kept. '
                 'Test: %s with %s (seed 2026), normalised as Denoiser does, whole image at once.\n'
                 % (n, nv, p, p, spec['learning_rate'], a['beta1'], a['beta2'], a['epsilon'], bs, h['epochs'], os.path.basename(h['test_image']), h['noise']))
    lines.append('Both with 2 threads (torch.set_num_threads(2); TF Java uses the 2 cores), OPENBLAS_NUM_THREADS=1, GLIBC_TUNABLES=%s; torch %s, %s. '
                 'Load average during the Java run: %s, during the torch run: %s (other workers share the machine).\n'
                 % (os.environ.get('GLIBC_TUNABLES', '(unset)'), torch.__version__, 'channels_last' if channels_last else 'NCHW contiguous',
                    j['load_average'], open('/proc/loadavg').read().split()[0]))
    lines.append('Spec: `%s`\n' % json.dumps({k: spec[k] for k in ('kind', 'layers', 'skip_connections', 'kernel', 'activation', 'code_activation', 'output_activation', 'loss', 'unpooling', 'learning_rate') if k in spec}))
    lines.append('| | test PSNR dB | initial val loss | best val loss (epoch) | training wall s | training CPU s | patches/s (wall) |')
    lines.append('|---|---:|---:|---:|---:|---:|---:|')
    jn = n * h['epochs']
    lines.append('| ours (TF Java) | %.2f | %.6f | %.6f (%d) | %.1f | %.1f | %.0f |' % (j['psnr'], j['initial_validation_loss'], j['best_validation_loss'], j['best_epoch'], j['train_seconds'], j['train_cpu_seconds'], jn / j['train_seconds']))
    lines.append('| PyTorch | %.2f | %.6f | %.6f (%d) | %.1f | %.1f | %.0f |' % (psnr, initial, best, best_epoch, train_seconds, train_cpu, jn / train_seconds))
    lines.append('')
    lines.append('PSNR difference (ours - torch): %+.2f dB. Training time ratio ours / torch: %.2f wall, %.2f CPU (training loop incl. the per-epoch validation; '
                 'with the machine oversubscribed by other workers the CPU-time ratio is the steadier of the two).\n' % (j['psnr'] - psnr, ratio, cpu_ratio))
    lines.append('| epoch | ours train | ours val | torch train | torch val |')
    lines.append('|---:|---:|---:|---:|---:|')
    for je, te in zip(j['epochs'], epochs):
        lines.append('| %d | %.6f | %.6f | %.6f | %.6f |' % (te['epoch'], je['train_loss'], je['validation_loss'], te['train_loss'], te['validation_loss']))
    open(out_md, 'w').write('\n'.join(lines) + '\n')
    print('written to ' + out_md)


if __name__ == '__main__':
    main()
