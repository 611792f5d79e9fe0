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
/// fixed <see cref="SamplePartition"/> (at most <see cref="MaxChunks"/> chunks), summed in chunk order (bitwise
/// identical for any thread count).</para>
/// <para><see cref="ApplyMany"/> runs <see cref="MaxDirections"/> directions per pass. Per 64-sample block the
/// directions' R-activations are stacked as [k·64 × n_l] matrices, so the products with the weights W_l (the
/// R-forward Ȧ W_lᵀ and the back-propagation Δ̇ W_l) are one GEMM of k·64 rows, and the products with the cached
/// primal rows (A V_jᵀ, Δ̇_jᵀ A, Δᵀ Ȧ_j, Δ V_j) reuse those rows from cache k times. Every output element is
/// computed by the same fused multiply-add chain as in <see cref="Apply"/>, so each product is bitwise equal to the
/// single-direction one.</para>
/// <para>Implementation note: everything <see cref="Apply"/> touches is allocated here, so an application allocates
/// nothing; the first <see cref="ApplyMany"/> with more directions than before grows the per-chunk buffers once.</para>
/// </remarks>
internal sealed class MlpCurvatureOperator : IBlockSymmetricOperator, IConcurrentSymmetricOperator, IChunkJob
{
    /// <summary>Directions per pass of <see cref="ApplyMany"/> (more are run in consecutive passes). Two measured best
    /// on a [64, 256, 256, 10] net (0.95–0.99 of two single products; eight stacked directions overflow the 1 MiB L2
    /// with their [8·64 × 256] buffers and ran at 1.1 per direction); on [64, 64, 64, 10] and [64, 128, 128, 10] two,
    /// four and eight per pass were within 5 % of each other (docs/benchmarks.md).</summary>
    internal const int MaxDirections = 2;

    /// <summary>Chunks of the sample partition: few, so the per-chunk outputs (k·D doubles each) and their
    /// reduction stay small, and enough to balance two to eight cores.</summary>
    internal const int MaxChunks = 8;

    private readonly Mlp _net;
    private readonly Loss _loss;
    private readonly SampleSet _data;
    private readonly bool _gaussNewton;
    private readonly bool _smooth;
    private readonly double[] _theta;
    private readonly double[] _thetaTransposed;
    private double[] _directionsTransposed;
    private double[] _directions;
    private int _directionCount;
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
        _directions = new double[net.ParameterCount];
        _directionsTransposed = new double[net.ParameterCount];
        _thetaTransposed = new double[net.ParameterCount];
        MlpPasses.TransposeWeights(net, _theta, _thetaTransposed);
        _scale = 1.0 / data.Count;
        _partition = new SamplePartition(data.Count, net.ParameterCount, MaxChunks);
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
        for (int c = 0; c < _chunks.Length; c++) _chunks[c] = new ChunkBuffers(net, 1);

        _building = true;
        ChunkScheduler.Run(this, _partition.ChunkCount, maxDegreeOfParallelism);
        _building = false;
    }

    // A concurrent view: shares the network, data, parameters and primal cache (read-only after construction); owns the
    // direction copies and the per-chunk buffers, which are everything a product writes.
    private MlpCurvatureOperator(MlpCurvatureOperator shared)
    {
        _net = shared._net;
        _loss = shared._loss;
        _data = shared._data;
        _gaussNewton = shared._gaussNewton;
        _smooth = shared._smooth;
        _theta = shared._theta;
        _thetaTransposed = shared._thetaTransposed;
        _scale = shared._scale;
        _partition = shared._partition;
        _maxDegreeOfParallelism = shared._maxDegreeOfParallelism;
        _activations = shared._activations;
        _firstDerivatives = shared._firstDerivatives;
        _deltas = shared._deltas;
        _curvatureTerms = shared._curvatureTerms;
        _probabilities = shared._probabilities;
        _directions = new double[_net.ParameterCount];
        _directionsTransposed = new double[_net.ParameterCount];
        _chunks = new ChunkBuffers[_partition.ChunkCount];
        for (int c = 0; c < _chunks.Length; c++) _chunks[c] = new ChunkBuffers(_net, 1);
    }

    /// <inheritdoc />
    public int Dimension => _net.ParameterCount;

    /// <inheritdoc />
    public ISymmetricOperator CreateConcurrentView() => new MlpCurvatureOperator(this);

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        Preconditions.CheckOperatorSpans(Dimension, x, y);
        Run(x, y, 1);
    }

    /// <inheritdoc />
    public void ApplyMany(ReadOnlySpan<double> xs, Span<double> ys, int count)
    {
        BlockOperatorChecks.CheckSpans(Dimension, xs, ys, count);
        int d = Dimension;
        for (int first = 0; first < count; first += MaxDirections)
        {
            int k = Math.Min(MaxDirections, count - first);
            Run(xs.Slice(first * d, k * d), ys.Slice(first * d, k * d), k);
        }
    }

    private void Run(ReadOnlySpan<double> xs, Span<double> ys, int k)
    {
        int d = Dimension;
        if (_directions.Length < k * d)
        {
            _directions = new double[k * d];
            _directionsTransposed = new double[k * d];
            foreach (ChunkBuffers chunk in _chunks) chunk.Grow(_net, k);
        }
        xs.CopyTo(_directions);
        for (int j = 0; j < k; j++) MlpPasses.TransposeWeights(_net, xs.Slice(j * d, d), _directionsTransposed.AsSpan(j * d, d));
        _directionCount = k;
        ChunkScheduler.Run(this, _partition.ChunkCount, _maxDegreeOfParallelism);
        _chunks[0].Output.AsSpan(0, k * d).CopyTo(ys);
        for (int c = 1; c < _partition.ChunkCount; c++) TensorPrimitives.Add(ys, _chunks[c].Output.AsSpan(0, k * d), ys);
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
                MlpPasses.LinearTransposed(_net, _thetaTransposed, l, input, rows, z);
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

    // R-forward then R-backward (Hessian) or linearised back-propagation (Gauss–Newton) for one chunk and the
    // k = _directionCount directions; direction j's rows of a stacked [k·rows × n] buffer start at row j·rows.
    private void ApplyChunk(int chunk)
    {
        ChunkBuffers ws = _chunks[chunk];
        int[] sizes = _net.Sizes;
        int layers = _net.LayerCount, n0 = sizes[0], k = _directionCount, d = Dimension;
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
                ReadOnlySpan<double> input = l == 1 ? x : Rows(_activations[l - 1], l - 1, r0, rows);
                for (int j = 0; j < k; j++)
                    MlpPasses.LinearTransposed(_net, _directionsTransposed.AsSpan(j * d, d), l, input, rows, ws.ZDot[l].AsSpan(j * rows * nOut, rows * nOut));
                if (l > 1)
                    MatrixKernels.MultiplyAdd(k * rows, nOut, nIn, ws.ADot[l - 1].AsSpan(0, k * rows * nIn), nIn,
                        _thetaTransposed.AsSpan(_net.WeightOffsets[l], nOut * nIn), nOut, ws.ZDot[l].AsSpan(0, k * rows * nOut), nOut);
                if (l < layers)
                {
                    ReadOnlySpan<double> d1 = Rows(_firstDerivatives[l], l, r0, rows);
                    for (int j = 0; j < k; j++)
                        TensorPrimitives.Multiply(d1, ws.ZDot[l].AsSpan(j * rows * nOut, rows * nOut), ws.ADot[l].AsSpan(j * rows * nOut, rows * nOut));
                }
            }

            // Δ̇_L = H_z[Ż_L] / N.
            int nL = sizes[layers];
            ReadOnlySpan<double> probabilities = _probabilities.Length > 0 ? Rows(_probabilities, layers, r0, rows) : ReadOnlySpan<double>.Empty;
            for (int j = 0; j < k; j++)
                MlpPasses.LossHessianRows(_loss, ws.ZDot[layers].AsSpan(j * rows * nL, rows * nL), rows, nL, probabilities, _scale,
                    ws.Temp0.AsSpan(j * rows * nL, rows * nL));
            bool currentIsTemp0 = true;

            for (int l = layers; l >= 1; l--)
            {
                int nIn = sizes[l - 1], nOut = sizes[l];
                Span<double> current = (currentIsTemp0 ? ws.Temp0 : ws.Temp1).AsSpan(0, k * rows * nOut);
                ReadOnlySpan<double> input = l == 1 ? x : Rows(_activations[l - 1], l - 1, r0, rows);
                ReadOnlySpan<double> delta = _gaussNewton || l == 1 ? ReadOnlySpan<double>.Empty : Rows(_deltas[l], l, r0, rows);
                for (int j = 0; j < k; j++)
                {
                    // (Hv)_{W_l} = Δ̇_lᵀ A_{l−1} + Δ_lᵀ Ȧ_{l−1};  (Hv)_{b_l} = Δ̇_lᵀ 1.
                    Span<double> output = ws.Output.AsSpan(j * d, d);
                    MlpPasses.WeightGradient(_net, l, current.Slice(j * rows * nOut, rows * nOut), input, rows, output, accumulate: !first);
                    if (!delta.IsEmpty)
                        MatrixKernels.MultiplyAddTransposedA(nOut, nIn, rows, delta, nOut,
                            ws.ADot[l - 1].AsSpan(j * rows * nIn, rows * nIn), nIn, output.Slice(_net.WeightOffsets[l], nOut * nIn), nIn);
                }
                if (l == 1) break;

                // Δ̇_{l−1} = (Δ̇_l W_l + Δ_l V_l) ⊙ φ'(Z_{l−1}) + E_{l−1} ⊙ Ż_{l−1}   (Gauss–Newton: (Δ̃_l W_l) ⊙ φ').
                Span<double> next = (currentIsTemp0 ? ws.Temp1 : ws.Temp0).AsSpan(0, k * rows * nIn);
                MlpPasses.BackLinear(_net, _theta, l, current, k * rows, next, accumulate: false);
                ReadOnlySpan<double> d1 = Rows(_firstDerivatives[l - 1], l - 1, r0, rows);
                for (int j = 0; j < k; j++)
                {
                    Span<double> nextJ = next.Slice(j * rows * nIn, rows * nIn);
                    if (_gaussNewton)
                    {
                        TensorPrimitives.Multiply(nextJ, d1, nextJ);
                        continue;
                    }
                    MlpPasses.BackLinear(_net, Direction(j), l, delta, rows, nextJ, accumulate: true);
                    if (_smooth)
                        ActivationKernels.MultiplyAddProduct(nextJ, d1, Rows(_curvatureTerms[l - 1], l - 1, r0, rows), ws.ZDot[l - 1].AsSpan(j * rows * nIn, rows * nIn));
                    else
                        TensorPrimitives.Multiply(nextJ, d1, nextJ);
                }
                currentIsTemp0 = !currentIsTemp0;
            }
        }
    }

    private ReadOnlySpan<double> Direction(int j) => _directions.AsSpan(j * Dimension, Dimension);

    private sealed class ChunkBuffers
    {
        internal ChunkBuffers(Mlp net, int directions)
        {
            ZDot = new double[net.LayerCount + 1][];
            ADot = new double[net.LayerCount][];
            Temp0 = Temp1 = Output = [];
            Grow(net, directions);
        }

        internal double[][] ZDot { get; }
        internal double[][] ADot { get; }
        internal double[] Temp0 { get; private set; }
        internal double[] Temp1 { get; private set; }
        internal double[] Output { get; private set; }

        /// <summary>Sizes every buffer for <paramref name="directions"/> stacked directions.</summary>
        internal void Grow(Mlp net, int directions)
        {
            int layers = net.LayerCount, b = SamplePartition.BlockSize * directions;
            for (int l = 1; l <= layers; l++) ZDot[l] = new double[b * net.Sizes[l]];
            for (int l = 1; l < layers; l++) ADot[l] = new double[b * net.Sizes[l]];
            Temp0 = new double[b * net.MaxWidth];
            Temp1 = new double[b * net.MaxWidth];
            Output = new double[(long)net.ParameterCount * directions > Array.MaxLength
                ? throw new InvalidOperationException($"{directions} directions of {net.ParameterCount} parameters exceed one array.")
                : net.ParameterCount * directions];
        }
    }
}
