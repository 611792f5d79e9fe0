using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;
using SparsityBounds.Operators;

namespace SparsityBounds.Spectral;

/// <summary>Randomised estimators of tr(A) from matrix-vector products.</summary>
/// <remarks>
/// All randomness comes from counter-based Rademacher streams addressed by (seed, stream, index), so results are
/// bitwise identical for a seed. Operators are applied from the calling thread only.
/// </remarks>
public static class TraceEstimator
{
    // Stream offset for the Hutch++ sketch, far from the Hutchinson probe streams 0, 1, 2, …
    private const long SketchStreamOffset = 1L << 40;

    /// <summary>
    /// Hutchinson's estimator tr(A) ≈ (1/n) Σ_l z_lᵀ A z_l with Rademacher z_l (Hutchinson 1989), using exactly
    /// <paramref name="samples"/> products. Its variance per sample is 2(‖A‖_F² − Σ_i a_ii²).
    /// </summary>
    /// <param name="op">The symmetric operator A.</param>
    /// <param name="samples">Number of probes n ≥ 1 (= operator applications).</param>
    /// <param name="seed">Seed; probe l is the Rademacher stream (seed, l).</param>
    /// <param name="cancellationToken">Checked before every operator application.</param>
    /// <returns>Mean of the n samples, standard error sd/√n (NaN for n = 1), Samples = n.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="op"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> &lt; 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static StatisticalEstimate Hutchinson(ISymmetricOperator op, int samples, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(op);
        Preconditions.CheckPositive(samples);
        int dimension = CheckDimension(op);
        cancellationToken.ThrowIfCancellationRequested();
        var z = new double[dimension];
        var y = new double[dimension];
        var values = new double[samples];
        for (int l = 0; l < samples; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CounterRandom.FillRademacher(seed, l, z);
            op.Apply(z, y);
            values[l] = VectorKernels.Dot(z, y);
        }
        return StatisticalEstimate.FromSamples(values);
    }

    /// <summary>
    /// Hutch++ (Meyer, Musco, Musco, Woodruff, SOSA 2021, Algorithm 1) with a budget of m products: a sketch
    /// S of ⌊m/3⌋ random columns, Q = orth(A S), then tr(A) ≈ tr(QᵀAQ) + Hutchinson on (I − QQᵀ)A(I − QQᵀ)
    /// with Rademacher probes and the remaining products (≥ m/3). For spectra that decay fast the deflated part is
    /// small, so the error falls like 1/m instead of Hutchinson's 1/√m. The sketch is Gaussian rather than the paper's
    /// ±1 (their analysis covers both): then A S has full rank almost surely, so a sketch of D columns makes the result exact.
    /// </summary>
    /// <param name="op">The symmetric operator A.</param>
    /// <param name="matrixVectorProducts">Budget m ≥ 1. Uses at most m products (fewer when A S is rank-deficient
    /// or Q spans the whole space, in which case the result is exact). For m &lt; 3 the sketch is empty and this is Hutchinson.</param>
    /// <param name="seed">Seed of the sketch and of the Hutchinson probes.</param>
    /// <param name="cancellationToken">Checked before every operator application.</param>
    /// <returns>The estimate; StandardError and Samples are those of the Hutchinson part (0 and 0 when exact).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="op"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="matrixVectorProducts"/> &lt; 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static StatisticalEstimate HutchPlusPlus(ISymmetricOperator op, int matrixVectorProducts, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(op);
        Preconditions.CheckPositive(matrixVectorProducts);
        int dimension = CheckDimension(op);
        cancellationToken.ThrowIfCancellationRequested();
        int sketch = Math.Min(matrixVectorProducts / 3, dimension);
        if (sketch == 0) return Hutchinson(op, matrixVectorProducts, seed, cancellationToken);

        // Y = A S, then Q = orth(Y) by Gram–Schmidt twice, dropping columns that are numerically dependent.
        var basis = new double[sketch][];
        var orthogonalizer = new BasisOrthogonalizer(dimension, maxDegreeOfParallelism: -1);
        var s = new double[dimension];
        var coefficients = new double[sketch];
        int rank = 0;
        for (int i = 0; i < sketch; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CounterRandom.FillGaussian(seed, SketchStreamOffset + i, s);
            double[] y = basis[rank] ??= new double[dimension];
            op.Apply(s, y);
            double before = VectorKernels.Norm(y);
            if (!double.IsFinite(before)) throw new InvalidOperationException("The operator produced a non-finite value.");
            coefficients.AsSpan().Clear();
            double after = orthogonalizer.OrthogonalizeTwice(basis, rank, y, coefficients);
            // A column this close to span(Q) is rounding noise: normalising it would break orthogonality.
            if (after <= 1e-10 * before || after == 0.0) continue;
            VectorKernels.Scale(1.0 / after, y, y);
            rank++;
        }
        int used = sketch;

        // tr(QᵀAQ).
        double projectedTrace = 0.0;
        var product = new double[dimension];
        for (int i = 0; i < rank; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            op.Apply(basis[i], product);
            projectedTrace += VectorKernels.Dot(basis[i], product);
        }
        used += rank;
        if (rank == dimension) return new StatisticalEstimate(projectedTrace, 0.0, 0); // Q spans ℝᴰ: exact

        // Hutchinson on the deflated operator: samples (Pg)ᵀA(Pg), P = I − QQᵀ.
        int samples = matrixVectorProducts - used;
        var values = new double[samples];
        var g = new double[dimension];
        for (int l = 0; l < samples; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CounterRandom.FillRademacher(seed, l, g);
            coefficients.AsSpan().Clear();
            orthogonalizer.OrthogonalizeTwice(basis, rank, g, coefficients);
            op.Apply(g, product);
            values[l] = VectorKernels.Dot(g, product);
        }
        StatisticalEstimate residual = StatisticalEstimate.FromSamples(values);
        return new StatisticalEstimate(projectedTrace + residual.Value, residual.StandardError, residual.Samples);
    }

    private static int CheckDimension(ISymmetricOperator op)
    {
        int dimension = op.Dimension;
        if (dimension < 1) throw new ArgumentException($"op has dimension {dimension}; it must be >= 1.", nameof(op));
        return dimension;
    }
}
