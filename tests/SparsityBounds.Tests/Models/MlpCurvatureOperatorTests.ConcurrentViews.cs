using SparsityBounds.Models;
using SparsityBounds.Operators;

namespace SparsityBounds.Tests.Models;

// Concurrent views of the MLP curvature operators: bitwise the products of the operator, also while several threads
// apply views at once, and no allocation per product.
public class MlpCurvatureOperatorConcurrentViewsTests
{
    private static bool SameBits(double p, double q) => BitConverter.DoubleToInt64Bits(p) == BitConverter.DoubleToInt64Bits(q);

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (ProductPrecision precision in Enum.GetValues<ProductPrecision>())
            foreach (Activation activation in new[] { Activation.Relu, Activation.Tanh })
                foreach (bool gaussNewton in new[] { false, true })
                    yield return new TestCaseData(precision, activation, gaussNewton);
    }

    [TestCaseSource(nameof(Cases))]
    public void Views_AppliedOnSeveralThreadsAtOnce_GiveTheOperatorsProducts_Bitwise(ProductPrecision precision, Activation activation, bool gaussNewton)
    {
        var c = new ModelCase(activation, Loss.SoftmaxCrossEntropy, hiddenLayers: 2, samples: 260, seed: 5);
        var objective = new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = precision };
        var op = (IConcurrentSymmetricOperator)(gaussNewton ? objective.GaussNewton(c.Parameters) : objective.Hessian(c.Parameters));
        int d = c.Dimension;
        const int threads = 3, rounds = 6;
        double[][] directions = Enumerable.Range(0, threads * rounds).Select(i => ModelCase.RandomVector(d, 40 + i)).ToArray();
        double[][] expected = directions.Select(x => { var y = new double[d]; op.Apply(x, y); return y; }).ToArray();

        // Thread 0 applies the operator itself, the others their own views; all start together.
        ISymmetricOperator[] appliers = [op, .. Enumerable.Range(1, threads - 1).Select(_ => op.CreateConcurrentView())];
        double[][] actual = directions.Select(_ => new double[d]).ToArray();
        using var barrier = new Barrier(threads);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            barrier.SignalAndWait();
            for (int r = 0; r < rounds; r++) appliers[t].Apply(directions[r * threads + t], actual[r * threads + t]);
        });
        for (int i = 0; i < directions.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Using<double>(SameBits), $"direction {i}");
        Assert.That(appliers[1].Dimension, Is.EqualTo(d));
        Assert.That(appliers[1], Is.InstanceOf<IBlockSymmetricOperator>(), "a view keeps the multi-direction products");
    }

    [TestCase(ProductPrecision.Double)]
    [TestCase(ProductPrecision.Single)]
    public void AView_AllocatesNothing_PerProduct(ProductPrecision precision)
    {
        var c = new ModelCase(Activation.Sigmoid, Loss.SoftmaxCrossEntropy, hiddenLayers: 2, samples: 300);
        var objective = new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = precision };
        ISymmetricOperator view = ((IConcurrentSymmetricOperator)objective.Hessian(c.Parameters)).CreateConcurrentView();
        double[] x = ModelCase.RandomVector(c.Dimension, 1), y = new double[c.Dimension];
        Assert.That(AllocationAssert.SteadyStateBytes(() => view.Apply(x, y), callsPerRound: 10), Is.Zero);
    }
}
