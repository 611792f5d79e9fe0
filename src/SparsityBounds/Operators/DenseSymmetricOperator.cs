using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Operators;

/// <summary>
/// A dense symmetric matrix as an operator: y = A x by SIMD row dot products, four rows per pass over x,
/// rows split over cores for large matrices.
/// </summary>
/// <remarks>
/// <para>Every output entry y_i is computed by the same instruction sequence whatever the number of threads,
/// so results are bitwise reproducible.</para>
/// <para>Thread safety: immutable; <see cref="Apply"/> may be called from several threads at once.</para>
/// </remarks>
public sealed class DenseSymmetricOperator : ISymmetricOperator
{
    // Below this many entries a single thread is faster than dispatching work (measured: see docs/benchmarks.md).
    private const long ParallelThresholdEntries = 1L << 18;
    private readonly double[] _entries; // row-major n × n
    private readonly int _n;
    private readonly int _maxDegreeOfParallelism;

    /// <summary>Creates the operator from a square symmetric matrix, which is copied.</summary>
    /// <param name="matrix">Square, finite, with |a_ij − a_ji| ≤ 1e-12 · max|a|.</param>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is null.</exception>
    /// <exception cref="ArgumentException">The matrix is empty, not square, has a non-finite entry, or is not symmetric.</exception>
    public DenseSymmetricOperator(double[,] matrix) : this(matrix, -1) { }

    /// <summary>Creates the operator and caps the number of threads one <see cref="Apply"/> may use.</summary>
    /// <param name="matrix">Square, finite, with |a_ij − a_ji| ≤ 1e-12 · max|a|.</param>
    /// <param name="maxDegreeOfParallelism">Maximum threads per apply; −1 (default) uses all cores. Results do not depend on it.</param>
    public DenseSymmetricOperator(double[,] matrix, int maxDegreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int rows = matrix.GetLength(0), cols = matrix.GetLength(1);
        if (rows != cols)
            throw new ArgumentException($"matrix must be square; got {rows} × {cols}.", nameof(matrix));
        if (rows == 0)
            throw new ArgumentException("matrix must not be empty.", nameof(matrix));
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "maxDegreeOfParallelism must be -1 or positive.");
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
        if ((long)rows * cols > Array.MaxLength)
            throw new ArgumentException($"matrix has {rows} × {cols} entries, more than one array can hold.", nameof(matrix));
        _n = rows;
        _entries = new double[(long)rows * cols];
        // Store the exactly symmetric average so Apply is symmetric to rounding.
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                _entries[(long)i * cols + j] = i == j ? matrix[i, i] : 0.5 * (matrix[i, j] + matrix[j, i]);
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
    }

    /// <inheritdoc />
    public int Dimension => _n;

    /// <summary>Entry a_ij of the stored (exactly symmetric) matrix.</summary>
    public double this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, _n);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, _n);
            return _entries[(long)row * _n + column];
        }
    }

    /// <summary>A copy of the matrix.</summary>
    public double[,] ToArray()
    {
        var a = new double[_n, _n];
        for (int i = 0; i < _n; i++)
            for (int j = 0; j < _n; j++) a[i, j] = _entries[(long)i * _n + j];
        return a;
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        Preconditions.CheckOperatorSpans(_n, x, y);
        long entries = (long)_n * _n;
        if (entries < ParallelThresholdEntries || _maxDegreeOfParallelism == 1 || Environment.ProcessorCount == 1)
        {
            MultiplyRows(_entries, _n, x, y, 0, _n);
            return;
        }
        ApplyParallel(x, y);
    }

    private void ApplyParallel(ReadOnlySpan<double> x, Span<double> y)
    {
        // Parallel bodies cannot capture spans; copy x into a pooled buffer once (O(D), not O(D²)) and write y
        // through another. The pool keeps this allocation-free in steady state.
        double[] xs = System.Buffers.ArrayPool<double>.Shared.Rent(_n);
        double[] ys = System.Buffers.ArrayPool<double>.Shared.Rent(_n);
        try
        {
            x.CopyTo(xs);
            double[] entries = _entries;
            int n = _n;
            // Blocks of 64 rows (a multiple of 4) so each row is computed with the same kernel whatever the partition.
            int blocks = (n + 63) / 64;
            DeterministicParallel.For(blocks, 1, _maxDegreeOfParallelism, (start, end) =>
                MultiplyRows(entries, n, xs.AsSpan(0, n), ys.AsSpan(0, n), start * 64, Math.Min(n, end * 64)));
            ys.AsSpan(0, n).CopyTo(y);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(xs);
            System.Buffers.ArrayPool<double>.Shared.Return(ys);
        }
    }

    private static void MultiplyRows(double[] entries, int n, ReadOnlySpan<double> x, Span<double> y, int rowStart, int rowEnd)
    {
        Span<double> four = stackalloc double[4];
        var all = entries.AsSpan();
        int i = rowStart;
        // Rows are grouped in fours counted from row 0 so a row's kernel does not depend on the partition.
        for (; i < rowEnd && (i & 3) != 0; i++) y[i] = VectorKernels.Dot1(all.Slice(i * n, n), x);
        for (; i + 4 <= rowEnd; i += 4)
        {
            VectorKernels.Dot4(all.Slice(i * n, n), all.Slice((i + 1) * n, n), all.Slice((i + 2) * n, n), all.Slice((i + 3) * n, n), x, four);
            y[i] = four[0]; y[i + 1] = four[1]; y[i + 2] = four[2]; y[i + 3] = four[3];
        }
        for (; i < rowEnd; i++) y[i] = VectorKernels.Dot1(all.Slice(i * n, n), x);
    }
}
