using System.Diagnostics;
using SparsityBounds.Geometry;
using SparsityBounds.Numerics;
using SparsityBounds.Spectral;

namespace SparsityBounds.Pruning;

/// <summary>
/// The fundamental pruning limit of Zhang, Zhang, Sun, Liu, "How Sparse Can We Prune A Deep Network: A Fundamental
/// Limit Perspective" (NeurIPS 2024), in computable form (THEORY.md §3): the kept fraction ρ* solving
/// ρ = 1 − W(R(ρ)) / D_p with W(R) = Σᵢ 2ε / (2ε + |λᵢ|R²) and R(ρ) the norm of the magnitude-pruned weights.
/// </summary>
/// <remarks>
/// <para>Uniqueness: as ρ grows R(ρ) falls, W rises, so the right side falls while ρ rises; bisection on the
/// continuous ρ (R interpolated linearly in k) finds the crossing to 1e-12.</para>
/// <para>Band: the fixed points with W ± (s·SE + a_η√D), where SE is the SLQ standard error of W and a_η√D the
/// Approximate Kinematic Formula window (Amelunxen, Lotz, McCoy, Tropp 2014). Zero-eigenvalue mass f₀ enters as
/// W = f₀·D + (1 − f₀)·W_SLQ.</para>
/// <para>What it predicts is the limit of the local quadratic model; FINDINGS.md and docs/validation.md measure how
/// it relates to real one-shot pruning (which needs more weights) and to pruning with re-optimised kept weights
/// (which needs fewer).</para>
/// </remarks>
public static partial class PhaseTransition
{
    /// <summary>The limit from the exact Hessian spectrum (all D eigenvalues, any order).</summary>
    /// <param name="weights">Trained weights w* (length D, finite).</param>
    /// <param name="eigenvalues">All D eigenvalues of the Hessian at w* (finite).</param>
    /// <param name="epsilon">Tolerated loss increase ε &gt; 0.</param>
    /// <param name="options">Options; null uses <see cref="PhaseTransitionOptions.Default"/>. <see cref="PhaseTransitionOptions.ZeroEigenvalueFraction"/> is ignored.</param>
    /// <exception cref="ArgumentException">Empty or non-finite weights or eigenvalues, a length mismatch, ε ≤ 0, or invalid options.</exception>
    public static PhaseTransitionEstimate Estimate(ReadOnlySpan<double> weights, ReadOnlySpan<double> eigenvalues,
        double epsilon, PhaseTransitionOptions? options = null)
    {
        var watch = Stopwatch.StartNew();
        options ??= PhaseTransitionOptions.Default;
        Preconditions.CheckNotEmpty(weights.Length, nameof(weights));
        Preconditions.CheckAllFinite(weights, nameof(weights));
        Preconditions.CheckLength(eigenvalues.Length, weights.Length, nameof(eigenvalues), "one eigenvalue per weight: the Hessian is D × D");
        Preconditions.CheckAllFinite(eigenvalues, nameof(eigenvalues));
        Preconditions.CheckFinitePositive(epsilon);
        options.Validate(weights.Length);
        var profile = CreateProfile(weights, options, ref epsilon);
        return Solve(profile, SpectralQuadrature.FromEigenvalues(eigenvalues), epsilon, options with { ZeroEigenvalueFraction = 0 }, null, 0, watch);
    }

    /// <summary>The magnitude profile (shifted distances and enlarged ε under a first-order correction).</summary>
    private static MagnitudeProfile CreateProfile(ReadOnlySpan<double> weights, PhaseTransitionOptions options, ref double epsilon)
    {
        if (options.FirstOrder is null) return new MagnitudeProfile(weights, options.Prunable);
        var centre = new double[weights.Length];
        for (int i = 0; i < centre.Length; i++) centre[i] = weights[i] - options.FirstOrder.CentreShift[i];
        epsilon += options.FirstOrder.EpsilonIncrease;
        return new MagnitudeProfile(weights, options.Prunable, centre);
    }

    /// <summary>
    /// The predicted curve g(ρ) = clamp(1 − (W(R(ρ)) + shift)/D_p, 0, 1) and the fixed points for the estimate and its band.
    /// </summary>
    internal static PhaseTransitionEstimate Solve(MagnitudeProfile profile, SpectralQuadrature spectrum, double epsilon,
        PhaseTransitionOptions options, SpectralQuadrature? computedSpectrum, long operatorApplications, Stopwatch watch)
    {
        int d = spectrum.Dimension, dp = profile.PrunableCount;
        double f0 = options.ZeroEigenvalueFraction;
        double halfWidth = KinematicFormula.TransitionHalfWidth(d, options.Eta);

        (double W, double SE) Width(double rho)
        {
            double r = profile.DistanceUnchecked(rho);
            var w = spectrum.SpectralSum(new SublevelSetWidthTerm(epsilon, r, options.NegativeCurvature, options.Width));
            return (f0 * d + (1 - f0) * w.Value, (1 - f0) * w.StandardError);
        }

        double Predicted(double rho, double shiftInStandardErrors, double shift)
        {
            var (w, se) = Width(rho);
            double total = w + shift + shiftInStandardErrors * (double.IsNaN(se) ? 0.0 : se);
            return Math.Clamp(1.0 - total / dp, 0.0, 1.0);
        }

        double FixedPoint(double seShift, double shift) => Bisection.FixedPoint(rho => Predicted(rho, seShift, shift));

        double rho = FixedPoint(0, 0);
        double lower = FixedPoint(options.StandardErrors, halfWidth);
        double upper = FixedPoint(-options.StandardErrors, -halfWidth);
        bool hasSe = !spectrum.IsExact;
        double statLower = hasSe ? FixedPoint(options.StandardErrors, 0) : rho;
        double statUpper = hasSe ? FixedPoint(-options.StandardErrors, 0) : rho;
        var curve = new (double, double)[options.CurvePoints];
        for (int i = 0; i < curve.Length; i++)
        {
            double x = (double)i / (curve.Length - 1);
            curve[i] = (x, Predicted(x, 0, 0));
        }
        var (wStar, seStar) = Width(rho);
        double distance = profile.DistanceUnchecked(rho);
        double trace = (1 - f0) * spectrum.SpectralSum(new CurvatureTerm(options.NegativeCurvature)).Value;
        double tr2 = trace * distance * distance, twoEpsD = 2 * epsilon * d;
        double traceBound = Math.Clamp(1.0 - (double)d / dp * (twoEpsD / (twoEpsD + tr2)), 0.0, 1.0);

        return new PhaseTransitionEstimate
        {
            KeptFraction = rho,
            KeptCount = Math.Clamp((int)Math.Ceiling(rho * dp - 1e-9), 0, dp),
            ProjectionDistance = distance,
            KeptFractionLower = lower,
            KeptFractionUpper = upper,
            StatisticalKeptFractionLower = statLower,
            StatisticalKeptFractionUpper = statUpper,
            Curve = curve,
            WidthAtTransition = new StatisticalEstimate(wStar, seStar, spectrum.IsExact ? 0 : spectrum.Probes),
            KinematicHalfWidth = halfWidth,
            TraceBound = traceBound,
            Dimension = d,
            PrunableCount = dp,
            Epsilon = epsilon,
            Options = options,
            OperatorApplications = operatorApplications,
            Elapsed = watch.Elapsed,
            Spectrum = computedSpectrum,
        };
    }
}
