using System.Numerics.Tensors;
using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;
using SparsityBounds.Operators;

namespace SparsityBounds.Models;

/// <summary>
/// The mixed-precision twin of <see cref="MlpCurvatureOperator"/> (<see cref="ProductPrecision.Single"/>): the same
/// cached-primal R-operator (Hessian) or linearised back-propagation (Gauss–Newton), with the primal cache, θ and the
/// direction in float32 and the GEMMs in <see cref="SingleMatrixKernels"/>.
/// </summary>
/// <remarks>
/// <para>The primal pass runs in double and is rounded once into the float32 cache. θ's weight blocks are rounded and
/// packed panel-major (as W_lᵀ and W_l) once; per product the direction is rounded to float32 and packed the same way
/// into preallocated buffers, so no GEMM call repacks its B operand. Per 64-sample block the R-forward and
/// R-backward passes run in float32; each block's weight-gradient contribution (Δ̇ᵀA + ΔᵀȦ, one chain of at most 128
/// float32 fused multiply-adds per element) is widened and added into the chunk's double output straight from the
/// registers (<see cref="SingleMatrixKernels.MultiplyAddTransposedAWidened"/>), the bias sums are accumulated in double.
/// Chunks are summed in chunk order in double: bitwise identical for any thread count.</para>
/// <para>Each <see cref="ApplyMany"/> product is bitwise equal to <see cref="Apply"/> (every element is the same
/// chain of operations whether its direction is stacked with others or not).</para>
/// </remarks>
internal sealed class MlpSingleCurvatureOperator : IBlockSymmetricOperator, IConcurrentSymmetricOperator, IChunkJob
{
    /// <summary>Directions per pass of <see cref="ApplyMany"/> by default (measured, docs/benchmarks.md).</summary>
    internal const int DefaultDirectionsPerPass = 2;

    private readonly Mlp _net;
    private readonly Loss _loss;
    private readonly SampleSet _data;
    private readonly bool _gaussNewton;
    private readonly bool _smooth;
    private readonly double _scale;
    private readonly SamplePartition _partition;
    private readonly int _maxDegreeOfParallelism;
    // Weights packed panel-major once (SingleMatrixKernels.Pack): W_lᵀ for the forward products, W_l for back-propagation;
    // the directions likewise once per product. Offsets per layer; a direction's packing starts at j · length.
    private readonly int[] _forwardOffsets;
    private readonly int[] _backOffsets;
    private readonly int _forwardLength;
    private readonly int _backLength;
    private readonly float[] _thetaForward;
    private readonly float[] _thetaBack;
    private float[] _directions;
    private float[] _directionsForward;
    private float[] _directionsBack;
    private int _directionCount;

    // Primal cache in float32: [N × n_l] per layer (index 0 = the features).
    private readonly float[][] _activations;
    private readonly float[][] _firstDerivatives;
    private readonly float[][] _deltas;
    private readonly float[][] _curvatureTerms;
    private readonly float[] _probabilities;
    private readonly ChunkBuffers[] _chunks;
    private double[]? _buildThetaTransposed;
    private readonly double[] _buildTheta;

    internal MlpSingleCurvatureOperator(Mlp net, Loss loss, SampleSet data, ReadOnlySpan<double> theta, bool gaussNewton, int maxDegreeOfParallelism)
    {
        _net = net;
        _loss = loss;
        _data = data;
        _gaussNewton = gaussNewton;
        _smooth = net.Activation != Activation.Relu;
        _scale = 1.0 / data.Count;
        _partition = new SamplePartition(data.Count, net.ParameterCount, MlpCurvatureOperator.MaxChunks);
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
        int d = net.ParameterCount, layers = net.LayerCount, n = data.Count;
        int[] sizes = net.Sizes;

        _forwardOffsets = new int[layers + 1];
        _backOffsets = new int[layers + 1];
        for (int l = 1; l <= layers; l++)
        {
            _forwardOffsets[l] = _forwardLength;
            _backOffsets[l] = _backLength;
            _forwardLength += SingleMatrixKernels.PackedLength(sizes[l - 1], sizes[l]);
            _backLength += SingleMatrixKernels.PackedLength(sizes[l], sizes[l - 1]);
        }
        var theta32 = new float[d];
        SingleMatrixKernels.Narrow(theta, theta32);
        _thetaForward = new float[_forwardLength];
        _thetaBack = new float[_backLength];
        PackWeights(theta32, _thetaForward, _thetaBack);
        _directions = new float[d];
        _directionsForward = new float[_forwardLength];
        _directionsBack = new float[_backLength];

        _activations = new float[layers][];
        _firstDerivatives = new float[layers][];
        _curvatureTerms = new float[layers][];
        _deltas = new float[layers + 1][];
        _activations[0] = new float[n * sizes[0]];
        SingleMatrixKernels.Narrow(data.Features.AsSpan(0, n * sizes[0]), _activations[0]);
        _firstDerivatives[0] = _curvatureTerms[0] = [];
        _deltas[0] = [];
        for (int l = 1; l < layers; l++)
        {
            _activations[l] = new float[n * sizes[l]];
            _firstDerivatives[l] = new float[n * sizes[l]];
            _curvatureTerms[l] = !gaussNewton && _smooth ? new float[n * sizes[l]] : [];
        }
        for (int l = 1; l <= layers; l++) _deltas[l] = gaussNewton ? [] : new float[n * sizes[l]];
        _probabilities = loss == Loss.SoftmaxCrossEntropy ? new float[n * sizes[layers]] : [];
        _chunks = new ChunkBuffers[_partition.ChunkCount];
        for (int c = 0; c < _chunks.Length; c++) _chunks[c] = new ChunkBuffers(net, 1);

        // The primal pass in double, rounded once into the cache.
        _buildTheta = theta.ToArray();
        _buildThetaTransposed = new double[d];
        MlpPasses.TransposeWeights(net, _buildTheta, _buildThetaTransposed);
        ChunkScheduler.Run(this, _partition.ChunkCount, maxDegreeOfParallelism);
        _buildThetaTransposed = null;
        _buildTheta = [];
    }

    /// <summary>Directions per pass of <see cref="ApplyMany"/> (more run in consecutive passes); results do not depend on it.</summary>
    internal int DirectionsPerPass
    {
        get => _directionsPerPass;
        set => _directionsPerPass = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "DirectionsPerPass must be positive.");
    }

    private int _directionsPerPass = DefaultDirectionsPerPass;

    // A concurrent view: shares the network, data, packed weights and primal cache (read-only after construction); owns
    // the direction copies and the per-chunk buffers, which are everything a product writes.
    private MlpSingleCurvatureOperator(MlpSingleCurvatureOperator shared)
    {
        _net = shared._net;
        _loss = shared._loss;
        _data = shared._data;
        _gaussNewton = shared._gaussNewton;
        _smooth = shared._smooth;
        _scale = shared._scale;
        _partition = shared._partition;
        _maxDegreeOfParallelism = shared._maxDegreeOfParallelism;
        _forwardOffsets = shared._forwardOffsets;
        _backOffsets = shared._backOffsets;
        _forwardLength = shared._forwardLength;
        _backLength = shared._backLength;
        _thetaForward = shared._thetaForward;
        _thetaBack = shared._thetaBack;
        _activations = shared._activations;
        _firstDerivatives = shared._firstDerivatives;
        _deltas = shared._deltas;
        _curvatureTerms = shared._curvatureTerms;
        _probabilities = shared._probabilities;
        _directionsPerPass = shared._directionsPerPass;
        _buildTheta = [];
        _directions = new float[_net.ParameterCount];
        _directionsForward = new float[_forwardLength];
        _directionsBack = new float[_backLength];
        _chunks = new ChunkBuffers[_partition.ChunkCount];
        for (int c = 0; c < _chunks.Length; c++) _chunks[c] = new ChunkBuffers(_net, 1);
    }

    /// <inheritdoc />
    public int Dimension => _net.ParameterCount;

    /// <inheritdoc />
    public ISymmetricOperator CreateConcurrentView() => new MlpSingleCurvatureOperator(this);

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
        for (int first = 0; first < count; first += DirectionsPerPass)
        {
            int k = Math.Min(DirectionsPerPass, count - first);
            Run(xs.Slice(first * d, k * d), ys.Slice(first * d, k * d), k);
        }
    }

    private void Run(ReadOnlySpan<double> xs, Span<double> ys, int k)
    {
        int d = Dimension;
        if (_directions.Length < k * d)
        {
            _directions = new float[k * d];
            _directionsForward = new float[k * _forwardLength];
            _directionsBack = new float[k * _backLength];
        }
        foreach (ChunkBuffers chunk in _chunks) chunk.EnsureDirections(_net, k);
        SingleMatrixKernels.Narrow(xs, _directions.AsSpan(0, k * d));
        for (int j = 0; j < k; j++)
            PackWeights(_directions.AsSpan(j * d, d), _directionsForward.AsSpan(j * _forwardLength, _forwardLength), _directionsBack.AsSpan(j * _backLength, _backLength));
        _directionCount = k;
        ChunkScheduler.Run(this, _partition.ChunkCount, _maxDegreeOfParallelism);
        _chunks[0].Output.AsSpan(0, k * d).CopyTo(ys);
        for (int c = 1; c < _partition.ChunkCount; c++) TensorPrimitives.Add(ys, _chunks[c].Output.AsSpan(0, k * d), ys);
    }

    public void RunChunk(int chunk)
    {
        if (_buildThetaTransposed is { } thetaTransposed) BuildChunk(chunk, thetaTransposed);
        else ApplyChunk(chunk);
    }

    /// <summary>Packs every weight block W_l of <paramref name="theta"/> as the B operand W_lᵀ (forward) and W_l (back-propagation).</summary>
    private void PackWeights(ReadOnlySpan<float> theta, Span<float> forward, Span<float> back)
    {
        for (int l = 1; l <= _net.LayerCount; l++)
        {
            int nIn = _net.Sizes[l - 1], nOut = _net.Sizes[l];
            ReadOnlySpan<float> w = theta.Slice(_net.WeightOffsets[l], nOut * nIn);
            SingleMatrixKernels.PackTransposed(nIn, nOut, w, nIn, forward.Slice(_forwardOffsets[l]));
            SingleMatrixKernels.Pack(nOut, nIn, w, nIn, back.Slice(_backOffsets[l]));
        }
    }

    private ReadOnlySpan<float> Rows(float[] matrix, int layer, int r0, int rows) =>
        matrix.AsSpan(r0 * _net.Sizes[layer], rows * _net.Sizes[layer]);

    // The primal pass in double per block (as MlpCurvatureOperator), each cached quantity rounded once to float32.
    private void BuildChunk(int chunk, double[] thetaTransposed)
    {
        int[] sizes = _net.Sizes;
        int layers = _net.LayerCount, n0 = sizes[0], b = SamplePartition.BlockSize;
        var z = new double[layers + 1][];
        var d1 = new double[layers][];
        var d2 = new double[layers][];
        var delta = new double[layers + 1][];
        for (int l = 1; l <= layers; l++)
        {
            z[l] = new double[b * sizes[l]];
            delta[l] = new double[b * sizes[l]];
            if (l < layers) { d1[l] = new double[b * sizes[l]]; d2[l] = new double[b * sizes[l]]; }
        }
        var probabilities = new double[b * sizes[layers]];
        var g = new double[b * _net.MaxWidth];
        (int start, int end) = _partition.Chunk(chunk);
        for (int r0 = start; r0 < end; r0 += b)
        {
            int rows = Math.Min(b, end - r0);
            ReadOnlySpan<double> input = _data.Features.AsSpan(r0 * n0, rows * n0);
            for (int l = 1; l <= layers; l++)
            {
                Span<double> zl = z[l].AsSpan(0, rows * sizes[l]);
                MlpPasses.LinearTransposed(_net, thetaTransposed, l, input, rows, zl);
                if (l < layers)
                {
                    Span<double> second = _curvatureTerms[l].Length > 0 ? d2[l].AsSpan(0, rows * sizes[l]) : Span<double>.Empty;
                    MlpPasses.Activate(_net.Activation, zl, d1[l].AsSpan(0, rows * sizes[l]), second);
                    Store(zl, _activations[l], l, r0, rows);
                    Store(d1[l], _firstDerivatives[l], l, r0, rows);
                }
                input = zl;
            }
            int nL = sizes[layers];
            MlpPasses.LossRows(_loss, z[layers].AsSpan(0, rows * nL), rows, nL, _data, r0, _scale,
                _gaussNewton ? Span<double>.Empty : delta[layers].AsSpan(0, rows * nL),
                _probabilities.Length > 0 ? probabilities.AsSpan(0, rows * nL) : Span<double>.Empty,
                Span<double>.Empty);
            if (_probabilities.Length > 0) Store(probabilities, _probabilities, layers, r0, rows);
            if (_gaussNewton) continue;
            Store(delta[layers], _deltas[layers], layers, r0, rows);
            for (int l = layers; l > 1; l--)
            {
                int nIn = sizes[l - 1];
                Span<double> gl = g.AsSpan(0, rows * nIn);
                MlpPasses.BackLinear(_net, _buildTheta, l, delta[l].AsSpan(0, rows * sizes[l]), rows, gl, accumulate: false);   // G = Δ_l W_l
                if (_smooth)
                {
                    Span<double> e = d2[l - 1].AsSpan(0, rows * nIn);
                    TensorPrimitives.Multiply(e, gl, e);                                                                          // E = G ⊙ φ''
                    Store(e, _curvatureTerms[l - 1], l - 1, r0, rows);
                }
                TensorPrimitives.Multiply(gl, d1[l - 1].AsSpan(0, rows * nIn), delta[l - 1].AsSpan(0, rows * nIn));
                Store(delta[l - 1], _deltas[l - 1], l - 1, r0, rows);
            }
        }
    }

    private void Store(ReadOnlySpan<double> block, float[] cache, int layer, int r0, int rows)
    {
        int width = _net.Sizes[layer];
        SingleMatrixKernels.Narrow(block.Slice(0, rows * width), cache.AsSpan(r0 * width, rows * width));
    }

    // R-forward then R-backward (Hessian) or linearised back-propagation (Gauss–Newton) in float32 for one chunk and the
    // k = _directionCount directions; direction j's rows of a stacked [k·rows × n] buffer start at row j·rows.
    private void ApplyChunk(int chunk)
    {
        ChunkBuffers ws = _chunks[chunk];
        int[] sizes = _net.Sizes;
        int layers = _net.LayerCount, k = _directionCount, d = Dimension;
        (int start, int end) = _partition.Chunk(chunk);
        for (int r0 = start; r0 < end; r0 += SamplePartition.BlockSize)
        {
            int rows = Math.Min(SamplePartition.BlockSize, end - r0);
            bool first = r0 == start;

            // R-forward: Ż_l = c_l + A_{l−1} V_lᵀ + Ȧ_{l−1} W_lᵀ, Ȧ_l = φ'(Z_l) ⊙ Ż_l (Ȧ₀ = 0).
            for (int l = 1; l <= layers; l++)
            {
                int nIn = sizes[l - 1], nOut = sizes[l];
                ReadOnlySpan<float> input = Rows(_activations[l - 1], l - 1, r0, rows);
                for (int j = 0; j < k; j++)
                {
                    Span<float> zj = ws.ZDot[l].AsSpan(j * rows * nOut, rows * nOut);
                    ReadOnlySpan<float> bias = _directions.AsSpan(j * d + _net.BiasOffsets[l], nOut);
                    for (int i = 0; i < rows; i++) bias.CopyTo(zj.Slice(i * nOut, nOut));
                    SingleMatrixKernels.MultiplyAddPacked(rows, nOut, nIn, input, nIn, _directionsForward.AsSpan(j * _forwardLength + _forwardOffsets[l]), zj, nOut);
                }
                if (l > 1)
                    SingleMatrixKernels.MultiplyAddPacked(k * rows, nOut, nIn, ws.ADot[l - 1].AsSpan(0, k * rows * nIn), nIn,
                        _thetaForward.AsSpan(_forwardOffsets[l]), ws.ZDot[l].AsSpan(0, k * rows * nOut), nOut);
                if (l < layers)
                {
                    ReadOnlySpan<float> d1 = Rows(_firstDerivatives[l], l, r0, rows);
                    for (int j = 0; j < k; j++)
                        TensorPrimitives.Multiply(d1, ws.ZDot[l].AsSpan(j * rows * nOut, rows * nOut), ws.ADot[l].AsSpan(j * rows * nOut, rows * nOut));
                }
            }

            // Δ̇_L = H_z[Ż_L] / N.
            int nL = sizes[layers];
            ReadOnlySpan<float> probabilities = _probabilities.Length > 0 ? Rows(_probabilities, layers, r0, rows) : ReadOnlySpan<float>.Empty;
            for (int j = 0; j < k; j++)
                LossHessianRows(ws.ZDot[layers].AsSpan(j * rows * nL, rows * nL), rows, nL, probabilities, ws.Temp0.AsSpan(j * rows * nL, rows * nL));
            bool currentIsTemp0 = true;

            for (int l = layers; l >= 1; l--)
            {
                int nIn = sizes[l - 1], nOut = sizes[l];
                Span<float> current = (currentIsTemp0 ? ws.Temp0 : ws.Temp1).AsSpan(0, k * rows * nOut);
                ReadOnlySpan<float> input = Rows(_activations[l - 1], l - 1, r0, rows);
                ReadOnlySpan<float> delta = _gaussNewton || l == 1 ? ReadOnlySpan<float>.Empty : Rows(_deltas[l], l, r0, rows);
                for (int j = 0; j < k; j++)
                {
                    // This block's (Hv)_{W_l} = Δ̇_lᵀ A_{l−1} + Δ_lᵀ Ȧ_{l−1}: one float32 chain per element, widened and added into
                    // the double output; (Hv)_{b_l} = Δ̇_lᵀ 1 summed in double.
                    Span<double> output = ws.Output.AsSpan(j * d, d);
                    ReadOnlySpan<float> currentJ = current.Slice(j * rows * nOut, rows * nOut);
                    SingleMatrixKernels.MultiplyAddTransposedAWidened(nOut, nIn, rows, currentJ, nOut, input, nIn,
                        delta.IsEmpty ? 0 : rows, delta, nOut, delta.IsEmpty ? ReadOnlySpan<float>.Empty : ws.ADot[l - 1].AsSpan(j * rows * nIn, rows * nIn), nIn,
                        output.Slice(_net.WeightOffsets[l], nOut * nIn), nIn, accumulate: !first);
                    SingleMatrixKernels.AddColumnSumsWidened(currentJ, rows, output.Slice(_net.BiasOffsets[l], nOut), accumulate: !first);
                }
                if (l == 1) break;

                // Δ̇_{l−1} = (Δ̇_l W_l + Δ_l V_l) ⊙ φ'(Z_{l−1}) + E_{l−1} ⊙ Ż_{l−1}   (Gauss–Newton: (Δ̃_l W_l) ⊙ φ').
                Span<float> next = (currentIsTemp0 ? ws.Temp1 : ws.Temp0).AsSpan(0, k * rows * nIn);
                SingleMatrixKernels.MultiplyAddPacked(k * rows, nIn, nOut, current, nOut, _thetaBack.AsSpan(_backOffsets[l]), next, nIn, accumulate: false);
                ReadOnlySpan<float> d1 = Rows(_firstDerivatives[l - 1], l - 1, r0, rows);
                for (int j = 0; j < k; j++)
                {
                    Span<float> nextJ = next.Slice(j * rows * nIn, rows * nIn);
                    if (_gaussNewton)
                    {
                        TensorPrimitives.Multiply(nextJ, d1, nextJ);
                        continue;
                    }
                    SingleMatrixKernels.MultiplyAddPacked(rows, nIn, nOut, delta, nOut, _directionsBack.AsSpan(j * _backLength + _backOffsets[l]), nextJ, nIn);
                    if (_smooth)
                        SingleMatrixKernels.MultiplyAddProduct(nextJ, d1, Rows(_curvatureTerms[l - 1], l - 1, r0, rows), ws.ZDot[l - 1].AsSpan(j * rows * nIn, rows * nIn));
                    else
                        TensorPrimitives.Multiply(nextJ, d1, nextJ);
                }
                currentIsTemp0 = !currentIsTemp0;
            }
        }
    }

    // Δ̇ = scale · H_z[ż] row by row (cross-entropy p ⊙ (ż − pᵀż), squared error ż), evaluated in double and rounded once.
    private void LossHessianRows(ReadOnlySpan<float> zDot, int rows, int width, ReadOnlySpan<float> probabilities, Span<float> output)
    {
        if (_loss == Loss.MeanSquaredError)
        {
            for (int i = 0; i < rows * width; i++) output[i] = (float)(_scale * zDot[i]);
            return;
        }
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> p = probabilities.Slice(i * width, width);
            ReadOnlySpan<float> zd = zDot.Slice(i * width, width);
            Span<float> o = output.Slice(i * width, width);
            double s = 0.0;
            for (int c = 0; c < width; c++) s += (double)p[c] * zd[c];
            for (int c = 0; c < width; c++) o[c] = (float)(_scale * (p[c] * (zd[c] - s)));
        }
    }

    private sealed class ChunkBuffers
    {
        private int _directions;

        internal ChunkBuffers(Mlp net, int directions)
        {
            ZDot = new float[net.LayerCount + 1][];
            ADot = new float[net.LayerCount][];
            Temp0 = Temp1 = [];
            Output = [];
            EnsureDirections(net, directions);
        }

        internal float[][] ZDot { get; }
        internal float[][] ADot { get; }
        internal float[] Temp0 { get; private set; }
        internal float[] Temp1 { get; private set; }
        internal double[] Output { get; private set; }

        /// <summary>Sizes every buffer for at least <paramref name="directions"/> stacked directions (grows only).</summary>
        internal void EnsureDirections(Mlp net, int directions)
        {
            if (directions <= _directions) return;
            int layers = net.LayerCount, b = SamplePartition.BlockSize * directions;
            for (int l = 1; l <= layers; l++) ZDot[l] = new float[b * net.Sizes[l]];
            for (int l = 1; l < layers; l++) ADot[l] = new float[b * net.Sizes[l]];
            Temp0 = new float[b * net.MaxWidth];
            Temp1 = new float[b * net.MaxWidth];
            Output = new double[(long)net.ParameterCount * directions > Array.MaxLength
                ? throw new InvalidOperationException($"{directions} directions of {net.ParameterCount} parameters exceed one array.")
                : net.ParameterCount * directions];
            _directions = directions;
        }
    }
}
