using System.Diagnostics;
using SparsityBounds.Geometry;
using SparsityBounds.Models;
using SparsityBounds.Numerics;
using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Pruning;

/// <summary>What a predicted kept fraction is meant to predict.</summary>
public enum PruningTarget
{
    /// <summary>The limit of the local quadratic model with optimally re-adjusted kept weights (what the paper's theory describes).</summary>
    QuadraticModel,

    /// <summary>Real one-shot magnitude pruning, no retraining.</summary>
    OneShot,

    /// <summary>Real magnitude pruning followed by re-optimising the kept weights (fine-tuning).</summary>
    Reoptimized,
}

/// <summary>One predicted kept fraction in a <see cref="PruningReport"/>.</summary>
/// <param name="Name">Short identifier (stable across versions), e.g. "Paper", "TangentClip", "OneShotTaylor".</param>
/// <param name="Description">What was computed, in one sentence.</param>
/// <param name="KeptFraction">The predicted ρ.</param>
/// <param name="Lower">Low end of its band (NaN when it has none).</param>
/// <param name="Upper">High end of its band (NaN when it has none).</param>
/// <param name="Predicts">Which measured limit it is documented to predict best (docs/validation.md).</param>
public sealed record PredictedLimit(string Name, string Description, double KeptFraction, double Lower, double Upper, PruningTarget Predicts);

/// <summary>Options of <see cref="PruningReport"/>.</summary>
public sealed record PruningReportOptions
{
    /// <summary>Which weights may be pruned; null means all (for an MLP pass <c>mlp.WeightMask()</c> to keep biases).</summary>
    public bool[]? Prunable { get; init; }

    /// <summary>SLQ budget; null uses <see cref="PhaseTransitionOptions.DefaultSpectrum"/>.</summary>
    public SlqOptions? Spectrum { get; init; }

    /// <summary>
    /// Compute the exact eigendecomposition when D is at most this (D Hessian products plus O(D³); about 20 s at D = 2,500
    /// here). It enables the exact predictions, the |H| quadratic model and the Monte Carlo statistical dimension. Default 3,000.
    /// </summary>
    public int ExactSpectrumMaxDimension { get; init; } = 3000;

    /// <summary>A spectrum computed earlier for the same Hessian (reused for every ε: no new products); null computes one.</summary>
    public SpectralQuadrature? PrecomputedSpectrum { get; init; }

    /// <summary>An eigendecomposition (with eigenvectors) computed earlier for the same Hessian; null computes one when D allows.</summary>
    public SymmetricEigendecomposition? PrecomputedEigendecomposition { get; init; }

    /// <summary>Gaussian samples per statistical-dimension estimate of the true sublevel-set cone (0 disables). Default 100.</summary>
    public int MonteCarloSamples { get; init; } = 100;

    /// <summary>Measure the re-optimised limit (bounded L-BFGS per mask). Default true.</summary>
    public bool Reoptimize { get; init; } = true;

    /// <summary>Budget of each re-optimisation; null uses <see cref="ReoptimizationOptions.Default"/>.</summary>
    public ReoptimizationOptions? Reoptimization { get; init; }

    /// <summary>AKF failure probability of the paper-formula bands. Default 0.05.</summary>
    public double Eta { get; init; } = 0.05;

    /// <summary>
    /// Eigenvalues below this fraction of max|λ| are treated as flat when shifting the sublevel set by the gradient
    /// (<see cref="FirstOrderShift.FromEigendecomposition"/>). Default 1e-3: chosen on the digits validation models, where
    /// 1e-10 and 1e-6 let tiny curvatures blow the shift up (docs/validation.md has the sensitivity table and a held-out check).
    /// </summary>
    public double FirstOrderRelativeCutoff { get; init; } = 1e-3;

    /// <summary>Seed of the spectrum probes and Monte Carlo samples. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Defaults.</summary>
    public static PruningReportOptions Default { get; } = new();
}

/// <summary>
/// Prediction beside reality for one trained model and tolerance ε: every predictor of the kept fraction this library
/// has (the paper's formula and its variants, the true statistical dimension, quadratic models with and without the
/// first-order term) next to the measured one-shot and re-optimised limits and their loss curves.
/// </summary>
/// <remarks>
/// Measured on LOMP-trained digits MLPs (docs/validation.md): the paper's formula predicts the quadratic-model limit
/// (MAE ≈ 0.05) but not real pruning. For one-shot pruning use <c>OneShotTaylor</c> (the second-order Taylor model of the
/// plain pruned point, with the gradient: MAE 0.03 against 0.23 for the paper); for pruning with re-optimised weights use
/// <c>TangentClip</c> (MAE 0.07 against 0.13).
/// </remarks>
public sealed class PruningReport
{
    private PruningReport() { }

    /// <summary>ε.</summary>
    public double Epsilon { get; private init; }

    /// <summary>D.</summary>
    public int Dimension { get; private init; }

    /// <summary>D_p.</summary>
    public int PrunableCount { get; private init; }

    /// <summary>Every prediction, in a fixed order.</summary>
    public IReadOnlyList<PredictedLimit> Predictions { get; private init; } = [];

    /// <summary>The measured one-shot limit with its loss curve (real loss, magnitude order, no retraining).</summary>
    public MeasuredPruningLimit OneShot { get; private init; } = null!;

    /// <summary>The measured limit after re-optimising the kept weights, with its curve; null when disabled.</summary>
    public MeasuredPruningLimit? Reoptimized { get; private init; }

    /// <summary>The compensated quadratic-model limit (|H| when the exact spectrum was computed, else the Gauss–Newton matrix given).</summary>
    public IntersectionLimit? QuadraticModel { get; private init; }

    /// <summary>Which curvature the quadratic model used: "|H|", "Gauss-Newton", or null when none was available.</summary>
    public string? QuadraticModelCurvature { get; private init; }

    /// <summary>The SLQ spectrum (reusable for other ε).</summary>
    public SpectralQuadrature Spectrum { get; private init; } = null!;

    /// <summary>All D eigenvalues when the exact decomposition was computed, else null.</summary>
    public IReadOnlyList<double>? ExactEigenvalues { get; private init; }

    /// <summary>Hessian-vector products spent (spectrum, exact decomposition, quadratic models).</summary>
    public long OperatorApplications { get; private init; }

    /// <summary>Wall-clock time.</summary>
    public TimeSpan Elapsed { get; private init; }

    /// <summary>The prediction with this <see cref="PredictedLimit.Name"/>, or null.</summary>
    public PredictedLimit? this[string name] => Predictions.FirstOrDefault(p => p.Name == name);

    /// <summary>The measured kept fraction for a target (NaN when not measured).</summary>
    public double Measured(PruningTarget target) => target switch
    {
        PruningTarget.OneShot => OneShot.KeptFraction,
        PruningTarget.Reoptimized => Reoptimized?.KeptFraction ?? double.NaN,
        _ => QuadraticModel?.KeptFraction ?? double.NaN,
    };

    /// <summary>
    /// The report for a built-in MLP: the loss is the objective's value (its data loss plus any L1 term it was built with;
    /// build it without L1 so ε bounds the data loss), its exact Hessian and, for large D, its Gauss–Newton matrix as the
    /// quadratic model's curvature.
    /// </summary>
    /// <exception cref="ArgumentException">Bad parameters, ε or options.</exception>
    public static PruningReport Create(MlpObjective objective, ReadOnlySpan<double> parameters, double epsilon,
        PruningReportOptions? options = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        Preconditions.CheckLength(parameters.Length, objective.Dimension, nameof(parameters), "the model's parameter count");
        Preconditions.CheckAllFinite(parameters, nameof(parameters));
        return Create(w => objective.Value(w), (w, g) => objective.Gradient(w, g), objective.Hessian(parameters),
            objective.GaussNewton(parameters), parameters, epsilon, options, progress, cancellationToken);
    }

    /// <summary>The report for any model given its loss, gradient and Hessian.</summary>
    /// <param name="loss">The loss ε bounds.</param>
    /// <param name="objective">The same loss with its gradient (for the first-order term and re-optimisation).</param>
    /// <param name="hessian">H at the weights.</param>
    /// <param name="psdCurvature">A positive semidefinite curvature (e.g. Gauss–Newton) for the quadratic model when D is too large
    /// for the exact |H|; may be null.</param>
    /// <param name="weights">Trained weights w*.</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="options">Options; null uses defaults.</param>
    /// <param name="progress">Receives a line per stage.</param>
    /// <param name="cancellationToken">Cancels between and inside stages.</param>
    /// <exception cref="ArgumentException">Bad weights, dimensions, ε or options.</exception>
    public static PruningReport Create(LossFunction loss, ValueAndGradient objective, ISymmetricOperator hessian,
        ISymmetricOperator? psdCurvature, ReadOnlySpan<double> weights, double epsilon, PruningReportOptions? options = null,
        IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(hessian);
        options ??= PruningReportOptions.Default;
        Preconditions.CheckNotEmpty(weights.Length, nameof(weights));
        Preconditions.CheckAllFinite(weights, nameof(weights));
        Preconditions.CheckLength(weights.Length, hessian.Dimension, nameof(weights), "the Hessian's dimension");
        if (psdCurvature is not null) Preconditions.CheckLength(psdCurvature.Dimension, hessian.Dimension, nameof(psdCurvature), "the Hessian's dimension");
        Preconditions.CheckFinitePositive(epsilon);
        Preconditions.CheckNonNegative(options.ExactSpectrumMaxDimension, nameof(options.ExactSpectrumMaxDimension));
        Preconditions.CheckNonNegative(options.MonteCarloSamples, nameof(options.MonteCarloSamples));
        Preconditions.CheckFinitePositive(options.FirstOrderRelativeCutoff, nameof(options.FirstOrderRelativeCutoff));
        var phaseOptions = new PhaseTransitionOptions { Prunable = options.Prunable, Eta = options.Eta };
        phaseOptions.Validate(weights.Length);

        double[] w = weights.ToArray();
        var profile = new MagnitudeProfile(w, options.Prunable);
        var counted = hessian.Counting();
        var gradient = new double[w.Length];
        double baseLoss = objective(w, gradient);
        if (!double.IsFinite(baseLoss)) throw new ArgumentException($"objective is {Preconditions.Format(baseLoss)} at the weights.", nameof(objective));

        if (options.PrecomputedSpectrum is { } given && given.Dimension != w.Length)
            throw new ArgumentException($"PrecomputedSpectrum has dimension {given.Dimension}; the weights have {w.Length}.", nameof(options));
        if (options.PrecomputedEigendecomposition is { } givenExact && (givenExact.Dimension != w.Length || !givenExact.HasEigenvectors))
            throw new ArgumentException("PrecomputedEigendecomposition must have the weights' dimension and eigenvectors.", nameof(options));
        var spectrum = options.PrecomputedSpectrum;
        if (spectrum is null)
        {
            progress?.Report("spectrum (stochastic Lanczos quadrature)");
            var slq = (options.Spectrum ?? PhaseTransitionOptions.DefaultSpectrum) with { Seed = options.Seed };
            spectrum = StochasticLanczosQuadrature.Estimate(counted, slq, cancellationToken);
        }

        SymmetricEigendecomposition? exact = options.PrecomputedEigendecomposition;
        if (exact is null && w.Length <= options.ExactSpectrumMaxDimension)
        {
            progress?.Report("exact eigendecomposition");
            exact = SymmetricEigendecomposition.Compute(counted, computeVectors: true, cancellationToken);
        }

        var predictions = new List<PredictedLimit>();
        void AddSpectral(string name, string description, NegativeCurvature policy, WidthApproximation width, PruningTarget target)
        {
            var o = phaseOptions with { NegativeCurvature = policy, Width = width };
            var e = exact is null
                ? PhaseTransition.Estimate(w, spectrum, epsilon, o)
                : PhaseTransition.Estimate(w, exact.Eigenvalues, epsilon, o);
            predictions.Add(new PredictedLimit(name, description + (exact is null ? " (SLQ spectrum)" : " (exact spectrum)"),
                e.KeptFraction, e.KeptFractionLower, e.KeptFractionUpper, target));
        }
        AddSpectral("Paper", "Zhang et al. 2024: ρ = 1 − W(R)/D_p, W = Σ 2ε/(2ε + |λ|R²)", NegativeCurvature.Absolute, WidthApproximation.Paper, PruningTarget.QuadraticModel);
        AddSpectral("PaperClip", "the paper's W with negative curvature clipped to 0", NegativeCurvature.Clip, WidthApproximation.Paper, PruningTarget.QuadraticModel);
        AddSpectral("Tangent", "tangent-cone width W_t = Σ min(1, 2ε/(|λ|R²))", NegativeCurvature.Absolute, WidthApproximation.Tangent, PruningTarget.QuadraticModel);
        AddSpectral("TangentClip", "tangent-cone width with negative curvature clipped to 0", NegativeCurvature.Clip, WidthApproximation.Tangent, PruningTarget.Reoptimized);

        if (exact is not null)
        {
            // First-order correction: centre w* − C⁺g, ε + ½gᵀC⁺g (docs/validation.md measures whether it helps).
            var absShift = FirstOrderShift.FromEigendecomposition(exact, gradient, NegativeCurvature.Absolute, options.FirstOrderRelativeCutoff);
            var clipShift = FirstOrderShift.FromEigendecomposition(exact, gradient, NegativeCurvature.Clip, options.FirstOrderRelativeCutoff);
            var paper1 = PhaseTransition.Estimate(w, exact.Eigenvalues, epsilon, phaseOptions with { FirstOrder = absShift });
            var tangent1 = PhaseTransition.Estimate(w, exact.Eigenvalues, epsilon,
                phaseOptions with { FirstOrder = clipShift, NegativeCurvature = NegativeCurvature.Clip, Width = WidthApproximation.Tangent });
            predictions.Add(new PredictedLimit("PaperFirstOrder", "the paper's W with the first-order shift of the sublevel set (|H|⁺g)",
                paper1.KeptFraction, paper1.KeptFractionLower, paper1.KeptFractionUpper, PruningTarget.QuadraticModel));
            predictions.Add(new PredictedLimit("TangentClipFirstOrder", "tangent width, clipped curvature, with the first-order shift (H₊⁺g)",
                tangent1.KeptFraction, tangent1.KeptFractionLower, tangent1.KeptFractionUpper, PruningTarget.Reoptimized));
        }

        if (exact is not null && options.MonteCarloSamples > 0)
        {
            progress?.Report("true statistical dimension (Monte Carlo)");
            double rho = TrueStatisticalDimensionFixedPoint(profile, exact, epsilon, options.MonteCarloSamples, options.Seed, cancellationToken);
            predictions.Add(new PredictedLimit("TrueStatisticalDimension",
                "ρ = 1 − δ(C)/D_p with δ of the sublevel-set cone estimated by Monte Carlo (exact spectrum and centre direction)",
                rho, double.NaN, double.NaN, PruningTarget.Reoptimized));
        }

        progress?.Report("quadratic models");
        var taylor = SparseIntersection.FindUncompensatedLimit(counted, w, epsilon, options.Prunable, new IntersectionOptions { Gradient = gradient }, cancellationToken);
        predictions.Add(new PredictedLimit("OneShotTaylor",
            "smallest ρ with −gᵀw_F + ½ w_Fᵀ H w_F ≤ ε: the second-order Taylor model of plain magnitude pruning",
            taylor.KeptFraction, double.NaN, double.NaN, PruningTarget.OneShot));
        var plain = SparseIntersection.FindUncompensatedLimit(counted, w, epsilon, options.Prunable, cancellationToken);
        predictions.Add(new PredictedLimit("OneShotQuadratic",
            "smallest ρ with ½ w_Fᵀ H w_F ≤ ε: the pure second-order model of plain magnitude pruning (no gradient term)",
            plain.KeptFraction, double.NaN, double.NaN, PruningTarget.OneShot));

        ISymmetricOperator? curvature = exact is not null ? exact.Function(Math.Abs) : psdCurvature;
        string? curvatureName = exact is not null ? "|H|" : psdCurvature is not null ? "Gauss-Newton" : null;
        IntersectionLimit? quadratic = curvature is null ? null
            : SparseIntersection.FindLimit(curvature, w, epsilon, options.Prunable, null, cancellationToken);

        progress?.Report("measured one-shot pruning");
        var oneShot = MeasuredPruning.OneShotLimit(loss, profile, epsilon, null, cancellationToken);
        MeasuredPruningLimit? reoptimized = null;
        if (options.Reoptimize)
        {
            progress?.Report("measured pruning with re-optimised weights");
            reoptimized = MeasuredPruning.ReoptimizedLimit(objective, w, epsilon, options.Prunable, null, options.Reoptimization, cancellationToken);
        }

        return new PruningReport
        {
            Epsilon = epsilon,
            Dimension = w.Length,
            PrunableCount = profile.PrunableCount,
            Predictions = predictions,
            OneShot = oneShot,
            Reoptimized = reoptimized,
            QuadraticModel = quadratic,
            QuadraticModelCurvature = curvatureName,
            Spectrum = spectrum,
            ExactEigenvalues = exact?.Eigenvalues.ToArray(),
            OperatorApplications = counted.Applications,
            Elapsed = watch.Elapsed,
        };
    }

    /// <summary>
    /// Fixed point ρ = 1 − δ(C(ρ))/D_p where C(ρ) is the cone generated by the sublevel-set ellipsoid seen from the pruned
    /// point w^k: semi-axes √(2ε/|λᵢ|), centre Vᵀ(w* − w^k). δ = D when the pruned point lies inside the ellipsoid. Bisection
    /// on ρ with common random numbers (one seed) so the Monte Carlo noise does not break monotonicity.
    /// </summary>
    internal static double TrueStatisticalDimensionFixedPoint(MagnitudeProfile profile, SymmetricEigendecomposition exact,
        double epsilon, int samples, int seed, CancellationToken cancellationToken)
    {
        int n = profile.Count;
        var eigenvalues = exact.Eigenvalues.ToArray();
        var pruned = new double[n];
        var centre = new double[n];
        var coordinates = new double[n];

        double Delta(double rho)
        {
            int k = profile.KeptCount(rho);
            profile.Prune(k, pruned);
            for (int i = 0; i < n; i++) centre[i] = profile.Weights[i] - pruned[i];
            double r = Numerics.Kernels.VectorKernels.Norm(centre);
            if (r == 0) return n;
            exact.ToEigenbasis(centre, coordinates);
            double inside = 0;
            for (int i = 0; i < n; i++) inside += Math.Abs(eigenvalues[i]) * coordinates[i] * coordinates[i] / (2 * epsilon);
            if (inside <= 1) return n;
            var cone = EllipsoidCone.FromSublevelSet(eigenvalues, epsilon, r, coordinates);
            return StatisticalDimension.Estimate(cone, samples, seed, cancellationToken).Value;
        }

        // 16 halvings resolve ρ to 1.5e-5, far below the Monte Carlo noise.
        return Bisection.FixedPoint(rho => Math.Clamp(1 - Delta(rho) / profile.PrunableCount, 0, 1), iterations: 16);
    }
}
