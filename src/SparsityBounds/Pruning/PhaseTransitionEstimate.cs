using SparsityBounds.Spectral;

namespace SparsityBounds.Pruning;

/// <summary>
/// The predicted pruning limit: the kept fraction ρ* at which the magnitude-pruned subspace stops meeting the
/// quadratic sublevel set {½(w − w*)ᵀH(w − w*) ≤ ε}, with its band and diagnostics. What it predicts is the
/// limit of the local quadratic model (see docs/concepts.md for how that relates to real one-shot pruning).
/// </summary>
public sealed class PhaseTransitionEstimate
{
    internal PhaseTransitionEstimate() { }

    /// <summary>ρ*: the fixed point of ρ = 1 − W(R(ρ)) / D_p, clamped to [0, 1].</summary>
    public double KeptFraction { get; internal init; }

    /// <summary>1 − <see cref="KeptFraction"/>.</summary>
    public double PrunedFraction => 1.0 - KeptFraction;

    /// <summary>k* = ceil(ρ*·D_p − 1e-9): prunable weights kept at the limit.</summary>
    public int KeptCount { get; internal init; }

    /// <summary>R(ρ*) = ‖w* − w^k‖₂ at the limit.</summary>
    public double ProjectionDistance { get; internal init; }

    /// <summary>Fixed point with W + (s·SE + a_η√D): the low end of the band (more pruning). Clamped to [0, 1].</summary>
    public double KeptFractionLower { get; internal init; }

    /// <summary>Fixed point with W − (s·SE + a_η√D): the high end of the band (less pruning). Clamped to [0, 1].</summary>
    public double KeptFractionUpper { get; internal init; }

    /// <summary>
    /// Fixed point with W + s·SE only (no kinematic window): the spread due to the spectrum estimate alone. Equal to
    /// <see cref="KeptFraction"/> for exact eigenvalues. FINDINGS.md measured real transitions ~10× narrower than the
    /// a_η√D window, so this band is the one to read when D is small.
    /// </summary>
    public double StatisticalKeptFractionLower { get; internal init; }

    /// <summary>Fixed point with W − s·SE only (see <see cref="StatisticalKeptFractionLower"/>).</summary>
    public double StatisticalKeptFractionUpper { get; internal init; }

    /// <summary>The predicted curve: (ρ, clamp(1 − W(R(ρ))/D_p, 0, 1)) at evenly spaced ρ covering [0, 1]; ρ* is where it crosses the diagonal.</summary>
    public IReadOnlyList<(double KeptFraction, double PredictedKeptFraction)> Curve { get; internal init; } = [];

    /// <summary>W(R(ρ*)), the squared Gaussian width at the limit, with its SLQ standard error (0 for exact eigenvalues).</summary>
    public StatisticalEstimate WidthAtTransition { get; internal init; }

    /// <summary>a_η√D: the half-width of the Approximate Kinematic Formula window on the dimension count.</summary>
    public double KinematicHalfWidth { get; internal init; }

    /// <summary>
    /// Jensen's sanity bound R² tr(H) / (R² tr(H) + 2εD)·(D/D_p) + (1 − D/D_p) at R = R(ρ*) with tr(H) = Σ a(λᵢ) under the
    /// chosen curvature policy; valid for the paper's width, where ρ* ≤ this bound always holds.
    /// </summary>
    public double TraceBound { get; internal init; }

    /// <summary>D: the number of weights (and Hessian eigenvalues).</summary>
    public int Dimension { get; internal init; }

    /// <summary>D_p: the number of prunable weights.</summary>
    public int PrunableCount { get; internal init; }

    /// <summary>The tolerance used: ε, or ε + ½gᵀs under a <see cref="PhaseTransitionOptions.FirstOrder"/> correction.</summary>
    public double Epsilon { get; internal init; }

    /// <summary>The options used (defaults filled in).</summary>
    public PhaseTransitionOptions Options { get; internal init; } = PhaseTransitionOptions.Default;

    /// <summary>Hessian-vector products spent (0 when a spectrum or eigenvalues were given).</summary>
    public long OperatorApplications { get; internal init; }

    /// <summary>Wall-clock time of the estimate, including the spectrum when it was computed here.</summary>
    public TimeSpan Elapsed { get; internal init; }

    /// <summary>The spectrum used (for reuse at other ε without new products); null for the exact-eigenvalue overload.</summary>
    public SpectralQuadrature? Spectrum { get; internal init; }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant(
        $"kept fraction {KeptFraction:F4} (band {KeptFractionLower:F4}–{KeptFractionUpper:F4}), pruned {PrunedFraction:P1}, k = {KeptCount} of {PrunableCount}, R = {ProjectionDistance:G4}");
}
