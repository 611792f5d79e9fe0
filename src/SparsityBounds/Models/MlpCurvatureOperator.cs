using System.Numerics.Tensors;
using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;
using SparsityBounds.Operators;

namespace SparsityBounds.Models;

/// <summary>
/// Exact Hessian (Pearlmutter's R-operator) or generalised Gauss–Newton products of an MLP's mean loss at fixed
/// parameters, with the primal pass cached at construction (THEORY.md §5).
/// </summary>
/// <remarks>
/// <para>Cached per sample and layer: activations A_l, φ'(Z_l), and for the Hessian the back-propagated loss
/// gradients Δ_l and E_l = (Δ_{l+1} W_{l+1}) ⊙ φ''(Z_l) (smooth activations only; ReLU has φ'' = 0), plus the
/// softmax probabilities for cross-entropy. Each <see cref="Apply"/> then runs only the R-forward and R-backward
/// passes: blocks of 64 samples, batched GEMMs (<see cref="MatrixKernels"/>), one partial product per chunk of the
/// fixed <see cref="SamplePartition"/>, summed in chunk order (bitwise identical for any thread count).</para>
/// <para>Implementation note: everything <see cref="Apply"/> touches is allocated here, so an application allocates
/// nothing. A multi-direction variant would give each chunk [64 × k·n_l] buffers and run the same GEMMs with
/// the directions side by side.</para>
/// </remarks>
internal sealed class MlpCurvatureOperator : ISymmetricOperator, IChunkJob
{
    private readonly Mlp _net;
    private readonly Loss _loss;
    private readonly SampleSet _data;
    private readonly bool _gaussNewton;
    private readonly bool _smooth;
    private readonly double[] _theta;
    private readonly double[] _direction;
    private readonly double _scale;
    private readonly SamplePartition _partition;
    private readonly int _maxDegreeOfParallelism;

    // Primal cache, [N × n_l] per layer (index l = 1..L).
    private readonly double[][] _activations;
    private readonly double[][] _firstDerivatives;
    private readonly double[][] _deltas;
    private readonly double[][] _curvatureTerms;
    private readonly double[] _probabilities;
    private readonly ChunkBuffers[] _chunks;
    private bool _building;

    internal MlpCurvatureOperator(Mlp net, Loss loss, SampleSet data, ReadOnlySpan<double> theta, bool gaussNewton, int maxDegreeOfParallelism)
    {
        _net = net;
        _loss = loss;
        _data = data;
        _gaussNewton = gaussNewton;
        _smooth = net.Activation != Activation.Relu;
        _theta = theta.ToArray();
        _direction = new double[net.ParameterCount];
        _scale = 1.0 / data.Count;
        _partition = new SamplePartition(data.Count, net.ParameterCount);
        _maxDegreeOfParallelism = maxDegreeOfParallelism;

        int layers = net.LayerCount, n = data.Count;
        int[] sizes = net.Sizes;
        _activations = new double[layers][];
        _firstDerivatives = new double[layers][];
        _curvatureTerms = new double[layers][];
        _deltas = new double[layers + 1][];
        for (int l = 1; l < layers; l++)
        {
            _activations[l] = new double[n * sizes[l]];
            _firstDerivatives[l] = new double[n * sizes[l]];
            _curvatureTerms[l] = !gaussNewton && _smooth ? new double[n * sizes[l]] : [];
        }
        for (int l = 1; l <= layers; l++) _deltas[l] = gaussNewton ? [] : new double[n * sizes[l]];
        _probabilities = loss == Loss.SoftmaxCrossEntropy ? new double[n * sizes[layers]] : [];
        _chunks = new ChunkBuffers[_partition.ChunkCount];
        for (int c = 0; c < _chunks.Length; c++) _chunks[c] = new ChunkBuffers(net);

        _building = true;
        ChunkScheduler.Run(this, _partition.ChunkCount, maxDegreeOfParallelism);
        _building = false;
    }

    /// <inheritdoc />
    public int Dimension => _net.ParameterCount;

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        Preconditions.CheckOperatorSpans(Dimension, x, y);
        x.CopyTo(_direction);
        ChunkScheduler.Run(this, _partition.ChunkCount, _maxDegreeOfParallelism);
        _chunks[0].Output.CopyTo(y);
        for (int c = 1; c < _partition.ChunkCount; c++) TensorPrimitives.Add(y, _chunks[c].Output, y);
    }

    public void RunChunk(int chunk)
    {
        if (_building) BuildChunk(chunk);
        else ApplyChunk(chunk);
    }

    private ReadOnlySpan<double> Rows(double[] matrix, int layer, int r0, int rows) =>
        matrix.AsSpan(r0 * _net.Sizes[layer], rows * _net.Sizes[layer]);

    private Span<double> WritableRows(double[] matrix, int layer, int r0, int rows) =>
        matrix.AsSpan(r0 * _net.Sizes[layer], rows * _net.Sizes[layer]);

    // The primal pass: forward, loss gradient, back-propagation, storing what the R-passes read.
    private void BuildChunk(int chunk)
    {
        ChunkBuffers ws = _chunks[chunk];
        int[] sizes = _net.Sizes;
        int layers = _net.LayerCount, n0 = sizes[0];
        (int start, int end) = _partition.Chunk(chunk);
        for (int r0 = start; r0 < end; r0 += SamplePartition.BlockSize)
        {
            int rows = Math.Min(SamplePartition.BlockSize, end - r0);
            ReadOnlySpan<double> input = _data.Features.AsSpan(r0 * n0, rows * n0);
            Span<double> logits = ws.ZDot[layers].AsSpan(0, rows * sizes[layers]);
            for (int l = 1; l <= layers; l++)
            {
                Span<double> z = l < layers ? WritableRows(_activations[l], l, r0, rows) : logits;
                MlpPasses.Linear(_net, _theta, l, input, rows, z);
                if (l < layers)
                {
                    Span<double> second = _curvatureTerms[l].Length > 0 ? WritableRows(_curvatureTerms[l], l, r0, rows) : Span<double>.Empty;
                    MlpPasses.Activate(_net.Activation, z, WritableRows(_firstDerivatives[l], l, r0, rows), second);
                }
                input = z;
            }
            MlpPasses.LossRows(_loss, logits, rows, sizes[layers], _data, r0, _scale,
                _gaussNewton ? Span<double>.Empty : WritableRows(_deltas[layers], layers, r0, rows),
                _probabilities.Length > 0 ? WritableRows(_probabilities, layers, r0, rows) : Span<double>.Empty,
                Span<double>.Empty);
            if (_gaussNewton) continue;
            for (int l = layers; l > 1; l--)
            {
                Span<double> g = ws.Temp0.AsSpan(0, rows * sizes[l - 1]);
                MlpPasses.BackLinear(_net, _theta, l, Rows(_deltas[l], l, r0, rows), rows, g, accumulate: false);   // G = Δ_l W_l
                if (_smooth)
                {
                    Span<double> e = WritableRows(_curvatureTerms[l - 1], l - 1, r0, rows);
                    TensorPrimitives.Multiply(e, g, e);                                                             // E = G ⊙ φ''
                }
                TensorPrimitives.Multiply(g, Rows(_firstDerivatives[l - 1], l - 1, r0, rows), WritableRows(_deltas[l - 1], l - 1, r0, rows));
            }
        }
    }

    // R-forward then R-backward (Hessian) or linearised back-propagation (Gauss–Newton) for one chunk.
    private void ApplyChunk(int chunk)
    {
        ChunkBuffers ws = _chunks[chunk];
        int[] sizes = _net.Sizes;
        int layers = _net.LayerCount, n0 = sizes[0];
        (int start, int end) = _partition.Chunk(chunk);
        for (int r0 = start; r0 < end; r0 += SamplePartition.BlockSize)
        {
            int rows = Math.Min(SamplePartition.BlockSize, end - r0);
            bool first = r0 == start;
            ReadOnlySpan<double> x = _data.Features.AsSpan(r0 * n0, rows * n0);

            // R-forward: Ż_l = c_l + A_{l−1} V_lᵀ + Ȧ_{l−1} W_lᵀ, Ȧ_l = φ'(Z_l) ⊙ Ż_l (Ȧ₀ = 0).
            for (int l = 1; l <= layers; l++)
            {
                int nIn = sizes[l - 1], nOut = sizes[l];
                Span<double> zDot = ws.ZDot[l].AsSpan(0, rows * nOut);
                MlpPasses.Linear(_net, _direction, l, l == 1 ? x : Rows(_activations[l - 1], l - 1, r0, rows), rows, zDot);
                if (l > 1)
                    MatrixKernels.MultiplyAddTransposedB(rows, nOut, nIn, ws.ADot[l - 1].AsSpan(0, rows * nIn), nIn,
                        _theta.AsSpan(_net.WeightOffsets[l], nOut * nIn), nIn, zDot, nOut);
                if (l < layers)
                    TensorPrimitives.Multiply(Rows(_firstDerivatives[l], l, r0, rows), zDot, ws.ADot[l].AsSpan(0, zDot.Length));
            }

            // Δ̇_L = H_z[Ż_L] / N.
            Span<double> current = ws.Temp0.AsSpan(0, rows * sizes[layers]);
            MlpPasses.LossHessianRows(_loss, ws.ZDot[layers], rows, sizes[layers],
                _probabilities.Length > 0 ? Rows(_probabilities, layers, r0, rows) : ReadOnlySpan<double>.Empty, _scale, current);
            bool currentIsTemp0 = true;

            for (int l = layers; l >= 1; l--)
            {
                int nIn = sizes[l - 1], nOut = sizes[l];
                // (Hv)_{W_l} = Δ̇_lᵀ A_{l−1} + Δ_lᵀ Ȧ_{l−1};  (Hv)_{b_l} = Δ̇_lᵀ 1.
                MlpPasses.WeightGradient(_net, l, current, l == 1 ? x : Rows(_activations[l - 1], l - 1, r0, rows), rows, ws.Output, accumulate: !first);
                if (l == 1) break;
                if (!_gaussNewton)
                    MatrixKernels.MultiplyAddTransposedA(nOut, nIn, rows, Rows(_deltas[l], l, r0, rows), nOut,
                        ws.ADot[l - 1].AsSpan(0, rows * nIn), nIn, ws.Output.AsSpan(_net.WeightOffsets[l], nOut * nIn), nIn);

                // Δ̇_{l−1} = (Δ̇_l W_l + Δ_l V_l) ⊙ φ'(Z_{l−1}) + E_{l−1} ⊙ Ż_{l−1}   (Gauss–Newton: (Δ̃_l W_l) ⊙ φ').
                Span<double> next = (currentIsTemp0 ? ws.Temp1 : ws.Temp0).AsSpan(0, rows * nIn);
                MlpPasses.BackLinear(_net, _theta, l, current, rows, next, accumulate: false);
                ReadOnlySpan<double> d1 = Rows(_firstDerivatives[l - 1], l - 1, r0, rows);
                if (_gaussNewton)
                {
                    TensorPrimitives.Multiply(next, d1, next);
                }
                else
                {
                    MlpPasses.BackLinear(_net, _direction, l, Rows(_deltas[l], l, r0, rows), rows, next, accumulate: true);
                    if (_smooth)
                        ActivationKernels.MultiplyAddProduct(next, d1, Rows(_curvatureTerms[l - 1], l - 1, r0, rows), ws.ZDot[l - 1].AsSpan(0, next.Length));
                    else
                        TensorPrimitives.Multiply(next, d1, next);
                }
                current = next;
                currentIsTemp0 = !currentIsTemp0;
            }
        }
    }

    private sealed class ChunkBuffers
    {
        internal ChunkBuffers(Mlp net)
        {
            int layers = net.LayerCount, b = SamplePartition.BlockSize;
            ZDot = new double[layers + 1][];
            ADot = new double[layers][];
            for (int l = 1; l <= layers; l++) ZDot[l] = new double[b * net.Sizes[l]];
            for (int l = 1; l < layers; l++) ADot[l] = new double[b * net.Sizes[l]];
            Temp0 = new double[b * net.MaxWidth];
            Temp1 = new double[b * net.MaxWidth];
            Output = new double[net.ParameterCount];
        }

        internal double[][] ZDot { get; }
        internal double[][] ADot { get; }
        internal double[] Temp0 { get; }
        internal double[] Temp1 { get; }
        internal double[] Output { get; }
    }
}
