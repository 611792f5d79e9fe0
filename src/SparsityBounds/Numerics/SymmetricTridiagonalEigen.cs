using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Numerics;

/// <summary>
/// Eigenvalues and (optionally) transformed eigenvectors of a real symmetric tridiagonal matrix T by the
/// implicit QL algorithm with Wilkinson shifts. The one implementation behind the Lanczos quadrature
/// (Golub–Welsch), the Ritz values of <c>LanczosProcess</c> and the dense <see cref="SymmetricEigen"/>.
/// </summary>
/// <remarks>
/// <para>Algorithm: Golub &amp; Van Loan, Matrix Computations (4th ed.), §8.3 (symmetric QR with Wilkinson shift),
/// in its QL form (Bowdler, Martin, Reinsch, Wilkinson, "The QR and QL algorithms for symmetric matrices",
/// Numer. Math. 11, 1968; EISPACK <c>imtql2</c>). Each sweep chases the bulge upward from the bottom of an
/// unreduced block with plane rotations; an off-diagonal entry is set to zero once
/// |e_i| ≤ ε (|d_i| + |d_{i+1}|), which keeps small eigenvalues accurate relative to their neighbours.</para>
/// <para>Vector accumulation is row-oriented: <c>vectors</c> holds n rows of length <c>width</c>, row i being
/// row i of V₀ᵀ for a caller-chosen V₀ (width × n). On return row j holds (V₀ s_j)ᵀ, where s_j is the unit
/// eigenvector of T for the j-th smallest eigenvalue. V₀ = I gives the eigenvectors of T, V₀ = e₁ᵀ (width 1,
/// rows δ_{i0}) gives only their first components (the Gauss quadrature weights), and V₀ = Q from a
/// Householder reduction A = Q T Qᵀ gives the eigenvectors of A. Rotations act on two contiguous rows, so
/// the update is one SIMD pass per rotation.</para>
/// </remarks>
internal static class SymmetricTridiagonalEigen
{
    private const double Epsilon = 1.1102230246251565E-16; // 2^-53, unit roundoff
    private const double SafeMinimum = 2.2250738585072014E-308;
    // LAPACK's dsteqr allows 30·n QL sweeps in total (not per eigenvalue): single eigenvalues of Hessians with a large
    // exactly-zero mass have been seen to need more than 60 sweeps while the total stays far below the budget.
    private const int MaxSweepsPerDimension = 30;
    // After this many sweeps on one eigenvalue the norm-based deflation test (EISPACK tql2) is accepted too.
    private const int StallSweeps = 20;

    /// <summary>
    /// Diagonalises T = tridiag(offDiagonal, diagonal, offDiagonal) in place.
    /// </summary>
    /// <param name="diagonal">The n diagonal entries; on return the eigenvalues in ascending order.</param>
    /// <param name="offDiagonal">The n − 1 off-diagonal entries (offDiagonal[i] couples i and i+1); destroyed.</param>
    /// <param name="vectors">Empty, or n rows of <paramref name="width"/> entries (row-major): see the remarks.</param>
    /// <param name="width">Row length of <paramref name="vectors"/> (ignored when it is empty).</param>
    /// <exception cref="ArgumentException">Lengths disagree or an entry is not finite.</exception>
    /// <exception cref="InvalidOperationException">The iteration failed to converge (not observed for finite input).</exception>
    internal static void Decompose(Span<double> diagonal, Span<double> offDiagonal, Span<double> vectors, int width) =>
        Decompose(diagonal, offDiagonal, vectors, width, null);

    /// <summary>As <see cref="Decompose(Span{double}, Span{double}, Span{double}, int)"/> with the vector rows in
    /// <paramref name="vectors"/>[0, n·width), which lets the recorded rotations be applied to column slabs in parallel.</summary>
    internal static void Decompose(Span<double> diagonal, Span<double> offDiagonal, double[] vectors, int width) =>
        Decompose(diagonal, offDiagonal, vectors.AsSpan(0, diagonal.Length * width), width, vectors);

    private static void Decompose(Span<double> diagonal, Span<double> offDiagonal, Span<double> vectors, int width, double[]? vectorArray)
    {
        int n = diagonal.Length;
        if (n == 0) throw new ArgumentException("diagonal must not be empty.", nameof(diagonal));
        if (offDiagonal.Length < n - 1)
            throw new ArgumentException($"offDiagonal has length {offDiagonal.Length}; expected at least {n - 1}.", nameof(offDiagonal));
        bool withVectors = !vectors.IsEmpty;
        if (withVectors && (width <= 0 || vectors.Length != (long)n * width))
            throw new ArgumentException($"vectors has length {vectors.Length}; expected {n} × {width}.", nameof(vectors));
        Span<double> d = diagonal;
        Span<double> e = offDiagonal[..Math.Max(0, n - 1)];
        Preconditions.CheckAllFinite(d, nameof(diagonal));
        Preconditions.CheckAllFinite(e, nameof(offDiagonal));

        long sweeps = 0, maxSweeps = (long)MaxSweepsPerDimension * n + 60;
        // ‖T‖∞ bound for the stall fallback below (EISPACK tql2's tst1).
        double norm = 0.0;
        for (int i = 0; i < n; i++)
            norm = Math.Max(norm, Math.Abs(d[i]) + (i < n - 1 ? Math.Abs(e[i]) : 0.0) + (i > 0 ? Math.Abs(e[i - 1]) : 0.0));

        // Wide vector rows: the rotations of many sweeps are recorded and applied slab by slab (below), so a slab of
        // columns stays in cache across sweeps instead of the whole matrix being streamed from memory once per sweep.
        RotationBatch? batch = withVectors && width >= RotationBatch.MinimumWidth ? new RotationBatch(n) : null;
        for (int l = 0; l < n; l++)
        {
            int sweepsHere = 0;
            while (true)
            {
                // Find the end m of the unreduced block starting at l (e[m] negligible, or m = n − 1).
                int m = l;
                for (; m < n - 1; m++)
                {
                    // Relative test (keeps small eigenvalues accurate relative to their neighbours); once a block has
                    // stalled, also the norm-based test of EISPACK tql2: rounding in the sweeps is O(ε‖T‖), so a block
                    // of roundoff-sized entries (the null space of a Hessian with dead units) cannot meet the relative
                    // test, and deflating at ε‖T‖ is within the backward error of the reduction.
                    double a = Math.Abs(e[m]);
                    if (a <= Epsilon * (Math.Abs(d[m]) + Math.Abs(d[m + 1])) + SafeMinimum
                        || (sweepsHere >= StallSweeps && a <= Epsilon * norm))
                    {
                        e[m] = 0.0;
                        break;
                    }
                }
                if (m == l) break; // d[l] is an eigenvalue
                sweepsHere++;
                if (++sweeps > maxSweeps)
                    throw new InvalidOperationException($"The tridiagonal QL iteration did not converge within {maxSweeps} sweeps (at eigenvalue {l} of {n}).");

                // Wilkinson shift: the eigenvalue of the leading 2×2 block [d_l e_l; e_l d_{l+1}] nearer d_l.
                double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
                double r = double.Hypot(g, 1.0);
                double shift = d[l] - e[l] / (g + Math.CopySign(r, g));

                // Chase the bulge from the bottom of the block to its top.
                g = d[m] - shift;
                double s = 1.0, c = 1.0, p = 0.0;
                int i = m - 1;
                bool split = false;
                for (; i >= l; i--)
                {
                    double f = s * e[i];
                    double b = c * e[i];
                    r = double.Hypot(f, g);
                    if (i + 1 < m) e[i + 1] = r;
                    if (r == 0.0)
                    {
                        // Underflow: the block splits at i+1; undo the pending shift there and restart.
                        d[i + 1] -= p;
                        if (i + 1 < m) e[i + 1] = 0.0;
                        split = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2.0 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    if (batch is not null)
                    {
                        if (batch.IsFull) batch.Apply(vectors, width, vectorArray);
                        batch.Add(i, c, s);
                    }
                    else if (withVectors)
                        KrylovKernels.Rotate(c, s, vectors.Slice(i * width, width), vectors.Slice((i + 1) * width, width));
                }
                if (split) continue;
                d[l] -= p;
                e[l] = g;
            }
        }

        batch?.Apply(vectors, width, vectorArray);
        SortAscending(d, vectors, width, withVectors);
    }

    /// <summary>
    /// Plane rotations recorded in order and applied to the vector rows one column slab at a time: every rotation on the
    /// slab's part of its two rows, in the recorded order, so each entry sees exactly the operations, in the same order, as
    /// with immediate application (bitwise identical results), while the slab stays in cache for all recorded sweeps.
    /// </summary>
    private sealed class RotationBatch(int n)
    {
        /// <summary>Rows shorter than this are rotated immediately (they fit in cache anyway).</summary>
        internal const int MinimumWidth = 512;

        /// <summary>Columns per slab: n rows × 256 columns × 8 bytes = 4.9 MB at n = 2400, inside the L3.</summary>
        internal const int SlabWidth = 256;

        // Room for about 64 full sweeps between applications (at most 2²⁰ rotations, 20 MB).
        private static int Capacity(int n) => Math.Clamp(64 * n, 1024, 1 << 20);

        private readonly int[] _rows = new int[Capacity(n)];
        private readonly double[] _cosines = new double[Capacity(n)];
        private readonly double[] _sines = new double[Capacity(n)];
        private int _count;

        internal bool IsFull => _count == _rows.Length;

        internal void Add(int row, double c, double s)
        {
            _rows[_count] = row;
            _cosines[_count] = c;
            _sines[_count] = s;
            _count++;
        }

        /// <summary>Applies and clears the recorded rotations; slabs in parallel when the rows are given as an array
        /// (slabs are disjoint columns, so the result does not depend on the thread count).</summary>
        internal void Apply(Span<double> vectors, int width, double[]? array)
        {
            int slabs = (width + SlabWidth - 1) / SlabWidth;
            if (array is null || slabs == 1)
            {
                for (int slab = 0; slab < slabs; slab++) ApplySlab(vectors, width, slab);
            }
            else
            {
                DeterministicParallel.For(slabs, 1, -1, (start, end) =>
                {
                    for (int slab = start; slab < end; slab++) ApplySlab(array, width, slab);
                });
            }
            _count = 0;
        }

        private void ApplySlab(Span<double> vectors, int width, int slab)
        {
            int c0 = slab * SlabWidth, columns = Math.Min(SlabWidth, width - c0);
            for (int k = 0; k < _count; k++)
            {
                int i = _rows[k];
                KrylovKernels.Rotate(_cosines[k], _sines[k], vectors.Slice(i * width + c0, columns), vectors.Slice((i + 1) * width + c0, columns));
            }
        }
    }

    /// <summary>Eigenvalues (ascending) of the tridiagonal matrix; inputs are not modified.</summary>
    internal static void Eigenvalues(ReadOnlySpan<double> diagonal, ReadOnlySpan<double> offDiagonal, Span<double> eigenvalues)
    {
        int n = diagonal.Length;
        if (eigenvalues.Length != n)
            throw new ArgumentException($"eigenvalues has length {eigenvalues.Length}; expected {n}.", nameof(eigenvalues));
        diagonal.CopyTo(eigenvalues);
        Span<double> e = n <= 512 ? stackalloc double[Math.Max(1, n)] : new double[n];
        offDiagonal[..Math.Max(0, n - 1)].CopyTo(e);
        Decompose(eigenvalues, e, Span<double>.Empty, 0);
    }

    /// <summary>
    /// Gauss quadrature from a Jacobi (Lanczos) matrix by the Golub–Welsch algorithm: the nodes are the
    /// eigenvalues θ_j of T, the weights τ_j = s_j[0]² the squared first components of its unit eigenvectors
    /// (they sum to 1). Only the first component of each eigenvector is carried through the rotations.
    /// </summary>
    /// <param name="diagonal">α₀..α_{n−1}.</param>
    /// <param name="offDiagonal">β₀..β_{n−2} (extra entries are ignored).</param>
    /// <param name="nodes">Destination for the n nodes, ascending.</param>
    /// <param name="weights">Destination for the n weights.</param>
    internal static void GaussQuadrature(ReadOnlySpan<double> diagonal, ReadOnlySpan<double> offDiagonal, Span<double> nodes, Span<double> weights)
    {
        int n = diagonal.Length;
        if (nodes.Length != n) throw new ArgumentException($"nodes has length {nodes.Length}; expected {n}.", nameof(nodes));
        if (weights.Length != n) throw new ArgumentException($"weights has length {weights.Length}; expected {n}.", nameof(weights));
        if (offDiagonal.Length < n - 1)
            throw new ArgumentException($"offDiagonal has length {offDiagonal.Length}; expected at least {n - 1}.", nameof(offDiagonal));
        diagonal.CopyTo(nodes);
        Span<double> e = n <= 512 ? stackalloc double[Math.Max(1, n)] : new double[n];
        offDiagonal[..Math.Max(0, n - 1)].CopyTo(e);
        // weights doubles as the one-column vector store: row i starts as δ_{i0}.
        weights.Clear();
        weights[0] = 1.0;
        Decompose(nodes, e, weights, 1);
        for (int j = 0; j < n; j++) weights[j] *= weights[j];
    }

    private static void SortAscending(Span<double> d, Span<double> vectors, int width, bool withVectors)
    {
        int n = d.Length;
        // Selection sort: O(n²) comparisons but at most n − 1 row swaps (the QL output is nearly sorted).
        for (int i = 0; i < n - 1; i++)
        {
            int k = i;
            double min = d[i];
            for (int j = i + 1; j < n; j++)
                if (d[j] < min) { min = d[j]; k = j; }
            if (k == i) continue;
            d[k] = d[i];
            d[i] = min;
            if (withVectors)
            {
                Span<double> a = vectors.Slice(i * width, width);
                Span<double> b = vectors.Slice(k * width, width);
                for (int t = 0; t < width; t++) (a[t], b[t]) = (b[t], a[t]);
            }
        }
    }
}
