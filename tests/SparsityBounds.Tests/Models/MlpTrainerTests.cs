using System.Diagnostics;
using SparsityBounds.Models;

namespace SparsityBounds.Tests.Models;

[TestFixture]
public class MlpTrainerTests
{
    [Test]
    [Category("Statistical")]
    public void Train_DigitsReluNet_ReachesNinetyFivePercentTrainingAccuracy()
    {
        Dataset digits = SampleData.Digits();
        var model = new Mlp([64, 64, 32, 10], Activation.Relu);
        var options = MlpTrainingOptions.Default with { L1Penalty = 1e-4, Seed = 1 };
        var progress = new List<MlpTrainingProgress>();
        var clock = Stopwatch.StartNew();
        MlpTrainingResult result = MlpTrainer.Train(model, digits, Loss.SoftmaxCrossEntropy, options, new SynchronousProgress(progress));
        clock.Stop();
        double accuracy = new MlpObjective(model, digits, Loss.SoftmaxCrossEntropy).Accuracy(result.Parameters);
        TestContext.Out.WriteLine($"digits [64, 64, 32, 10] ReLU, {options.Epochs} epochs: {clock.Elapsed.TotalSeconds:F2} s, " +
                                  $"training accuracy {accuracy:P2}, training loss {result.TrainingLoss:G4}");
        Assert.That(accuracy, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(progress, Has.Count.EqualTo(options.Epochs));
        Assert.That(progress[^1].Epoch, Is.EqualTo(options.Epochs));
        Assert.That(result.EpochLosses, Has.Count.EqualTo(options.Epochs));
        Assert.That(result.EpochLosses[^1], Is.LessThan(result.EpochLosses[0] / 5));
        Assert.That(result.Steps, Is.EqualTo(options.Epochs * (long)Math.Ceiling(1797 / 128.0)));
        Assert.That(result.TrainingLoss, Is.EqualTo(new MlpObjective(model, digits, Loss.SoftmaxCrossEntropy).DataLoss(result.Parameters)));
    }

    [Test]
    public void Train_IsBitwiseIdentical_ForOneThreadAndAllThreads()
    {
        var c = new ModelCase(Activation.Tanh, Loss.SoftmaxCrossEntropy, hiddenLayers: 2, samples: 300);
        var options = new MlpTrainingOptions { Epochs = 3, BatchSize = 128, L1Penalty = 1e-3, WeightDecay = 1e-4, Seed = 3 };
        double[] serial = MlpTrainer.Train(c.Model, c.Data, c.Loss, options with { MaxDegreeOfParallelism = 1 }).Parameters;
        double[] parallel = MlpTrainer.Train(c.Model, c.Data, c.Loss, options).Parameters;
        Assert.That(parallel.Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(serial.Select(BitConverter.DoubleToInt64Bits)));
        double[] otherSeed = MlpTrainer.Train(c.Model, c.Data, c.Loss, options with { Seed = 4 }).Parameters;
        Assert.That(otherSeed, Is.Not.EqualTo(serial));
    }

    [Test]
    public void Train_OneFullBatchStep_IsOneSgdStepOnTheObjective()
    {
        // One epoch, one batch holding every sample, no momentum history: θ₁ = θ₀ − η (∇L + λ sign θ₀ + decay θ₀).
        var c = new ModelCase(Activation.Sigmoid, Loss.MeanSquaredError, hiddenLayers: 1, samples: 50, regression: true);
        var options = new MlpTrainingOptions { Epochs = 1, BatchSize = 50, LearningRate = 0.1, Schedule = LearningRateSchedule.Constant, L1Penalty = 1e-2, WeightDecay = 1e-3 };
        double[] trained = MlpTrainer.Train(c.Model, c.Data, c.Loss, c.Parameters, options).Parameters;
        var g = new double[c.Dimension];
        c.Objective(1e-2).Gradient(c.Parameters, g);
        for (int i = 0; i < c.Dimension; i++)
        {
            double expected = c.Parameters[i] - 0.1 * (g[i] + 1e-3 * c.Parameters[i]);
            Assert.That(trained[i], Is.EqualTo(expected).Within(1e-14), $"entry {i}");
        }
    }

    [Test]
    public void Train_HonoursCancellation()
    {
        var c = new ModelCase(Activation.Relu, Loss.SoftmaxCrossEntropy, 1, samples: 200);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => MlpTrainer.Train(c.Model, c.Data, c.Loss, cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Train_RejectsBadOptionsAndParameters()
    {
        var c = new ModelCase(Activation.Relu, Loss.SoftmaxCrossEntropy, 1);
        Assert.That(() => MlpTrainer.Train(c.Model, c.Data, c.Loss, new MlpTrainingOptions { Epochs = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Epochs"));
        Assert.That(() => MlpTrainer.Train(c.Model, c.Data, c.Loss, new MlpTrainingOptions { LearningRate = double.NaN }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("LearningRate"));
        Assert.That(() => MlpTrainer.Train(c.Model, c.Data, c.Loss, new MlpTrainingOptions { Momentum = 1.0 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Momentum"));
        Assert.That(() => MlpTrainer.Train(c.Model, c.Data, c.Loss, new MlpTrainingOptions { L1Penalty = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("L1Penalty"));
        Assert.That(() => MlpTrainer.Train(c.Model, c.Data, c.Loss, new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("initialParameters"));
    }

    [Test]
    public void Train_ReportsDivergence()
    {
        var c = new ModelCase(Activation.Relu, Loss.MeanSquaredError, 1, regression: true);
        var options = new MlpTrainingOptions { Epochs = 200, LearningRate = 1e6, Schedule = LearningRateSchedule.Constant };
        Assert.That(() => MlpTrainer.Train(c.Model, c.Data, c.Loss, options), Throws.InvalidOperationException.With.Message.Contains("diverged"));
    }

    [Test]
    public void LearningRateSchedules_FollowTheirFormulas()
    {
        var cosine = new MlpTrainingOptions { Epochs = 10, LearningRate = 0.2 };
        Assert.That(cosine.LearningRateAt(0), Is.EqualTo(0.2));
        Assert.That(cosine.LearningRateAt(5), Is.EqualTo(0.1).Within(1e-15));
        var step = cosine with { Schedule = LearningRateSchedule.Step };
        Assert.That(new[] { step.LearningRateAt(4), step.LearningRateAt(5), step.LearningRateAt(8) }, Is.EqualTo(new[] { 0.2, 0.02, 0.002 }).Within(1e-15));
        Assert.That((cosine with { Schedule = LearningRateSchedule.Constant }).LearningRateAt(9), Is.EqualTo(0.2));
    }

    // Progress<T> posts to the thread pool; this one records synchronously.
    private sealed class SynchronousProgress(List<MlpTrainingProgress> sink) : IProgress<MlpTrainingProgress>
    {
        public void Report(MlpTrainingProgress value) => sink.Add(value);
    }
}
