using SparsityBounds.Models;
using SparsityBounds.Pruning;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Pruning;

public class PruningReportTests
{
    private static (Mlp Mlp, MlpObjective Objective, double[] Theta) TrainedModel()
    {
        var data = SampleData.Digits();
        var mlp = new Mlp([64, 8, 10], Activation.Tanh);
        var theta = MlpTrainer.Train(mlp, data, Loss.SoftmaxCrossEntropy, new MlpTrainingOptions { L1Penalty = 1e-4, Epochs = 30, Seed = 2 }).Parameters;
        return (mlp, new MlpObjective(mlp, data, Loss.SoftmaxCrossEntropy), theta);
    }

    [Test]
    public void Report_IsConsistentWithTheIndividualTools()
    {
        var (mlp, objective, theta) = TrainedModel();
        double epsilon = objective.MinibatchLossStandardDeviation(theta);
        var options = new PruningReportOptions { Prunable = mlp.WeightMask(), MonteCarloSamples = 30, Reoptimization = new ReoptimizationOptions { MaxIterations = 30 } };
        var lines = new List<string>();
        var report = PruningReport.Create(objective, theta, epsilon, options, new Progress(lines.Add));

        Assert.That(report.Dimension, Is.EqualTo(mlp.ParameterCount));
        Assert.That(report.PrunableCount, Is.EqualTo(mlp.WeightMask().Count(b => b)));
        Assert.That(report.ExactEigenvalues, Is.Not.Null, "D = 610 is below the exact-spectrum limit");
        Assert.That(report.Predictions.Select(p => p.Name), Is.EqualTo(new[] { "Paper", "PaperClip", "Tangent", "TangentClip", "PaperFirstOrder", "TangentClipFirstOrder", "TrueStatisticalDimension", "OneShotTaylor", "OneShotQuadratic" }));
        Assert.That(report.Predictions.Select(p => p.KeptFraction), Is.All.InRange(0.0, 1.0));

        // Each entry equals the tool it summarises.
        var exactPaper = PhaseTransition.Estimate(theta, report.ExactEigenvalues!.ToArray(), epsilon, new PhaseTransitionOptions { Prunable = mlp.WeightMask() });
        Assert.That(report["Paper"]!.KeptFraction, Is.EqualTo(exactPaper.KeptFraction));
        Assert.That(report.OneShot.KeptFraction, Is.EqualTo(MeasuredPruning.OneShotLimit(w => objective.Value(w), theta, epsilon, mlp.WeightMask()).KeptFraction));
        var gradient = new double[theta.Length];
        objective.Gradient(theta, gradient);
        var taylor = SparseIntersection.FindUncompensatedLimit(objective.Hessian(theta), theta, epsilon, mlp.WeightMask(), new IntersectionOptions { Gradient = gradient });
        Assert.That(report["OneShotTaylor"]!.KeptFraction, Is.EqualTo(taylor.KeptFraction));
        Assert.That(report.QuadraticModelCurvature, Is.EqualTo("|H|"));

        // Re-optimising never raises the loss, so it never needs more weights than one-shot pruning on the same grid.
        Assert.That(report.Reoptimized, Is.Not.Null);
        for (int i = 0; i < report.OneShot.Curve.Count; i += 50 / 20)
        {
            double rho = report.OneShot.Curve[i].KeptFraction;
            var match = report.Reoptimized!.Curve.Where(c => Math.Abs(c.KeptFraction - rho) < 1e-12).ToList();
            if (match.Count == 1) Assert.That(match[0].LossIncrease, Is.LessThanOrEqualTo(report.OneShot.Curve[i].LossIncrease + 1e-12), $"ρ = {rho}");
        }
        Assert.That(report.Measured(PruningTarget.Reoptimized), Is.LessThanOrEqualTo(report.Measured(PruningTarget.OneShot)));
        Assert.That(report.OperatorApplications, Is.GreaterThanOrEqualTo(theta.Length), "the exact spectrum costs D products");
        Assert.That(lines, Has.Count.GreaterThanOrEqualTo(5));
        TestContext.Out.WriteLine(string.Join("\n", report.Predictions.Select(p => $"{p.Name}: {p.KeptFraction:F4}")) +
            $"\nmeasured one-shot {report.OneShot.KeptFraction:F4}, re-optimised {report.Reoptimized!.KeptFraction:F4}, quadratic |H| {report.QuadraticModel!.KeptFraction:F4}");
    }

    [Test]
    public void Report_RejectsBadInput()
    {
        var (_, objective, theta) = TrainedModel();
        Assert.That(() => PruningReport.Create(objective, theta, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("epsilon"));
        Assert.That(() => PruningReport.Create(objective, theta.AsSpan(1).ToArray(), 0.1), Throws.ArgumentException.With.Property("ParamName").EqualTo("parameters"));
        Assert.That(() => PruningReport.Create(objective, theta, 0.1, new PruningReportOptions { Prunable = [true] }), Throws.ArgumentException.With.Property("ParamName").EqualTo("Prunable"));
    }

    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
