using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Operators;

/// <summary>Storage precision of a <see cref="DenseSymmetricOperator"/>.</summary>
public enum DenseStorage
{
    /// <summary>IEEE double (8 bytes per stored entry): products exact to double rounding.</summary>
    Double,

    /// <summary>
    /// IEEE single (4 bytes per stored entry, half the memory traffic): every entry is rounded once to float when the
    /// operator is built; products widen entries exactly to double and accumulate in double. Each entry then carries a
    /// relative error ≤ 2⁻²⁴ ≈ 6e-8, so ‖(Ã − A)x‖ ≤ 6e-8 · ‖|A| |x|‖: enough for spectra, traces and pruning limits,
    /// not for solving ill-conditioned systems.
    /// </summary>
    Single,
}

/// <summary>
/// A dense symmetric matrix as an operator. Only the upper block triangle is stored (blocks of 128 × 128), and each
/// stored entry is read once per product, contributing to both y_I += A_IJ x_J and y_J += A_IJᵀ x_I: about D²/2
/// entries of memory traffic per product, half of a row-by-row product. Optional float32 storage halves it again.
/// Large matrices are split over cores.
/// </summary>
/// <remarks>
/// <para>Results are bitwise reproducible whatever the number of threads: the block rows are cut into a fixed
/// partition that depends only on D, each part accumulates into its own preallocated partial output, and the partial
/// outputs are added in partition order.</para>
/// <para><see cref="Apply"/> allocates nothing in steady state. Thread safety: immutable; <see cref="Apply"/> may be
/// called from several threads at once (a concurrent caller gets its own workspace, allocated once).</para>
/// </remarks>
public sealed class DenseSymmetricOperator : IBlockSymmetricOperator
{
    // Below this many stored entries one part (one thread) is faster than dispatching work.
    private const long ParallelThresholdEntries = 1L << 17;
    // Parts of the fixed partition for large matrices: enough for two to eight cores to balance dynamically.
    private const int PartsWhenLarge = 8;

    private readonly PackedSymmetricLayout _layout;
    private readonly double[] _doubles;
    private readonly float[] _singles;
    private readonly int _maxDegreeOfParallelism;
    private readonly int[] _partStarts; // block-row boundaries of the fixed partition
    private Workspace? _pooled;

    /// <summary>Creates the operator from a square symmetric matrix, which is copied (double storage).</summary>
    /// <param name="matrix">Square, finite, with |a_ij − a_ji| ≤ 1e-12 · max|a|.</param>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is null.</exception>
    /// <exception cref="ArgumentException">The matrix is empty, not square, has a non-finite entry, or is not symmetric.</exception>
    public DenseSymmetricOperator(double[,] matrix) : this(matrix, -1) { }

    /// <summary>Creates the operator and caps the number of threads one <see cref="Apply"/> may use (double storage).</summary>
    /// <param name="matrix">Square, finite, with |a_ij − a_ji| ≤ 1e-12 · max|a|.</param>
    /// <param name="maxDegreeOfParallelism">Maximum threads per apply; −1 (default) uses all cores. Results do not depend on it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is null.</exception>
    /// <exception cref="ArgumentException">The matrix is empty, not square, has a non-finite entry, or is not symmetric.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegreeOfParallelism"/> is 0 or below −1.</exception>
    public DenseSymmetricOperator(double[,] matrix, int maxDegreeOfParallelism)
        : this(matrix, DenseStorage.Double, maxDegreeOfParallelism) { }

    private DenseSymmetricOperator(double[,] matrix, DenseStorage storage, int maxDegreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int rows = matrix.GetLength(0), cols = matrix.GetLength(1);
        if (rows != cols)
            throw new ArgumentException($"matrix must be square; got {rows} × {cols}.", nameof(matrix));
        if (rows == 0)
            throw new ArgumentException("matrix must not be empty.", nameof(matrix));
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "maxDegreeOfParallelism must be -1 or positive.");
        if (!Enum.IsDefined(storage))
            throw new ArgumentOutOfRangeException(nameof(storage), storage, $"storage {(int)storage} is not a defined DenseStorage.");
        double maxAbs = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                double a = matrix[i, j];
                if (!double.IsFinite(a))
                    throw new ArgumentException($"matrix[{i}, {j}] is {Preconditions.Format(a)}; every entry must be finite.", nameof(matrix));
                maxAbs = Math.Max(maxAbs, Math.Abs(a));
            }
        double tolerance = 1e-12 * maxAbs;
        for (int i = 0; i < rows; i++)
            for (int j = i + 1; j < cols; j++)
                if (Math.Abs(matrix[i, j] - matrix[j, i]) > tolerance)
                    throw new ArgumentException(
                        $"matrix is not symmetric: matrix[{i}, {j}] = {Preconditions.Format(matrix[i, j])} but matrix[{j}, {i}] = {Preconditions.Format(matrix[j, i])} (tolerance {Preconditions.Format(tolerance)}).",
                        nameof(matrix));
        var layout = new PackedSymmetricLayout(rows);
        if (layout.StoredEntries > Array.MaxLength)
            throw new ArgumentException($"matrix has {rows} × {cols} entries; its packed upper triangle ({layout.StoredEntries} entries) is more than one array can hold.", nameof(matrix));
        _layout = layout;
        Storage = storage;
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
        _doubles = storage == DenseStorage.Double ? new double[layout.StoredEntries] : [];
        _singles = storage == DenseStorage.Single ? new float[layout.StoredEntries] : [];
        Pack(matrix);
        _partStarts = Partition(layout);
    }

    /// <summary>
    /// Creates the operator with the given storage precision. <see cref="DenseStorage.Single"/> halves memory and
    /// memory traffic (products accumulate in double; see <see cref="DenseStorage.Single"/> for the accuracy).
    /// </summary>
    /// <param name="matrix">Square, finite, with |a_ij − a_ji| ≤ 1e-12 · max|a| (copied).</param>
    /// <param name="storage">Storage precision of the entries.</param>
    /// <param name="maxDegreeOfParallelism">Maximum threads per apply; −1 (default) uses all cores. Results do not depend on it.</param>
    /// <returns>The operator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is null.</exception>
    /// <exception cref="ArgumentException">The matrix is empty, not square, has a non-finite entry, or is not symmetric.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="storage"/> is undefined, or <paramref name="maxDegreeOfParallelism"/> is 0 or below −1.</exception>
    /// <example><code>var h = DenseSymmetricOperator.Create(hessian, DenseStorage.Single);   // 2 bytes per entry of the full matrix</code></example>
    public static DenseSymmetricOperator Create(double[,] matrix, DenseStorage storage, int maxDegreeOfParallelism = -1) =>
        new(matrix, storage, maxDegreeOfParallelism);

    /// <inheritdoc />
    public int Dimension => _layout.Dimension;

    /// <summary>Storage precision of the entries.</summary>
    public DenseStorage Storage { get; }

    /// <summary>Bytes of matrix entries one <see cref="Apply"/> reads: the stored upper block triangle.</summary>
    public long StoredBytes => _layout.StoredEntries * (Storage == DenseStorage.Double ? sizeof(double) : sizeof(float));

    /// <summary>Entry a_ij of the stored (exactly symmetric) matrix, widened to double for single storage.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="Dimension"/>).</exception>
    public double this[int row, int column]
    {
        get
        {
            int n = _layout.Dimension;
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, n);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, n);
            long at = _layout.Index(row, column);
            return Storage == DenseStorage.Double ? _doubles[at] : _singles[at];
        }
    }

    /// <summary>A copy of the matrix (as stored: single storage returns the float-rounded entries).</summary>
    public double[,] ToArray()
    {
        int n = _layout.Dimension;
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
            {
                long at = _layout.Index(i, j);
                a[i, j] = a[j, i] = Storage == DenseStorage.Double ? _doubles[at] : _singles[at];
            }
        return a;
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        Preconditions.CheckOperatorSpans(_layout.Dimension, x, y);
        Workspace ws = Interlocked.Exchange(ref _pooled, null) ?? new Workspace(this);
        try
        {
            ws.Run(x, y);
        }
        finally
        {
            Volatile.Write(ref _pooled, ws);
        }
    }

    /// <inheritdoc />
    /// <remarks>Vectors are taken two at a time: one pass over the stored entries serves both products (for a matrix
    /// larger than the caches the apply is memory-bound, so a pair costs little more than one product). Each product is
    /// bitwise equal to <see cref="Apply"/> of the same vector.</remarks>
    public void ApplyMany(ReadOnlySpan<double> xs, Span<double> ys, int count)
    {
        BlockOperatorChecks.CheckSpans(_layout.Dimension, xs, ys, count);
        int n = _layout.Dimension;
        Workspace ws = Interlocked.Exchange(ref _pooled, null) ?? new Workspace(this);
        try
        {
            int j = 0;
            for (; j + 2 <= count; j += 2)
                ws.RunPair(xs.Slice(j * n, n), xs.Slice((j + 1) * n, n), ys.Slice(j * n, n), ys.Slice((j + 1) * n, n));
            if (j < count) ws.Run(xs.Slice(j * n, n), ys.Slice(j * n, n));
        }
        finally
        {
            Volatile.Write(ref _pooled, ws);
        }
    }

    private void Pack(double[,] matrix)
    {
        int n = _layout.Dimension;
        for (int bi = 0; bi < _layout.BlockCount; bi++)
            for (int bj = bi; bj < _layout.BlockCount; bj++)
            {
                long offset = _layout.Offsets[_layout.BlockIndex(bi, bj)];
                int r0 = PackedSymmetricLayout.Start(bi), c0 = PackedSymmetricLayout.Start(bj);
                int rows = _layout.Size(bi), cols = _layout.Size(bj);
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < cols; c++)
                    {
                        int i = r0 + r, j = c0 + c;
                        // Padding is zero; the stored value is the exactly symmetric average so Apply is symmetric to rounding.
                        double a = i >= n || j >= n ? 0.0 : i == j ? matrix[i, i] : 0.5 * (matrix[i, j] + matrix[j, i]);
                        long at = offset + SymmetricBlockKernels.TileIndex(r, c, cols);
                        if (Storage == DenseStorage.Double) _doubles[at] = a;
                        else _singles[at] = (float)a;
                    }
            }
    }

    // Fixed partition of block rows into parts of about equal work (block row I holds BlockCount − I blocks).
    private static int[] Partition(PackedSymmetricLayout layout)
    {
        int blocks = layout.BlockCount;
        int parts = layout.StoredEntries < ParallelThresholdEntries ? 1 : Math.Min(PartsWhenLarge, blocks);
        var starts = new int[parts + 1];
        long total = (long)blocks * (blocks + 1) / 2, done = 0;
        int part = 1;
        for (int i = 0; i < blocks && part < parts; i++)
        {
            done += blocks - i;
            if (done * parts >= total * part) starts[part++] = i + 1;
        }
        for (; part <= parts; part++) starts[part] = blocks;
        return starts;
    }

    /// <summary>Per-apply buffers: padded x, one padded partial output per part. Allocated once, reused.</summary>
    private sealed class Workspace : IChunkJob
    {
        private readonly DenseSymmetricOperator _op;
        private readonly int _padded;
        private readonly double[] _x;          // one or two padded input vectors, the second at +_padded
        private readonly double[][] _partials; // per part, one or two padded partial outputs
        private bool _pair;

        internal Workspace(DenseSymmetricOperator op)
        {
            _op = op;
            _padded = op._layout.PaddedDimension;
            _x = new double[2 * _padded];
            _partials = new double[op._partStarts.Length - 1][];
            for (int p = 0; p < _partials.Length; p++) _partials[p] = new double[2 * _padded];
        }

        internal void Run(ReadOnlySpan<double> x, Span<double> y)
        {
            x.CopyTo(_x);
            _pair = false;
            Dispatch();
            Reduce(0, y);
        }

        /// <summary>Two products in one pass over the matrix: y0 = A x0, y1 = A x1.</summary>
        internal void RunPair(ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, Span<double> y0, Span<double> y1)
        {
            x0.CopyTo(_x);
            x1.CopyTo(_x.AsSpan(_padded));
            _pair = true;
            Dispatch();
            Reduce(0, y0);
            Reduce(_padded, y1);
        }

        private void Dispatch()
        {
            int parts = _partials.Length;
            if (parts == 1 || _op._maxDegreeOfParallelism == 1) for (int p = 0; p < parts; p++) RunChunk(p);
            else ChunkScheduler.Run(this, parts, _op._maxDegreeOfParallelism);
        }

        // Part p only writes rows ≥ its first block row: add the parts in partition order.
        private void Reduce(int offset, Span<double> y)
        {
            int n = _op._layout.Dimension;
            _partials[0].AsSpan(offset, n).CopyTo(y);
            for (int p = 1; p < _partials.Length; p++)
            {
                int start = Math.Min(n, PackedSymmetricLayout.Start(_op._partStarts[p]));
                TensorPrimitives.Add(y[start..], _partials[p].AsSpan(offset + start, n - start), y[start..]);
            }
        }

        public void RunChunk(int chunk)
        {
            PackedSymmetricLayout layout = _op._layout;
            int firstBlock = _op._partStarts[chunk], endBlock = _op._partStarts[chunk + 1];
            double[] partial = _partials[chunk];
            int start = PackedSymmetricLayout.Start(firstBlock);
            partial.AsSpan(start, _padded - start).Clear();
            if (_pair) partial.AsSpan(_padded + start, _padded - start).Clear();
            if (_op.Storage == DenseStorage.Double) Blocks<double, DoubleEntries>(layout, _op._doubles, firstBlock, endBlock, _x, partial, _pair ? _padded : 0);
            else Blocks<float, SingleEntries>(layout, _op._singles, firstBlock, endBlock, _x, partial, _pair ? _padded : 0);
        }

        // second > 0: a pair of vectors, the second at +second in xs and ys.
        private static void Blocks<T, TReader>(PackedSymmetricLayout layout, T[] entries, int firstBlock, int endBlock, double[] xs, double[] ys, nint second)
            where T : unmanaged where TReader : IEntryReader<T>
        {
            ref T a = ref MemoryMarshal.GetArrayDataReference(entries);
            ref double x = ref MemoryMarshal.GetArrayDataReference(xs);
            ref double y = ref MemoryMarshal.GetArrayDataReference(ys);
            for (int bi = firstBlock; bi < endBlock; bi++)
            {
                int r0 = PackedSymmetricLayout.Start(bi), rows = layout.Size(bi);
                int index = layout.BlockIndex(bi, bi);
                ref T diagonal = ref Unsafe.Add(ref a, (nint)layout.Offsets[index]);
                if (second == 0) SymmetricBlockKernels.Diagonal<T, TReader>(ref diagonal, rows, ref Unsafe.Add(ref x, r0), ref Unsafe.Add(ref y, r0));
                else SymmetricBlockKernels.Diagonal2<T, TReader>(ref diagonal, rows, ref Unsafe.Add(ref x, r0), ref Unsafe.Add(ref y, r0), second);
                for (int bj = bi + 1; bj < layout.BlockCount; bj++)
                {
                    int c0 = PackedSymmetricLayout.Start(bj), cols = layout.Size(bj);
                    ref T block = ref Unsafe.Add(ref a, (nint)layout.Offsets[++index]);
                    if (second == 0)
                        SymmetricBlockKernels.OffDiagonal<T, TReader>(ref block, rows, cols, ref Unsafe.Add(ref x, r0), ref Unsafe.Add(ref x, c0),
                            ref Unsafe.Add(ref y, r0), ref Unsafe.Add(ref y, c0));
                    else
                        SymmetricBlockKernels.OffDiagonal2<T, TReader>(ref block, rows, cols, ref Unsafe.Add(ref x, r0), ref Unsafe.Add(ref x, c0),
                            ref Unsafe.Add(ref y, r0), ref Unsafe.Add(ref y, c0), second);
                }
            }
        }
    }
}
