using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Cli.Demo;
using SparsityBounds.Models;
using SparsityBounds.Pruning;

namespace SparsityBounds.Cli.Tests.Demo;

/// <summary>
/// The masked L-BFGS on a problem with a closed-form answer: a linear model with squared loss, where the best kept
/// weights on a support are a least-squares solution (MathNet SVD, one output at a time).
/// </summary>
public sealed class MaskedRetrainingTests
{
    private const int Samples = 300, Inputs = 64, Classes = 10;

    [Test]
    public void Minimize_ReachesTheLeastSquaresMinimumOnTheSupport_AndKeepsPrunedWeightsZero()
    {
        var data = SampleData.Digits().Subset(Enumerable.Range(0, Samples).ToArray());
        var mlp = new Mlp([Inputs, Classes], Activation.Relu);
        var objective = new MlpObjective(mlp, data, Loss.MeanSquaredError);
        var trained = MlpTrainer.Train(mlp, data, Loss.MeanSquaredError, new MlpTrainingOptions { Epochs = 5, Seed = 2 }).Parameters;
        var profile = new MagnitudeProfile(trained, mlp.WeightMask());
        int k = profile.PrunableCount / 3;
        var start = new double[trained.Length];
        profile.Prune(k, start);
        bool[] keep = profile.KeepMaskForCount(k);

        var (loss, gradients, weights) = MaskedRetraining.Minimize(objective, start, keep, maxIterations: 2000, CancellationToken.None);

        // Oracle: for each output c, least squares over its kept weights and its bias (layout: W[c, j] at c·64 + j, then b).
        double oracle = 0;
        for (int c = 0; c < Classes; c++)
        {
            var columns = Enumerable.Range(0, Inputs).Where(j => keep[c * Inputs + j]).ToArray();
            var a = Matrix<double>.Build.Dense(Samples, columns.Length + 1,
                (i, t) => t < columns.Length ? data.GetFeatures(i)[columns[t]] : 1.0);
            var y = Vector<double>.Build.Dense(Samples, i => data.GetLabel(i) == c ? 1.0 : 0.0);
            // Minimum-norm least squares by a thresholded pseudo-inverse: blank pixels make some columns zero.
            var svd = a.Svd(computeVectors: true);
            double cutoff = 1e-12 * svd.S[0];
            var uty = svd.U.TransposeThisAndMultiply(y);
            var scaled = Vector<double>.Build.Dense(svd.VT.RowCount, i => i < svd.S.Count && svd.S[i] > cutoff ? uty[i] / svd.S[i] : 0.0);
            var beta = svd.VT.TransposeThisAndMultiply(scaled);
            var residual = a * beta - y;
            oracle += 0.5 * residual.DotProduct(residual) / Samples;
        }
        Assert.Multiple(() =>
        {
            Assert.That(loss, Is.LessThan(objective.Value(start)));
            Assert.That(oracle, Is.GreaterThan(0).And.LessThan(1));
            Assert.That(loss, Is.EqualTo(oracle).Within(1e-5 * oracle), $"{gradients} gradients");
            Assert.That(weights.Where((_, i) => !keep[i]), Is.All.Zero, "pruned weights stay exactly 0");
            Assert.That(objective.Value(weights), Is.EqualTo(loss), "the returned loss is the returned point's");
            Assert.That(gradients, Is.LessThan(2500), $"{gradients} gradients, loss {loss}, oracle {oracle}");
        });
    }

    [Test]
    public void FindLimit_IsTheSmallestSupportWithinEpsilonAfterRetraining()
    {
        var data = SampleData.Digits().Subset(Enumerable.Range(0, Samples).ToArray());
        var mlp = new Mlp([Inputs, 4, Classes], Activation.Tanh);
        var objective = new MlpObjective(mlp, data, Loss.SoftmaxCrossEntropy);
        var trained = MlpTrainer.Train(mlp, data, Loss.SoftmaxCrossEntropy, new MlpTrainingOptions { Epochs = 10, Seed = 4 }).Parameters;
        var profile = new MagnitudeProfile(trained, mlp.WeightMask());
        double baseLoss = objective.Value(trained), eps = 0.02;
        var limit = MaskedRetraining.FindLimit(objective, profile, baseLoss, eps, 60, null, CancellationToken.None);
        var steps = limit.Steps.ToDictionary(s => s.KeptCount, s => s.LossIncrease);
        Assert.Multiple(() =>
        {
            Assert.That(limit.KeptFraction, Is.EqualTo((double)limit.KeptCount / profile.PrunableCount));
            Assert.That(limit.KeptCount == profile.PrunableCount || steps[limit.KeptCount] <= eps, Is.True, "the limit was tried and met ε");
            Assert.That(limit.KeptCount == 0 || steps[limit.KeptCount - 1] > eps, Is.True, "one weight fewer was tried and failed");
        });
    }
}
