using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Numerics;

/// <summary>Eigenvalues (ascending) and, optionally, eigenvectors of a dense symmetric matrix.</summary>
/// <param name="Values">λ₁ ≤ … ≤ λ_n.</param>
/// <param name="Vectors">Null when not requested; otherwise V with A = V diag(λ) Vᵀ: column j is the unit eigenvector of λ_j.</param>
internal sealed record SymmetricEigenDecomposition(double[] Values, double[,]? Vectors);

/// <summary>
/// Dense symmetric eigensolver: Householder reduction to tridiagonal form A = Q T Qᵀ, then the implicit QL
/// iteration with Wilkinson shifts of <see cref="SymmetricTridiagonalEigen"/> (the same code the Lanczos
/// quadrature uses) with the rotations accumulated into Q.
/// </summary>
/// <remarks>
/// <para>Golub &amp; Van Loan, Matrix Computations (4th ed.), Algorithm 8.3.1 (Householder tridiagonalisation)
/// and §8.3 (symmetric QR/QL). Backward stable: eigenvalues carry absolute errors of order ε‖A‖.
/// Cost ≈ (4/3 + 4/3) n³ flops for the reduction and the accumulation of Q plus ≈ 3n³ for the rotations.</para>
/// <para>Implementation note: the reduction works on a full row-major copy; the Householder vector of step k
/// is kept in row k (columns k+1..n−1) so both the two-sided update and the accumulation of Qᵀ run over
/// contiguous rows with SIMD kernels. Qᵀ = H_{n−3}⋯H₀ is accumulated so that its rows, which the QL rotations
/// combine pairwise, become the eigenvectors.</para>
/// </remarks>
internal static class SymmetricEigen
{
    /// <summary>Entries per parallel chunk of a row-wise pass (≈ 512 KiB): smaller blocks run on one thread.</summary>
    private const int ParallelRowElements = 1 << 16;

    /// <summary>Eigenvalues of a symmetric matrix, ascending.</summary>
    /// <exception cref="ArgumentException">Empty, non-square, non-finite or non-symmetric (beyond 1e-12·max|a|) input.</exception>
    internal static double[] Eigenvalues(double[,] matrix)
    {
        double[] work = CopyChecked(matrix, out int n);
        var values = new double[n];
        DecomposeInPlace(work, n, values, computeVectors: false);
        return values;
    }

    /// <summary>Eigenvalues of a symmetric matrix given row-major, ascending.</summary>
    internal static double[] Eigenvalues(ReadOnlySpan<double> matrix, int n)
    {
        double[] work = CopyChecked(matrix, n);
        var values = new double[n];
        DecomposeInPlace(work, n, values, computeVectors: false);
        return values;
    }

    /// <summary>Eigenvalues (ascending) and, when <paramref name="computeVectors"/>, the eigenvectors as the columns of <see cref="SymmetricEigenDecomposition.Vectors"/>.</summary>
    internal static SymmetricEigenDecomposition Decompose(double[,] matrix, bool computeVectors = true)
    {
        double[] work = CopyChecked(matrix, out int n);
        var values = new double[n];
        DecomposeInPlace(work, n, values, computeVectors);
        if (!computeVectors) return new SymmetricEigenDecomposition(values, null);
        var vectors = new double[n, n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) vectors[i, j] = work[j * n + i];
        return new SymmetricEigenDecomposition(values, vectors);
    }

    /// <summary>
    /// Span form: eigenvalues into <paramref name="eigenvalues"/> and, unless <paramref name="eigenvectors"/> is
    /// empty, V row-major into it (V[i, j] = eigenvectors[i·n + j]; column j is the eigenvector of λ_j).
    /// </summary>
    internal static void Decompose(ReadOnlySpan<double> matrix, int n, Span<double> eigenvalues, Span<double> eigenvectors)
    {
        if (eigenvalues.Length != n)
            throw new ArgumentException($"eigenvalues has length {eigenvalues.Length}; expected {n}.", nameof(eigenvalues));
        if (!eigenvectors.IsEmpty && eigenvectors.Length != (long)n * n)
            throw new ArgumentException($"eigenvectors has length {eigenvectors.Length}; expected {n} × {n} or 0.", nameof(eigenvectors));
        double[] work = CopyChecked(matrix, n);
        bool vectors = !eigenvectors.IsEmpty;
        DecomposeInPlace(work, n, eigenvalues, vectors);
        if (!vectors) return;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) eigenvectors[i * n + j] = work[j * n + i];
    }

    /// <summary>
    /// Core routine. <paramref name="work"/> holds the symmetric matrix row-major (n × n) and is destroyed;
    /// with <paramref name="computeVectors"/> it returns the eigenvectors as ROWS (row j = eigenvector of λ_j).
    /// No argument checks beyond lengths: callers validate.
    /// </summary>
    internal static void DecomposeInPlace(double[] work, int n, Span<double> eigenvalues, bool computeVectors)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be > 0.");
        if (work.Length < (long)n * n) throw new ArgumentException($"work has length {work.Length}; expected at least {n} × {n}.", nameof(work));
        if (eigenvalues.Length != n) throw new ArgumentException($"eigenvalues has length {eigenvalues.Length}; expected {n}.", nameof(eigenvalues));
        Span<double> d = eigenvalues;
        var e = new double[Math.Max(1, n - 1)];
        var tau = new double[Math.Max(1, n)];
        Tridiagonalize(work, n, d, e, tau);
        if (!computeVectors)
        {
            SymmetricTridiagonalEigen.Decompose(d, e, Span<double>.Empty, 0);
            return;
        }
        AccumulateTransposedQ(work, n, tau);
        SymmetricTridiagonalEigen.Decompose(d, e, work, n);   // rows of work[0, n²) become the eigenvectors
    }

    /// <summary>
    /// Householder reduction A = Q T Qᵀ. Step k maps a[k+1.., k] to β e₁ with H_k = I − τ_k v vᵀ (v₀ = 1) and
    /// updates the trailing block B ← H B H = B − v wᵀ − w vᵀ with p = τ B v, w = p − (τ/2)(pᵀv) v.
    /// The vector v is left in row k, columns k+1..n−1.
    /// </summary>
    private static void Tridiagonalize(double[] a, int n, Span<double> d, Span<double> e, Span<double> tau)
    {
        var p = new double[Math.Max(1, n)];
        int k = 0;
        if (n >= BlockedMinimumDimension)
        {
            var panel = new Panel(n);
            for (; k + PanelWidth <= n - 3; k += PanelWidth) panel.Reduce(a, k, d, e, tau);
        }
        for (; k < n - 2; k++)
        {
            int m = n - k - 1;
            d[k] = a[k * n + k];
            // Row k's tail equals column k's tail: the two-sided updates keep the trailing block symmetric.
            Span<double> x = a.AsSpan(k * n + k + 1, m);
            double t = tau[k] = MakeReflector(x, out e[k]);
            if (t == 0.0) continue;
            int vStart = k * n + k + 1, first = (k + 1) * n + k + 1;
            // p = τ B v and the rank-2 update work row by row: rows in parallel when the block is large.
            TrailingProduct(a, n, k, t, p);
            CompleteSymmetricUpdateVector(p.AsSpan(0, m), x, t);
            DeterministicParallel.For(m, Math.Max(1, ParallelRowElements / m), -1, (start, end) =>
            {
                ReadOnlySpan<double> vr = a.AsSpan(vStart, m), wr = p.AsSpan(0, m);
                for (int i = start; i < end; i++)
                {
                    KrylovKernels.SubtractCombination2(vr[i], wr, wr[i], vr, a.AsSpan(first + i * n, m));
                }
            });
        }
        if (n >= 2)
        {
            d[n - 2] = a[(n - 2) * n + n - 2];
            e[n - 2] = a[(n - 2) * n + n - 1];
            tau[n - 2] = 0.0;
        }
        d[n - 1] = a[(n - 1) * n + n - 1];
        tau[n - 1] = 0.0;
    }

    /// <summary>
    /// Overwrites <paramref name="a"/> with Qᵀ = H_{n−3}⋯H₀ built as M ← M H_k for k = n−3..0 from M = I.
    /// At step k, M differs from I only in rows and columns k+2.., so only the block [k+1.., k+1..] changes:
    /// each of its rows r gets r ← r − τ (r·v) vᵀ.
    /// </summary>
    private static void AccumulateTransposedQ(double[] a, int n, ReadOnlySpan<double> tau)
    {
        // Save the Householder vectors (rows k, columns k+1..) before M overwrites them.
        int count = Math.Max(0, n - 2);
        var vectors = new double[Math.Max(1, count * n)];
        for (int k = 0; k < count; k++)
            a.AsSpan(k * n + k + 1, n - k - 1).CopyTo(vectors.AsSpan(k * n + k + 1, n - k - 1));

        a.AsSpan(0, n * n).Clear();
        for (int i = 0; i < n; i++) a[i * n + i] = 1.0;
        int next = count - 1;
        if (n >= BlockedMinimumDimension)
        {
            // Blocks of PanelWidth reflectors from the last one down, each applied as M ← M − (M U) T Uᵀ (compact WY).
            var block = new ReflectorBlock(n);
            for (; next + 1 - PanelWidth >= 0; next -= PanelWidth)
                block.Apply(a, vectors, tau, next + 1 - PanelWidth, next + 1);
        }
        for (int k = next; k >= 0; k--)
        {
            double t = tau[k];
            if (t == 0.0) continue;
            int m = n - k - 1, vStart = k * n + k + 1;
            // Rows are independent: in parallel when the block is large (each row always computed the same way).
            DeterministicParallel.For(m, Math.Max(1, ParallelRowElements / m), -1, (start, end) =>
            {
                ReadOnlySpan<double> v = vectors.AsSpan(vStart, m);
                for (int r = k + 1 + start; r < k + 1 + end; r++)
                {
                    Span<double> row = a.AsSpan(r * n + k + 1, m);
                    double s = VectorKernels.Dot(row, v);
                    if (s != 0.0) VectorKernels.Axpy(-t * s, v, row);
                }
            });
        }
    }

    /// <summary>
    /// A block of consecutive reflectors H_{k1−1}⋯H_{k0} applied to the accumulated M from the right as M ← M(I − U T Uᵀ),
    /// the compact WY form (Schreiber &amp; Van Loan, SIAM J. Sci. Stat. Comput. 10, 1989; LAPACK's dlarft/dlarfb):
    /// u_i is the reflector of G_i = H_{k1−1−i}, T is upper triangular with T_ii = τ_i and
    /// T[0:i, i] = −τ_i T[0:i, 0:i] (U[:, 0:i]ᵀ u_i). Only the trailing block M[k0+1.., k0+1..] changes; its two products
    /// X = M U and M −= (X T) Uᵀ are register-tiled GEMMs over row blocks (in parallel, each row block always computed
    /// the same way).
    /// </summary>
    private sealed class ReflectorBlock(int n)
    {
        private readonly double[] _ut = new double[PanelWidth * n];    // Uᵀ: row i = u_i over columns k0+1..n−1
        private readonly double[] _u = new double[n * PanelWidth];     // U: row c = (u_0[c], …, u_{b−1}[c])
        private readonly double[] _x = new double[n * PanelWidth];     // X = M U, then −X T
        private readonly double[] _t = new double[PanelWidth * PanelWidth];

        internal void Apply(double[] a, double[] vectors, ReadOnlySpan<double> tau, int k0, int k1)
        {
            int b = k1 - k0, m = n - k0 - 1, offset = k0 + 1;
            Array.Clear(_ut);
            for (int i = 0; i < b; i++)
            {
                int k = k1 - 1 - i;
                if (tau[k] == 0.0) continue;   // no reflector: u_i = 0
                vectors.AsSpan(k * n + k + 1, n - k - 1).CopyTo(_ut.AsSpan(i * m + (k + 1 - offset), n - k - 1));
            }
            for (int c = 0; c < m; c++)
                for (int i = 0; i < b; i++) _u[c * b + i] = _ut[i * m + c];
            Array.Clear(_t);
            Span<double> z = stackalloc double[PanelWidth];
            for (int i = 0; i < b; i++)
            {
                double t = tau[k1 - 1 - i];
                _t[i * b + i] = t;
                if (i == 0 || t == 0.0) continue;
                for (int r = 0; r < i; r++) z[r] = VectorKernels.Dot(_ut.AsSpan(r * m, m), _ut.AsSpan(i * m, m));
                for (int r = 0; r < i; r++)
                {
                    double sum = 0.0;
                    for (int q = r; q < i; q++) sum += _t[r * b + q] * z[q];
                    _t[r * b + i] = -t * sum;
                }
            }

            const int blockRows = 64;
            int blocks = (m + blockRows - 1) / blockRows;
            double[] ut = _ut, u = _u, x = _x, tm = _t;
            DeterministicParallel.For(blocks, 1, -1, (start, end) =>
            {
                Span<double> row = stackalloc double[PanelWidth];
                for (int blk = start; blk < end; blk++)
                {
                    int r0 = blk * blockRows, rows = Math.Min(blockRows, m - r0);
                    Span<double> xb = x.AsSpan(r0 * b, rows * b);
                    // X = M_sub U for these rows (M_sub rows are contiguous with stride n).
                    MatrixKernels.MultiplyAddTransposedB(rows, b, m, a.AsSpan((offset + r0) * n + offset), n, ut, m, xb, b, accumulate: false);
                    // X ← −X T (T upper triangular, b × b).
                    for (int r = 0; r < rows; r++)
                    {
                        Span<double> xr = xb.Slice(r * b, b);
                        for (int i = 0; i < b; i++)
                        {
                            double sum = 0.0;
                            for (int q = 0; q <= i; q++) sum += xr[q] * tm[q * b + i];
                            row[i] = -sum;
                        }
                        row[..b].CopyTo(xr);
                    }
                    // M_sub rows −= X T Uᵀ.
                    MatrixKernels.MultiplyAddTransposedB(rows, m, b, xb, b, u, b, a.AsSpan((offset + r0) * n + offset), n);
                }
            });
        }
    }

    /// <summary>
    /// The Householder reflector H = I − τvvᵀ (v₀ = 1) with H x = β e₁, β = −sign(x₀)‖x‖: x is overwritten by v and τ returned
    /// (Golub &amp; Van Loan, Algorithm 5.1.1). When x's tail is already zero, τ = 0, β = x₀ and x is left as it is.
    /// </summary>
    private static double MakeReflector(Span<double> x, out double beta)
    {
        double alpha = x[0];
        double tailNorm = VectorKernels.Norm(x[1..]);
        if (tailNorm == 0.0)
        {
            beta = alpha;
            return 0.0;
        }
        beta = -Math.CopySign(double.Hypot(alpha, tailNorm), alpha);
        VectorKernels.Scale(1.0 / (alpha - beta), x[1..], x[1..]);
        x[0] = 1.0;
        return (beta - alpha) / beta;
    }

    /// <summary>p[0..m) = τ·B v with B the stored block [k+1.., k+1..] and v the reflector in row k (m = n − k − 1): one
    /// memory-bound pass over the block, rows in parallel when it is large (each row always computed the same way, so the
    /// result does not depend on the thread count).</summary>
    private static void TrailingProduct(double[] a, int n, int k, double tau, double[] p)
    {
        int m = n - k - 1, vStart = k * n + k + 1, first = (k + 1) * n + k + 1;
        DeterministicParallel.For(m, Math.Max(1, ParallelRowElements / m), -1, (start, end) =>
        {
            ReadOnlySpan<double> v = a.AsSpan(vStart, m);
            for (int i = start; i < end; i++) p[i] = tau * VectorKernels.Dot(a.AsSpan(first + i * n, m), v);
        });
    }

    /// <summary>w = p − (τ/2)(pᵀv) v in place of p: the vector of the symmetric rank-2 update B ← B − v wᵀ − w vᵀ.</summary>
    private static void CompleteSymmetricUpdateVector(Span<double> p, ReadOnlySpan<double> v, double tau)
    {
        double half = 0.5 * tau * VectorKernels.Dot(p, v);
        VectorKernels.Axpy(-half, v, p);
    }

    /// <summary>Columns per panel of the blocked reduction.</summary>
    private const int PanelWidth = 32;

    /// <summary>Smallest n reduced by panels: below it the whole matrix sits in cache and the unblocked loop is as fast.</summary>
    private const int BlockedMinimumDimension = 256;

    /// <summary>
    /// One panel of the blocked Householder reduction (LAPACK's dsytrd/dlatrd; Golub &amp; Van Loan §8.3.1 and the
    /// compact WY idea of §5.1.7): the PanelWidth reflectors of columns k0.. are found as in the unblocked loop, but the
    /// trailing block is not updated after each one. Its pending update B − Σ_j (v_j w_jᵀ + w_j v_jᵀ) is applied implicitly
    /// (row k is brought up to date before its reflector is formed, and p = τBv subtracts V(Wᵀv) + W(Vᵀv)), then once per
    /// panel as one register-tiled GEMM over [V W]·[W V]ᵀ. The matrix-vector product p = τBv stays a memory-bound pass over
    /// the block per column; the rank-2 updates, the other two passes, become one level-3 update per panel.
    /// </summary>
    private sealed class Panel(int n)
    {
        // Column j of V and W (length n, zero above row k0 + j + 1) at j·n.
        private readonly double[] _v = new double[PanelWidth * n];
        private readonly double[] _w = new double[PanelWidth * n];
        // −[V W] and [W V] restricted to the trailing rows, row-major with 2·PanelWidth columns, for the GEMM.
        private readonly double[] _left = new double[2 * PanelWidth * n];
        private readonly double[] _right = new double[2 * PanelWidth * n];
        private readonly double[] _p = new double[n];

        internal void Reduce(double[] a, int k0, Span<double> d, Span<double> e, Span<double> tau)
        {
            Array.Clear(_v);
            Array.Clear(_w);
            Span<double> coefficients = stackalloc double[2 * PanelWidth];
            for (int j = 0; j < PanelWidth; j++)
            {
                int k = k0 + j, m = n - k - 1;
                // Row k of the current matrix: the stored row minus the pending updates of this panel's reflectors.
                Span<double> row = a.AsSpan(k * n + k, n - k);
                for (int i = 0; i < j; i++)
                    KrylovKernels.SubtractCombination2(_v[i * n + k], _w.AsSpan(i * n + k, n - k), _w[i * n + k], _v.AsSpan(i * n + k, n - k), row);
                d[k] = row[0];
                Span<double> x = row[1..];
                double t = tau[k] = MakeReflector(x, out e[k]);
                if (t == 0.0) continue;   // v_j = w_j = 0: nothing pending

                // p = τ (B_stored v − V(Wᵀv) − W(Vᵀv)) over rows k+1..n−1: the stored rows are read once, in parallel.
                TrailingProduct(a, n, k, t, _p);
                ReadOnlySpan<double> v = x;
                Span<double> pk = _p.AsSpan(0, m);
                for (int i = 0; i < j; i++)
                {
                    coefficients[i] = t * VectorKernels.Dot(_w.AsSpan(i * n + k + 1, m), v);
                    coefficients[PanelWidth + i] = t * VectorKernels.Dot(_v.AsSpan(i * n + k + 1, m), v);
                }
                for (int i = 0; i < j; i++)
                    KrylovKernels.SubtractCombination2(coefficients[i], _v.AsSpan(i * n + k + 1, m), coefficients[PanelWidth + i], _w.AsSpan(i * n + k + 1, m), pk);
                CompleteSymmetricUpdateVector(pk, v, t);   // keep v_j and w_j for the pending update
                v.CopyTo(_v.AsSpan(j * n + k + 1, m));
                pk.CopyTo(_w.AsSpan(j * n + k + 1, m));
            }

            // Trailing block [s.., s..] −= V Wᵀ + W Vᵀ as one GEMM: C += (−[V W]) · [W V]ᵀ, row blocks in parallel.
            int sStart = k0 + PanelWidth, rows = n - sStart, width = 2 * PanelWidth;
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < PanelWidth; j++)
                {
                    double vr = _v[j * n + sStart + r], wr = _w[j * n + sStart + r];
                    _left[r * width + j] = -vr;
                    _left[r * width + PanelWidth + j] = -wr;
                    _right[r * width + j] = wr;
                    _right[r * width + PanelWidth + j] = vr;
                }
            }
            const int blockRows = 64;
            int blocks = (rows + blockRows - 1) / blockRows;
            double[] left = _left, right = _right;
            DeterministicParallel.For(blocks, 1, -1, (start, end) =>
            {
                for (int b = start; b < end; b++)
                {
                    int r0 = b * blockRows, count = Math.Min(blockRows, rows - r0);
                    MatrixKernels.MultiplyAddTransposedB(count, rows, width, left.AsSpan(r0 * width), width, right, width,
                        a.AsSpan((sStart + r0) * n + sStart), n);
                }
            });
        }
    }

    private static double[] CopyChecked(double[,] matrix, out int n)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int rows = matrix.GetLength(0), cols = matrix.GetLength(1);
        if (rows != cols) throw new ArgumentException($"matrix must be square; got {rows} × {cols}.", nameof(matrix));
        if (rows == 0) throw new ArgumentException("matrix must not be empty.", nameof(matrix));
        n = rows;
        var work = new double[(long)n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) work[i * n + j] = matrix[i, j];
        CheckSymmetricFinite(work, n, nameof(matrix));
        return work;
    }

    private static double[] CopyChecked(ReadOnlySpan<double> matrix, int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be > 0; got {n}.");
        if (matrix.Length != (long)n * n)
            throw new ArgumentException($"matrix has length {matrix.Length}; expected {n} × {n}.", nameof(matrix));
        double[] work = matrix.ToArray();
        CheckSymmetricFinite(work, n, nameof(matrix));
        return work;
    }

    private static void CheckSymmetricFinite(Span<double> a, int n, string name)
    {
        double maxAbs = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (!double.IsFinite(a[i]))
                throw new ArgumentException($"{name}[{i / n}, {i % n}] is {Preconditions.Format(a[i])}; every entry must be finite.", name);
            maxAbs = Math.Max(maxAbs, Math.Abs(a[i]));
        }
        double tolerance = 1e-12 * maxAbs;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double upper = a[i * n + j], lower = a[j * n + i];
                if (Math.Abs(upper - lower) > tolerance)
                    throw new ArgumentException(
                        $"{name} is not symmetric: [{i}, {j}] = {Preconditions.Format(upper)} but [{j}, {i}] = {Preconditions.Format(lower)}.", name);
                // Work on the exact symmetric average so the reduction sees a symmetric matrix.
                double mean = 0.5 * (upper + lower);
                a[i * n + j] = mean;
                a[j * n + i] = mean;
            }
    }
}
