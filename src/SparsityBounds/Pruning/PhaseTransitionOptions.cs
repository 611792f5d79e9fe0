using SparsityBounds.Numerics;
using SparsityBounds.Spectral;

namespace SparsityBounds.Pruning;

/// <summary>How negative Hessian eigenvalues enter the width W(R) (THEORY.md §3).</summary>
public enum NegativeCurvature
{
    /// <summary>Use |λ| (the paper's reference code): negative curvature counts as curvature of the same size.</summary>
    Absolute,

    /// <summary>Treat λ &lt; 0 as flat (λ → 0): each such direction contributes 1 to W.</summary>
    Clip,
}

/// <summary>Which closed form of the squared Gaussian width of the projected sublevel set is used (THEORY.md §3).</summary>
public enum WidthApproximation
{
    /// <summary>
    /// The paper's (Larsen et al., ICLR 2022) W(R) = Σᵢ 2ε / (2ε + |λᵢ|R²) = Σᵢ rᵢ² / (R² + rᵢ²), rᵢ² = 2ε/|λᵢ|.
    /// </summary>
    Paper,

    /// <summary>
    /// The per-axis tangent-cone variant W_t(R) = Σᵢ min(1, 2ε / (|λᵢ|R²)) = Σᵢ min(1, rᵢ²/R²): exact for a ball
    /// (sin²α = r²/R²); measured closer to the quadratic-model limit on small networks (FINDINGS.md).
    /// </summary>
    Tangent,
}

/// <summary>Options for <see cref="PhaseTransition"/>. Immutable; <see cref="Default"/> reproduces the paper's formula.</summary>
public sealed record PhaseTransitionOptions
{
    /// <summary>Which weights may be pruned (length D); null means all. D_p is the number of true entries.</summary>
    public bool[]? Prunable { get; init; }

    /// <summary>Negative-eigenvalue policy. Default <see cref="Pruning.NegativeCurvature.Absolute"/>, as in the paper's reference code.</summary>
    public NegativeCurvature NegativeCurvature { get; init; } = NegativeCurvature.Absolute;

    /// <summary>Width formula. Default <see cref="WidthApproximation.Paper"/> (Zhang et al. 2024, eq. for W(R) via Larsen et al. 2022).</summary>
    public WidthApproximation Width { get; init; } = WidthApproximation.Paper;

    /// <summary>
    /// Failure probability η of the Approximate Kinematic Formula band ±a_η√D, a_η = sqrt(8 ln(4/η))
    /// (Amelunxen, Lotz, McCoy, Tropp 2014, Theorem I). Default 0.05.
    /// </summary>
    public double Eta { get; init; } = 0.05;

    /// <summary>
    /// Options of the stochastic Lanczos quadrature run by the operator overload; null uses <see cref="DefaultSpectrum"/>.
    /// </summary>
    public SlqOptions? Spectrum { get; init; }

    /// <summary>
    /// The spectrum budget used when <see cref="Spectrum"/> is null: 4 probes × 250 Lanczos steps (1,000 products, seed 0).
    /// W(R) is a spectral sum of a function with a sharp peak of width 2ε/R² at λ = 0, where trained networks have a large,
    /// two-signed eigenvalue mass; Gauss quadrature resolves it by steps, not probes. Measured on LOMP-trained digits MLPs
    /// (docs/validation.md): 10 × 100 biased ρ* by +0.04 at ε = 0.1 × the minibatch-loss deviation; 4 × 250 by ≤ 0.008;
    /// the reference recipe 1 × 120 by up to 0.019.
    /// </summary>
    public static SlqOptions DefaultSpectrum { get; } = new() { Probes = 4, Steps = 250 };

    /// <summary>
    /// Known fraction f₀ of exactly-zero eigenvalues (THEORY.md §3), for the operator and quadrature overloads:
    /// W = f₀·D + (1 − f₀)·W_SLQ. Default 0. Ignored by the exact-eigenvalue overload (zeros are in the list).
    /// </summary>
    public double ZeroEigenvalueFraction { get; init; }

    /// <summary>
    /// First-order correction (null: the paper's pure second-order model): the sublevel-set centre moves to w* − s and ε grows
    /// to ε + ½gᵀs; R(ρ) is then the distance from the shifted centre to the kept coordinates, ‖(w* − s)_F‖, with F still
    /// chosen by |w*|. See <see cref="FirstOrderShift"/>.
    /// </summary>
    public FirstOrderShift? FirstOrder { get; init; }

    /// <summary>Number of standard errors of the SLQ estimate added to the band (the API's 2·SE). Default 2.</summary>
    public double StandardErrors { get; init; } = 2.0;

    /// <summary>Points on the predicted curve (at least 101, evenly covering [0, 1]). Default 101.</summary>
    public int CurvePoints { get; init; } = 101;

    /// <summary>The paper's formula: all weights prunable, |λ|, η = 0.05, default SLQ.</summary>
    public static PhaseTransitionOptions Default { get; } = new();

    internal void Validate(int dimension)
    {
        if (Prunable is not null) Preconditions.CheckLength(Prunable.Length, dimension, nameof(Prunable), "one flag per weight");
        if (!Enum.IsDefined(NegativeCurvature))
            throw new ArgumentOutOfRangeException(nameof(NegativeCurvature), NegativeCurvature, "unknown NegativeCurvature policy.");
        if (!Enum.IsDefined(Width))
            throw new ArgumentOutOfRangeException(nameof(Width), Width, "unknown WidthApproximation.");
        Preconditions.CheckOpenUnitInterval(Eta, nameof(Eta));
        Preconditions.CheckFraction(ZeroEigenvalueFraction, nameof(ZeroEigenvalueFraction));
        Preconditions.CheckFiniteNonNegative(StandardErrors, nameof(StandardErrors));
        if (FirstOrder is not null)
        {
            Preconditions.CheckLength(FirstOrder.CentreShift.Length, dimension, nameof(FirstOrder), "one shift per weight");
            Preconditions.CheckAllFinite(FirstOrder.CentreShift, nameof(FirstOrder));
            Preconditions.CheckFiniteNonNegative(FirstOrder.EpsilonIncrease, nameof(FirstOrder));
        }
        if (CurvePoints < 101)
            throw new ArgumentOutOfRangeException(nameof(CurvePoints), CurvePoints, "CurvePoints must be at least 101.");
    }
}
