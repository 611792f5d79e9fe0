using SparsityBounds.Models;

namespace SparsityBounds.Tests.Models;

[TestFixture]
public partial class MlpObjectiveTests
{
    private static IEnumerable<ModelCase> Cases() => ModelCase.All();
    private static IEnumerable<ModelCase> SmoothCases() => ModelCase.Smooth();

    [TestCaseSource(nameof(Cases))]
    public void Value_MatchesNaivePerSampleImplementation(ModelCase c)
    {
        double expected = NaiveMlp.Value(c, c.Parameters);
        double actual = c.Objective().Value(c.Parameters);
        Assert.That(actual, Is.EqualTo(expected).Within(1e-12 * Math.Abs(expected)));
    }

    [TestCaseSource(nameof(Cases))]
    public void Value_WithL1_AddsLambdaTimesL1Norm(ModelCase c)
    {
        const double lambda = 3e-3;
        double expected = NaiveMlp.Value(c, c.Parameters, lambda);
        double actual = c.Objective(lambda).Value(c.Parameters);
        Assert.That(actual, Is.EqualTo(expected).Within(1e-12 * Math.Abs(expected)));
    }

    [Test]
    public void Value_OnMoreThanOneBlock_MatchesNaive([Values] Activation activation, [Values] Loss loss)
    {
        var c = new ModelCase(activation, loss, hiddenLayers: 2, samples: 203, regression: loss == Loss.MeanSquaredError, seed: 5);
        double expected = NaiveMlp.Value(c, c.Parameters);
        Assert.That(c.Objective().Value(c.Parameters), Is.EqualTo(expected).Within(1e-12 * Math.Abs(expected)));
    }

    [Test]
    public void SquaredErrorOnLabels_UsesOneHotTargets([Values] Activation activation)
    {
        var c = new ModelCase(activation, Loss.MeanSquaredError, hiddenLayers: 1, regression: false, seed: 3);
        double expected = NaiveMlp.Value(c, c.Parameters);
        Assert.That(c.Objective().Value(c.Parameters), Is.EqualTo(expected).Within(1e-12 * expected));

        // Gradient and curvature products equal those of the regression problem with explicit one-hot targets.
        var oneHot = new double[c.Count, c.Sizes[^1]];
        for (int i = 0; i < c.Count; i++) oneHot[i, c.Label(i)] = 1.0;
        var explicitTargets = new MlpObjective(c.Model, new Dataset(c.Features, oneHot), Loss.MeanSquaredError);
        var g1 = new double[c.Dimension];
        var g2 = new double[c.Dimension];
        c.Objective().Gradient(c.Parameters, g1);
        explicitTargets.Gradient(c.Parameters, g2);
        Assert.That(g1, Is.EqualTo(g2));
        double[] v = ModelCase.RandomVector(c.Dimension, 4);
        c.Objective().Hessian(c.Parameters).Apply(v, g1);
        explicitTargets.Hessian(c.Parameters).Apply(v, g2);
        Assert.That(g1, Is.EqualTo(g2));
    }

    [Test]
    public void DataLoss_ExcludesPenalty_AndSampleLossesAverageToIt()
    {
        var c = new ModelCase(Activation.Tanh, Loss.SoftmaxCrossEntropy, 2, samples: 130);
        var objective = c.Objective(0.01);
        double dataLoss = objective.DataLoss(c.Parameters);
        Assert.That(dataLoss, Is.EqualTo(NaiveMlp.Value(c, c.Parameters)).Within(1e-12 * dataLoss));
        double[] perSample = objective.SampleLosses(c.Parameters);
        Assert.That(perSample, Has.Length.EqualTo(c.Count));
        for (int i = 0; i < c.Count; i += 17)
        {
            double expected = NaiveMlp.SampleLoss(c.Loss, NaiveMlp.Forward(c.Sizes, c.Activation, c.Parameters, c.Row(i)), c.Label(i), null);
            Assert.That(perSample[i], Is.EqualTo(expected).Within(1e-12 * expected));
        }
        Assert.That(perSample.Average(), Is.EqualTo(dataLoss).Within(1e-12 * dataLoss));
    }

    [Test]
    public void Predict_MatchesNaiveForward_AndAccuracyCountsArgMax()
    {
        var c = new ModelCase(Activation.Sigmoid, Loss.SoftmaxCrossEntropy, 3, samples: 90);
        double[,] logits = c.Model.Predict(c.Parameters, c.Data);
        int correct = 0;
        for (int i = 0; i < c.Count; i++)
        {
            double[] expected = NaiveMlp.Forward(c.Sizes, c.Activation, c.Parameters, c.Row(i));
            for (int k = 0; k < expected.Length; k++) Assert.That(logits[i, k], Is.EqualTo(expected[k]).Within(1e-12));
            var single = new double[c.Sizes[^1]];
            c.Model.Predict(c.Parameters, c.Row(i), single);
            Assert.That(single, Is.EqualTo(expected).Within(1e-12));
            int argMax = Array.IndexOf(expected, expected.Max());
            if (argMax == c.Label(i)) correct++;
        }
        Assert.That(c.Objective().Accuracy(c.Parameters), Is.EqualTo((double)correct / c.Count));
    }

    [Test]
    public void MinibatchLossStandardDeviation_MatchesDirectComputation()
    {
        var c = new ModelCase(Activation.Relu, Loss.SoftmaxCrossEntropy, 2, samples: 700);
        var objective = c.Objective();
        const int batch = 128, seed = 4;
        int[] order = MlpObjective.SamplePermutation(c.Count, seed, 0);
        Assert.That(order.OrderBy(i => i), Is.EqualTo(Enumerable.Range(0, c.Count)), "a permutation");
        int batches = c.Count / batch;   // 5 full batches; the last 60 samples are dropped
        var means = new double[batches];
        for (int b = 0; b < batches; b++)
            means[b] = Enumerable.Range(b * batch, batch)
                .Select(i => NaiveMlp.SampleLoss(c.Loss, NaiveMlp.Forward(c.Sizes, c.Activation, c.Parameters, c.Row(order[i])), c.Label(order[i]), null))
                .Average();
        double mean = means.Average();
        double expected = Math.Sqrt(means.Sum(m => (m - mean) * (m - mean)) / (batches - 1));
        double actual = objective.MinibatchLossStandardDeviation(c.Parameters, batch, seed);
        Assert.That(actual, Is.EqualTo(expected).Within(1e-10 * expected));
        Assert.That(actual, Is.GreaterThan(0));
    }

    [Test]
    public void InitializeParameters_IsHeScaledAndDeterministic()
    {
        var model = new Mlp([200, 300, 10], Activation.Relu);
        double[] a = model.InitializeParameters(7), b = model.InitializeParameters(7), other = model.InitializeParameters(8);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(other));
        MlpLayer first = model.Layers[0];
        double[] w = a[first.Weights];
        double variance = w.Select(v => v * v).Average();
        // 60,000 draws of N(0, 2/200): the sample variance is within a few percent of 0.01.
        Assert.That(variance, Is.EqualTo(2.0 / 200).Within(0.03 * 2.0 / 200));
        Assert.That(w.Average(), Is.EqualTo(0).Within(4 * Math.Sqrt(0.01 / w.Length)));
        Assert.That(a[first.Biases], Is.All.EqualTo(0.0));
        Assert.That(a[model.Layers[1].Biases], Is.All.EqualTo(0.0));
    }

    [Test]
    public void Layout_MatchesApiContract()
    {
        var model = new Mlp([4, 3, 2], Activation.Tanh);
        Assert.That(model.ParameterCount, Is.EqualTo(4 * 3 + 3 + 3 * 2 + 2));
        Assert.That(model.Layers[0], Is.EqualTo(new MlpLayer(1, 4, 3, 0, 12)));
        Assert.That(model.Layers[1], Is.EqualTo(new MlpLayer(2, 3, 2, 15, 21)));
        bool[] mask = model.WeightMask();
        Assert.That(mask.Count(m => m), Is.EqualTo(12 + 6));
        Assert.That(mask[12..15], Is.All.False);
        Assert.That(mask[21..23], Is.All.False);
        // z = W a + b with W row-major [n_out, n_in]: set W1[1, 2] = 1 and b1[1] = 0.5, everything else 0.
        var theta = new double[model.ParameterCount];
        theta[1 * 4 + 2] = 1.0;
        theta[12 + 1] = 0.5;
        theta[15 + 0 * 3 + 1] = 1.0;   // W2[0, 1]
        var logits = new double[2];
        model.Predict(theta, new[] { 0.0, 0.0, 0.3, 0.0 }, logits);
        Assert.That(logits[0], Is.EqualTo(Math.Tanh(0.8)).Within(1e-15));
        Assert.That(logits[1], Is.EqualTo(0.0));
    }
}
