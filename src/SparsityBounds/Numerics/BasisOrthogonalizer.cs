using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Numerics;

/// <summary>
/// Orthogonalises one vector w against selected vectors of a stored basis (a Lanczos basis too large for the caches),
/// on several cores and with each basis vector read from memory once per pass: the cost that dominates a long Lanczos
/// run on a large operator once the products are fast.
/// </summary>
/// <remarks>
/// <para>The selected vectors are taken in groups of <see cref="GroupSize"/>. Per group, one parallel phase computes
/// the group's dot products with w on each part of a fixed partition of [0, D) (one slice of w stays in the core's
/// cache while the group's slices stream past it); the partial sums are added in part order; a second phase subtracts
/// the group's combination part by part. Between groups w is updated, so a pass is classical Gram–Schmidt inside a
/// group and modified Gram–Schmidt across groups; it is applied twice when the first pass removed a large part of w
/// (the Daniel–Gragg–Kaufman–Stewart criterion, Math. Comp. 30, 1976, as ARPACK's dsaitr: "twice is enough", Giraud,
/// Langou, Rozložník 2005): in a Lanczos run w is nearly orthogonal to the basis before the pass, so the second read is
/// mostly skipped. Each pass's coefficients are accumulated, so the caller gets the full projection Vᵀw₀. The one
/// orthogonalisation of the library: Lanczos (<c>LanczosProcess</c>), thick-restart Lanczos and the Hutch++ sketch.</para>
/// <para>Measured on float32 bases of D = 85,002 (docs/benchmarks.md, "Spectral"): groups of 4 were fastest on one and
/// two threads (8 to 64 per group, and one classical pass over all vectors, were slower). On one thread (one allowed,
/// or the worker threads busy, as when SLQ runs its probes concurrently) the subtraction visits the parts in reverse,
/// starting on the slices the dot products read last: 15–26 % less time for 80–128 vectors, the same at 250. On two
/// threads the parts are claimed dynamically and reversing measured slower, as did fusing one group's subtraction with
/// the next group's dot products in one sweep on one thread.</para>
/// <para>The partition depends only on D, so the result is bitwise identical for any number of threads. One instance
/// per Lanczos process; not thread-safe; allocates only at construction.</para>
/// </remarks>
internal sealed class BasisOrthogonalizer : IChunkJob
{
    /// <summary>Basis vectors per group (per pair of parallel phases).</summary>
    internal const int GroupSize = 4;

    /// <summary>Shortest slice of w per part: below this a dispatch to the worker threads costs more than it saves.</summary>
    internal const int MinimumPartLength = 8192;

    private readonly int _dimension;
    private readonly int _parts;
    private readonly int _maxDegreeOfParallelism;
    private readonly double[] _partialDots;
    private readonly double[] _groupCoefficients = new double[GroupSize];
    private readonly double[][] _group = new double[GroupSize][];
    private readonly float[][] _groupSingle = new float[GroupSize][];
    private readonly short[][] _groupScaled = new short[GroupSize][];
    private readonly int[] _groupIndices = new int[GroupSize];
    private double[] _scales = [];
    private Storage _storage;
    private int _groupCount;
    private bool _subtractPhase;
    private double[] _target = [];
    private int[] _prefix = [];

    /// <param name="dimension">Length D of the vectors.</param>
    /// <param name="maxDegreeOfParallelism">Threads for the parallel phases; ≤ 0 uses every processor.</param>
    internal BasisOrthogonalizer(int dimension, int maxDegreeOfParallelism)
    {
        _dimension = dimension;
        _parts = Math.Max(1, DeterministicParallel.ChunkCount(dimension, MinimumPartLength));
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
        _partialDots = new double[_parts * GroupSize];
    }

    /// <summary>Parts of the fixed partition of [0, D).</summary>
    internal int Parts => _parts;

    /// <summary>
    /// w ← (I − VVᵀ)w, twice when needed, with V = the basis vectors basis[indices[0..]]; adds the projection
    /// coefficients of both passes to <paramref name="coefficients"/>[0..indices.Length) (zeroed or seeded by the
    /// caller). Returns ‖w‖ afterwards.
    /// </summary>
    internal double OrthogonalizeTwice(double[]?[] basis, ReadOnlySpan<int> indices, double[] w, Span<double> coefficients)
    {
        _storage = Storage.Double;
        for (int i = 0; i < indices.Length; i++) _ = basis[indices[i]] ?? throw new ArgumentException($"basis[{indices[i]}] is not allocated.", nameof(basis));
        return Orthogonalize(basis, [], [], indices, w, coefficients);
    }

    /// <summary>As <see cref="OrthogonalizeTwice(double[][], ReadOnlySpan{int}, double[], Span{double})"/> against the first
    /// <paramref name="count"/> basis vectors (the identity index list grows once, then is reused).</summary>
    internal double OrthogonalizeTwice(double[]?[] basis, int count, double[] w, Span<double> coefficients)
    {
        if (_prefix.Length < count)
        {
            _prefix = new int[Math.Max(count, 2 * _prefix.Length)];
            for (int i = 0; i < _prefix.Length; i++) _prefix[i] = i;
        }
        return OrthogonalizeTwice(basis, _prefix.AsSpan(0, count), w, coefficients);
    }

    /// <summary>As <see cref="OrthogonalizeTwice(double[][], ReadOnlySpan{int}, double[], Span{double})"/> against basis
    /// vectors stored in float32 (widened exactly; products and sums in double).</summary>
    internal double OrthogonalizeTwice(float[]?[] basis, ReadOnlySpan<int> indices, double[] w, Span<double> coefficients)
    {
        _storage = Storage.Single;
        for (int i = 0; i < indices.Length; i++) _ = basis[indices[i]] ?? throw new ArgumentException($"basis[{indices[i]}] is not allocated.", nameof(basis));
        return Orthogonalize([], basis, [], indices, w, coefficients);
    }

    /// <summary>As <see cref="OrthogonalizeTwice(double[][], ReadOnlySpan{int}, double[], Span{double})"/> against basis
    /// vectors stored by <see cref="Quantize"/>: vector k is basis[k] with the scale of part p at scales[k·<see cref="Parts"/> + p]
    /// (widened exactly; products and sums in double).</summary>
    internal double OrthogonalizeTwice(short[]?[] basis, double[] scales, ReadOnlySpan<int> indices, double[] w, Span<double> coefficients)
    {
        _storage = Storage.Scaled16;
        for (int i = 0; i < indices.Length; i++)
        {
            _ = basis[indices[i]] ?? throw new ArgumentException($"basis[{indices[i]}] is not allocated.", nameof(basis));
            if ((long)(indices[i] + 1) * _parts > scales.Length)
                throw new ArgumentException($"scales has length {scales.Length}; vector {indices[i]} needs {(long)(indices[i] + 1) * _parts}.", nameof(scales));
        }
        _scales = scales;
        return Orthogonalize([], [], basis, indices, w, coefficients);
    }

    /// <summary>Stores <paramref name="v"/> as 16-bit integers with one scale per part of this instance's partition
    /// (<see cref="ScaledInt16Kernels.Quantize"/>), for <see cref="OrthogonalizeTwice(short[][], double[], ReadOnlySpan{int}, double[], Span{double})"/>.</summary>
    internal void Quantize(ReadOnlySpan<double> v, Span<short> destination, Span<double> scales)
    {
        if (v.Length != _dimension) throw new ArgumentException($"v has length {v.Length}; expected {_dimension}.", nameof(v));
        if (destination.Length != _dimension) throw new ArgumentException($"destination has length {destination.Length}; expected {_dimension}.", nameof(destination));
        if (scales.Length != _parts) throw new ArgumentException($"scales has length {scales.Length}; expected {_parts}.", nameof(scales));
        for (int part = 0; part < _parts; part++)
        {
            int start = DeterministicParallel.ChunkStart(_dimension, _parts, part);
            int length = DeterministicParallel.ChunkStart(_dimension, _parts, part + 1) - start;
            scales[part] = ScaledInt16Kernels.Quantize(v.Slice(start, length), destination.Slice(start, length));
        }
    }

    private enum Storage { Double, Single, Scaled16 }

    private double Orthogonalize(double[]?[] basis, float[]?[] singleBasis, short[]?[] scaledBasis, ReadOnlySpan<int> indices, double[] w, Span<double> coefficients)
    {
        int count = indices.Length;
        if (w.Length != _dimension) throw new ArgumentException($"w has length {w.Length}; expected {_dimension}.", nameof(w));
        if (coefficients.Length < count)
            throw new ArgumentException($"coefficients has length {coefficients.Length}; expected at least {count}.", nameof(coefficients));
        double norm = VectorKernels.Norm(w);
        for (int pass = 0; pass < 2; pass++)
        {
            for (int first = 0; first < count; first += GroupSize)
            {
                int n = Math.Min(GroupSize, count - first);
                for (int i = 0; i < n; i++)
                {
                    int k = indices[first + i];
                    _groupIndices[i] = k;
                    if (_storage == Storage.Single) _groupSingle[i] = singleBasis[k]!;
                    else if (_storage == Storage.Scaled16) _groupScaled[i] = scaledBasis[k]!;
                    else _group[i] = basis[k]!;
                }
                _groupCount = n;
                _target = w;
                RunPhase(subtract: false);
                for (int i = 0; i < n; i++)
                {
                    double dot = 0.0;
                    for (int part = 0; part < _parts; part++) dot += _partialDots[part * GroupSize + i];
                    _groupCoefficients[i] = dot;
                    coefficients[first + i] += dot;
                }
                RunPhase(subtract: true);
            }
            double after = VectorKernels.Norm(w);
            // DGKS: a pass that kept more than 1/√2 of the norm left no cancellation to clean up.
            if (after * after > 0.5 * norm * norm) { norm = after; break; }
            norm = after;
        }
        Array.Clear(_group);   // keep no reference to the caller's vectors
        Array.Clear(_groupSingle);
        Array.Clear(_groupScaled);
        _scales = [];
        _target = [];
        return norm;
    }

    private void RunPhase(bool subtract)
    {
        _subtractPhase = subtract;
        // On one thread the subtraction visits the parts last-read-first, so it starts on the group's slices that are still
        // in this core's caches. The parts are independent: the order changes no value.
        ChunkScheduler.Run(this, _parts, _maxDegreeOfParallelism, lastFirstWhenSequential: subtract);
    }

    /// <inheritdoc/>
    public void RunChunk(int chunk)
    {
        int start = DeterministicParallel.ChunkStart(_dimension, _parts, chunk);
        int length = DeterministicParallel.ChunkStart(_dimension, _parts, chunk + 1) - start;
        Span<double> w = _target.AsSpan(start, length);
        int n = _groupCount;
        if (!_subtractPhase)
        {
            Span<double> dots = _partialDots.AsSpan(chunk * GroupSize, n);
            if (_storage == Storage.Scaled16)
            {
                GroupDots<Int16Widening, short>(_groupScaled, start, length, w, dots);
                for (int k = 0; k < n; k++) dots[k] *= Scale(k, chunk);
            }
            else if (_storage == Storage.Single) GroupDots<SingleWidening, float>(_groupSingle, start, length, w, dots);
            else GroupDots<DoubleWidening, double>(_group, start, length, w, dots);
        }
        else if (_storage == Storage.Scaled16)
        {
            // The coefficients carry the vectors' scales on this part.
            Span<double> c = stackalloc double[GroupSize];
            for (int k = 0; k < n; k++) c[k] = _groupCoefficients[k] * Scale(k, chunk);
            GroupSubtract<Int16Widening, short>(_groupScaled, start, length, c, w);
        }
        else if (_storage == Storage.Single) GroupSubtract<SingleWidening, float>(_groupSingle, start, length, _groupCoefficients, w);
        else GroupSubtract<DoubleWidening, double>(_group, start, length, _groupCoefficients, w);
    }

    // The scale of group member k's stored vector on a part (16-bit storage).
    private double Scale(int k, int part) => _scales[_groupIndices[k] * _parts + part];

    // The group's partial dot products on [start, start + length).
    private void GroupDots<TW, T>(T[][] g, int start, int length, ReadOnlySpan<double> w, Span<double> dots)
        where TW : struct, IWidening<T> where T : unmanaged
    {
        int n = _groupCount, i = 0;
        for (; i + 4 <= n; i += 4)
            WideningKernels.Dot4<TW, T>(g[i].AsSpan(start, length), g[i + 1].AsSpan(start, length),
                g[i + 2].AsSpan(start, length), g[i + 3].AsSpan(start, length), w, dots.Slice(i, 4));
        for (; i < n; i++) dots[i] = WideningKernels.Dot1<TW, T>(g[i].AsSpan(start, length), w);
    }

    // w[start, start + length) −= Σ_k c_k g_k.
    private void GroupSubtract<TW, T>(T[][] g, int start, int length, ReadOnlySpan<double> c, Span<double> w)
        where TW : struct, IWidening<T> where T : unmanaged
    {
        int n = _groupCount, i = 0;
        for (; i + 4 <= n; i += 4)
            WideningKernels.SubtractCombination4<TW, T>(g[i].AsSpan(start, length), g[i + 1].AsSpan(start, length),
                g[i + 2].AsSpan(start, length), g[i + 3].AsSpan(start, length), c.Slice(i, 4), w);
        for (; i < n; i++) WideningKernels.Subtract<TW, T>(c[i], g[i].AsSpan(start, length), w);
    }
}
