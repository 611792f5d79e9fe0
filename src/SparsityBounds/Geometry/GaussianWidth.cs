using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;
using SparsityBounds.Spectral;

namespace SparsityBounds.Geometry;

/// <summary>The support function h_T(u) = sup_{t ∈ T} ⟨u, t⟩ of a bounded set T, evaluated at a direction u.</summary>
/// <param name="direction">The direction u (do not keep a reference to the span: its buffer is reused).</param>
/// <returns>h_T(u), finite.</returns>
public delegate double SupportFunction(ReadOnlySpan<double> direction);

/// <summary>Lower and upper bounds on a Gaussian width.</summary>
/// <param name="Lower">A lower bound.</param>
/// <param name="Upper">An upper bound.</param>
public readonly record struct GaussianWidthBounds(double Lower, double Upper);

/// <summary>
/// Gaussian widths w(T) = E sup_{t ∈ T} ⟨g, t⟩, g ~ N(0, I_d), and the squared widths of projected sublevel sets that
/// the pruning limit uses in place of a statistical dimension (THEORY.md §3 and §6). For a cone C,
/// w²(C ∩ S^{d−1}) ≤ δ(C) ≤ w²(C ∩ S^{d−1}) + 1 (Amelunxen, Lotz, McCoy, Tropp 2014, Prop. 10.2).
/// </summary>
public static class GaussianWidth
{
    /// <summary>
    /// The squared width of the sublevel-set ellipsoid {½ (w − w*)ᵀ H (w − w*) ≤ ε} projected onto the unit sphere from
    /// distance R, in the approximation of Larsen, Fort, Becker, Ganguli (ICLR 2022) that the paper's limit uses:
    /// W(R) = Σᵢ rᵢ²/(R² + rᵢ²) = Σᵢ 2ε / (2ε + |λᵢ| R²), with rᵢ = √(2ε/|λᵢ|).
    /// </summary>
    /// <remarks>
    /// Each zero eigenvalue contributes exactly 1; R = 0 gives D. For a ball (all rᵢ = r) the exact cone has sin²α = r²/R²,
    /// not r²/(R² + r²), so W underestimates δ there by about a factor R²/(R² + r²); the per-axis tangent form
    /// <see cref="ProjectedSublevelSetSquaredTangent"/> tracks δ more closely (FINDINGS.md; docs/geometry.md has a table
    /// against Monte Carlo δ of <see cref="EllipsoidCone"/>). Negative eigenvalues enter through |λ| (the reference code's
    /// Absolute policy); for the Clip policy pass clipped eigenvalues.
    /// </remarks>
    /// <param name="eigenvalues">Eigenvalues λᵢ of H (all D of them), finite.</param>
    /// <param name="epsilon">ε &gt; 0, finite.</param>
    /// <param name="distance">R ≥ 0, finite.</param>
    /// <returns>W in [0, D].</returns>
    /// <exception cref="ArgumentException"><paramref name="eigenvalues"/> is empty or has a non-finite entry.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> not finite and &gt; 0, or <paramref name="distance"/> not finite and ≥ 0.</exception>
    public static double ProjectedSublevelSetSquared(ReadOnlySpan<double> eigenvalues, double epsilon, double distance)
    {
        CheckSublevelSetArguments(eigenvalues, epsilon, distance);
        double twoEpsilon = 2.0 * epsilon, r2 = distance * distance, sum = 0;
        for (int i = 0; i < eigenvalues.Length; i++) sum += twoEpsilon / (twoEpsilon + Math.Abs(eigenvalues[i]) * r2);
        return sum;
    }

    /// <summary>
    /// The tangent variant W_t(R) = Σᵢ min(1, 2ε / (|λᵢ| R²)) = Σᵢ min(1, rᵢ²/R²) (THEORY.md §3): per axis, the squared sine
    /// of the tangent half-angle, which is exact for a ball (δ ≈ d sin²α + cos 2α). Like W it is a spectral sum, so
    /// stochastic Lanczos quadrature estimates it from Hessian-vector products; it is what the pruning limit's "tangent"
    /// width option evaluates.
    /// </summary>
    /// <param name="eigenvalues">Eigenvalues λᵢ of H, finite.</param>
    /// <param name="epsilon">ε &gt; 0, finite.</param>
    /// <param name="distance">R ≥ 0, finite (R = 0 gives D).</param>
    /// <returns>W_t in [0, D]; W_t ≥ W term by term.</returns>
    /// <exception cref="ArgumentException"><paramref name="eigenvalues"/> is empty or has a non-finite entry.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> not finite and &gt; 0, or <paramref name="distance"/> not finite and ≥ 0.</exception>
    public static double ProjectedSublevelSetSquaredTangent(ReadOnlySpan<double> eigenvalues, double epsilon, double distance)
    {
        CheckSublevelSetArguments(eigenvalues, epsilon, distance);
        double twoEpsilon = 2.0 * epsilon, r2 = distance * distance, sum = 0;
        for (int i = 0; i < eigenvalues.Length; i++)
        {
            double curvature = Math.Abs(eigenvalues[i]) * r2;
            sum += curvature <= twoEpsilon ? 1.0 : twoEpsilon / curvature;
        }
        return sum;
    }

    /// <summary>
    /// Bounds on the width of a centred ellipsoid with semi-axes rᵢ, whose support function is √(Σ rᵢ² uᵢ²):
    /// √(2/π) √(Σ rᵢ²) ≤ w ≤ √(Σ rᵢ²) (THEORY.md §6; the upper bound by Jensen, the lower by E|gᵢ| = √(2/π) and convexity).
    /// </summary>
    /// <param name="semiAxes">rᵢ ≥ 0, finite, non-empty.</param>
    /// <exception cref="ArgumentException"><paramref name="semiAxes"/> is empty, or an entry is negative or not finite.</exception>
    public static GaussianWidthBounds CenteredEllipsoidBounds(ReadOnlySpan<double> semiAxes)
    {
        Preconditions.CheckNotEmpty(semiAxes.Length, nameof(semiAxes));
        for (int i = 0; i < semiAxes.Length; i++)
            if (!(semiAxes[i] >= 0) || double.IsPositiveInfinity(semiAxes[i]))
                throw new ArgumentException($"semiAxes[{i}] is {Preconditions.Format(semiAxes[i])}; semi-axes must be finite and >= 0.", nameof(semiAxes));
        double root = VectorKernels.Norm(semiAxes);
        return new GaussianWidthBounds(SpecialFunctions.SqrtTwoOverPi * root, root);
    }

    /// <summary>The width of the unit ball (and of the unit sphere) of ℝ^d: E‖g‖ = √2 Γ((d + 1)/2) / Γ(d/2).</summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1.</exception>
    public static double UnitBall(int dimension)
    {
        ConeArguments.CheckDimension(dimension);
        return Math.Sqrt(2.0) * Math.Exp(SpecialFunctions.LogGammaDifference(0.5 * dimension, 0.5));
    }

    /// <summary>
    /// The width of a circular cone of half-angle α intersected with the unit sphere, exactly:
    /// w = E‖g‖ · E cos((θ − α)₊), θ the angle between g and the axis (density ∝ sin^{d−2}θ on [0, π]), which integrates to
    /// w = E‖g‖ [ ½ I_{d−2} − cos α sin^{d−1}α / ((d − 1) B_{d−2}) + sin α (B_{d−1}/B_{d−2}) (1 − ½ I_{d−1}) ]
    /// with B_m = B((m + 1)/2, ½) and I_m = I_{sin²α}((m + 1)/2, ½). Check: w² ≤ δ ≤ w² + 1.
    /// </summary>
    /// <param name="dimension">d ≥ 1 (d = 1: the cone is a ray, C ∩ S⁰ = {1}, w = E g = 0).</param>
    /// <param name="angle">Half-angle α in (0, π/2), radians.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1, or <paramref name="angle"/> outside (0, π/2) or NaN.</exception>
    public static double CircularCone(int dimension, double angle)
    {
        ConeArguments.CheckDimension(dimension);
        ConeArguments.CheckAngle(angle);
        if (dimension == 1) return 0.0;
        (double sin, double cos) = Math.SinCos(angle);
        double p = sin * sin, q = cos * cos;
        double d = dimension;
        double lower = SpecialFunctions.RegularizedIncompleteBeta(0.5 * (d - 1), 0.5, p, q);   // I_{d−2}
        double upper = SpecialFunctions.RegularizedIncompleteBeta(0.5 * d, 0.5, p, q);         // I_{d−1}
        // ln(B_{d−1}/B_{d−2}) = 2 ln Γ(d/2) − ln Γ((d+1)/2) − ln Γ((d−1)/2).
        double betaRatio = Math.Exp(SpecialFunctions.LogGammaDifference(0.5 * (d - 1), 0.5) - SpecialFunctions.LogGammaDifference(0.5 * d, 0.5));
        double boundary = Math.Exp(Math.Log(cos) + (d - 1) * Math.Log(sin) - Math.Log(d - 1) - SpecialFunctions.LogBeta(0.5 * (d - 1), 0.5));
        double meanCosine = 0.5 * lower - boundary + sin * betaRatio * (1.0 - 0.5 * upper);
        return UnitBall(dimension) * meanCosine;
    }

    /// <summary>
    /// Monte Carlo Gaussian width of any bounded set from its support function: the mean of h_T(g) over
    /// <paramref name="samples"/> standard Gaussian vectors (sample j is <see cref="CounterRandom"/> stream j of
    /// <paramref name="seed"/>, the same vectors <see cref="StatisticalDimension.Estimate(IConvexCone, int, int, CancellationToken)"/>
    /// draws) and its standard error. For C ∩ S^{d−1} with C a cone, h(g) = ‖Π_C(g)‖ whenever Π_C(g) ≠ 0; for C ∩ B^d,
    /// h(g) = ‖Π_C(g)‖ always. The support function is called from one thread, in sample order.
    /// </summary>
    /// <param name="supportFunction">h_T; must return a finite value.</param>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="samples">≥ 2.</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="cancellationToken">Checked between samples.</param>
    /// <exception cref="ArgumentNullException"><paramref name="supportFunction"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1 or <paramref name="samples"/> &lt; 2.</exception>
    /// <exception cref="InvalidOperationException">The support function returned NaN or ±∞.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static StatisticalEstimate Estimate(SupportFunction supportFunction, int dimension, int samples, int seed,
        CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(supportFunction);
        ConeArguments.CheckDimension(dimension);
        ConeArguments.CheckSamples(samples);
        var values = new double[samples];
        var g = new double[dimension];
        for (int sample = 0; sample < samples; sample++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CounterRandom.FillGaussian(seed, sample, g);
            double value = supportFunction(g);
            if (!double.IsFinite(value))
                throw new InvalidOperationException($"The support function returned {Preconditions.Format(value)} for sample {sample}; it must be finite (is the set bounded?).");
            values[sample] = value;
        }
        return StatisticalEstimate.FromSamples(values);
    }

    private static void CheckSublevelSetArguments(ReadOnlySpan<double> eigenvalues, double epsilon, double distance)
    {
        Preconditions.CheckNotEmpty(eigenvalues.Length, nameof(eigenvalues));
        Preconditions.CheckAllFinite(eigenvalues, nameof(eigenvalues));
        Preconditions.CheckFinitePositive(epsilon);
        Preconditions.CheckFiniteNonNegative(distance);
    }
}
