namespace SparsityBounds.Cli.Demo;

/// <summary>Which quantity a row of the demo's comparison is.</summary>
internal enum LimitKind
{
    /// <summary>The paper's formula on the SLQ spectrum (Hessian-vector products only): the library's prediction.</summary>
    PredictedSlq,
    /// <summary>The paper's formula on the exact spectrum.</summary>
    PredictedExact,
    /// <summary>The tangent width variant (same spectrum as the best prediction available).</summary>
    PredictedTangent,
    /// <summary>
    /// Beyond the paper, for one-shot pruning: smallest ρ with −gᵀw_F + ½w_Fᵀ H w_F ≤ ε (second-order Taylor model of the
    /// plain pruned point with the gradient; docs/validation.md: MAE 0.03 against the measured one-shot limit).
    /// </summary>
    PredictedOneShotTaylor,
    /// <summary>
    /// Beyond the paper, for pruning with re-optimised weights: tangent width, clipped curvature, sublevel set shifted by the
    /// gradient (exact spectrum only; docs/validation.md: MAE 0.03 against the measured re-optimised limit).
    /// </summary>
    PredictedReoptimizedFirstOrder,
    /// <summary>Smallest magnitude support meeting the PSD quadratic model, kept weights re-adjusted (what the theory describes).</summary>
    QuadraticCompensated,
    /// <summary>Smallest kept fraction whose plain magnitude-pruned point stays inside the PSD quadratic model.</summary>
    QuadraticUncompensated,
    /// <summary>The real loss, one-shot magnitude pruning, no retraining: the truth the demo compares with.</summary>
    MeasuredOneShot,
    /// <summary>The real loss after magnitude pruning with the kept weights re-optimised (L-BFGS, pruned weights held at 0).</summary>
    MeasuredRetrained,
}

/// <summary>One row of the comparison table.</summary>
/// <param name="Kind">What the row is.</param>
/// <param name="Label">Short human label.</param>
/// <param name="KeptFraction">ρ: kept share of the prunable weights.</param>
/// <param name="BandLower">Low end of the reported band (AKF window ± 2 SE) or null.</param>
/// <param name="BandUpper">High end of the band or null.</param>
/// <param name="StatisticalLower">Low end of the SLQ-only band (± 2 SE) or null.</param>
/// <param name="StatisticalUpper">High end of the SLQ-only band or null.</param>
/// <param name="OperatorProducts">Operator products spent (Hessian-vector, |H|·v or Gauss–Newton products; see <paramref name="Cost"/>).</param>
/// <param name="LossEvaluations">Full-data loss evaluations spent.</param>
/// <param name="Cost">Human description of the cost, e.g. "1,000 HVPs".</param>
/// <param name="Seconds">Wall-clock seconds (the spectrum included where it was computed for this row).</param>
internal sealed record LimitRow(LimitKind Kind, string Label, double KeptFraction, double? BandLower, double? BandUpper,
    double? StatisticalLower, double? StatisticalUpper, long OperatorProducts, long LossEvaluations, string Cost, double Seconds);

/// <summary>The limits at one tolerance (a multiple of the main ε), all from the cached spectrum and curvature.</summary>
/// <param name="Scale">ε / ε_main.</param>
/// <param name="Epsilon">ε.</param>
/// <param name="Predicted">Paper formula, SLQ spectrum.</param>
/// <param name="PredictedLower">Its band, low end (AKF window ± 2 SE).</param>
/// <param name="PredictedUpper">Its band, high end.</param>
/// <param name="PredictedExact">Paper formula, exact spectrum (null when not computed).</param>
/// <param name="Tangent">Tangent width on the best spectrum available.</param>
/// <param name="QuadraticCompensated">Compensated quadratic-model limit.</param>
/// <param name="QuadraticUncompensated">Uncompensated quadratic-model limit.</param>
/// <param name="Measured">Measured one-shot limit of the real loss.</param>
/// <param name="Retrained">Measured limit of the real loss with the kept weights re-optimised.</param>
internal sealed record EpsilonRow(double Scale, double Epsilon, double Predicted, double PredictedLower, double PredictedUpper,
    double? PredictedExact, double Tangent, double QuadraticCompensated, double QuadraticUncompensated, double Measured, double Retrained);

/// <summary>The real loss at the predicted kept fraction: plain pruning and with the quadratic model's re-adjustment.</summary>
/// <param name="KeptFraction">ρ* (SLQ prediction).</param>
/// <param name="KeptCount">k* prunable weights kept.</param>
/// <param name="PlainLossIncrease">Real L(wᵏ) − L(w*), kept weights unchanged.</param>
/// <param name="ReadjustedLossIncrease">Real loss increase at w* + δ, δ the quadratic model's optimal correction on the kept weights.</param>
/// <param name="ModelPlainLossIncrease">Quadratic model ½δᵀCδ of plain pruning.</param>
/// <param name="ModelReadjustedLossIncrease">Quadratic model's minimum on the support (q_min).</param>
/// <param name="OperatorProducts">Curvature products of the conjugate-gradient solve.</param>
/// <param name="Converged">The solve converged.</param>
/// <param name="Seconds">Wall-clock seconds.</param>
internal sealed record PredictionCheck(double KeptFraction, int KeptCount, double PlainLossIncrease, double ReadjustedLossIncrease,
    double ModelPlainLossIncrease, double ModelReadjustedLossIncrease, long OperatorProducts, bool Converged, double Seconds);

/// <summary>A named series of (x, y) points.</summary>
internal sealed record Curve(double[] X, double[] Y);

/// <summary>Everything the demo measured: settings, the comparison, the curves behind the plots.</summary>
internal sealed record DemoResult
{
    /// <summary>Layer sizes n₀..n_L.</summary>
    public required int[] LayerSizes { get; init; }
    /// <summary>Activation name.</summary>
    public required string Activation { get; init; }
    /// <summary>Data description.</summary>
    public required string Data { get; init; }
    /// <summary>Samples.</summary>
    public required int Samples { get; init; }
    /// <summary>D.</summary>
    public required int Parameters { get; init; }
    /// <summary>D_p (weights; biases are never pruned).</summary>
    public required int PrunableParameters { get; init; }
    /// <summary>λ.</summary>
    public required double L1Penalty { get; init; }
    /// <summary>Epochs.</summary>
    public required int Epochs { get; init; }
    /// <summary>Seed.</summary>
    public required int Seed { get; init; }
    /// <summary>Mean data loss at w* (no penalty).</summary>
    public required double TrainingLoss { get; init; }
    /// <summary>Training accuracy at w*.</summary>
    public required double TrainingAccuracy { get; init; }
    /// <summary>Fraction of prunable weights that are exactly zero after training.</summary>
    public required double ZeroWeightFraction { get; init; }
    /// <summary>Seconds spent training.</summary>
    public required double TrainingSeconds { get; init; }
    /// <summary>ε used for the main comparison.</summary>
    public required double Epsilon { get; init; }
    /// <summary>Where ε came from.</summary>
    public required string EpsilonSource { get; init; }
    /// <summary>Standard deviation of minibatch (128) losses at w*.</summary>
    public required double MinibatchLossStandardDeviation { get; init; }
    /// <summary>SLQ probes × steps.</summary>
    public required string SpectrumBudget { get; init; }
    /// <summary>Whether the exact spectrum was computed.</summary>
    public required bool ExactSpectrum { get; init; }
    /// <summary>Which curvature the quadratic-model limits used ("|H|" or "Gauss-Newton").</summary>
    public required string QuadraticCurvature { get; init; }
    /// <summary>Negative eigenvalues (exact count, or an SLQ estimate).</summary>
    public required double NegativeEigenvalues { get; init; }
    /// <summary>Largest eigenvalue (exact, or the largest SLQ node).</summary>
    public required double LargestEigenvalue { get; init; }
    /// <summary>Smallest eigenvalue (exact, or the smallest SLQ node).</summary>
    public required double SmallestEigenvalue { get; init; }
    /// <summary>The comparison at ε.</summary>
    public required IReadOnlyList<LimitRow> Limits { get; init; }
    /// <summary>The real loss at the predicted kept fraction.</summary>
    public required PredictionCheck Check { get; init; }
    /// <summary>The limits at each multiple of ε.</summary>
    public required IReadOnlyList<EpsilonRow> EpsilonSweep { get; init; }
    /// <summary>Total Hessian-vector products (SLQ + exact).</summary>
    public required long HessianVectorProducts { get; init; }
    /// <summary>Total wall-clock seconds.</summary>
    public required double TotalSeconds { get; init; }
    /// <summary>The network's curve: x = R(ρ), y = ρ.</summary>
    public required Curve MagnitudeCurve { get; init; }
    /// <summary>Theory: x = R, y = clamp(1 − W(R)/D_p, 0, 1) (paper width, SLQ spectrum).</summary>
    public required Curve TheoryCurve { get; init; }
    /// <summary>Measured: x = ρ, y = L(w^k) − L(w*).</summary>
    public required Curve MeasuredLossCurve { get; init; }
    /// <summary>Quadratic model without compensation: x = ρ, y = ½ w_Fᵀ C_FF w_F.</summary>
    public required Curve QuadraticLossCurve { get; init; }
    /// <summary>SLQ spectral density: x = λ, y = density.</summary>
    public required Curve SpectralDensity { get; init; }
    /// <summary>The exact eigenvalues (null without the exact path; written to eigenvalues.npy, not to JSON).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double[]? Eigenvalues { get; init; }
    /// <summary>The trained weights w* (written to weights.npy, not to JSON).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double[] Weights { get; init; } = [];
    /// <summary>The prunable mask (weights true, biases false).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool[] Prunable { get; init; } = [];
    /// <summary>Files written (plots, arrays).</summary>
    public List<string> Files { get; init; } = [];
}
