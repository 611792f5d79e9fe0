using SparsityBounds.Models;
using SparsityBounds.Operators;
using SparsityBounds.Pruning;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Models;

// ProductPrecision.Single: float32 products against the double ones (the oracle, itself checked against finite
// differences and dense Hessians elsewhere), symmetry, determinism, ApplyMany, allocations, end-to-end accuracy.
public class MlpSingleCurvatureOperatorTests
{
    private static bool SameBits(double p, double q) => BitConverter.DoubleToInt64Bits(p) == BitConverter.DoubleToInt64Bits(q);

    private static readonly Lazy<(Mlp Model, double[] Theta)> TrainedRelu = new(() => Train(Activation.Relu));
    private static readonly Lazy<(Mlp Model, double[] Theta)> TrainedTanh = new(() => Train(Activation.Tanh));

    // A [64, 32, 10] net trained 15 epochs on the digits (≈ 97 % training accuracy for ReLU): a realistic, non-random θ.
    private static (Mlp, double[]) Train(Activation activation)
    {
        var model = new Mlp([64, 32, 10], activation);
        var options = MlpTrainingOptions.Default with { Epochs = 15, L1Penalty = 1e-4, Seed = 1 };
        return (model, MlpTrainer.Train(model, SampleData.Digits(), Loss.SoftmaxCrossEntropy, options).Parameters);
    }

    private static IEnumerable<TestCaseData> AccuracyCases()
    {
        foreach (bool trained in new[] { true, false })
            foreach (Activation activation in new[] { Activation.Relu, Activation.Tanh })
                foreach (bool gaussNewton in new[] { false, true })
                    yield return new TestCaseData(trained, activation, gaussNewton);
    }

    private static (MlpObjective Double, MlpObjective Single, double[] Theta) Digits(bool trained, Activation activation)
    {
        (Mlp model, double[] theta) = trained
            ? (activation == Activation.Relu ? TrainedRelu : TrainedTanh).Value
            : (new Mlp([64, 32, 10], activation), new Mlp([64, 32, 10], activation).InitializeParameters(5));
        var objective = new MlpObjective(model, SampleData.Digits(), Loss.SoftmaxCrossEntropy);
        return (objective, new MlpObjective(model, SampleData.Digits(), Loss.SoftmaxCrossEntropy) { ProductPrecision = ProductPrecision.Single }, theta);
    }

    private static double Norm(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (double v in x) s += v * v;
        return Math.Sqrt(s);
    }

    // Measured (2026-11-29, Zen 5): max relative error over 4 directions 4.5e-8 … 7.4e-8 (trained and random, ReLU and
    // tanh, Hessian and GGN), about u₃₂ = 6e-8; the bound leaves a factor ~7.
    [TestCaseSource(nameof(AccuracyCases))]
    public void SingleProducts_MatchDoubleProducts_ToFloat32Accuracy(bool trained, Activation activation, bool gaussNewton)
    {
        (MlpObjective dbl, MlpObjective sgl, double[] theta) = Digits(trained, activation);
        ISymmetricOperator h64 = gaussNewton ? dbl.GaussNewton(theta) : dbl.Hessian(theta);
        ISymmetricOperator h32 = gaussNewton ? sgl.GaussNewton(theta) : sgl.Hessian(theta);
        int d = h64.Dimension;
        double[] y64 = new double[d], y32 = new double[d];
        double worst = 0;
        for (int s = 0; s < 4; s++)
        {
            double[] v = ModelCase.RandomVector(d, 40 + s);
            h64.Apply(v, y64);
            h32.Apply(v, y32);
            double error = 0;
            for (int i = 0; i < d; i++) error += (y32[i] - y64[i]) * (y32[i] - y64[i]);
            worst = Math.Max(worst, Math.Sqrt(error) / Norm(y64));
        }
        TestContext.Out.WriteLine($"trained={trained} {activation} {(gaussNewton ? "GGN" : "Hessian")}: max relative error {worst:E2}");
        Assert.That(worst, Is.LessThan(5e-7));
        Assert.That(worst, Is.GreaterThan(0), "the single path must actually round (differ from double)");
    }

    // uᵀ(Hv) vs vᵀ(Hu), relative to ‖u‖‖Hv‖: measured 7e-12 … 1.1e-9 (double: ~1e-17); bound 1e-8.
    [TestCaseSource(nameof(AccuracyCases))]
    public void SingleProducts_AreSymmetric_ToFloat32Accuracy(bool trained, Activation activation, bool gaussNewton)
    {
        (_, MlpObjective sgl, double[] theta) = Digits(trained, activation);
        ISymmetricOperator h = gaussNewton ? sgl.GaussNewton(theta) : sgl.Hessian(theta);
        int d = h.Dimension;
        double[] u = ModelCase.RandomVector(d, 1), v = ModelCase.RandomVector(d, 2), hu = new double[d], hv = new double[d];
        h.Apply(u, hu);
        h.Apply(v, hv);
        double asymmetry = Math.Abs(ModelCase.Dot(u, hv) - ModelCase.Dot(v, hu)) / (Norm(u) * Math.Max(Norm(hv), Norm(hu)));
        TestContext.Out.WriteLine($"trained={trained} {activation} {(gaussNewton ? "GGN" : "Hessian")}: asymmetry {asymmetry:E2}");
        Assert.That(asymmetry, Is.LessThan(1e-8));
    }

    private static IEnumerable<TestCaseData> AllCases()
    {
        foreach (Activation activation in Enum.GetValues<Activation>())
            foreach (Loss loss in Enum.GetValues<Loss>())
                foreach (bool gaussNewton in new[] { false, true })
                    yield return new TestCaseData(activation, loss, gaussNewton);
    }

    // Every activation × loss × curvature on the seeded small nets (3 hidden layers, biases non-zero): close to double.
    [TestCaseSource(nameof(AllCases))]
    public void SingleProducts_MatchDouble_OnEveryActivationAndLoss(Activation activation, Loss loss, bool gaussNewton)
    {
        var c = new ModelCase(activation, loss, hiddenLayers: 3, samples: 150, regression: loss == Loss.MeanSquaredError, seed: 7);
        MlpObjective dbl = c.Objective();
        var sgl = new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = ProductPrecision.Single };
        ISymmetricOperator h64 = gaussNewton ? dbl.GaussNewton(c.Parameters) : dbl.Hessian(c.Parameters);
        ISymmetricOperator h32 = gaussNewton ? sgl.GaussNewton(c.Parameters) : sgl.Hessian(c.Parameters);
        double[] v = ModelCase.RandomVector(c.Dimension, 3), y64 = new double[c.Dimension], y32 = new double[c.Dimension];
        h64.Apply(v, y64);
        h32.Apply(v, y32);
        double error = Math.Sqrt(y32.Zip(y64, (p, q) => (p - q) * (p - q)).Sum()) / Norm(y64);
        Assert.That(error, Is.LessThan(1e-6), c.ToString());
    }

    [TestCaseSource(nameof(AllCases))]
    public void ApplyMany_EqualsApply_Bitwise(Activation activation, Loss loss, bool gaussNewton)
    {
        // 150 samples: three blocks (the last partial), so the stacked buffers hold partial blocks too.
        var c = new ModelCase(activation, loss, hiddenLayers: 2, samples: 150, regression: loss == Loss.MeanSquaredError, seed: 3);
        var objective = new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = ProductPrecision.Single };
        ISymmetricOperator op = gaussNewton ? objective.GaussNewton(c.Parameters) : objective.Hessian(c.Parameters);
        var block = (IBlockSymmetricOperator)op;
        int d = c.Dimension;
        foreach (int count in new[] { 1, 3, 8, 11 })
        {
            double[] xs = ModelCase.RandomVector(count * d, 100 + count);
            double[] ys = new double[count * d];
            block.ApplyMany(xs, ys, count);
            var one = new double[d];
            for (int j = 0; j < count; j++)
            {
                op.Apply(xs.AsSpan(j * d, d), one);
                Assert.That(ys.AsSpan(j * d, d).ToArray(), Is.EqualTo(one).Using<double>(SameBits), $"count {count}, direction {j}");
            }
        }
    }

    [Test]
    public void ApplyMany_DoesNotDependOnDirectionsPerPass()
    {
        var c = new ModelCase(Activation.Sigmoid, Loss.SoftmaxCrossEntropy, hiddenLayers: 2, samples: 200, seed: 5);
        var op = (MlpSingleCurvatureOperator)new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = ProductPrecision.Single }.Hessian(c.Parameters);
        int d = c.Dimension, count = 8;
        double[] xs = ModelCase.RandomVector(count * d, 4), reference = new double[count * d], ys = new double[count * d];
        op.DirectionsPerPass = 1;
        op.ApplyMany(xs, reference, count);
        foreach (int perPass in new[] { 2, 3, 8 })
        {
            op.DirectionsPerPass = perPass;
            op.ApplyMany(xs, ys, count);
            Assert.That(ys, Is.EqualTo(reference).Using<double>(SameBits), $"{perPass} per pass");
        }
    }

    [Test]
    public void Products_AreBitwiseIdentical_ForOneThreadAndAllThreads()
    {
        // 650 samples: 11 blocks over 8 chunks.
        var c = new ModelCase(Activation.Tanh, Loss.SoftmaxCrossEntropy, hiddenLayers: 2, samples: 650, seed: 21);
        int d = c.Dimension, count = 5;
        double[] xs = ModelCase.RandomVector(count * d, 9);
        foreach (bool gaussNewton in new[] { false, true })
        {
            double[] serial = new double[count * d], parallel = new double[count * d];
            var one = new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = ProductPrecision.Single, MaxDegreeOfParallelism = 1 };
            var all = new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = ProductPrecision.Single, MaxDegreeOfParallelism = 0 };
            ((IBlockSymmetricOperator)(gaussNewton ? one.GaussNewton(c.Parameters) : one.Hessian(c.Parameters))).ApplyMany(xs, serial, count);
            ((IBlockSymmetricOperator)(gaussNewton ? all.GaussNewton(c.Parameters) : all.Hessian(c.Parameters))).ApplyMany(xs, parallel, count);
            Assert.That(parallel, Is.EqualTo(serial).Using<double>(SameBits), gaussNewton ? "GGN" : "Hessian");
            double[] y1 = new double[d], y2 = new double[d];
            (gaussNewton ? one.GaussNewton(c.Parameters) : one.Hessian(c.Parameters)).Apply(xs.AsSpan(0, d), y1);
            (gaussNewton ? all.GaussNewton(c.Parameters) : all.Hessian(c.Parameters)).Apply(xs.AsSpan(0, d), y2);
            Assert.That(y2, Is.EqualTo(y1).Using<double>(SameBits));
        }
    }

    // The Vector256 tiles give the same bits as the Vector512 ones (every element is the same float32 chain).
    [TestCase(Activation.Tanh, false)]
    [TestCase(Activation.Relu, true)]
    public void Products_AreBitwiseEqual_OnTheVector256AndVector512Tiles(Activation activation, bool gaussNewton)
    {
        var c = new ModelCase(activation, Loss.SoftmaxCrossEntropy, hiddenLayers: 2, samples: 150, seed: 11);
        var objective = new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = ProductPrecision.Single };
        int d = c.Dimension, count = 3;
        double[] xs = ModelCase.RandomVector(count * d, 6);
        double[] wide = new double[count * d], narrow = new double[count * d];
        bool saved = SparsityBounds.Numerics.Kernels.MatrixKernels.UseVector512;
        try
        {
            SparsityBounds.Numerics.Kernels.MatrixKernels.UseVector512 = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
            ((IBlockSymmetricOperator)(gaussNewton ? objective.GaussNewton(c.Parameters) : objective.Hessian(c.Parameters))).ApplyMany(xs, wide, count);
            SparsityBounds.Numerics.Kernels.MatrixKernels.UseVector512 = false;
            ((IBlockSymmetricOperator)(gaussNewton ? objective.GaussNewton(c.Parameters) : objective.Hessian(c.Parameters))).ApplyMany(xs, narrow, count);
        }
        finally { SparsityBounds.Numerics.Kernels.MatrixKernels.UseVector512 = saved; }
        Assert.That(narrow, Is.EqualTo(wide).Using<double>(SameBits));
    }

    [Test]
    public void Products_AllocateNothing_AfterTheFirstCall()
    {
        var c = new ModelCase(Activation.Sigmoid, Loss.SoftmaxCrossEntropy, hiddenLayers: 3, samples: 500);
        var objective = new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = ProductPrecision.Single };
        ISymmetricOperator op = objective.Hessian(c.Parameters);
        int d = c.Dimension, count = 8;
        double[] v = ModelCase.RandomVector(d, 2), y = new double[d];
        double[] xs = ModelCase.RandomVector(count * d, 1), ys = new double[count * d];
        Assert.That(AllocationAssert.SteadyStateBytes(() => op.Apply(v, y)), Is.Zero);
        Assert.That(AllocationAssert.SteadyStateBytes(() => ((IBlockSymmetricOperator)op).ApplyMany(xs, ys, count), callsPerRound: 10), Is.Zero);
    }

    [Test]
    public void ProductPrecision_DefaultsToDouble_AndRejectsUndefinedValues()
    {
        var c = new ModelCase(Activation.Relu, Loss.SoftmaxCrossEntropy, hiddenLayers: 1);
        MlpObjective objective = c.Objective();
        Assert.That(objective.ProductPrecision, Is.EqualTo(ProductPrecision.Double));
        Assert.That(objective.Hessian(c.Parameters), Is.InstanceOf<MlpCurvatureOperator>());
        Assert.That(new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = ProductPrecision.Single }.GaussNewton(c.Parameters),
            Is.InstanceOf<MlpSingleCurvatureOperator>());
        Assert.That(() => new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = (ProductPrecision)7 },
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("ProductPrecision"));
    }

    [Test]
    public void SingleOperator_RejectsBadSpans_LikeTheDoubleOne()
    {
        var c = new ModelCase(Activation.Relu, Loss.SoftmaxCrossEntropy, hiddenLayers: 1);
        ISymmetricOperator op = new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = ProductPrecision.Single }.Hessian(c.Parameters);
        Assert.That(() => op.Apply(new double[c.Dimension - 1], new double[c.Dimension]), Throws.ArgumentException);
        Assert.That(() => ((IBlockSymmetricOperator)op).ApplyMany(new double[2 * c.Dimension], new double[c.Dimension], 2), Throws.ArgumentException);
    }

    // End to end: the phase-transition estimate from SLQ with single vs double products (same probes, same seed) on a
    // trained net. Measured kept-fraction difference 4.2e-8 (0.1725498505 vs 0.1725498085); bound 1e-6.
    [Test]
    public void PhaseTransitionEstimate_WithSingleProducts_MatchesDouble()
    {
        (MlpObjective dbl, MlpObjective sgl, double[] theta) = Digits(trained: true, Activation.Relu);
        double epsilon = dbl.MinibatchLossStandardDeviation(theta);
        var options = new PhaseTransitionOptions { Prunable = dbl.Model.WeightMask(), Spectrum = new SlqOptions { Probes = 4, Steps = 80, Seed = 3 } };
        PhaseTransitionEstimate e64 = PhaseTransition.Estimate(theta, dbl.Hessian(theta), epsilon, options);
        PhaseTransitionEstimate e32 = PhaseTransition.Estimate(theta, sgl.Hessian(theta), epsilon, options);
        double difference = Math.Abs(e32.KeptFraction - e64.KeptFraction);
        TestContext.Out.WriteLine($"kept fraction double {e64.KeptFraction:R}, single {e32.KeptFraction:R}, difference {difference:E2}");
        Assert.That(e64.KeptFraction, Is.InRange(0.01, 0.99));
        Assert.That(difference, Is.LessThan(1e-6));
    }
}
