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

    /// <summary>Options of the stochastic Lanczos quadrature run by the operator overload; null uses <see cref="SlqOptions.Default"/>.</summary>
    public SlqOptions? Spectrum { get; init; }

    /// <summary>
    /// Known fraction f₀ of exactly-zero eigenvalues (THEORY.md §3), for the operator and quadrature overloads:
    /// W = f₀·D + (1 − f₀)·W_SLQ. Default 0. Ignored by the exact-eigenvalue overload (zeros are in the list).
    /// </summary>
    public double ZeroEigenvalueFraction { get; init; }

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
        if (CurvePoints < 101)
            throw new ArgumentOutOfRangeException(nameof(CurvePoints), CurvePoints, "CurvePoints must be at least 101.");
    }
}
