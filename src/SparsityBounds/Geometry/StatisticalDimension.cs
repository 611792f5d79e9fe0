using System.Buffers;
using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;
using SparsityBounds.Spectral;

namespace SparsityBounds.Geometry;

/// <summary>
/// The statistical dimension δ(C) = E‖Π_C(g)‖², g ~ N(0, I_d), of a closed convex cone C: the "dimension" that
/// decides whether C meets a randomly rotated cone (Amelunxen, Lotz, McCoy, Tropp, "Living on the edge", 2014;
/// THEORY.md §6). Closed forms where they exist, Monte Carlo with a standard error for any <see cref="IConvexCone"/>.
/// </summary>
public static class StatisticalDimension
{
    /// <summary>The nonnegative orthant: δ(ℝ^d_+) = d/2.</summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1.</exception>
    public static double Orthant(int dimension)
    {
        ConeArguments.CheckDimension(dimension);
        return 0.5 * dimension;
    }

    /// <summary>A linear subspace of dimension k: δ = k.</summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="subspaceDimension">k in [0, d].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1 or <paramref name="subspaceDimension"/> outside [0, d].</exception>
    public static double Subspace(int dimension, int subspaceDimension)
    {
        ConeArguments.CheckDimension(dimension);
        ConeArguments.CheckAtMostDimension(subspaceDimension, dimension, nameof(subspaceDimension));
        return subspaceDimension;
    }

    /// <summary>
    /// The circular cone of half-angle α, exactly: δ = Σ k v_k over its intrinsic volumes
    /// (<see cref="IntrinsicVolumes.CircularCone"/>); for large d, δ ≈ d sin²α + cos 2α (ALMT 2014, Prop. 3.4).
    /// </summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="angle">Half-angle α in (0, π/2), radians.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1, or <paramref name="angle"/> outside (0, π/2) or NaN.</exception>
    public static double CircularCone(int dimension, double angle) =>
        IntrinsicVolumes.StatisticalDimension(IntrinsicVolumes.CircularCone(dimension, angle));

    /// <summary>The monotone cone {x₁ ≤ … ≤ x_d}: δ = H_d = 1 + 1/2 + … + 1/d (ALMT 2014, Sec. D.4).</summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1.</exception>
    public static double MonotoneCone(int dimension)
    {
        ConeArguments.CheckDimension(dimension);
        double sum = 0;
        for (int k = dimension; k >= 1; k--) sum += 1.0 / k;   // smallest terms first
        return sum;
    }

    /// <summary>
    /// The ℓ₁ descent cone at an s-sparse point of ℝ^d, by the infimum formula
    /// inf_{τ ≥ 0} [ s (1 + τ²) + (d − s) E(|g| − τ)₊² ] (ALMT 2014, Prop. 4.5; THEORY.md §6), which equals d·ψ(s/d)
    /// (<see cref="L1DescentConeLimit"/>). It is an upper bound on the true δ, within 2√(d/s) of it (ALMT 2014, Thm. 4.3); s = 0 gives 0 and
    /// s = d gives d (the true δ of the half-space is d − ½).
    /// </summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="sparsity">s in [0, d].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1 or <paramref name="sparsity"/> outside [0, d].</exception>
    public static double L1DescentCone(int dimension, int sparsity)
    {
        ConeArguments.CheckDimension(dimension);
        ConeArguments.CheckAtMostDimension(sparsity, dimension, nameof(sparsity));
        if (sparsity == 0) return 0.0;
        if (sparsity == dimension) return dimension;
        double tau = L1Threshold((double)sparsity / dimension);
        return sparsity * (1.0 + tau * tau) + (dimension - sparsity) * ShrinkageMoment(tau);
    }

    /// <summary>
    /// The minimiser τ* of the ℓ₁ infimum formula: the root of s/(d − s) = √(2/π) e^{−τ²/2}/τ − erfc(τ/√2)
    /// (THEORY.md §6). It depends only on s/d. s = 0 gives +∞ (the infimum is approached as τ → ∞), s = d gives 0.
    /// </summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="sparsity">s in [0, d].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1 or <paramref name="sparsity"/> outside [0, d].</exception>
    public static double L1DescentConeThreshold(int dimension, int sparsity)
    {
        ConeArguments.CheckDimension(dimension);
        ConeArguments.CheckAtMostDimension(sparsity, dimension, nameof(sparsity));
        return L1DescentConeThreshold((double)sparsity / dimension);
    }

    /// <summary>The minimiser τ*(ρ) of ψ(ρ) (see <see cref="L1DescentConeLimit"/>); +∞ at ρ = 0, 0 at ρ = 1.</summary>
    /// <param name="sparsityFraction">ρ = s/d in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sparsityFraction"/> outside [0, 1] or NaN.</exception>
    public static double L1DescentConeThreshold(double sparsityFraction)
    {
        Preconditions.CheckFraction(sparsityFraction);
        if (sparsityFraction == 0) return double.PositiveInfinity;
        if (sparsityFraction == 1) return 0.0;
        return L1Threshold(sparsityFraction);
    }

    /// <summary>
    /// ψ(ρ) = lim δ(D)/d for the ℓ₁ descent cone at sparsity fraction ρ = s/d:
    /// ψ(ρ) = inf_{τ ≥ 0} [ ρ (1 + τ²) + (1 − ρ) E(|g| − τ)₊² ], the Donoho–Tanner weak threshold (ALMT 2014, Sec. 4.3).
    /// </summary>
    /// <param name="sparsityFraction">ρ in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sparsityFraction"/> outside [0, 1] or NaN.</exception>
    public static double L1DescentConeLimit(double sparsityFraction)
    {
        Preconditions.CheckFraction(sparsityFraction);
        if (sparsityFraction == 0) return 0.0;
        if (sparsityFraction == 1) return 1.0;
        double tau = L1Threshold(sparsityFraction);
        return sparsityFraction * (1.0 + tau * tau) + (1.0 - sparsityFraction) * ShrinkageMoment(tau);
    }

    /// <summary>
    /// Monte Carlo estimate of δ(C) = E‖Π_C(g)‖²: the mean over <paramref name="samples"/> standard Gaussian vectors and its
    /// standard error. Sample j uses <see cref="CounterRandom"/> stream j of <paramref name="seed"/>, so the result is
    /// bitwise identical whatever the number of threads. Cones from this namespace are projected in parallel over a fixed
    /// partition of the samples; a cone you implement is called from one thread.
    /// </summary>
    /// <param name="cone">The cone.</param>
    /// <param name="samples">Number of Gaussian samples, ≥ 2. The standard error falls like 1/√samples; the per-sample standard
    /// deviation of ‖Π_C(g)‖² is of order √δ (√(2k) for a k-dimensional subspace, √(5d/4) for the orthant).</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="cancellationToken">Checked between samples.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cone"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> &lt; 2 or the cone's dimension &lt; 1.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static StatisticalEstimate Estimate(IConvexCone cone, int samples, int seed, CancellationToken cancellationToken = default) =>
        Estimate(cone, samples, seed, maxDegreeOfParallelism: -1, cancellationToken);

    /// <summary>As the public overload, with a thread cap (−1: all cores) so tests can compare 1 thread with many.</summary>
    internal static StatisticalEstimate Estimate(IConvexCone cone, int samples, int seed, int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        Preconditions.CheckNotNull(cone);
        ConeArguments.CheckSamples(samples);
        int dimension = cone.Dimension;
        ConeArguments.CheckDimension(dimension, "cone.Dimension");
        var values = new double[samples];
        int degree = cone is IThreadSafeProjection ? maxDegreeOfParallelism : 1;
        // About 2¹⁴ coordinates of work per chunk before splitting pays off.
        int minChunk = Math.Max(4, 16_384 / dimension);
        DeterministicParallel.For(samples, minChunk, degree, (start, end) =>
        {
            double[] g = ArrayPool<double>.Shared.Rent(dimension);
            double[] projection = ArrayPool<double>.Shared.Rent(dimension);
            try
            {
                Span<double> gSpan = g.AsSpan(0, dimension), pSpan = projection.AsSpan(0, dimension);
                for (int sample = start; sample < end; sample++)
                {
                    if (cancellationToken.IsCancellationRequested) return;
                    CounterRandom.FillGaussian(seed, sample, gSpan);
                    cone.Project(gSpan, pSpan);
                    values[sample] = VectorKernels.Dot(pSpan, pSpan);
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(g);
                ArrayPool<double>.Shared.Return(projection);
            }
        });
        cancellationToken.ThrowIfCancellationRequested();
        return StatisticalEstimate.FromSamples(values);
    }

    /// <summary>E(|g| − τ)₊² = (1 + τ²) erfc(τ/√2) − τ √(2/π) e^{−τ²/2} for τ ≥ 0 (THEORY.md §6).</summary>
    internal static double ShrinkageMoment(double tau) =>
        (1.0 + tau * tau) * SpecialFunctions.Erfc(tau / Math.Sqrt(2.0)) - 2.0 * tau * SpecialFunctions.NormalDensity(tau);

    /// <summary>h(τ) = √(2/π) e^{−τ²/2}/τ − erfc(τ/√2) = 2φ(τ)/τ − erfc(τ/√2), decreasing from +∞ to 0; h′(τ) = −2φ(τ)/τ².</summary>
    internal static double ThresholdEquation(double tau) =>
        2.0 * SpecialFunctions.NormalDensity(tau) / tau - SpecialFunctions.Erfc(tau / Math.Sqrt(2.0));

    /// <summary>τ* with h(τ*) = ρ/(1 − ρ), for ρ in (0, 1): bracketed by halving/doubling, then Brent.</summary>
    private static double L1Threshold(double sparsityFraction)
    {
        var equation = new ThresholdEquationMinusTarget(sparsityFraction / (1.0 - sparsityFraction));
        double hi = 1.0, fHi = equation.Evaluate(hi);
        while (fHi > 0) { hi *= 2.0; fHi = equation.Evaluate(hi); }
        double lo = 0.5 * hi, fLo = equation.Evaluate(lo);
        while (fLo < 0) { lo *= 0.5; fLo = equation.Evaluate(lo); }
        return ScalarRootFinding.Brent(ref equation, lo, hi, fLo, fHi, absoluteTolerance: 1e-16 * hi);
    }

    private readonly struct ThresholdEquationMinusTarget(double target) : IScalarFunction
    {
        public double Evaluate(double tau) => ThresholdEquation(tau) - target;
    }
}
