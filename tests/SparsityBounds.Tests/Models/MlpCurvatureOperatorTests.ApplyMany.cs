using SparsityBounds.Models;
using SparsityBounds.Operators;

namespace SparsityBounds.Tests.Models;

// Multi-direction products: each equals the single-direction product bitwise, for every activation, loss and curvature.
public class MlpCurvatureOperatorApplyManyTests
{
    private static bool SameBits(double p, double q) => BitConverter.DoubleToInt64Bits(p) == BitConverter.DoubleToInt64Bits(q);

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (Activation activation in Enum.GetValues<Activation>())
            foreach (Loss loss in Enum.GetValues<Loss>())
                foreach (bool gaussNewton in new[] { false, true })
                    yield return new TestCaseData(activation, loss, gaussNewton);
    }

    [TestCaseSource(nameof(Cases))]
    public void ApplyMany_EqualsApply_Bitwise(Activation activation, Loss loss, bool gaussNewton)
    {
        // 150 samples: three blocks (the last partial), so the stacked buffers hold partial blocks too.
        var c = new ModelCase(activation, loss, hiddenLayers: 2, samples: 150, regression: loss == Loss.MeanSquaredError, seed: 3);
        MlpObjective objective = c.Objective();
        ISymmetricOperator op = gaussNewton ? objective.GaussNewton(c.Parameters) : objective.Hessian(c.Parameters);
        var block = (IBlockSymmetricOperator)op;
        int d = c.Dimension;
        foreach (int count in new[] { 1, 3, 8, 11 })   // 11 = one full pass of 8 plus 3
        {
            double[] xs = ModelCase.RandomVector(count * d, 100 + count);
            double[] ys = new double[count * d];
            block.ApplyMany(xs, ys, count);
            var single = new double[d];
            for (int j = 0; j < count; j++)
            {
                op.Apply(xs.AsSpan(j * d, d), single);
                Assert.That(ys.AsSpan(j * d, d).ToArray(), Is.EqualTo(single).Using<double>(SameBits), $"count {count}, direction {j}");
            }
        }
    }

    [Test]
    public void ApplyMany_IsBitwiseIdentical_ForOneThreadAndAllThreads()
    {
        var c = new ModelCase(Activation.Tanh, Loss.SoftmaxCrossEntropy, hiddenLayers: 2, samples: 650, seed: 21);
        int d = c.Dimension, count = 5;
        double[] xs = ModelCase.RandomVector(count * d, 9);
        double[] serial = new double[count * d], parallel = new double[count * d];
        ((IBlockSymmetricOperator)c.Objective(maxDegreeOfParallelism: 1).Hessian(c.Parameters)).ApplyMany(xs, serial, count);
        ((IBlockSymmetricOperator)c.Objective(maxDegreeOfParallelism: 0).Hessian(c.Parameters)).ApplyMany(xs, parallel, count);
        Assert.That(parallel, Is.EqualTo(serial).Using<double>(SameBits));
    }

    [Test]
    public void ApplyMany_AllocatesNothing_AfterTheFirstCall()
    {
        var c = new ModelCase(Activation.Sigmoid, Loss.SoftmaxCrossEntropy, hiddenLayers: 3, samples: 500);
        var op = (IBlockSymmetricOperator)c.Objective().Hessian(c.Parameters);
        int d = c.Dimension, count = 8;
        double[] xs = ModelCase.RandomVector(count * d, 1), ys = new double[count * d];
        Assert.That(AllocationAssert.SteadyStateBytes(() => op.ApplyMany(xs, ys, count), callsPerRound: 10), Is.Zero);
    }

    [Test]
    public void ApplyMany_RejectsBadArguments_WithoutWriting()
    {
        var c = new ModelCase(Activation.Relu, Loss.SoftmaxCrossEntropy, hiddenLayers: 1);
        var op = (IBlockSymmetricOperator)c.Objective().Hessian(c.Parameters);
        int d = c.Dimension;
        double[] ys = Enumerable.Repeat(7.0, 2 * d).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(() => op.ApplyMany(new double[2 * d], ys, -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count"));
            Assert.That(() => op.ApplyMany(new double[2 * d - 1], ys, 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("xs"));
            Assert.That(() => op.ApplyMany(new double[2 * d], new double[d], 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("ys"));
            double[] shared = new double[3 * d];
            Assert.That(() => op.ApplyMany(shared.AsSpan(0, 2 * d), shared.AsSpan(d, 2 * d), 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("ys"));
            Assert.That(() => op.ApplyMany(ReadOnlySpan<double>.Empty, Span<double>.Empty, 0), Throws.Nothing);
        });
        Assert.That(ys, Is.All.EqualTo(7.0));
    }
}
