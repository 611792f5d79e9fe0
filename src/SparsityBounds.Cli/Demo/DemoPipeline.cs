using System.Diagnostics;
using SparsityBounds.Models;
using SparsityBounds.Operators;
using SparsityBounds.Pruning;
using SparsityBounds.Spectral;

namespace SparsityBounds.Cli.Demo;

/// <summary>The stages of the demo, in order.</summary>
internal enum DemoStage
{
    /// <summary>LOMP training (SGD + momentum, L1).</summary>
    Training,
    /// <summary>Stochastic Lanczos quadrature of the Hessian and the predicted limit.</summary>
    Spectrum,
    /// <summary>Exact eigendecomposition (D Hessian-vector products + O(D³)).</summary>
    ExactSpectrum,
    /// <summary>Quadratic-model limits (conjugate gradients on the kept block).</summary>
    QuadraticModel,
    /// <summary>Real magnitude pruning, loss evaluated on a grid of kept fractions.</summary>
    MeasuredPruning,
    /// <summary>Real pruning with the kept weights re-optimised (L-BFGS), bisection on the kept count.</summary>
    Retraining,
    /// <summary>The real loss at the predicted kept fraction, plain and re-adjusted.</summary>
    PredictionCheck,
}

/// <summary>Progress of one stage: the fraction done in [0, 1] and a short detail.</summary>
internal readonly record struct DemoProgress(DemoStage Stage, double Fraction, string Detail);

/// <summary>A synchronous <see cref="IProgress{T}"/> (the BCL's Progress posts to the thread pool, out of order).</summary>
internal sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>
/// The paper's experiment end to end (THEORY.md §7): train an MLP with LOMP, predict its pruning limit from the Hessian
/// spectrum, compute the quadratic-model limits the theory describes, prune for real, and collect every number and curve.
/// </summary>
internal static class DemoPipeline
{
    private const int CurvePoints = 201;

    /// <summary>Runs the demo. Pure computation: no console, no files.</summary>
    /// <exception cref="ArgumentException">Invalid options or data.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static DemoResult Run(DemoOptions o, IProgress<DemoProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(o);
        Validate(o);
        var total = Stopwatch.StartNew();
        Dataset data = o.Data ?? SampleData.Digits();
        if (!data.IsClassification)
            throw new ArgumentException("the demo trains a classifier: the data need integer labels.", nameof(o));
        int[] sizes = [data.FeatureCount, .. o.Hidden, data.ClassCount];
        var mlp = new Mlp(sizes, o.Activation);

        // 1. Train with LOMP.
        var watch = Stopwatch.StartNew();
        var trainingOptions = new MlpTrainingOptions { L1Penalty = o.L1Penalty, Epochs = o.Epochs, Seed = o.Seed };
        if (o.LearningRate is double rate) trainingOptions = trainingOptions with { LearningRate = rate };
        var trained = MlpTrainer.Train(mlp, data, Loss.SoftmaxCrossEntropy, trainingOptions,
            new CallbackProgress<MlpTrainingProgress>(p => progress?.Report(new DemoProgress(DemoStage.Training,
                (double)p.Epoch / p.Epochs, FormattableString.Invariant($"epoch {p.Epoch}/{p.Epochs}, loss {p.MeanMinibatchLoss:F4}")))),
            ct);
        double trainingSeconds = watch.Elapsed.TotalSeconds;
        double[] theta = trained.Parameters;
        bool[] prunable = mlp.WeightMask();
        int d = theta.Length, dp = prunable.Count(p => p);
        int zeroWeights = 0;
        for (int i = 0; i < d; i++) if (prunable[i] && theta[i] == 0) zeroWeights++;

        // The loss whose increase ε bounds is the data loss: no L1 term.
        var objective = new MlpObjective(mlp, data, Loss.SoftmaxCrossEntropy);
        double trainingLoss = objective.Value(theta);
        double accuracy = objective.Accuracy(theta);
        // The reference code's batch of 128, smaller for small data sets (the deviation needs at least 2 full batches).
        int batch = Math.Min(128, data.Count / 4);
        double std = batch >= 2 ? objective.MinibatchLossStandardDeviation(theta, batch, o.Seed) : double.NaN;
        double eps = o.Epsilon ?? std;
        string epsSource = o.Epsilon is not null
            ? "given on the command line"
            : batch == 128
                ? "standard deviation of minibatch (128) losses at w* (the paper's reference code)"
                : $"standard deviation of minibatch ({batch}) losses at w* (the reference code uses 128; the data set is small)";
        if (!(eps > 0) || !double.IsFinite(eps))
            throw new ArgumentException(FormattableString.Invariant(
                $"epsilon must be positive and finite, but the minibatch-loss standard deviation is {eps} (pass --epsilon)."), nameof(o));

        // 2. The prediction from Hessian-vector products only (stochastic Lanczos quadrature).
        ISymmetricOperator hessian = objective.Hessian(theta);
        var ptOptions = new PhaseTransitionOptions
        {
            Prunable = prunable,
            Spectrum = new SlqOptions { Probes = o.Probes, Steps = o.Steps, Seed = o.Seed },
        };
        watch.Restart();
        var slq = PhaseTransition.Estimate(theta, hessian, eps, ptOptions,
            new CallbackProgress<double>(f => progress?.Report(new DemoProgress(DemoStage.Spectrum, f, "Hessian-vector products"))), ct);
        double slqSeconds = watch.Elapsed.TotalSeconds;
        SpectralQuadrature spectrum = slq.Spectrum ?? throw new InvalidOperationException("the operator overload returns its spectrum.");
        var rows = new List<LimitRow>
        {
            new(LimitKind.PredictedSlq, $"Predicted: paper formula, SLQ spectrum ({o.Probes}×{o.Steps})", slq.KeptFraction,
                slq.KeptFractionLower, slq.KeptFractionUpper, slq.StatisticalKeptFractionLower, slq.StatisticalKeptFractionUpper,
                slq.OperatorApplications, 0, $"{slq.OperatorApplications:N0} HVPs", slqSeconds),
        };

        // 3. The exact spectrum and |H| when D is small enough; else Gauss–Newton for the quadratic model.
        double[]? eigenvalues = null;
        SymmetricEigendecomposition? decomposition = null;
        PhaseTransitionEstimate? exact = null;
        ISymmetricOperator curvature;
        string curvatureName;
        long hvps = slq.OperatorApplications;
        if (o.UsesExactSpectrum(d))
        {
            progress?.Report(new DemoProgress(DemoStage.ExactSpectrum, 0, $"{d:N0} HVPs + eigendecomposition"));
            watch.Restart();
            decomposition = SymmetricEigendecomposition.Compute(hessian, computeVectors: true, ct);
            eigenvalues = decomposition.Eigenvalues.ToArray();
            exact = PhaseTransition.Estimate(theta, eigenvalues, eps, ptOptions);
            curvature = decomposition.Function(Math.Abs);
            curvatureName = "|H|";
            hvps += d;
            rows.Add(new(LimitKind.PredictedExact, "Predicted: paper formula, exact spectrum", exact.KeptFraction,
                exact.KeptFractionLower, exact.KeptFractionUpper, null, null, d, 0, $"{d:N0} HVPs + O(D³)", watch.Elapsed.TotalSeconds));
        }
        else
        {
            curvature = objective.GaussNewton(theta);
            curvatureName = "Gauss-Newton";
        }

        PhaseTransitionEstimate Tangent(double e) => eigenvalues is null
            ? PhaseTransition.Estimate(theta, spectrum, e, ptOptions with { Width = WidthApproximation.Tangent })
            : PhaseTransition.Estimate(theta, eigenvalues, e, ptOptions with { Width = WidthApproximation.Tangent });
        watch.Restart();
        var tangent = Tangent(eps);
        rows.Add(new(LimitKind.PredictedTangent, $"Predicted: tangent width, {(eigenvalues is null ? "SLQ" : "exact")} spectrum",
            tangent.KeptFraction, tangent.KeptFractionLower, tangent.KeptFractionUpper, null, null, 0, 0, "reuses the spectrum",
            watch.Elapsed.TotalSeconds));

        // 3b. Beyond the paper (docs/validation.md): predictors of the real limits, from the gradient and the same Hessian.
        var gradient = new double[d];
        objective.Gradient(theta, gradient);
        watch.Restart();
        var taylor = SparseIntersection.FindUncompensatedLimit(hessian, theta, eps, prunable, new IntersectionOptions { Gradient = gradient }, ct);
        hvps += taylor.OperatorApplications;
        rows.Add(new(LimitKind.PredictedOneShotTaylor, "Beyond the paper: one-shot Taylor model (H, gradient)", taylor.KeptFraction,
            null, null, null, null, taylor.OperatorApplications, 0, $"{taylor.OperatorApplications:N0} HVPs + 1 gradient", watch.Elapsed.TotalSeconds));
        if (decomposition is not null)
        {
            watch.Restart();
            var shift = FirstOrderShift.FromEigendecomposition(decomposition, gradient, NegativeCurvature.Clip, PruningReportOptions.Default.FirstOrderRelativeCutoff);
            var reoptimizedPrediction = PhaseTransition.Estimate(theta, decomposition.Eigenvalues, eps, ptOptions with
            {
                FirstOrder = shift, NegativeCurvature = NegativeCurvature.Clip, Width = WidthApproximation.Tangent,
            });
            rows.Add(new(LimitKind.PredictedReoptimizedFirstOrder, "Beyond the paper: re-optimised, tangent + clip + gradient shift",
                reoptimizedPrediction.KeptFraction, null, null, null, null, 0, 0, "reuses the spectrum", watch.Elapsed.TotalSeconds));
        }

        // 4. Quadratic-model limits along the magnitude order (PSD curvature: with the indefinite H the compensated
        //    problem is unbounded on small supports, FINDINGS.md).
        var scales = o.EpsilonScales.Contains(1.0) ? o.EpsilonScales : [.. o.EpsilonScales, 1.0];
        Array.Sort(scales);
        var compensated = new Dictionary<double, IntersectionLimit>();
        var uncompensated = new Dictionary<double, IntersectionLimit>();
        var quadraticSeconds = new Dictionary<double, (double Compensated, double Uncompensated)>();
        for (int i = 0; i < scales.Length; i++)
        {
            double s = scales[i];
            progress?.Report(new DemoProgress(DemoStage.QuadraticModel, (double)i / scales.Length, FormattableString.Invariant($"{s:G3} ε")));
            watch.Restart();
            compensated[s] = SparseIntersection.FindLimit(curvature, theta, s * eps, prunable, null, ct);
            double tc = watch.Elapsed.TotalSeconds;
            watch.Restart();
            uncompensated[s] = SparseIntersection.FindUncompensatedLimit(curvature, theta, s * eps, prunable, ct);
            quadraticSeconds[s] = (tc, watch.Elapsed.TotalSeconds);
        }
        string productName = curvatureName == "|H|" ? "|H|·v" : "GN·v";
        rows.Add(new(LimitKind.QuadraticCompensated, $"Quadratic model ({curvatureName}), kept weights re-adjusted",
            compensated[1.0].KeptFraction, null, null, null, null, compensated[1.0].OperatorApplications, 0,
            $"{compensated[1.0].OperatorApplications:N0} {productName}", quadraticSeconds[1.0].Compensated));
        rows.Add(new(LimitKind.QuadraticUncompensated, $"Quadratic model ({curvatureName}), one-shot (no re-adjustment)",
            uncompensated[1.0].KeptFraction, null, null, null, null, uncompensated[1.0].OperatorApplications, 0,
            $"{uncompensated[1.0].OperatorApplications:N0} {productName}", quadraticSeconds[1.0].Uncompensated));

        // 5. The truth: prune for real and evaluate the data loss.
        var profile = new MagnitudeProfile(theta, prunable);
        var measured = new Dictionary<double, MeasuredPruningLimit>();
        double measuredSeconds = 0;
        var measuredOptions = new MeasuredPruningOptions { GridPoints = o.GridPoints };
        for (int i = 0; i < scales.Length; i++)
        {
            double s = scales[i];
            progress?.Report(new DemoProgress(DemoStage.MeasuredPruning, (double)i / scales.Length, FormattableString.Invariant($"{s:G3} ε")));
            watch.Restart();
            measured[s] = MeasuredPruning.OneShotLimit(w => objective.Value(w), profile, s * eps, measuredOptions, ct);
            if (s == 1.0) measuredSeconds = watch.Elapsed.TotalSeconds;
        }
        var truth = measured[1.0];
        rows.Add(new(LimitKind.MeasuredOneShot, "Measured: real loss, one-shot magnitude pruning", truth.KeptFraction,
            null, null, null, null, 0, truth.LossEvaluations, $"{truth.LossEvaluations} loss evaluations", measuredSeconds));

        // 5b. The real loss with the kept weights re-optimised: the real-loss version of "the sparse subspace meets the
        //     sublevel set", which the compensated quadratic model approximates.
        var retrained = new Dictionary<double, MeasuredPruningLimit>();
        double retrainedSeconds = 0;
        var reoptimization = new ReoptimizationOptions { MaxIterations = o.RetrainingIterations };
        for (int i = 0; i < scales.Length; i++)
        {
            double s = scales[i];
            string detail = FormattableString.Invariant($"L-BFGS on the kept weights, {s:G3} ε");
            progress?.Report(new DemoProgress(DemoStage.Retraining, (double)i / scales.Length, detail));
            watch.Restart();
            retrained[s] = MeasuredPruning.ReoptimizedLimit((w, g) => objective.Gradient(w, g), theta, s * eps, prunable,
                new MeasuredPruningOptions { GridPoints = 11 }, reoptimization, ct);
            if (s == 1.0) retrainedSeconds = watch.Elapsed.TotalSeconds;
        }
        rows.Add(new(LimitKind.MeasuredRetrained, "Measured: real loss, kept weights re-optimised", retrained[1.0].KeptFraction,
            null, null, null, null, 0, retrained[1.0].LossEvaluations, $"{retrained[1.0].LossEvaluations:N0} gradients", retrainedSeconds));

        // 6. At the predicted kept fraction, the real loss: plain pruning, and with the kept weights re-adjusted by the
        //    quadratic model's optimal correction δ_T = −C_TT⁻¹ C_TF w*_F (the point the theory says exists).
        progress?.Report(new DemoProgress(DemoStage.PredictionCheck, 0, "conjugate gradients on the kept block"));
        watch.Restart();
        int keptAtPrediction = profile.KeptCount(slq.KeptFraction);
        var solve = SparseIntersection.Solve(curvature, theta, profile.KeepMaskForCount(keptAtPrediction), eps, ct);
        var plainAtPrediction = new double[d];
        profile.Prune(keptAtPrediction, plainAtPrediction);
        var check = new PredictionCheck(slq.KeptFraction, keptAtPrediction,
            objective.Value(plainAtPrediction) - truth.BaseLoss, objective.Value(solve.Weights) - truth.BaseLoss,
            solve.UncompensatedLossIncrease, solve.MinimumLossIncrease, solve.OperatorApplications, solve.Converged,
            watch.Elapsed.TotalSeconds);

        // 7. The same at other tolerances, from the cached spectrum (no new Hessian products).
        var sweep = new List<EpsilonRow>();
        foreach (double s in scales)
        {
            double e = s * eps;
            var predicted = s == 1.0 ? slq : PhaseTransition.Estimate(theta, spectrum, e, ptOptions);
            double? predictedExact = eigenvalues is null ? null
                : s == 1.0 ? exact!.KeptFraction : PhaseTransition.Estimate(theta, eigenvalues, e, ptOptions).KeptFraction;
            sweep.Add(new EpsilonRow(s, e, predicted.KeptFraction, predicted.KeptFractionLower, predicted.KeptFractionUpper,
                predictedExact, Tangent(e).KeptFraction, compensated[s].KeptFraction, uncompensated[s].KeptFraction, measured[s].KeptFraction,
                retrained[s].KeptFraction));
        }

        // 8. Curves for the plots (the theory curve on the SLQ spectrum: the prediction's own).
        var rhoGrid = Enumerable.Range(0, CurvePoints).Select(i => (double)i / (CurvePoints - 1)).ToArray();
        var magnitude = new Curve(rhoGrid.Select(profile.Distance).ToArray(), rhoGrid);
        double rMax = profile.Distance(0);
        var rGrid = Enumerable.Range(0, CurvePoints).Select(i => rMax * i / (CurvePoints - 1)).ToArray();
        var theory = new Curve(rGrid, rGrid.Select(r =>
        {
            double w = spectrum.SpectralSum(l => 2 * eps / (2 * eps + Math.Abs(l) * r * r)).Value;
            return Math.Clamp(1 - w / dp, 0, 1);
        }).ToArray());
        var measuredCurve = new Curve(truth.Curve.Select(p => p.KeptFraction).ToArray(), truth.Curve.Select(p => p.LossIncrease).ToArray());
        var quadraticCurve = QuadraticLossCurve(curvature, profile, theta, truth.Curve.Select(p => p.KeptFraction).ToArray());
        double[] densityGrid = spectrum.DensityGrid(800);
        var density = new double[densityGrid.Length];
        spectrum.Density(densityGrid, density);

        double negative, largest, smallest;
        if (eigenvalues is not null)
        {
            double scale = Math.Max(Math.Abs(eigenvalues[0]), Math.Abs(eigenvalues[^1]));
            negative = eigenvalues.Count(l => l < -Estimate.EstimateRunner.NegligibleEigenvalue * scale);
            smallest = eigenvalues[0];
            largest = eigenvalues[^1];
        }
        else
        {
            negative = Math.Max(0, spectrum.EigenvalueCount(double.NegativeInfinity, 0).Value);
            smallest = Enumerable.Range(0, spectrum.Probes).Min(p => spectrum.Nodes(p)[0]);
            largest = Enumerable.Range(0, spectrum.Probes).Max(p => spectrum.Nodes(p)[^1]);
        }

        return new DemoResult
        {
            LayerSizes = sizes,
            Activation = o.Activation.ToString(),
            Data = o.DataName,
            Samples = data.Count,
            Parameters = d,
            PrunableParameters = dp,
            L1Penalty = o.L1Penalty,
            Epochs = o.Epochs,
            Seed = o.Seed,
            TrainingLoss = trainingLoss,
            TrainingAccuracy = accuracy,
            ZeroWeightFraction = (double)zeroWeights / dp,
            TrainingSeconds = trainingSeconds,
            Epsilon = eps,
            EpsilonSource = epsSource,
            MinibatchLossStandardDeviation = std,
            SpectrumBudget = $"{o.Probes} probes × {o.Steps} steps",
            ExactSpectrum = eigenvalues is not null,
            QuadraticCurvature = curvatureName,
            NegativeEigenvalues = negative,
            LargestEigenvalue = largest,
            SmallestEigenvalue = smallest,
            Limits = rows,
            Check = check,
            EpsilonSweep = sweep,
            HessianVectorProducts = hvps,
            TotalSeconds = total.Elapsed.TotalSeconds,
            MagnitudeCurve = magnitude,
            TheoryCurve = theory,
            MeasuredLossCurve = measuredCurve,
            QuadraticLossCurve = quadraticCurve,
            SpectralDensity = new Curve(densityGrid, density),
            Eigenvalues = eigenvalues,
            Weights = theta,
            Prunable = prunable,
        };
    }

    /// <summary>q_plain(ρ) = ½ δᵀCδ with δ = w^k − w* (zero on the kept weights): one product per point.</summary>
    private static Curve QuadraticLossCurve(ISymmetricOperator curvature, MagnitudeProfile profile, double[] theta, double[] rhos)
    {
        int d = theta.Length;
        var delta = new double[d];
        var product = new double[d];
        var values = new double[rhos.Length];
        for (int i = 0; i < rhos.Length; i++)
        {
            profile.Prune(profile.KeptCount(rhos[i]), delta);
            for (int j = 0; j < d; j++) delta[j] -= theta[j];
            curvature.Apply(delta, product);
            double q = 0;
            for (int j = 0; j < d; j++) q += delta[j] * product[j];
            values[i] = 0.5 * q;
        }
        return new Curve(rhos, values);
    }

    private static void Validate(DemoOptions o)
    {
        if (o.Hidden.Length == 0 || o.Hidden.Any(h => h < 1))
            throw new ArgumentException($"hidden layer widths must be positive integers, got [{string.Join(", ", o.Hidden)}].", "--hidden");
        if (o.Epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {o.Epochs}.", "--epochs");
        if (!(o.L1Penalty >= 0) || !double.IsFinite(o.L1Penalty))
            throw new ArgumentException(FormattableString.Invariant($"the L1 penalty must be finite and ≥ 0, got {o.L1Penalty}."), "--l1");
        if (o.Epsilon is double e && (!(e > 0) || !double.IsFinite(e)))
            throw new ArgumentException(FormattableString.Invariant($"epsilon must be positive and finite, got {e}."), "--epsilon");
        if (o.LearningRate is double r && (!(r > 0) || !double.IsFinite(r)))
            throw new ArgumentException(FormattableString.Invariant($"the learning rate must be positive and finite, got {r}."), "--learning-rate");
        if (o.Probes < 1) throw new ArgumentException($"probes must be at least 1, got {o.Probes}.", "--probes");
        if (o.Steps < 2) throw new ArgumentException($"steps must be at least 2, got {o.Steps}.", "--steps");
        if (o.EpsilonScales.Any(s => !(s > 0) || !double.IsFinite(s)))
            throw new ArgumentException("epsilon scales must be positive and finite.", "--epsilon-scales");
        if (o.GridPoints < 3) throw new ArgumentException($"the pruning grid needs at least 3 points, got {o.GridPoints}.", "--grid");
    }
}
