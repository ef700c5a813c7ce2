#!/usr/bin/python3
"""PyTorch twin of the product's U-Nets for bench/run-speed.sh (ours: bench/UNetSpeedBench.java).

Same layers as model.ConvLayers builds for conv_pool with skip connections: per level
`convs` 3x3 convs + ReLU, 2x2 max-pool; decoder per level a 3x3 conv + ReLU at the low
resolution, 2x nearest upsampling, concatenation with the encoder's map, `convs - 1`
3x3 convs + ReLU; a 3x3 output conv (linear: denoiser, MSE; sigmoid: segmenter, BCE from
the logits). Tasks as ours: train (256 patches of 64x64 per epoch, batch 16, Adam lr 1e-3 eps 1e-7, loss read
every step, epoch 1 warm-up, whole epochs until --min-seconds), infer2d (one pass over a
2048^2 image), infer3d (a 512x512x64 stack, 4 planes per pass). --channels-last uses
torch.channels_last; --bf16 runs under torch.cpu.amp.autocast(dtype=torch.bfloat16) (PyTorch's own CPU mixed
precision: convolutions in bfloat16, master weights and optimiser in float32; name "torch-bf16[-cl]"); --export-onnx PATH writes the twin as ONNX for ONNX Runtime. Prints "RESULT torch[-cl] net task units/wall_s units/cpu_s wall_s cpu_s".
"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

NETS = {'denoiser': ([32, 64], 1, 1, False), 'segmenter': ([16, 32, 64, 128], 2, 1, True)}


class UNet(nn.Module):
    def __init__(self, layers, convs, out_ch, sigmoid):
        super().__init__()
        self.layers, self.convs, self.sigmoid = layers, convs, sigmoid
        self.enc = nn.ModuleList()
        cin = 1
        for c in layers:
            self.enc.append(nn.ModuleList([nn.Conv2d(cin if j == 0 else c, c, 3, padding=1) for j in range(convs)]))
            cin = c
        merged = lambda l: layers[l] if convs > 1 else 2 * layers[l]
        self.dec, self.merge = nn.ModuleList(), nn.ModuleList()
        for l in reversed(range(len(layers))):
            c = layers[l]
            self.dec.append(nn.Conv2d(layers[-1] if l == len(layers) - 1 else merged(l + 1), c, 3, padding=1))
            self.merge.append(nn.ModuleList([nn.Conv2d(2 * c if j == 1 else c, c, 3, padding=1) for j in range(1, convs)]))
        self.out = nn.Conv2d(merged(0), out_ch, 3, padding=1)

    def forward(self, x):
        skips = []
        for level in self.enc:
            for conv in level:
                x = F.relu(conv(x))
            skips.append(x)
            x = F.max_pool2d(x, 2)
        for i, l in enumerate(reversed(range(len(self.layers)))):
            x = F.interpolate(F.relu(self.dec[i](x)), scale_factor=2, mode='nearest')
            x = torch.cat([x, skips[l]], 1)
            for conv in self.merge[i]:
                x = F.relu(conv(x))
        return self.out(x)


def smooth(n, h, w, gen):
    yy = torch.arange(h).view(1, 1, h, 1).float()
    xx = torch.arange(w).view(1, 1, 1, w).float()
    a, b, p = torch.rand(n, 1, 1, 1, generator=gen) * 0.3, torch.rand(n, 1, 1, 1, generator=gen) * 0.3, torch.rand(n, 1, 1, 1, generator=gen) * 6
    return 0.5 + 0.25 * torch.sin(a * xx + p) * torch.cos(b * yy) + 0.1 * torch.randn(n, 1, h, w, generator=gen)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--net', default='denoiser')
    ap.add_argument('--task', default='train')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--min-seconds', type=float, default=10)
    ap.add_argument('--channels-last', action='store_true')
    ap.add_argument('--bf16', action='store_true', help='CPU autocast to bfloat16 (training and inference)')
    ap.add_argument('--export-onnx', metavar='PATH', help='write the twin (sigmoid included for the segmenter) as ONNX, dynamic N, H, W, and exit')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    gen = torch.Generator().manual_seed(1)
    layers, convs, out_ch, sigmoid = NETS[a.net]
    model = UNet(layers, convs, out_ch, sigmoid)
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    name = 'torch' + ('-bf16' if a.bf16 else '') + ('-cl' if a.channels_last else '')
    amp = lambda: torch.cpu.amp.autocast(enabled=a.bf16, dtype=torch.bfloat16)
    if a.export_onnx:  # for ONNX Runtime (bench/ort/OrtSpeed.java), as a user would export the twin
        net = nn.Sequential(model, nn.Sigmoid()) if sigmoid else model
        dyn = {0: 'n', 2: 'h', 3: 'w'}
        torch.onnx.export(net.eval(), smooth(1, 256, 256, gen), a.export_onnx, input_names=['input'], output_names=['output'],
                          dynamic_axes={'input': dyn, 'output': dyn}, opset_version=13)
        return
    if a.task == 'train':
        x = smooth(256, 64, 64, gen).contiguous(memory_format=fmt)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        wall = cpu = samples = 0.0
        epoch = 0
        while True:
            epoch += 1
            w0, c0 = time.perf_counter(), time.process_time()
            perm = torch.randperm(x.shape[0], generator=gen)
            for i in range(0, x.shape[0], 16):
                xb = x[perm[i:i + 16]]
                opt.zero_grad(set_to_none=True)
                with amp():
                    y = model(xb)
                y = y.float()  # the loss in float32, as autocast's recipe (and ours) has it
                loss = F.binary_cross_entropy_with_logits(y, xb.clamp(0, 1)) if sigmoid else F.mse_loss(y, xb)
                loss.backward()
                opt.step()
                loss.item()
            if epoch >= 2:
                wall += time.perf_counter() - w0
                cpu += time.process_time() - c0
                samples += x.shape[0]
                if wall >= a.min_seconds:
                    break
        units = samples
    else:
        n, h, w, per = (1, 2048, 2048, 1) if a.task == 'infer2d' else (64, 512, 512, 4)
        x = smooth(n, h, w, gen)
        model.eval()
        with torch.inference_mode(), amp():
            model(x[:1, :, :256, :256].contiguous(memory_format=fmt))  # warm-up
            w0, c0 = time.perf_counter(), time.process_time()
            for i in range(0, n, per):
                y = model(x[i:i + per].contiguous(memory_format=fmt))
                y = torch.sigmoid(y.float()) if sigmoid else y.float()
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        units = n * h * w / 1e6
    print('RESULT %s %s %s %.3f %.3f %.2f %.2f' % (name, a.net, a.task, units / wall, units / cpu, wall, cpu), flush=True)


if __name__ == '__main__':
    main()
