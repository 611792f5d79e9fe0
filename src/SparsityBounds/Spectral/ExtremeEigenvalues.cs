using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;
using SparsityBounds.Operators;

namespace SparsityBounds.Spectral;

/// <summary>
/// The few algebraically largest or smallest eigenvalues of a symmetric operator by thick-restart Lanczos with
/// full reorthogonalisation.
/// </summary>
/// <remarks>
/// <para>Algorithm: thick-restart Lanczos (Wu &amp; Simon, SIMAX 22(2), 2000), which for symmetric operators is
/// Stewart's Krylov–Schur method (SIMAX 23(3), 2001). The basis V is extended one vector at a time,
/// w = A v_j orthogonalised twice against all of V (the coefficients give column j of H = VᵀAV); when V has m
/// vectors, the Rayleigh–Ritz pairs (θ_i, s_i) of H (dense symmetric eigensolver) give residual norms
/// ‖A V s_i − θ_i V s_i‖ = β|s_i[m−1]| (Parlett, The Symmetric Eigenvalue Problem, §13.2). Converged when every
/// wanted pair has β|s_i[m−1]| ≤ Tolerance·‖A‖ₑₛₜ; otherwise V is compressed in place to the ⌊(m + count)/2⌋ Ritz
/// vectors nearest the wanted end plus the residual direction, and extension resumes.</para>
/// <para>If the Krylov space becomes invariant (β ≈ 0) a fresh Gaussian direction orthogonal to V continues the
/// search, so small operators are solved exactly. Limitation shared with every single-vector Krylov method
/// (ARPACK, <c>eigsh</c>, KrylovKit): an eigenvalue of multiplicity k &gt; 1 is seen once per distinct value unless
/// such a restart happens; ask for distinct values or use a dense solver when exact multiplicities matter.</para>
/// <para>Deterministic: the start vector is the Gaussian stream (Seed, 0); results are bitwise identical for a seed.</para>
/// </remarks>
public static class ExtremeEigenvalues
{
    private const double InvariantSubspaceTolerance = 1e-12;

    /// <summary>The <paramref name="count"/> algebraically largest eigenvalues, descending, to ~1e-10·‖A‖ (default tolerance).</summary>
    /// <param name="op">The symmetric operator.</param>
    /// <param name="count">How many, in [1, D].</param>
    /// <param name="seed">Seed of the start vector.</param>
    /// <param name="cancellationToken">Checked before every operator application.</param>
    /// <exception cref="ArgumentNullException"><paramref name="op"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is outside [1, D].</exception>
    /// <exception cref="InvalidOperationException">Not converged within the default restart budget (call <see cref="Compute"/> for the partial result).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static double[] Largest(ISymmetricOperator op, int count, int seed, CancellationToken cancellationToken = default) =>
        ValuesOrThrow(Compute(op, count, SpectrumEnd.Largest, Options(seed), cancellationToken));

    /// <summary>The <paramref name="count"/> algebraically smallest eigenvalues, ascending, to ~1e-10·‖A‖ (default tolerance).</summary>
    /// <param name="op">The symmetric operator.</param>
    /// <param name="count">How many, in [1, D].</param>
    /// <param name="seed">Seed of the start vector.</param>
    /// <param name="cancellationToken">Checked before every operator application.</param>
    /// <exception cref="ArgumentNullException"><paramref name="op"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is outside [1, D].</exception>
    /// <exception cref="InvalidOperationException">Not converged within the default restart budget (call <see cref="Compute"/> for the partial result).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static double[] Smallest(ISymmetricOperator op, int count, int seed, CancellationToken cancellationToken = default) =>
        ValuesOrThrow(Compute(op, count, SpectrumEnd.Smallest, Options(seed), cancellationToken));

    /// <summary>The full computation: values, residual norms, optional Ritz vectors and diagnostics. Never throws for non-convergence.</summary>
    /// <param name="op">The symmetric operator.</param>
    /// <param name="count">How many eigenvalues, in [1, D].</param>
    /// <param name="end">Which end of the spectrum.</param>
    /// <param name="options">Seed, Krylov dimension, tolerance, restart budget, vectors; <see cref="ExtremeEigenvalueOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Checked before every operator application.</param>
    /// <exception cref="ArgumentNullException"><paramref name="op"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is outside [1, D], or an option is out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static ExtremeEigenvalueResult Compute(ISymmetricOperator op, int count, SpectrumEnd end,
        ExtremeEigenvalueOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(op);
        options ??= ExtremeEigenvalueOptions.Default;
        int dimension = op.Dimension;
        if (dimension < 1) throw new ArgumentException($"op has dimension {dimension}; it must be >= 1.", nameof(op));
        if (count < 1 || count > dimension)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count must lie in [1, {dimension}] (the operator dimension); got {count}.");
        if (!Enum.IsDefined(end)) throw new ArgumentOutOfRangeException(nameof(end), end, $"end {end} is not defined.");
        if (!(options.Tolerance > 0) || !double.IsFinite(options.Tolerance))
            throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, $"options.Tolerance must be finite and > 0; got {Preconditions.Format(options.Tolerance)}.");
        if (options.MaxRestarts < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxRestarts, $"options.MaxRestarts must be >= 0; got {options.MaxRestarts}.");
        if (options.KrylovDimension < 0 || (options.KrylovDimension > 0 && options.KrylovDimension <= count && options.KrylovDimension < dimension))
            throw new ArgumentOutOfRangeException(nameof(options), options.KrylovDimension,
                $"options.KrylovDimension must be 0 (automatic), > count ({count}), or >= the dimension ({dimension}); got {options.KrylovDimension}.");
        cancellationToken.ThrowIfCancellationRequested();

        int m = options.KrylovDimension == 0 ? Math.Min(dimension, Math.Max(2 * count + 1, 30)) : Math.Min(options.KrylovDimension, dimension);
        return new ThickRestartLanczos(op, dimension, count, end, m, options).Run(cancellationToken);
    }

    private static ExtremeEigenvalueOptions Options(int seed) => ExtremeEigenvalueOptions.Default with { Seed = seed };

    private static double[] ValuesOrThrow(ExtremeEigenvalueResult result)
    {
        if (!result.Converged)
        {
            double worst = result.ResidualNorms.Max();
            throw new InvalidOperationException(
                $"Lanczos did not converge within {result.Restarts} restarts ({result.OperatorApplications} operator applications): " +
                $"largest residual {Preconditions.Format(worst)} vs ‖A‖ ≈ {Preconditions.Format(result.NormEstimate)}. " +
                "Call ExtremeEigenvalues.Compute for the partial result, or raise KrylovDimension / MaxRestarts.");
        }
        return [.. result.Values];
    }

    /// <summary>One run: the basis, the projected matrix and the restart logic.</summary>
    private sealed class ThickRestartLanczos
    {
        private const int CombineChunk = 512;
        private readonly ISymmetricOperator _op;
        private readonly int _n;
        private readonly int _count;
        private readonly SpectrumEnd _end;
        private readonly int _m;
        private readonly ExtremeEigenvalueOptions _options;
        private readonly double[][] _basis;     // m + 1 vectors, allocated on first use
        private readonly double[] _h;           // H = VᵀAV, m × m row-major
        private readonly double[] _w;
        private readonly double[] _coefficients;
        private readonly BasisOrthogonalizer _orthogonalizer;
        private int _applications;
        private int _restarts;
        private long _randomStream = 1;
        private double _normEstimate;

        internal ThickRestartLanczos(ISymmetricOperator op, int n, int count, SpectrumEnd end, int m, ExtremeEigenvalueOptions options)
        {
            _op = op;
            _n = n;
            _count = count;
            _end = end;
            _m = m;
            _options = options;
            _basis = new double[m + 1][];
            _h = new double[m * m];
            _w = new double[n];
            _coefficients = new double[m + 1];
            _orthogonalizer = new BasisOrthogonalizer(n, maxDegreeOfParallelism: -1);
        }

        internal ExtremeEigenvalueResult Run(CancellationToken cancellationToken)
        {
            double[] v0 = Vector(0);
            CounterRandom.FillGaussian(_options.Seed, 0, v0);
            VectorKernels.Scale(1.0 / VectorKernels.Norm(v0), v0, v0);

            int size = 0;              // vectors whose H column is known
            double lastBeta = 0.0;     // coupling of the last column to basis[size]
            bool exhausted = false;    // basis spans every direction reachable: no next vector
            var theta = new double[_m];
            var ritz = new double[_m * _m];
            while (true)
            {
                while (size < _m && !exhausted)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Expand(size, out double beta);
                    size++;
                    if (beta > InvariantSubspaceTolerance * _normEstimate)
                    {
                        lastBeta = beta;
                        VectorKernels.Scale(1.0 / beta, _w, Vector(size));
                    }
                    else
                    {
                        lastBeta = 0.0;
                        exhausted = size == _n || !TryFreshDirection(size);
                        if (exhausted && size < _count)
                            throw new InvalidOperationException($"No direction orthogonal to the {size} basis vectors could be drawn; cannot find {_count} eigenvalues.");
                    }
                }

                // Rayleigh–Ritz: H = S Θ Sᵀ with the rows of `ritz` holding the s_i.
                Span<double> hWork = ritz.AsSpan(0, size * size);
                for (int i = 0; i < size; i++) _h.AsSpan(i * _m, size).CopyTo(hWork.Slice(i * size, size));
                Span<double> values = theta.AsSpan(0, size);
                SymmetricEigen.DecomposeInPlace(ritz, size, values, computeVectors: true);
                _normEstimate = Math.Max(_normEstimate, Math.Max(Math.Abs(values[0]), Math.Abs(values[size - 1])));

                bool converged = true;
                for (int t = 0; t < _count; t++)
                {
                    int i = Wanted(t, size);
                    double residual = Math.Abs(lastBeta * hWork[i * size + size - 1]);
                    if (residual > _options.Tolerance * _normEstimate) { converged = false; break; }
                }
                if (converged || exhausted || _restarts >= _options.MaxRestarts)
                    return Result(values, hWork, size, lastBeta, converged || exhausted);

                Compress(hWork, values, size, out int keep);
                size = keep;
                _restarts++;
            }
        }

        /// <summary>w = A v_j orthogonalised twice against v_0..v_j; fills column and row j of H. Returns β = ‖w‖.</summary>
        private void Expand(int j, out double beta)
        {
            _op.Apply(_basis[j], _w);
            _applications++;
            Span<double> c = _coefficients.AsSpan(0, j + 1);
            c.Clear();
            beta = _orthogonalizer.OrthogonalizeTwice(_basis, j + 1, _w, c);
            double columnNormSquared = beta * beta;
            for (int i = 0; i <= j; i++)
            {
                _h[i * _m + j] = c[i];
                _h[j * _m + i] = c[i];
                columnNormSquared += c[i] * c[i];
            }
            if (!double.IsFinite(columnNormSquared))
                throw new InvalidOperationException($"The operator produced a non-finite value (Lanczos step {_applications}).");
            _normEstimate = Math.Max(_normEstimate, Math.Sqrt(columnNormSquared)); // ‖A v_j‖ ≤ ‖A‖
        }

        /// <summary>After an invariant subspace: a Gaussian direction orthogonal to the basis, stored as v_size.</summary>
        private bool TryFreshDirection(int size)
        {
            double[] v = Vector(size);
            for (int attempt = 0; attempt < 8; attempt++)
            {
                CounterRandom.FillGaussian(_options.Seed, _randomStream++, v);
                double before = VectorKernels.Norm(v);
                Span<double> c = _coefficients.AsSpan(0, size);
                c.Clear();
                double after = _orthogonalizer.OrthogonalizeTwice(_basis, size, v, c);
                if (after > 1e-8 * before)
                {
                    VectorKernels.Scale(1.0 / after, v, v);
                    return true;
                }
            }
            return false;
        }

        /// <summary>Index (into ascending Ritz values) of the t-th wanted value counted from the requested end.</summary>
        private int Wanted(int t, int size) => _end == SpectrumEnd.Largest ? size - 1 - t : t;

        /// <summary>
        /// Thick restart: V ← V S_keep (in place, by coordinate chunks), the residual direction becomes v_keep and
        /// H ← diag(θ_keep); the couplings of v_keep are recomputed when it is expanded.
        /// </summary>
        private void Compress(ReadOnlySpan<double> ritzVectors, ReadOnlySpan<double> values, int size, out int keep)
        {
            keep = Math.Min(size - 1, Math.Max(_count, (size + _count) / 2));
            Span<double> chunk = new double[keep * CombineChunk];
            for (int start = 0; start < _n; start += CombineChunk)
            {
                int length = Math.Min(CombineChunk, _n - start);
                Span<double> block = chunk[..(keep * length)];
                block.Clear();
                for (int t = 0; t < keep; t++)
                {
                    ReadOnlySpan<double> s = ritzVectors.Slice(Wanted(t, size) * size, size);
                    Span<double> target = block.Slice(t * length, length);
                    for (int j = 0; j < size; j++) VectorKernels.Axpy(s[j], _basis[j].AsSpan(start, length), target);
                }
                for (int t = 0; t < keep; t++) block.Slice(t * length, length).CopyTo(_basis[t].AsSpan(start, length));
            }
            (_basis[keep], _basis[size]) = (_basis[size], _basis[keep]);
            Array.Clear(_h);
            for (int t = 0; t < keep; t++) _h[t * _m + t] = values[Wanted(t, size)];
        }

        private ExtremeEigenvalueResult Result(ReadOnlySpan<double> values, ReadOnlySpan<double> ritzVectors, int size, double lastBeta, bool converged)
        {
            var wantedValues = new double[_count];
            var residuals = new double[_count];
            double[][]? vectors = _options.ComputeVectors ? new double[_count][] : null;
            for (int t = 0; t < _count; t++)
            {
                int i = Wanted(t, size);
                wantedValues[t] = values[i];
                residuals[t] = Math.Abs(lastBeta * ritzVectors[i * size + size - 1]);
                if (vectors is null) continue;
                var y = new double[_n];
                ReadOnlySpan<double> s = ritzVectors.Slice(i * size, size);
                for (int j = 0; j < size; j++) VectorKernels.Axpy(s[j], _basis[j], y);
                vectors[t] = y;
            }
            return new ExtremeEigenvalueResult(_end, wantedValues, residuals, vectors, converged, _applications, _restarts, _normEstimate);
        }

        private double[] Vector(int index) => _basis[index] ??= new double[_n];
    }
}
