using SparsityBounds.Operators;
using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Cli.Demo;
using SparsityBounds.Cli.Infrastructure;
using SparsityBounds.Models;
using SparsityBounds.Pruning;

namespace SparsityBounds.Cli.Tests.Demo;

/// <summary>
/// The demo pipeline on a small network ([64, 6, 10], D = 460), checked against independent computations: the
/// measured limits against the real loss, the exact prediction against MathNet's eigenvalues of the materialised
/// Hessian, the one-shot quadratic limit against ½δᵀ|H|δ from MathNet's |H|.
/// </summary>
public sealed class DemoPipelineTests
{
    private static readonly DemoOptions Small = new()
    {
        Hidden = [6],
        Epochs = 15,
        Probes = 2,
        Steps = 60,
        GridPoints = 21,
        RetrainingIterations = 40,
        Exact = ExactSpectrumMode.On,
    };

    private static DemoResult? _result;

    private static DemoResult Result => _result ??= DemoPipeline.Run(Small);

    private static LimitRow Row(LimitKind kind) => Result.Limits.Single(l => l.Kind == kind);

    private static (MlpObjective Objective, MagnitudeProfile Profile) Model()
    {
        var mlp = new Mlp(Result.LayerSizes, Activation.Relu);
        return (new MlpObjective(mlp, SampleData.Digits(), Loss.SoftmaxCrossEntropy), new MagnitudeProfile(Result.Weights, Result.Prunable));
    }

    private static double[,] DenseHessian()
    {
        var (objective, _) = Model();
        var h = objective.Hessian(Result.Weights);
        int d = h.Dimension;
        var a = h.ToDenseMatrix();
        for (int i = 0; i < d; i++)
            for (int j = 0; j < i; j++) a[i, j] = a[j, i] = 0.5 * (a[i, j] + a[j, i]);
        return a;
    }

    [Test]
    public void Shape_AllRowsAndSettings()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Result.LayerSizes, Is.EqualTo(new[] { 64, 6, 10 }));
            Assert.That(Result.Parameters, Is.EqualTo(64 * 6 + 6 + 6 * 10 + 10));
            Assert.That(Result.PrunableParameters, Is.EqualTo(64 * 6 + 6 * 10));
            Assert.That(Result.Limits.Select(l => l.Kind), Is.EquivalentTo(Enum.GetValues<LimitKind>()));
            Assert.That(Result.Limits.Select(l => l.KeptFraction), Is.All.InRange(0.0, 1.0));
            Assert.That(Result.EpsilonSweep.Select(e => e.Scale), Is.EqualTo(new[] { 0.1, 1.0, 10.0 }));
            long taylor = Result.Limits.Single(l => l.Kind == LimitKind.PredictedOneShotTaylor).OperatorProducts;
            Assert.That(taylor, Is.InRange(1, 20), "the Taylor model's bisection: one product per step");
            Assert.That(Result.HessianVectorProducts, Is.EqualTo(2 * 60 + Result.Parameters + taylor), "SLQ products + D for the exact spectrum + the Taylor model");
            Assert.That(Result.QuadraticCurvature, Is.EqualTo("|H|"));
        });
    }

    [Test]
    public void Epsilon_IsTheMinibatchLossDeviation()
    {
        var (objective, _) = Model();
        Assert.That(Result.Epsilon, Is.EqualTo(objective.MinibatchLossStandardDeviation(Result.Weights, 128, Small.Seed)));
        Assert.That(Result.EpsilonSource, Does.Contain("minibatch"));
    }

    [Test]
    public void MeasuredOneShotLimit_IsTheSmallestKeptCountWithinEpsilonOfTheRealLoss()
    {
        var (objective, profile) = Model();
        int k = (int)Math.Round(Row(LimitKind.MeasuredOneShot).KeptFraction * profile.PrunableCount);
        double baseLoss = objective.Value(Result.Weights);
        var pruned = new double[profile.Count];
        profile.Prune(k, pruned);
        double atLimit = objective.Value(pruned) - baseLoss;
        profile.Prune(k - 1, pruned);
        double below = objective.Value(pruned) - baseLoss;
        Assert.That(atLimit, Is.LessThanOrEqualTo(Result.Epsilon));
        Assert.That(below, Is.GreaterThan(Result.Epsilon));
    }

    [Test]
    public void ExactPrediction_MatchesMathNetEigenvalues()
    {
        var evd = Matrix<double>.Build.DenseOfArray(DenseHessian()).Evd(Symmetricity.Symmetric);
        double[] eigenvalues = evd.EigenValues.Select(c => c.Real).ToArray();
        var expected = PhaseTransition.Estimate(Result.Weights, eigenvalues, Result.Epsilon, new PhaseTransitionOptions { Prunable = Result.Prunable });
        Assert.That(Row(LimitKind.PredictedExact).KeptFraction, Is.EqualTo(expected.KeptFraction).Within(1e-8));
        Assert.That(Result.Eigenvalues!.Max(), Is.EqualTo(eigenvalues.Max()).Within(1e-10));
    }

    [Test]
    public void SlqPrediction_IsCloseToTheExactOne()
    {
        // 2 probes × 60 steps: within its own statistical band widened by a few hundredths (quadrature bias near λ = 0).
        var slq = Row(LimitKind.PredictedSlq);
        Assert.That(slq.KeptFraction, Is.EqualTo(Row(LimitKind.PredictedExact).KeptFraction).Within(0.05));
        Assert.That(slq.StatisticalLower, Is.LessThanOrEqualTo(slq.KeptFraction));
        Assert.That(slq.StatisticalUpper, Is.GreaterThanOrEqualTo(slq.KeptFraction));
        Assert.That(slq.BandLower, Is.LessThanOrEqualTo(slq.StatisticalLower));
        Assert.That(slq.BandUpper, Is.GreaterThanOrEqualTo(slq.StatisticalUpper));
    }

    [Test]
    public void OneShotQuadraticLimit_MatchesHalfDeltaAbsHDeltaFromMathNet()
    {
        var evd = Matrix<double>.Build.DenseOfArray(DenseHessian()).Evd(Symmetricity.Symmetric);
        var absH = evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalArray(evd.EigenValues.Select(c => Math.Abs(c.Real)).ToArray())
            * evd.EigenVectors.Transpose();
        var (_, profile) = Model();
        double Q(int k)
        {
            var pruned = new double[profile.Count];
            profile.Prune(k, pruned);
            var delta = Vector<double>.Build.DenseOfEnumerable(pruned.Zip(Result.Weights, (p, w) => p - w));
            return 0.5 * delta.DotProduct(absH * delta);
        }
        int k = (int)Math.Round(Row(LimitKind.QuadraticUncompensated).KeptFraction * profile.PrunableCount);
        Assert.That(Q(k), Is.LessThanOrEqualTo(Result.Epsilon * (1 + 1e-9)));
        Assert.That(Q(k - 1), Is.GreaterThan(Result.Epsilon * (1 - 1e-9)));
        // The plotted quadratic curve is the same quantity.
        for (int i = 0; i < Result.QuadraticLossCurve.X.Length; i += 5)
            Assert.That(Result.QuadraticLossCurve.Y[i], Is.EqualTo(Q(profile.KeptCount(Result.QuadraticLossCurve.X[i]))).Within(1e-9 * (1 + Q(0))));
    }

    [Test]
    public void Limits_AreOrderedAsTheTheorySays()
    {
        Assert.Multiple(() =>
        {
            // Re-adjusting the kept weights can only help, in the model and in the real loss.
            Assert.That(Row(LimitKind.QuadraticCompensated).KeptFraction, Is.LessThanOrEqualTo(Row(LimitKind.QuadraticUncompensated).KeptFraction));
            Assert.That(Row(LimitKind.MeasuredRetrained).KeptFraction, Is.LessThanOrEqualTo(Row(LimitKind.MeasuredOneShot).KeptFraction));
            // A larger tolerance never needs more weights (prediction and measurement).
            var sweep = Result.EpsilonSweep;
            for (int i = 1; i < sweep.Count; i++)
            {
                Assert.That(sweep[i].Predicted, Is.LessThanOrEqualTo(sweep[i - 1].Predicted));
                Assert.That(sweep[i].Measured, Is.LessThanOrEqualTo(sweep[i - 1].Measured));
                Assert.That(sweep[i].QuadraticUncompensated, Is.LessThanOrEqualTo(sweep[i - 1].QuadraticUncompensated));
            }
        });
    }

    [Test]
    public void PredictionCheck_IsTheRealLossAtTheMagnitudeSupport()
    {
        var (objective, profile) = Model();
        var pruned = new double[profile.Count];
        profile.Prune(Result.Check.KeptCount, pruned);
        Assert.That(Result.Check.PlainLossIncrease, Is.EqualTo(objective.Value(pruned) - objective.Value(Result.Weights)).Within(1e-12));
        Assert.That(Result.Check.KeptCount, Is.EqualTo(profile.KeptCount(Row(LimitKind.PredictedSlq).KeptFraction)));
        Assert.That(Result.Check.ModelReadjustedLossIncrease, Is.LessThanOrEqualTo(Result.Check.ModelPlainLossIncrease));
        Assert.That(Result.Check.Converged, Is.True);
    }

    [Test]
    public void Curves_AreConsistent()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Result.MagnitudeCurve.X, Is.Ordered.Descending, "R(ρ) falls as more weights are kept");
            Assert.That(Result.MagnitudeCurve.X[^1], Is.Zero);
            Assert.That(Result.TheoryCurve.Y, Is.Ordered.Ascending, "1 − W(R)/Dp rises with R");
            Assert.That(Result.TheoryCurve.Y, Is.All.InRange(0.0, 1.0));
            Assert.That(Result.MeasuredLossCurve.X, Has.Length.EqualTo(Small.GridPoints));
            Assert.That(Result.SpectralDensity.Y, Is.All.GreaterThanOrEqualTo(0.0));
        });
    }

    [Test]
    public void SameSeed_SameNumbers()
    {
        var again = DemoPipeline.Run(Small);
        Assert.Multiple(() =>
        {
            Assert.That(again.Weights, Is.EqualTo(Result.Weights));
            Assert.That(again.Limits.Select(l => l.KeptFraction), Is.EqualTo(Result.Limits.Select(l => l.KeptFraction)));
            Assert.That(again.EpsilonSweep, Is.EqualTo(Result.EpsilonSweep));
            Assert.That(again.SpectralDensity.Y, Is.EqualTo(Result.SpectralDensity.Y));
        });
    }

    [Test]
    public void ExactOff_UsesGaussNewtonAndNoExactRow()
    {
        var result = DemoPipeline.Run(Small with { Exact = ExactSpectrumMode.Off, EpsilonScales = [1.0] });
        Assert.Multiple(() =>
        {
            Assert.That(result.QuadraticCurvature, Is.EqualTo("Gauss-Newton"));
            Assert.That(result.Limits.Any(l => l.Kind == LimitKind.PredictedExact), Is.False);
            Assert.That(result.Eigenvalues, Is.Null);
            Assert.That(result.Limits.Any(l => l.Kind == LimitKind.PredictedReoptimizedFirstOrder), Is.False, "needs the exact spectrum");
            Assert.That(result.HessianVectorProducts, Is.EqualTo(2 * 60 + result.Limits.Single(l => l.Kind == LimitKind.PredictedOneShotTaylor).OperatorProducts));
            Assert.That(result.EpsilonSweep, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void GivenEpsilon_IsUsed()
    {
        var result = DemoPipeline.Run(Small with { Epsilon = 0.05, Exact = ExactSpectrumMode.Off, EpsilonScales = [1.0] });
        Assert.That(result.Epsilon, Is.EqualTo(0.05));
        Assert.That(result.EpsilonSource, Does.Contain("command line"));
    }

    [Test]
    public void Cancellation_StopsTheRun()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.That(() => DemoPipeline.Run(Small, null, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Json_CarriesEveryNumberButNotTheArrays()
    {
        string json = CliJson.Serialize(Result);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("epsilon").GetDouble(), Is.EqualTo(Result.Epsilon));
            Assert.That(root.GetProperty("limits").GetArrayLength(), Is.EqualTo(Result.Limits.Count));
            Assert.That(root.GetProperty("limits")[0].GetProperty("kind").GetString(), Is.EqualTo("predictedSlq"));
            Assert.That(root.GetProperty("epsilonSweep")[1].GetProperty("measured").GetDouble(), Is.EqualTo(Result.EpsilonSweep[1].Measured));
            Assert.That(root.GetProperty("measuredLossCurve").GetProperty("y").GetArrayLength(), Is.EqualTo(Small.GridPoints));
            Assert.That(root.TryGetProperty("weights", out _), Is.False);
            Assert.That(root.TryGetProperty("eigenvalues", out _), Is.False);
        });
    }
}
