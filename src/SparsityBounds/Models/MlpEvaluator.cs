using System.Numerics.Tensors;
using SparsityBounds.Numerics;

namespace SparsityBounds.Models;

/// <summary>
/// Loss, gradient and per-sample losses of an MLP on a <see cref="SampleSet"/>, batched and parallel over the
/// fixed <see cref="SamplePartition"/>. Reuses its buffers across calls (one call at a time per instance).
/// </summary>
internal sealed class MlpEvaluator : IChunkJob
{
    private enum Mode { Value, Gradient, SampleLosses }

    private readonly Mlp _net;
    private readonly Loss _loss;
    private readonly SampleSet _data;
    private readonly double[] _theta;
    private readonly double[] _thetaTransposed;
    private ChunkBuffers?[] _chunks = [];
    private SamplePartition _partition;
    private Mode _mode;
    private double _scale;
    private double[]? _sampleLosses;

    internal MlpEvaluator(Mlp net, Loss loss, SampleSet data)
    {
        _net = net;
        _loss = loss;
        _data = data;
        _theta = new double[net.ParameterCount];
        _thetaTransposed = new double[net.ParameterCount];
    }

    internal int MaxDegreeOfParallelism { get; set; }

    /// <summary>Mean loss over the samples (no penalty); writes its gradient when <paramref name="gradient"/> is not empty.</summary>
    internal double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        Run(theta, gradient.IsEmpty ? Mode.Value : Mode.Gradient);
        double total = 0.0;
        for (int c = 0; c < _partition.ChunkCount; c++) total += _chunks[c]!.LossSum;
        if (!gradient.IsEmpty)
        {
            _chunks[0]!.Gradient.CopyTo(gradient);
            for (int c = 1; c < _partition.ChunkCount; c++) TensorPrimitives.Add(gradient, _chunks[c]!.Gradient, gradient);
        }
        return total / _data.Count;
    }

    /// <summary>ℓ(f(x_i; θ), y_i) for every sample, into <paramref name="destination"/> (length Count).</summary>
    internal void SampleLosses(ReadOnlySpan<double> theta, double[] destination)
    {
        _sampleLosses = destination;
        try { Run(theta, Mode.SampleLosses); }
        finally { _sampleLosses = null; }
    }

    private void Run(ReadOnlySpan<double> theta, Mode mode)
    {
        theta.CopyTo(_theta);
        MlpPasses.TransposeWeights(_net, _theta, _thetaTransposed);
        _mode = mode;
        _scale = 1.0 / _data.Count;
        _partition = new SamplePartition(_data.Count, _net.ParameterCount);
        if (_chunks.Length < _partition.ChunkCount) Array.Resize(ref _chunks, _partition.ChunkCount);
        ChunkScheduler.Run(this, _partition.ChunkCount, MaxDegreeOfParallelism);
    }

    public void RunChunk(int chunk)
    {
        ChunkBuffers ws = _chunks[chunk] ??= new ChunkBuffers(_net, _mode == Mode.Gradient);
        if (_mode == Mode.Gradient) ws.EnsureGradient(_net);
        int[] sizes = _net.Sizes;
        int layers = _net.LayerCount;
        int n0 = sizes[0];
        bool gradient = _mode == Mode.Gradient;
        (int start, int end) = _partition.Chunk(chunk);
        double lossSum = 0.0;
        for (int r0 = start; r0 < end; r0 += SamplePartition.BlockSize)
        {
            int rows = Math.Min(SamplePartition.BlockSize, end - r0);
            ReadOnlySpan<double> x = _data.Features.AsSpan(r0 * n0, rows * n0);
            ReadOnlySpan<double> input = x;
            for (int l = 1; l <= layers; l++)
            {
                Span<double> z = ws.Activations[l].AsSpan(0, rows * sizes[l]);
                MlpPasses.LinearTransposed(_net, _thetaTransposed, l, input, rows, z);
                if (l < layers)
                    MlpPasses.Activate(_net.Activation, z, gradient ? ws.FirstDerivatives[l].AsSpan(0, z.Length) : Span<double>.Empty, Span<double>.Empty);
                input = z;
            }
            lossSum += MlpPasses.LossRows(_loss, ws.Activations[layers], rows, sizes[layers], _data, r0, _scale,
                gradient ? ws.Deltas[layers].AsSpan(0, rows * sizes[layers]) : Span<double>.Empty, Span<double>.Empty,
                _mode == Mode.SampleLosses ? _sampleLosses.AsSpan(r0, rows) : Span<double>.Empty);
            if (!gradient) continue;
            for (int l = layers; l >= 1; l--)
            {
                ReadOnlySpan<double> delta = ws.Deltas[l].AsSpan(0, rows * sizes[l]);
                ReadOnlySpan<double> layerInput = l == 1 ? x : ws.Activations[l - 1].AsSpan(0, rows * sizes[l - 1]);
                MlpPasses.WeightGradient(_net, l, delta, layerInput, rows, ws.Gradient, accumulate: r0 != start);
                if (l > 1)
                {
                    Span<double> previous = ws.Deltas[l - 1].AsSpan(0, rows * sizes[l - 1]);
                    MlpPasses.BackLinear(_net, _theta, l, delta, rows, previous, accumulate: false);
                    TensorPrimitives.Multiply(previous, ws.FirstDerivatives[l - 1].AsSpan(0, previous.Length), previous);
                }
            }
        }
        ws.LossSum = lossSum;
    }

    private sealed class ChunkBuffers
    {
        internal ChunkBuffers(Mlp net, bool derivatives)
        {
            int layers = net.LayerCount, b = SamplePartition.BlockSize;
            Activations = new double[layers + 1][];
            FirstDerivatives = new double[layers + 1][];
            Deltas = new double[layers + 1][];
            for (int l = 1; l <= layers; l++)
            {
                Activations[l] = new double[b * net.Sizes[l]];
                FirstDerivatives[l] = derivatives && l < layers ? new double[b * net.Sizes[l]] : [];
                Deltas[l] = derivatives ? new double[b * net.Sizes[l]] : [];
            }
        }

        internal double[][] Activations { get; }
        internal double[][] FirstDerivatives { get; private set; }
        internal double[][] Deltas { get; private set; }
        internal double[] Gradient { get; private set; } = [];
        internal double LossSum { get; set; }

        internal void EnsureGradient(Mlp net)
        {
            if (Gradient.Length == net.ParameterCount) return;
            Gradient = new double[net.ParameterCount];
            var fresh = new ChunkBuffers(net, derivatives: true);
            FirstDerivatives = fresh.FirstDerivatives;
            Deltas = fresh.Deltas;
        }
    }
}
